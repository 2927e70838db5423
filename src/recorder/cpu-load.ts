// CPU load for a runtime calibration: busy-loop processes (one per CPU by default) that keep every
// CPU busy, so the runtime's timing-dependent calls (Go's preemption signals, futex waits in runc)
// show up as they do on a loaded host. Each worker ends by itself after maxMs, and is killed when
// the load is stopped and on every exit path (util/cleanup.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { onCleanup } from '../util/cleanup.js';

export interface CpuLoadOptions {
  /** How many busy-loop processes (default: one per CPU). */
  workers?: number;
  /** Each worker exits by itself after this long, whatever happens to this process (default 10 min). */
  maxMs?: number;
}

export interface CpuLoad {
  workers: number;
  cpus: number;
  /** Kills the workers and waits until they are gone (idempotent). */
  stop(): Promise<void>;
}

const DEFAULT_MAX_MS = 10 * 60_000;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts the busy loops; resolves once every worker runs. */
export async function startCpuLoad(o: CpuLoadOptions = {}): Promise<CpuLoad> {
  const cpus = availableParallelism();
  const workers = Math.max(1, o.workers ?? cpus);
  const maxMs = Math.max(1, Math.round(o.maxMs ?? DEFAULT_MAX_MS));
  // The bound is in the worker itself: no orphan spins on if this process is killed with SIGKILL.
  const code = `const end = Date.now() + ${maxMs}; let x = 0; while (Date.now() < end) { for (let i = 0; i < 1e5; i++) x += i; }`;
  const children: ChildProcess[] = [];
  const kill = async (): Promise<void> => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
  };
  const step = onCleanup(`${workers} CPU load processes`, kill);
  try {
    for (let i = 0; i < workers; i++) {
      const c = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
      children.push(c);
      await new Promise<void>((resolve, reject) => {
        c.once('spawn', () => resolve());
        c.once('error', reject);
      });
    }
  } catch (e) {
    await step.run();
    throw e;
  }
  return { workers, cpus, stop: () => step.run() };
}
