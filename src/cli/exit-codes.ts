// Exit codes of the clawfence CLI (documented in docs/exit-codes.md).

import { ClawfenceError, EXIT, exitCodeFor } from '../errors.js';

export { EXIT };

/** Maps any thrown value to an exit code and a one-line message (plus a hint line). */
export function describeFailure(err: unknown, verbose: boolean): { code: number; lines: string[]; json: Record<string, unknown> } {
  if (err instanceof ClawfenceError) {
    const lines = [`clawfence: ${err.message}`];
    if (err.hint !== undefined) lines.push(`  hint: ${err.hint}`);
    if (verbose)
      for (let c = err.cause; c !== undefined && c !== null; c = (c as { cause?: unknown }).cause) lines.push(`  cause: ${String((c as Error).message ?? c)}`);
    const issues = (err as ClawfenceError & { issues?: unknown[] }).issues;
    return {
      code: exitCodeFor(err.code),
      lines,
      json: {
        error: {
          code: err.code,
          message: err.message,
          ...(err.hint === undefined ? {} : { hint: err.hint }),
          ...(err.location === undefined ? {} : { location: err.location }),
          ...(issues === undefined ? {} : { issues }),
        },
      },
    };
  }
  const msg = err instanceof Error ? err.message : String(err);
  const lines = [`clawfence: internal error: ${msg.split('\n')[0] ?? ''}`, '  hint: this is a bug in clawfence; re-run with --verbose and report it'];
  if (verbose && err instanceof Error && err.stack !== undefined) lines.push(err.stack);
  return { code: exitCodeFor('internal'), lines, json: { error: { code: 'internal', message: msg } } };
}
