// Running things for the bench: child processes with an argv (never a shell), timed from spawn to
// exit; peak memory when asked; and the cleanup that runs on every exit path, Ctrl-C included.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { interruptedBy, onCleanup, type CleanupHandle } from '../../src/util/cleanup.js';

// --- cleanup: src/util/cleanup.ts (onCleanup, interruptedBy, the signal handlers and exit codes) ---

/** While a child runs, a cleanup step that stops it: it gets the signal that stopped the bench
 * (SIGINT for Ctrl-C, else SIGTERM; it cleans up after itself: clawfence removes its containers,
 * recorder and cgroups) and is waited for, SIGKILLed after 20 s. */
function stopOnCleanup(what: string, child: ChildProcess): CleanupHandle {
  return onCleanup(
    what,
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 20_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill(interruptedBy() === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
      }),
  );
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

// --- running -------------------------------------------------------------------------------------

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit, in milliseconds. */
  ms: number;
  timedOut: boolean;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Called with the child's pid once it runs (memory sampling). */
  onSpawn?: (pid: number) => void;
  /** Run even after an interruption (the cleanup's own commands). */
  cleanup?: boolean;
}

export class BenchStopped extends Error {}

/** Runs argv[0] with the rest as arguments, stdout and stderr captured, stdin closed. */
export function run(argv: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  if (interruptedBy() !== undefined && o.cleanup !== true) return Promise.reject(new BenchStopped('interrupted'));
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('empty argv'));
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(file, args, { env: o.env ?? process.env, ...(o.cwd === undefined ? {} : { cwd: o.cwd }), stdio: ['ignore', 'pipe', 'pipe'] });
    // The cleanup's own commands are not stopped by the cleanup that runs them.
    const stop = o.cleanup === true ? undefined : stopOnCleanup(file, child);
    let t1: bigint | undefined;
    let timedOut = false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer =
      o.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }, o.timeoutMs);
    child.once('spawn', () => {
      if (child.pid !== undefined) o.onSpawn?.(child.pid);
    });
    child.once('exit', () => {
      t1 = process.hrtime.bigint();
    });
    child.once('error', (e) => {
      stop?.dismiss();
      if (timer !== undefined) clearTimeout(timer);
      reject(new Error(`cannot run ${file}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      stop?.dismiss();
      if (timer !== undefined) clearTimeout(timer);
      const end = t1 ?? process.hrtime.bigint();
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Number(end - t0) / 1e6, timedOut });
    });
  });
}

/** A long-lived helper (floor loader, test server) that prints a ready line; stopped by closing its
 * stdin and SIGTERM. */
export interface Helper {
  stop(): Promise<void>;
}

export function startHelper(
  what: string,
  argv: readonly string[],
  ready: RegExp,
  o: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Helper> {
  if (interruptedBy() !== undefined) return Promise.reject(new BenchStopped('interrupted'));
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(o.cwd === undefined ? {} : { cwd: o.cwd }),
      ...(o.env === undefined ? {} : { env: o.env }),
    });
    let out = '';
    let errText = '';
    let done = false;
    const exited = new Promise<void>((r) => child.once('close', () => r()));
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    };
    const step = onCleanup(what, stop);
    const fail = (why: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void step.run().finally(() => reject(new Error(`${what}: ${why}${errText.trim() === '' ? '' : ` (${errText.trim().split('\n').slice(-1)[0]})`}`)));
    };
    const timer = setTimeout(() => fail('not ready in time'), o.timeoutMs ?? 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!done && ready.test(out)) {
        done = true;
        clearTimeout(timer);
        resolve({ stop: () => step.run() });
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      errText += d.toString();
    });
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code) => fail(`exited (${code ?? 'signal'}) before it was ready`));
  });
}

// --- memory ------------------------------------------------------------------------------------

/** Peak resident memory of processes below `root`, by command name (kB), sampled from
 * /proc/<pid>/status VmHWM every few ms: the peak of a process is kept even after it exits. */
export class TreeSampler {
  private readonly peaks = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly root: number,
    private readonly names: readonly string[],
    private readonly everyMs = 20,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  stop(): Map<string, number> {
    if (this.timer !== undefined) clearInterval(this.timer);
    return this.peaks;
  }

  private sample(): void {
    for (const pid of descendants(this.root)) {
      let comm: string;
      let status: string;
      try {
        comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        if (!this.names.includes(comm)) continue;
        status = readFileSync(`/proc/${pid}/status`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
      if (m !== null) this.peaks.set(comm, Math.max(this.peaks.get(comm) ?? 0, Number(m[1])));
    }
  }
}

/** Every descendant of pid (children files of every thread, recursively). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop() as number;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      let kids: string;
      try {
        kids = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const k of kids.split(' '))
        if (k.trim() !== '') {
          out.push(Number(k));
          stack.push(Number(k));
        }
    }
  }
  return out;
}

export const TIME_BIN = '/usr/bin/time';
export function haveTime(): boolean {
  return existsSync(TIME_BIN);
}

/** Reads a file written by the child (memory hook, time -o), or undefined. */
export function readNumber(file: string): number | undefined {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const v = Number(lines[lines.length - 1]);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function tmpFile(dir: string, name: string): string {
  return join(dir, name);
}
