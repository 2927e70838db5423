// The arguments that decide how dangerous a syscall is, recorded by value: one argument for most
// syscalls, up to three recorded together (as one tuple per call) where the combination matters.
// Both recorders take this table: the BPF program holds up to MAX_TUPLE indices per syscall.

import { SOCK_TYPE_MASK } from '../footprint/model.js';
import { syscallNumber } from '../syscalls/table.js';
import type { Arch } from '../syscalls/arch.js';

/** One recorded argument: its index, and the bits of it that are kept (all when no mask). */
export interface ArgField {
  index: number;
  mask?: bigint;
}

/** The most arguments recorded together (recorder.bpf.c's MAX_TUPLE). */
export const MAX_TUPLE = 3;

const arg = (index: number, mask?: bigint): ArgField => (mask === undefined ? { index } : { index, mask });

/** syscall → the arguments whose values are recorded, ascending by index; several are recorded as
 * tuples (a footprint's argTuples) as well as one by one (its args). */
export const DANGER_ARGS: Readonly<Record<string, readonly ArgField[]>> = {
  clone: [arg(0)], // namespace flags (CLONE_NEW*)
  unshare: [arg(0)], // namespace flags
  setns: [arg(1)], // namespace type
  // family (AF_NETLINK, AF_VSOCK, AF_ALG, …), type without SOCK_NONBLOCK|SOCK_CLOEXEC (AF_INET
  // SOCK_RAW is not SOCK_STREAM), protocol (NETLINK_ROUTE is not NETLINK_AUDIT)
  socket: [arg(0), arg(1, SOCK_TYPE_MASK), arg(2)],
  socketpair: [arg(0), arg(1, SOCK_TYPE_MASK)],
  setsockopt: [arg(1), arg(2)], // level, optname (netfilter's IPT_SO_SET_REPLACE: CVE-2021-22555)
  socketcall: [arg(0)], // i386: which socket call (its arguments are in memory, out of reach)
  personality: [arg(0)],
  prctl: [arg(0)], // option
  ioctl: [arg(1)], // request
  ptrace: [arg(0)], // request
  keyctl: [arg(0)],
  bpf: [arg(0)], // command
  fcntl: [arg(1)],
  mmap: [arg(2)], // protection (PROT_EXEC)
  mprotect: [arg(2)],
};

/** The value recorded for an argument: its register value with the field's mask applied. */
export function recordedValue(f: ArgField, raw: bigint): bigint {
  return f.mask === undefined ? raw : raw & f.mask;
}

/** The recorder's ABI slots: 0 native x86_64, 1 i386, 2 x32. */
export const ABI_SLOTS: readonly Arch[] = ['x86_64', 'x86', 'x32'];

/** clawfence-rec's --arg values, one per (ABI slot, syscall): "SLOT:NR:INDEX[&MASK],…", the
 * number within the slot (x32's without its 0x40000000 bit), masks in hex. */
export function argSpecFlags(): string[] {
  const out: string[] = [];
  ABI_SLOTS.forEach((abi, slot) => {
    for (const [name, fields] of Object.entries(DANGER_ARGS)) {
      const nr = syscallNumber(abi, name);
      if (nr === undefined) continue;
      const spec = fields.map((f) => (f.mask === undefined ? String(f.index) : `${f.index}&0x${f.mask.toString(16)}`)).join(',');
      out.push(`${slot}:${abi === 'x32' ? nr & ~0x40000000 : nr}:${spec}`);
    }
  });
  return out;
}
