// B5's input: 100 varied footprints, synthesized deterministically in the shape `clawfence record`
// writes (docs/footprint.schema.json): runc's calls after the filter marked runtime, then 35–90
// tool calls drawn from a pool of what real tools make, with counts, first processes and the values
// of the arguments that decide danger; one in ten also uses the i386 ABI. Same seed, same files.

import type { ArgValues, Footprint, SyscallUse } from '../../src/footprint/model.js';
import type { Arch } from '../../src/syscalls/arch.js';
import { syscallNumber } from '../../src/syscalls/table.js';

/** What runc 1.1.5's init makes on x86_64 between installing the filter and exec'ing the tool
 * (recorded here with the eBPF recorder). */
const RUNC_AFTER_FILTER = [
  'capget',
  'capset',
  'chdir',
  'close',
  'epoll_ctl',
  'execve',
  'faccessat2',
  'fcntl',
  'fstat',
  'fstatfs',
  'futex',
  'getcwd',
  'getdents64',
  'getpid',
  'getppid',
  'newfstatat',
  'openat',
  'prctl',
  'read',
  'setgid',
  'setgroups',
  'setuid',
  'write',
];

/** Calls real tools (Python, Node, shell + curl/jq, static binaries) make on x86_64. */
export const TOOL_POOL = [
  'access',
  'arch_prctl',
  'bind',
  'brk',
  'clock_gettime',
  'clock_nanosleep',
  'clone',
  'clone3',
  'close',
  'close_range',
  'connect',
  'dup',
  'dup2',
  'dup3',
  'epoll_create1',
  'epoll_ctl',
  'epoll_pwait',
  'epoll_wait',
  'eventfd2',
  'execve',
  'exit',
  'exit_group',
  'faccessat2',
  'fadvise64',
  'fchdir',
  'fchmod',
  'fcntl',
  'fdatasync',
  'flock',
  'fstat',
  'fstatfs',
  'fsync',
  'ftruncate',
  'futex',
  'getcwd',
  'getdents64',
  'getegid',
  'geteuid',
  'getgid',
  'getgroups',
  'getpeername',
  'getpgrp',
  'getpid',
  'getppid',
  'getrandom',
  'getrlimit',
  'getrusage',
  'getsockname',
  'getsockopt',
  'gettid',
  'gettimeofday',
  'getuid',
  'ioctl',
  'kill',
  'lseek',
  'lstat',
  'madvise',
  'membarrier',
  'mkdir',
  'mmap',
  'mprotect',
  'mremap',
  'munmap',
  'nanosleep',
  'newfstatat',
  'open',
  'openat',
  'pipe',
  'pipe2',
  'poll',
  'ppoll',
  'prctl',
  'pread64',
  'prlimit64',
  'pselect6',
  'pwrite64',
  'read',
  'readlink',
  'readlinkat',
  'readv',
  'recvfrom',
  'recvmsg',
  'rename',
  'renameat2',
  'rseq',
  'rt_sigaction',
  'rt_sigprocmask',
  'rt_sigreturn',
  'sched_getaffinity',
  'sched_yield',
  'select',
  'sendmmsg',
  'sendmsg',
  'sendto',
  'set_robust_list',
  'set_tid_address',
  'setsockopt',
  'shutdown',
  'sigaltstack',
  'socket',
  'socketpair',
  'stat',
  'statfs',
  'statx',
  'sysinfo',
  'tgkill',
  'umask',
  'uname',
  'unlink',
  'unlinkat',
  'utimensat',
  'vfork',
  'wait4',
  'write',
  'writev',
];

/** i386 calls of a 32-bit helper binary. */
const I386_POOL = [
  'read',
  'write',
  'open',
  'close',
  'brk',
  'mmap2',
  'munmap',
  'mprotect',
  'exit_group',
  'fstat64',
  'stat64',
  '_llseek',
  'set_thread_area',
  'rt_sigaction',
  'rt_sigprocmask',
  'socketcall',
  'ioctl',
  'fcntl64',
  'getpid',
  'uname',
  'access',
  'readlink',
];

/** Values of the danger-deciding arguments (one index each, src/recorder/arg-spec.ts; the argument
 * tuples the recorder also keeps for socket, socketpair and setsockopt are not synthesized). */
