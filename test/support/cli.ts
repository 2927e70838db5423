// Runs the built CLI (bin/clawfence.js → dist/) as a user would, without a shell.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/clawfence.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string; input?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Asserts the CLI's error contract: exactly one error line plus at most a hint line, no stack. */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr.trim().split('\n');
  return (
    lines.length >= 1 &&
    lines.length <= 2 &&
    lines[0]!.startsWith('clawfence: ') &&
    (lines[1] === undefined || lines[1].startsWith('  hint: ')) &&
    !/\n\s+at /.test(stderr)
  );
}
