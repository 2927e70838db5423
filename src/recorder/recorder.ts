// What a recorder delivers: per ABI and syscall number, how often it was made, the first process
// that made it, and the values of selected arguments; plus whether anything was lost.

import type { Arch } from '../syscalls/arch.js';

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

export interface RawArgValue {
  abi: Arch;
  nr: number;
  index: number;
  value: bigint;
  count: number;
}

export interface RawRecording {
  recorder: 'ebpf' | 'ptrace';
  version: string;
  syscalls: RawSyscall[];
  args: RawArgValue[];
  /** Events that could not be recorded; a non-zero value makes the recording unusable. */
  lost: { outOfRange: number; firstSeen: number; args: number };
  note?: string;
}

export interface ActiveRecording {
  /** Stops recording and returns what was seen. */
  stop(): Promise<RawRecording>;
  /** Stops without reading (error paths). */
  abort(): Promise<void>;
}