const ARG_VALUES: Readonly<Record<string, { index: number; values: readonly number[] }>> = {
  clone: { index: 0, values: [0x3d0f00, 0x1200011, 0x11] },
  socket: { index: 0, values: [1, 2, 10, 16] },
  socketpair: { index: 0, values: [1] },
  socketcall: { index: 0, values: [1, 3, 9, 10] },
  prctl: { index: 0, values: [8, 15, 16, 24, 38, 47] },
  ioctl: { index: 1, values: [0x5401, 0x5413, 0x5421, 0x5451, 0x541b] },
  fcntl: { index: 1, values: [1, 2, 3, 4] },
  mmap: { index: 2, values: [0, 1, 3, 5] },
  mprotect: { index: 2, values: [0, 1, 3] },
};

const COMMS: readonly { comm: string; exe: string }[] = [
  { comm: 'python3', exe: 'python3.11' },
  { comm: 'node', exe: 'node' },
  { comm: 'sh', exe: 'dash' },
  { comm: 'curl', exe: 'curl' },
  { comm: 'jq', exe: 'jq' },
  { comm: 'process_request', exe: 'python3.11' },
];

/** A small seeded PRNG (mulberry32): deterministic, so the 100 files are the same every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[], k: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out.slice(0, Math.min(k, out.length));
}

function use(abi: Arch, name: string, count: number, by: { comm: string; exe: string }, workload: string, rand: () => number, runtime: boolean): SyscallUse {
  const nr = syscallNumber(abi, name);
  if (nr === undefined) throw new Error(`bench footprints: ${name} does not exist on ${abi}`);
  const spec = ARG_VALUES[name];
  const args: ArgValues[] | undefined =
    spec === undefined || runtime
      ? undefined
      : [
          {
            index: spec.index,
            values: pick(rand, spec.values, 1 + Math.floor(rand() * spec.values.length))
              .sort((x, y) => x - y)
              .map((v) => ({ value: String(v), count: 1 + Math.floor(rand() * 50) })),
          },
        ];
  return {
    count,
    nr,
    firstBy: { comm: by.comm, exe: by.exe, pid: 1 },
    ...(runtime ? { runtime: true } : {}),
    workloads: [workload],
    ...(args === undefined ? {} : { args }),
  };
}

/** Footprint i of the synthesized set. */
export function syntheticFootprint(i: number, seed = 20250101): Footprint {
  const rand = prng(seed + i * 7919);
  const workload = `tool-${i % 10}/workload-${i}`;
  const image = `bench/tool-${i % 10}:latest`;
  const by = COMMS[i % COMMS.length] as { comm: string; exe: string };
  const native: Record<string, SyscallUse> = {};
  for (const n of RUNC_AFTER_FILTER) native[n] = use('x86_64', n, 1 + Math.floor(rand() * 3), { comm: 'runc:[2:INIT]', exe: 'runc' }, workload, rand, true);
  for (const n of pick(rand, TOOL_POOL, 35 + Math.floor(rand() * 56))) {
    const u = use('x86_64', n, 1 + Math.floor(rand() * 5000), by, workload, rand, false);
    const prev = native[n];
    // A call both made: the tool's use wins (it is not runtime-only), as the recorder merges them.
    native[n] = prev === undefined ? u : { ...u, count: u.count + prev.count };
  }
  const syscalls: Footprint['syscalls'] = { x86_64: native };
  if (i % 10 === 7) {
    const helper = { comm: 'legacy-helper', exe: 'legacy-helper' };
    syscalls.x86 = Object.fromEntries(
      pick(rand, I386_POOL, 10 + Math.floor(rand() * 11)).map((n) => [n, use('x86', n, 1 + Math.floor(rand() * 200), helper, workload, rand, false)]),
    );
  }
  const t = new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
  return {
    schemaVersion: 1,
    arch: 'x86_64',
    syscalls,
    workloads: [{ name: workload, argv: ['docker', 'run', '--rm', image, 'run', String(i)], exitCode: 0, image: { ref: image }, startedAt: t, endedAt: t }],
    provenance: {
      engine: { name: 'docker', version: '20.10.24', runtime: 'runc' },
      kernel: '6.1.0',
      recorder: { name: 'ebpf', version: '1' },
      clawfence: '0.1.0',
      createdAt: t,
    },
  };
}

export function syntheticFootprints(n = 100, seed = 20250101): Footprint[] {
  return Array.from({ length: n }, (_, i) => syntheticFootprint(i, seed));
}
