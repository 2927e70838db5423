// What libseccomp does with one syscall name on one ABI: the syscall number(s) a rule lands on,
// including the socketcall(2)/ipc(2) multiplexers of 32-bit x86 and friends (libseccomp
// src/syscalls.c abi_rule_add, abi_syscall_resolve_name_munge; src/arch.c arch_filter_rule_add).

import { ARCH_INFO, type Arch } from '../../syscalls/arch.js';
import { isKnownSyscall, syscallNumber } from '../../syscalls/table.js';
import { IPC_CODES, SOCKETCALL_CODES } from '../../syscalls/multiplexers.js';

/** ABIs whose libseccomp arch_def has rule_add = abi_rule_add in v2.5.4 (socketcall/ipc handling). */
const MULTIPLEXED = new Set<Arch>(['x86', 's390', 's390x', 'ppc', 'ppc64', 'ppc64le', 'mips', 'mipsel']);

/** The word size libseccomp's db uses for this ABI (arch_def.size): x32 and mips64n32 are 32-bit. */
export function abiWordBits(abi: Arch): 32 | 64 {
  return ARCH_INFO[abi].bits;
}

export function isMultiplexedAbi(abi: Arch): boolean {
  return MULTIPLEXED.has(abi);
}

/** One place a rule lands: a syscall number, and for a multiplexed rule the forced arg0 value. */
export interface RuleTarget {
  nr: number;
  /** socketcall/ipc: libseccomp overwrites the rule's arg0 condition with `arg0 == call`. */
  via?: { multiplexer: 'socketcall' | 'ipc'; call: number };
}

/**
 * Where a rule naming `name` lands on `abi`, in the order libseccomp adds them (the multiplexed
 * rule first, then the direct one). Empty when the name has no number on this ABI.
 */
export function ruleTargets(abi: Arch, name: string): RuleTarget[] {
  if (isMultiplexedAbi(abi)) {
    const sock = SOCKETCALL_CODES[name];
    const ipc = IPC_CODES[name];
    const multiplexer = sock !== undefined ? 'socketcall' : ipc !== undefined ? 'ipc' : undefined;
    if (multiplexer !== undefined) {
      const call = (sock ?? ipc) as number;
      const out: RuleTarget[] = [];
      const muxNr = syscallNumber(abi, multiplexer);
      if (muxNr !== undefined) out.push({ nr: muxNr, via: { multiplexer, call } });
      const direct = syscallNumber(abi, name);
      if (direct !== undefined) out.push({ nr: direct });
      return out;
    }
  }
  const nr = syscallNumber(abi, name);
  return nr === undefined ? [] : [{ nr }];
}

/**
 * The number libseccomp's seccomp_syscall_resolve_name_arch reports, as runc's -ENOSYS stub
 * sees it: undefined for names libseccomp does not know, negative (a pseudo number) for names
 * with no number on this ABI and for the multiplexed names on a multiplexing ABI.
 */
export function resolveNameArch(abi: Arch, name: string): number | undefined {
  if (!isKnownSyscall(name)) return undefined;
  if (isMultiplexedAbi(abi) && (SOCKETCALL_CODES[name] !== undefined || IPC_CODES[name] !== undefined)) return -1;
  return syscallNumber(abi, name) ?? -1;
}
