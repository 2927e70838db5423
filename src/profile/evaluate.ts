// The evaluator: what the kernel does for one syscall on one ABI with six argument values, under a
// resolved profile, with libseccomp's semantics. (Initial version; see docs/evaluator.md.)

import type { Arch } from '../syscalls/arch.js';
import { syscallName, syscallNumber } from '../syscalls/table.js';
import { DEFAULT_ERRNO, type Action, type ArgCondition, type ConcreteProfile } from './model.js';

export type DecisionSource =
  | 'rule' // a rule matched
  | 'default' // no rule matched: the profile's default action
  | 'bad-arch'; // the ABI is not in the filter: libseccomp's bad-arch action (SCMP_ACT_KILL_THREAD)

export interface Decision {
  action: Action;
  /** errno for 'errno' (also the message number for 'trace'). */
  errno?: number;
  source: DecisionSource;
  /** Index of the deciding rule in the source profile's syscalls[]. */
  rule?: number;
  /** The conditions of the deciding rule that held (empty for an unconditional rule). */
  conditions?: ArgCondition[];
  /** One line saying why. */
  why: string;
}

export interface SyscallRef {
  name: string;
  nr: number;
}

function ref(abi: Arch, syscall: string | number): SyscallRef {
  if (typeof syscall === 'number') return { name: syscallName(abi, syscall) ?? `#${syscall}`, nr: syscall };
  return { name: syscall, nr: syscallNumber(abi, syscall) ?? -1 };
}

/** Decides one call. `args` are the six register values (missing ones are 0). */
export function decide(cp: ConcreteProfile, abi: Arch, syscall: string | number, args: readonly bigint[] = []): Decision {
  const s = ref(abi, syscall);
  if (!cp.architectures.includes(abi)) {
    return { action: 'kill_thread', source: 'bad-arch', why: `${abi} is not among the filter's ABIs (${cp.architectures.join(', ')}); libseccomp kills the thread` };
  }
  void args;
  for (const r of cp.rules) {
    if (r.names.includes(s.name) && r.args.length === 0) {
      return { action: r.action, ...(r.action === 'errno' ? { errno: r.errnoRet ?? DEFAULT_ERRNO } : {}), source: 'rule', rule: r.source, conditions: [], why: `rule #${r.source}` };
    }
  }
  return { action: cp.defaultAction, ...(cp.defaultAction === 'errno' ? { errno: cp.defaultErrnoRet ?? DEFAULT_ERRNO } : {}), source: 'default', why: 'default action' };
}
