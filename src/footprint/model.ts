// The recorded footprint of one or more workloads: which syscalls every process of a container
// made on which ABI from the moment its seccomp filter was installed, how often, who made each
// first, which argument values were seen for the arguments that decide danger (alone, and as
// tuples where the combination matters), which executables they exec'd, and where the recording
// came from. Versioned JSON
// (schemaVersion 1, schema in docs/footprint.schema.json); only schemaVersion and syscalls are
// required, so hand-written footprints stay small.

import type { Arch } from '../syscalls/arch.js';

export const FOOTPRINT_SCHEMA_VERSION = 1;

/** A process as the recorder saw it (comm is the kernel's 15-character task name). */
export interface ProcessRef {
  comm: string;
  exe?: string;
  pid?: number;
}

export interface ArgValues {
  index: number;
  /** Distinct values seen (decimal strings: 64-bit exact), with how often. */
  values: { value: string; count: number }[];
}

/** Combinations of argument values seen together in one call (socket's family, type and
 * protocol: AF_NETLINK with NETLINK_ROUTE is not AF_NETLINK with NETLINK_AUDIT). The per-index
 * `args` of the same syscall are these tuples projected on each index (a footprint may carry
 * either alone). */
export interface ArgTuples {
  /** The argument indices, ascending, at least two. */
  indices: number[];
  /** Distinct combinations seen: value[i] is the value of argument indices[i] (decimal strings),
   * with how often. */
  values: { value: string[]; count: number }[];
}

/** socket's and socketpair's type (argument 1) is recorded without SOCK_NONBLOCK and
 * SOCK_CLOEXEC: type & SOCK_TYPE_MASK, the kernel's own mask (include/linux/net.h). A rule on the
 * recorded type compares under this mask. */
export const SOCK_TYPE_MASK = 0xfn;

export interface SyscallUse {
  /** How many times the syscall was seen (0 means listed but never seen, i.e. not used). */
  count: number;
  /** The syscall number on this ABI. */
  nr?: number;
  /** The first process that made it. */
  firstBy?: ProcessRef;
  /** True when only the container runtime (runc/crun init, after installing the filter) made it. */
  runtime?: boolean;
  /** Names of the workloads that made it. */
  workloads?: string[];
  /** Values of the arguments that decide danger (clone flags, socket family, …), per index. */
  args?: ArgValues[];
  /** Values of arguments that decide danger together (socket: family, type, protocol;
   * socketpair: family, type; setsockopt: level, optname), per set of indices. */
  argTuples?: ArgTuples[];
}

/** A path the workloads exec'd successfully (from inside the container, after the runtime
 * installed the filter: the runtime's exec of the tool included), exactly as given to
 * execve/execveat (not resolved through symlinks; an execveat on a descriptor reads
 * "/dev/fd/N"), how many times, and by which workloads. */
export interface ExecutableUse {
  path: string;
  count: number;
  workloads?: string[];
}

export interface WorkloadRecord {
  name: string;
  argv: string[];
  exitCode: number;
  image?: { ref: string; id?: string };
  containerIds?: string[];
  startedAt?: string;
  endedAt?: string;
}

export interface Provenance {
  engine?: { name: string; version?: string; runtime?: string; runtimeVersion?: string; host?: string };
  kernel?: string;
  recorder?: { name: 'ebpf' | 'ptrace'; version: string; note?: string };
  clawfence?: string;
  createdAt?: string;
}

export interface Footprint {
  schemaVersion: typeof FOOTPRINT_SCHEMA_VERSION;
  /** The native ABI of the host it was recorded on, when known. */
  arch?: Arch;
  /** Per ABI, per syscall name. */
  syscalls: Partial<Record<Arch, Record<string, SyscallUse>>>;
  /** Every path exec'd, sorted by path. Absent: the recorder did not record execs (before
   * recorder version 3), which is not the same as an empty list. */
  executables?: ExecutableUse[];
  workloads?: WorkloadRecord[];
  provenance?: Provenance;
}

/** The ABIs the workload used (at least one call seen). */
export function footprintAbis(fp: Footprint): Arch[] {
  return (Object.keys(fp.syscalls) as Arch[]).filter((abi) => Object.values(fp.syscalls[abi] ?? {}).some((u) => u.count > 0));
}

/** Names of the syscalls seen at least once on this ABI. */
export function usedSyscalls(fp: Footprint, abi: Arch): Set<string> {
  const m = fp.syscalls[abi];
  if (m === undefined) return new Set();
  return new Set(
    Object.entries(m)
      .filter(([, u]) => u.count > 0)
      .map(([n]) => n),
  );
}
