// The arguments that decide how dangerous a syscall is, recorded by value (at most one per
// syscall, as the BPF map holds one index per syscall).

import { syscallNumber } from '../syscalls/table.js';
import type { Arch } from '../syscalls/arch.js';

/** syscall → argument index whose values are recorded. */
export const DANGER_ARGS: Readonly<Record<string, number>> = {
  clone: 0, // namespace flags (CLONE_NEW*)
  unshare: 0, // namespace flags
  setns: 1, // namespace type
  socket: 0, // address family (AF_NETLINK, AF_VSOCK, AF_ALG, …)
  socketpair: 0,
  socketcall: 0, // i386: which socket call
  personality: 0,
  prctl: 0, // option
  ioctl: 1, // request
  ptrace: 0, // request
  keyctl: 0,
  bpf: 0, // command
  fcntl: 1,
  mmap: 2, // protection (PROT_EXEC)
  mprotect: 2,
};

/** The recorder's ABI slots: 0 native x86_64, 1 i386, 2 x32. */
export const ABI_SLOTS: readonly Arch[] = ['x86_64', 'x86', 'x32'];

/** (slot, nr within the slot, index) triples for the BPF argspec map. */
export function argSpecTriples(): [number, number, number][] {
  const out: [number, number, number][] = [];
  ABI_SLOTS.forEach((abi, slot) => {
    for (const [name, index] of Object.entries(DANGER_ARGS)) {
      const nr = syscallNumber(abi, name);
      if (nr === undefined) continue;
      out.push([slot, abi === 'x32' ? nr & ~0x40000000 : nr, index]);
    }
  });
  return out;
}
