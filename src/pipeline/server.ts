// Loopback test servers that workloads talk to: started before a run, stopped on every exit path.

import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { ClawfenceError } from '../errors.js';
import { onCleanup, type CleanupHandle } from '../util/cleanup.js';

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

/** Starts `argv` and waits until it is ready: until a stdout line matches `readyStdout` when given
 * (such a server joins one already on the port and stays up while anyone uses it), else until the
 * port accepts — and when something already listens there without `readyStdout`, uses that. */
export async function ensureServer(argv: string[], port: number, timeoutMs = 20_000, readyStdout?: string): Promise<RunningServer> {
  if (readyStdout === undefined && (await portOpen(port))) return { port, stop: async () => undefined };
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new ClawfenceError('bad-input', 'a server argv is empty', { hint: 'give the command that starts the test server' });
  const child: ChildProcess = spawn(cmd === 'node' ? process.execPath : cmd, args, {
    stdio: ['ignore', readyStdout === undefined ? 'ignore' : 'pipe', 'ignore'],
  });
  let ready = readyStdout === undefined;
  if (readyStdout !== undefined) {
    const re = new RegExp(readyStdout, 'm');
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (re.test(out)) ready = true;
    });
  }
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const step: CleanupHandle = onCleanup(`test server on port ${port}`, async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
  const until = Date.now() + timeoutMs;
  while (!ready || !(await portOpen(port))) {
    if (exited || Date.now() > until) {
      await step.run();
      throw new ClawfenceError('environment', `the test server (${argv.join(' ')}) did not listen on 127.0.0.1:${port}`, {
        hint: 'run it by hand to see why; is the port free?',
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, stop: () => step.run() };
}
