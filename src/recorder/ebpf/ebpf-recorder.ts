// The eBPF recorder: runs clawfence-rec (recorder.bpf.c + loader.c, built by
// scripts/build-recorder.sh) for one run cgroup and turns its JSON lines into a RawRecording.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ClawfenceError } from '../../errors.js';
import type { RunCgroup } from '../cgroup.js';
import { ABI_SLOTS, argSpecFlags } from '../arg-spec.js';
import type { ActiveRecording, RawArgValue, RawExec, RawRecording, RawSyscall, Recorder } from '../recorder.js';

/** 2: argument values recorded as tuples (socket's family, type and protocol together); 3: the
 * paths of successful execs (sched_process_exec). */
export const EBPF_RECORDER_VERSION = '3';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const RECORDER_BINARY = `${ROOT}.cache/recorder/clawfence-rec`;

/** scripts/build-recorder.sh's stamp: the sources' hash and the kernel the binary was built for. */
function expectedStamp(): string | undefined {
  try {
    const src = ['recorder.bpf.c', 'loader.c'].map((f) => readFileSync(`${ROOT}src/recorder/ebpf/${f}`));
    return `${createHash('sha256').update(Buffer.concat(src)).digest('hex').slice(0, 16)}-${release()}`;
  } catch {
    return undefined; // no sources (an installed package): the script says what is missing
  }
}

/** Builds the recorder binary when it is missing or stale (a no-op otherwise). Checked here
 * first, so that an up-to-date binary costs no shell (every `record` asks). */
export function ensureRecorderBuilt(): string {
  const stamp = expectedStamp();
  if (stamp !== undefined && existsSync(RECORDER_BINARY)) {
    try {
      if (readFileSync(`${ROOT}.cache/recorder/stamp`, 'utf8').trim() === stamp) return RECORDER_BINARY;
    } catch {
      /* no stamp: build */
    }
  }
  const r = spawnSync('bash', [`${ROOT}scripts/build-recorder.sh`], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(RECORDER_BINARY)) {
    throw new ClawfenceError('environment', `cannot build the eBPF recorder: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`, {
      hint: 'run scripts/setup-host.sh (clang, bpftool, libbpf-dev), or use --recorder ptrace',
    });
  }
  return RECORDER_BINARY;
}

type Line =
  | { type: 'ready'; cgroupId: number }
  | { type: 'count'; abi: number; runtime: boolean; nr: number; count: number; pid: number; tgid: number; ts: number; comm: string; exe: string }
  | { type: 'arg'; abi: number; nr: number; indices: number[]; values: string[]; count: number }
  | { type: 'exec'; path: string; count: number }
  | { type: 'summary'; outOfRange: number; lostFirstSeen: number; lostArgs: number; lostExecs: number };

export async function startEbpfRecording(cg: RunCgroup): Promise<ActiveRecording> {
  const bin = ensureRecorderBuilt();
  const argv = ['--cgroup', cg.dir, '--level', String(cg.level), ...argSpecFlags().flatMap((a) => ['--arg', a])];
  const child: ChildProcess = spawn(bin, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const lines: Line[] = [];
  const rl = createInterface({ input: child.stdout! });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new ClawfenceError('environment', 'the eBPF recorder did not start within 30 s', { hint: 'check `clawfence doctor`' })),
      30_000,
    );
    rl.on('line', (l) => {
      try {
        const parsed = JSON.parse(l) as Line;
        if (parsed.type === 'ready') {
          clearTimeout(timer);
          resolve();
        } else lines.push(parsed);
      } catch {
        /* not ours */
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new ClawfenceError('environment', `the eBPF recorder exited (${code}): ${stderr.trim().split('\n').pop() ?? ''}`, {
          hint: 'run as root on a kernel with BTF; see `clawfence doctor`, or use --recorder ptrace',
        }),
      );
    });
  });
  const stopChild = async (): Promise<number | null> => {
    if (child.exitCode === null) {
      child.stdin?.end('q\n');
      const t = setTimeout(() => child.kill('SIGTERM'), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    }
    return child.exitCode;
  };
  return {
    async abort() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop(): Promise<RawRecording> {
      const code = await stopChild();
      if (code !== 0) throw new ClawfenceError('environment', `the eBPF recorder failed (${code}): ${stderr.trim()}`, { hint: 'see `clawfence doctor`' });
      const syscalls: RawSyscall[] = [];
      const args: RawArgValue[] = [];
      const execs: RawExec[] = [];
      let summary: Extract<Line, { type: 'summary' }> | undefined;
      for (const l of lines) {
        const abi = 'abi' in l ? ABI_SLOTS[l.abi] : undefined;
        if (l.type === 'count' && abi !== undefined) {
          syscalls.push({
            abi,
            nr: abi === 'x32' ? l.nr | 0x40000000 : l.nr,
            count: l.count,
            runtime: l.runtime,
            comm: l.comm,
            exe: l.exe,
            pid: l.tgid,
            ts: l.ts,
          });
        } else if (l.type === 'arg' && abi !== undefined) {
          args.push({ abi, nr: abi === 'x32' ? l.nr | 0x40000000 : l.nr, indices: l.indices, values: l.values.map((v) => BigInt(v)), count: l.count });
        } else if (l.type === 'exec') execs.push({ path: l.path, count: l.count });
        else if (l.type === 'summary') summary = l;
      }
      if (summary === undefined)
        throw new ClawfenceError('environment', 'the eBPF recorder ended without its summary; the recording may be incomplete', {
          hint: 're-run the recording',
        });
      return {
        recorder: 'ebpf',
        version: EBPF_RECORDER_VERSION,
        syscalls,
        args,
        execs,
        lost: { outOfRange: summary.outOfRange, firstSeen: summary.lostFirstSeen, args: summary.lostArgs, execs: summary.lostExecs },
      };
    },
  };
}

/** The eBPF recorder: a BPF program on the sys_enter tracepoint, for the run cgroup's tasks under a filter. */
export const ebpfRecorder: Recorder = { name: 'ebpf', start: startEbpfRecording };
