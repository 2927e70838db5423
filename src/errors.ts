// The closed set of errors clawfence reports, and how each maps to an exit code.

/** Every failure clawfence reports has one of these codes; anything else is `internal`. */
export type ErrorCode =
  | 'bad-input' // malformed file, unknown syscall/arch/flag value, bad argv
  | 'not-found' // a named file does not exist
  | 'exists' // refusing to overwrite without --force
  | 'lossy' // an export would lose meaning and --lossy was not given
  | 'environment' // missing engine, privileges, kernel feature or tool
  | 'internal';

/** Exit codes, documented in docs/exit-codes.md. */
export const EXIT = {
  ok: 0,
  findings: 1,
  badInput: 2,
} as const;

/** A location inside an input file: JSON path plus 1-based line and column. */
export interface SourceLocation {
  file?: string;
  path: string; // JSON path, e.g. $.syscalls[3].names[0]
  line?: number;
  column?: number;
}

export class ClawfenceError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; location?: SourceLocation; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ClawfenceError';
    this.code = code;
    this.hint = opts.hint;
    this.location = opts.location;
  }
}

/** Formats a location as `file:line:col at $.path` (parts that are unknown are left out). */
export function formatLocation(loc: SourceLocation): string {
  const pos = loc.line === undefined ? '' : `:${loc.line}:${loc.column ?? 1}`;
  const file = loc.file ?? '<input>';
  return `${file}${pos} at ${loc.path}`;
}

export function exitCodeFor(code: ErrorCode): number {
  return code === 'internal' ? 70 : EXIT.badInput;
}
