// Runs a program with an argv (never through a shell) and collects its exit code and output.

import { spawn } from 'node:child_process';

export interface CommandResult {
  /** The exit code, or null when the program could not start, timed out or died of a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why there is no exit code: the program is not installed, ran too long, or was killed. */
  failure?: 'not-found' | 'timeout' | 'signal' | 'spawn-error';
  signal?: NodeJS.Signals;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  cwd?: string;
}

/** Runs `file args…` to completion; never throws for the program's own failures. */
export function runCommand(file: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(file, [...args], {
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout: '', stderr: e.message, failure: e.code === 'ENOENT' ? 'not-found' : 'spawn-error' });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) resolve({ code: null, stdout, stderr, failure: 'timeout' });
      else if (code === null) resolve({ code: null, stdout, stderr, failure: 'signal', ...(signal === null ? {} : { signal }) });
      else resolve({ code, stdout, stderr });
    });
  });
}

/** The first non-empty line of a program's stderr (or stdout), for one-line error messages. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}
