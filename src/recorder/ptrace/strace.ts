// Runs the host's strace against processes that already exist (-p, following every clone with
// -f), its trace streamed through a pipe (-o '|cat': strace's own stdout is free, as it runs no
// command): strace blocks when clawfence reads slowly, so no line is ever dropped. Arguments that decide danger (and seccomp's) are printed raw, as integers.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ClawfenceError } from '../../errors.js';
import { DANGER_ARGS } from '../arg-spec.js';

/** strace 5.15 added -Y (comm of every task); -n came in 5.9. */
const MIN_VERSION = [5, 15] as const;

/** The host strace's version ("6.1"); throws when it is missing or too old. */
export function straceVersion(): string {
  const r = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  const m = /version (\d+)\.(\d+)/.exec(r.stdout ?? '');
  if (r.error !== undefined || m === null) {
    throw new ClawfenceError('environment', 'strace is not installed: the ptrace recorder needs it', {
      hint: 'apt-get install strace, or record with --recorder ebpf',
    });
  }
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < MIN_VERSION[0] || (major === MIN_VERSION[0] && minor < MIN_VERSION[1])) {
    throw new ClawfenceError('environment', `strace ${major}.${minor} is too old for the ptrace recorder (it needs ${MIN_VERSION.join('.')} or later)`, {
      hint: 'install a newer strace, or record with --recorder ebpf',
    });
  }
  return `${major}.${minor}`;
}

/** strace's options: follow clones, print numbers (-n), task names and pids as the host numbers
 * them (a container's pid namespace differs), constants as numbers (-X raw), keep personality
 * switches and exits, drop signals, strings and structures (but clone3's flags). The danger
 * arguments and seccomp's are printed raw, in register order — except clone's, whose return value
 * (the child) must stay decoded; its flags are read from "flags=…". */
export function straceArgs(pids: readonly number[]): string[] {
  const raw = [...Object.keys(DANGER_ARGS).filter((n) => n !== 'clone'), 'seccomp'].join(',');
  return [
    '-f',
    '-n',
    '--decode-pids=comm,pidns',
    '-X',
    'raw',
    '--quiet=attach',
    '-s',
    '0',
    '-e',
    'signal=none',
    '-e',
    'verbose=clone3',
    '-e',
    `raw=${raw}`,
    '-o',
    '|cat',
    ...pids.flatMap((p) => ['-p', String(p)]),
  ];
}

export interface StraceRun {
  child: ChildProcess;
  /** Resolves when strace has exited and every trace line has been delivered. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Starts strace on the given processes; every trace line goes to onLine, in order. */
export function runStrace(pids: readonly number[], onLine: (line: string) => void): StraceRun {
  const child = spawn('strace', straceArgs(pids), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  if (child.stdout === null) throw new ClawfenceError('internal', "no pipe for strace's trace");
  const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
  rl.on('line', onLine);
  const linesDone = new Promise<void>((resolve) => rl.on('close', resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', () => resolve({ code: null, signal: null }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, done: Promise.all([exited, linesDone]).then(([e]) => e), stderr: () => stderr };
}
