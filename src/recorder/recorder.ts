// The one recorder interface, and what a recorder delivers: per ABI and syscall number, how often
// it was made, the first process that made it, and the values of selected arguments (alone or
// together); the paths the tasks exec'd; plus whether anything was lost. Implemented by the eBPF recorder (ebpf/) and the
// ptrace fallback (ptrace/); record.ts chooses one, and test/live/recorder.case.ts runs the same
// live suite against each.

import type { Arch } from '../syscalls/arch.js';
import type { RunCgroup } from './cgroup.js';

/** The recorders clawfence has. */
export type RecorderName = 'ebpf' | 'ptrace';

/** A way of recording every syscall the tasks of one run cgroup make under their seccomp filter. */
export interface Recorder {
  readonly name: RecorderName;
  /** Starts recording the tasks that will enter this (still empty) run cgroup; resolves once no
   * call of theirs can be missed. Throws ClawfenceError 'environment' when this recorder cannot
   * work on this host (record's auto choice then falls back to the next one). */
  start(cg: RunCgroup): Promise<ActiveRecording>;
}

export interface RawSyscall {
  abi: Arch;
  nr: number;
  count: number;
  /** Made by the container runtime's init (runc:[2:INIT], crun) after it installed the filter. */
  runtime: boolean;
  comm: string;
  exe: string;
  pid: number;
  /** Monotonic nanoseconds of the first call (orders "first made by"). */
  ts: number;
}

/** The values a syscall's recorded arguments (src/recorder/arg-spec.ts: one, or a tuple) had
 * together in some calls, and how many calls had them. */
export interface RawArgValue {
  abi: Arch;
  nr: number;
  /** The argument indices, ascending. */
  indices: number[];
  /** values[i] is argument indices[i]'s (masked as arg-spec says). */
  values: bigint[];
  count: number;
}

/** A path the run's tasks exec'd successfully under their filter, as given to execve (execveat on
 * a descriptor: "/dev/fd/N", or "/dev/fd/N/NAME" relative to one), and how many times. */
export interface RawExec {
  path: string;
  count: number;
}

export interface RawRecording {
  recorder: RecorderName;
  version: string;
  syscalls: RawSyscall[];
  args: RawArgValue[];
  /** The execs seen (recorders since version 3; absent: not recorded). */
  execs?: RawExec[];
  /** Events that could not be recorded; a non-zero value makes the recording unusable. */
  lost: { outOfRange: number; firstSeen: number; args: number; execs?: number };
  note?: string;
}

export interface ActiveRecording {
  /** Stops recording and returns what was seen. */
  stop(): Promise<RawRecording>;
  /** Stops without reading (error paths). */
  abort(): Promise<void>;
}
