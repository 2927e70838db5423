// The permission surface of a resolved profile: for every syscall of every ABI the filter loads,
// whether some call gets through (allow or log), always, only for some arguments, or never —
// as the evaluator decides it, probed with the arguments from witness.ts.

import { decideOutcome, type Outcome } from './evaluate.js';
import type { Action, ConcreteProfile, ConcreteRule } from '../profile/model.js';
import { ARCH_INFO, type Arch } from '../syscalls/arch.js';
import { syscallsOf } from '../syscalls/table.js';
import { MULTIPLEXERS } from '../syscalls/multiplexers.js';
import { probeArgs } from './witness.js';

export type Permission = 'allowed' | 'conditional' | 'denied';

export interface SyscallPermission {
  permission: Permission;
  /** A decision that lets a call through when there is one, otherwise the all-zero-args decision
   * (without its texts: decide() with `args` gives them). */
  decision: Outcome;
  /** The arguments of that decision. */
  args: readonly bigint[];
}

export interface AbiSurface {
  abi: Arch;
  /** Every syscall of the ABI, in number order. */
  syscalls: Map<string, SyscallPermission>;
  /** Names allowed for some arguments (includes the conditional ones), in number order. */
  allowed: string[];
  conditional: string[];
}

/** True for the actions that let the call run. */
export function permits(action: Action): boolean {
  return action === 'allow' || action === 'log';
}

/** Rules by syscall name, in profile order. */
export function indexRules(cp: ConcreteProfile): Map<string, ConcreteRule[]> {
  const m = new Map<string, ConcreteRule[]>();
  for (const r of cp.rules) {
    for (const n of new Set(r.names)) {
      const list = m.get(n);
      if (list === undefined) m.set(n, [r]);
      else list.push(r);
    }
  }
  return m;
}

const ZEROS: readonly bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];

/** Whether and how a syscall gets through on one ABI. `extra` adds argument vectors to try. */
export function probeSyscall(
  cp: ConcreteProfile,
  rulesFor: readonly ConcreteRule[],
  abi: Arch,
  name: string,
  extra: readonly bigint[][] = [],
): SyscallPermission {
  const first = decideOutcome(cp, abi, name, ZEROS);
  if (!rulesFor.some((r) => r.args.length > 0) && extra.length === 0) {
    return { permission: permits(first.action) ? 'allowed' : 'denied', decision: first, args: ZEROS };
  }
  let permitted = permits(first.action) ? { decision: first, args: ZEROS } : undefined;
  let refused = permitted === undefined;
  for (const args of [...extra, ...probeArgs(rulesFor, ARCH_INFO[abi].bits)]) {
    const d = decideOutcome(cp, abi, name, args);
    if (permits(d.action)) permitted ??= { decision: d, args };
    else refused = true;
    if (permitted !== undefined && refused) break;
  }
  if (permitted === undefined) return { permission: 'denied', decision: first, args: ZEROS };
  return { permission: refused ? 'conditional' : 'allowed', ...permitted };
}

/** socketcall/ipc: libseccomp also lands the members' rules on them with arg0 forced to the
 * sub-call number, so probe every sub-call with the members' witnesses too. */
function probeMultiplexer(cp: ConcreteProfile, index: Map<string, ConcreteRule[]>, abi: Arch, name: string): SyscallPermission | undefined {
  const members = MULTIPLEXERS[name];
  if (members === undefined) return undefined;
  const rules = [...(index.get(name) ?? []), ...Object.keys(members).flatMap((m) => index.get(m) ?? [])];
  const codes = Object.values(members).map((code) => [BigInt(code), 0n, 0n, 0n, 0n, 0n]);
  return probeSyscall(cp, rules, abi, name, codes);
}

/** The surface of every ABI the filter loads (or of those in `abis`), native first. */
export function computeSurface(
  cp: ConcreteProfile,
  index: Map<string, ConcreteRule[]> = indexRules(cp),
  abis: readonly Arch[] = cp.architectures,
): Map<Arch, AbiSurface> {
  const out = new Map<Arch, AbiSurface>();
  for (const abi of abis) {
    const syscalls = new Map<string, SyscallPermission>();
    const allowed: string[] = [];
    const conditional: string[] = [];
    for (const name of syscallsOf(abi)) {
      const p = probeMultiplexer(cp, index, abi, name) ?? probeSyscall(cp, index.get(name) ?? [], abi, name);
      syscalls.set(name, p);
      if (p.permission !== 'denied') allowed.push(name);
      if (p.permission === 'conditional') conditional.push(name);
    }
    out.set(abi, { abi, syscalls, allowed, conditional });
  }
  return out;
}
