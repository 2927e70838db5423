// Footprints for the generator's tests, written the way `clawfence record` writes them: the
// container runtime's calls after it installed the filter (runc init, measured with the eBPF
// prototype on runc 1.1.5) come first and are marked runtime, then the tool's own calls.

import { ClawfenceError } from '../../src/errors.js';
import type { ArgTuples, ArgValues, Footprint, ProcessRef, SyscallUse } from '../../src/footprint/model.js';
import type { Arch } from '../../src/syscalls/arch.js';
import { syscallNumber } from '../../src/syscalls/table.js';

export const RUNC_INIT: ProcessRef = { comm: 'runc:[2:INIT]', exe: 'runc' };
export const PYTHON: ProcessRef = { comm: 'python3', exe: '/usr/local/bin/python3.11' };

/** What runc 1.1.5's init made on x86_64 between installing the filter and the tool's exec. */
/** What generate allows for runc without a recording (src/generator/runtime-allowance.ts). */
export const RUNC_ALLOWANCE = ['rt_sigreturn'];

export const RUNC_AFTER_FILTER = [
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

/** A small Python HTTP client's own calls on x86_64 (glibc without clone3: threads use clone). */
export const PYTHON_GET = [
  'arch_prctl',
  'brk',
  'clone',
  'close',
  'connect',
  'dup',
  'exit_group',
  'fcntl',
  'fstat',
  'futex',
  'getcwd',
  'getdents64',
  'getegid',
  'geteuid',
  'getgid',
  'getpeername',
  'getrandom',
  'getsockname',
  'getuid',
  'ioctl',
  'lseek',
  'mmap',
  'mprotect',
  'munmap',
  'newfstatat',
  'openat',
  'poll',
  'pread64',
  'prlimit64',
  'read',
  'readlink',
  'recvfrom',
  'rseq',
  'rt_sigaction',
  'rt_sigprocmask',
  'sendto',
  'set_robust_list',
  'set_tid_address',
  'setsockopt',
  'sigaltstack',
  'socket',
  'sysinfo',
  'uname',
  'write',
];

/** The same tool posting a body: a few more socket calls. */
export const PYTHON_POST = [...PYTHON_GET.filter((n) => n !== 'sysinfo'), 'getsockopt', 'shutdown', 'sendmsg'];

/** Argument values the recorder keeps for the calls that decide danger. */
const ARGS: Readonly<Record<string, ArgValues[]>> = {
  clone: [{ index: 0, values: [{ value: String(0x3d0f00), count: 1 }] }],
  socket: [
    { index: 0, values: [{ value: '2', count: 1 }] },
    { index: 1, values: [{ value: '1', count: 1 }] },
    { index: 2, values: [{ value: '0', count: 1 }] },
  ],
};
/** The combinations recorded with them (socket: AF_INET, SOCK_STREAM, 0). */
const TUPLES: Readonly<Record<string, ArgTuples[]>> = {
  socket: [{ indices: [0, 1, 2], values: [{ value: ['2', '1', '0'], count: 1 }] }],
};

export interface RecordingOptions {
  workload: string;
  abi?: Arch;
  runtime?: readonly string[];
  tool: readonly string[];
  by?: ProcessRef;
  createdAt?: string;
  /** Calls per syscall (default 1 for the runtime, 3 for the tool). */
  count?: number;
  /** Recorded argument values per syscall (replacing the defaults above): name → index → values. */
  args?: Readonly<Record<string, { index: number; values: bigint[] }>>;
  /** Recorded combinations per syscall (replacing the defaults and `args` for that syscall): the
   * per-index values are derived from them, as the recorder does. */
  tuples?: Readonly<Record<string, { indices: number[]; values: bigint[][] }>>;
}

/** One recording of one workload, as the recorder writes it. */
export function recording(o: RecordingOptions): Footprint {
  const abi = o.abi ?? 'x86_64';
  const uses: Record<string, SyscallUse> = {};
  const add = (name: string, count: number, by: ProcessRef, runtime: boolean): void => {
    const prev = uses[name];
    if (prev !== undefined) {
      uses[name] = { ...prev, count: prev.count + count, runtime: prev.runtime === true && runtime };
      return;
    }
    const nr = syscallNumber(abi, name);
    if (nr === undefined) throw new ClawfenceError('internal', `test fixture: ${name} does not exist on ${abi}`);
    const own = o.args?.[name];
    const tuples = o.tuples?.[name];
    let args = own === undefined ? ARGS[name] : [{ index: own.index, values: own.values.map((v) => ({ value: v.toString(), count })) }];
    let argTuples = own === undefined ? TUPLES[name] : undefined;
    if (tuples !== undefined) {
      args = tuples.indices.map((index, k) => ({
        index,
        values: [...new Set(tuples.values.map((t) => t[k] as bigint))]
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
          .map((v) => ({ value: v.toString(), count })),
      }));
      argTuples = [{ indices: tuples.indices, values: tuples.values.map((t) => ({ value: t.map(String), count })) }];
    }
    uses[name] = {
      count,
      nr,
      firstBy: by,
      runtime,
      workloads: [o.workload],
      ...(args === undefined ? {} : { args: structuredClone(args) }),
      ...(argTuples === undefined ? {} : { argTuples: structuredClone(argTuples) }),
    };
  };
  for (const n of o.runtime ?? []) add(n, 1, RUNC_INIT, true);
  for (const n of o.tool) add(n, o.count ?? 3, o.by ?? PYTHON, false);
  for (const u of Object.values(uses)) if (u.runtime !== true) delete u.runtime;
  const createdAt = o.createdAt ?? '2025-01-01T00:00:00.000Z';
  return {
    schemaVersion: 1,
    arch: 'x86_64',
    syscalls: { [abi]: uses },
    workloads: [
      {
        name: o.workload,
        argv: ['docker', 'run', '--rm', 'flask-tool:latest', 'process_request', o.workload],
        exitCode: 0,
        image: { ref: 'flask-tool:latest', id: 'sha256:0f1e' },
        startedAt: createdAt,
      },
    ],
    provenance: {
      engine: { name: 'docker', version: '20.10.24', runtime: 'runc', runtimeVersion: '1.1.5' },
      kernel: '6.1.0',
      recorder: { name: 'ebpf', version: '1' },
      clawfence: '0.1.0',
      createdAt,
    },
  };
}

/** The x86_64 footprints of the Flask-style tool's two workloads. */
export function flaskFootprints(): Footprint[] {
  return [
    recording({ workload: 'get', runtime: RUNC_AFTER_FILTER, tool: PYTHON_GET, createdAt: '2025-01-01T10:00:00.000Z' }),
    recording({ workload: 'post', runtime: RUNC_AFTER_FILTER, tool: PYTHON_POST, createdAt: '2025-01-01T10:05:00.000Z' }),
  ];
}

/** Adds calls on another ABI to a footprint (a 32-bit helper binary in the image). */
export function withAbi(fp: Footprint, abi: Arch, names: readonly string[], by: ProcessRef, workload: string): Footprint {
  const out = structuredClone(fp);
  out.syscalls[abi] = Object.fromEntries(
    names.map((n) => {
      const nr = syscallNumber(abi, n);
      if (nr === undefined) throw new ClawfenceError('internal', `test fixture: ${n} does not exist on ${abi}`);
      return [n, { count: 2, nr, firstBy: by, workloads: [workload] }];
    }),
  );
  return out;
}

/** A permutation of the array for a seed (deterministic, so failures reproduce). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The same footprint with every object's keys in reverse order (as another writer might emit). */
export function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  ) as T;
}
