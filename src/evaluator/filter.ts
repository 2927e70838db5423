// The filter runc + libseccomp load for a resolved profile, compiled once per (profile, options):
// per ABI, every syscall's libseccomp db entry (built by replaying runc's rule adds, with
// libseccomp's per-rule transaction: an add that fails on one ABI is rolled back on all), the
// rule adds libseccomp refused (-EEXIST: runc refuses the profile) or never finishes (libseccomp
// loops forever: the runtime hangs), and runc's -ENOSYS stub.

import type { Arch } from '../syscalls/arch.js';
import { syscallName } from '../syscalls/table.js';
import { BAD_ARCH_ACTION, ERRNO_ENOSYS_ACTION } from './libseccomp/actions.js';
import { abiWordBits, resolveNameArch, ruleTargets, type RuleTarget } from './libseccomp/abi.js';
import { LibseccompHang, toDbArg } from './libseccomp/chain.js';
import { generateProgram, type FlatInsn } from './libseccomp/bpf/program.js';
import { addRule, type SysEntry } from './libseccomp/db.js';
import type { MergeOptions } from './libseccomp/tree.js';
import { planRuncAdds, type RuleAdd, type RuncPlan } from './runc.js';
import type { ArgCondition, ConcreteProfile } from '../profile/model.js';

export interface EvaluateOptions {
  /** The runtime that loads the filter: runc prepends its -ENOSYS stub, crun does not. Default runc. */
  runtime?: 'runc' | 'crun';
  /**
   * The libseccomp the runtime links: '2.5' (Debian 12's 2.5.4; runc release builds before
   * December 2025), '2.6.0', or '2.6.1' (which fixed an LT/LE merge in _db_tree_add). Default '2.5'.
   */
  libseccomp?: '2.5' | '2.6.0' | '2.6.1';
}

/** One rule add as it lands on one ABI (a multiplexed add lands twice on x86). */
export interface Application {
  id: number;
  add: RuleAdd;
  abi: Arch;
  target: RuleTarget;
  /** The conditions libseccomp compares for this landing (socketcall/ipc: arg0 forced). */
  conds: readonly ArgCondition[];
}

/**
 * A rule add libseccomp or runc refuses (runc then refuses to start the container), or one that
 * libseccomp never finishes (the runtime hangs while loading the profile).
 */
export interface Conflict {
  kind: 'eexist' | 'hang' | 'runc';
  /** Index of the rule in the source profile's syscalls[] (absent for profile-wide refusals). */
  rule?: number;
  name?: string;
  abi?: Arch;
  /** The syscall (number) whose db entry refused the add. */
  nr?: number;
  syscall?: string;
  /** Earlier rules on that syscall whose action differs (what it collided with). */
  with?: number[];
  message: string;
}

export interface CompiledAbi {
  abi: Arch;
  entries: Map<number, SysEntry>;
  /** Every landing on each syscall number, in order (including rolled-back ones). */
  landings: Map<number, Application[]>;
  /** runc's stub answers ENOSYS above this number (undefined: no stub for this ABI). */
  enosysAbove: number | undefined;
}

export interface CompiledFilter {
  plan: RuncPlan;
  defaultAction: number;
  abis: Map<Arch, CompiledAbi>;
  applications: Application[];
  /** Application ids that libseccomp refused or rolled back. */
  failed: Set<number>;
  conflicts: Conflict[];
  /** The BPF program libseccomp generates for these dbs (without runc's stub). */
  program: FlatInsn[];
}

function effectiveConds(add: RuleAdd, target: RuleTarget): ArgCondition[] {
  if (target.via === undefined) return [...add.conds];
  const forced: ArgCondition = { index: 0, op: 'eq', value: BigInt(target.via.call), valueTwo: 0n };
  return [forced, ...add.conds.filter((c) => c.index !== 0)];
}

/** Whether runc prepends its -ENOSYS stub (patchbpf generatePatch). */
function stubApplies(cp: ConcreteProfile, opts: EvaluateOptions): boolean {
  if ((opts.runtime ?? 'runc') !== 'runc') return false;
  // runc compares defaultErrnoRet with the whole SCMP_ACT_ERRNO(ENOSYS) value, so this is
  // practically never true; a default of errno 38 gets the stub too (with the same answer).
  if (cp.defaultErrnoRet === ERRNO_ENOSYS_ACTION) return false;
  return !(cp.defaultAction === 'allow' || cp.defaultAction === 'log' || cp.defaultAction === 'trace');
}

/** runc's findLastSyscalls: the largest number any rule name has on this ABI (all rules count). */
function largestSyscall(cp: ConcreteProfile, abi: Arch): number | undefined {
  let max = 0;
  for (const r of cp.rules) {
    for (const n of r.names) {
      const nr = resolveNameArch(abi, n);
      if (nr !== undefined && nr > max) max = nr;
    }
  }
  return max === 0 ? undefined : max;
}

function rebuildEntry(abi: CompiledAbi, nr: number, failed: Set<number>, bits: 32 | 64, merge: MergeOptions): void {
  const fresh = new Map<number, SysEntry>();
  for (const app of abi.landings.get(nr) ?? []) {
    if (failed.has(app.id)) continue;
    addRule(fresh, { nr, args: app.conds.map(toDbArg), action: app.add.action, src: app.id }, bits, merge);
  }
  const e = fresh.get(nr);
  if (e === undefined) abi.entries.delete(nr);
  else abi.entries.set(nr, e);
}

function hangMessage(add: RuleAdd, app: Application, others: number[], where: string): string {
  const withText = others.length === 0 ? '' : ` (earlier rule${others.length > 1 ? 's' : ''} #${others.join(', #')})`;
  return (
    `adding rule #${add.source} (${add.name}) on ${app.abi} after the rules for the same syscall${withText} makes libseccomp loop forever in ${where}: ` +
    `_db_tree_add links one of the rule's nodes into a level twice (a node two branches share) and the level list becomes circular, so the runtime hangs while loading the profile`
  );
}

/** Adds one landing to its ABI's db; a libseccomp hang comes back as 'hang'. */
function addLanding(c: CompiledAbi, app: Application, bits: 32 | 64, merge: MergeOptions): number | LibseccompHang {
  try {
    return addRule(c.entries, { nr: app.target.nr, args: app.conds.map(toDbArg), action: app.add.action, src: app.id }, bits, merge);
  } catch (e) {
    if (e instanceof LibseccompHang) return e;
    throw e;
  }
}

function conflictMessage(add: RuleAdd, app: Application, others: number[]): string {
  const where = app.target.via === undefined ? `${add.name}` : `${app.target.via.multiplexer}(${add.name}) on ${app.abi}`;
  const withText = others.length === 0 ? '' : ` (earlier rule${others.length > 1 ? 's' : ''} #${others.join(', #')})`;
  return `rule #${add.source} (${add.name}) collides on ${app.abi} with a rule for ${where} that has another action for the same comparison${withText}: libseccomp returns -EEXIST and the runtime refuses the profile`;
}

/** Compiles the filter; the result is what decide() reads. */
export function compileFilter(cp: ConcreteProfile, opts: EvaluateOptions = {}): CompiledFilter {
  const merge: MergeOptions = { fixedFalseMerge: opts.libseccomp === '2.6.1' };
  const plan = planRuncAdds(cp);
  const stub = stubApplies(cp, opts);
  const abis = new Map<Arch, CompiledAbi>();
  for (const abi of cp.architectures) {
    abis.set(abi, { abi, entries: new Map(), landings: new Map(), enosysAbove: stub ? largestSyscall(cp, abi) : undefined });
  }
  const applications: Application[] = [];
  const failed = new Set<number>();
  const conflicts: Conflict[] = plan.refusals.map((r) => ({
    kind: 'runc' as const,
    ...(r.source === undefined ? {} : { rule: r.source }),
    ...(r.name === undefined ? {} : { name: r.name }),
    message: r.message,
  }));
  for (const add of plan.adds) {
    const mine: Application[] = [];
    let refused: Application | undefined;
    abiLoop: for (const c of abis.values()) {
      const bits = abiWordBits(c.abi);
      for (const target of ruleTargets(c.abi, add.name)) {
        const app: Application = { id: applications.length, add, abi: c.abi, target, conds: effectiveConds(add, target) };
        applications.push(app);
        mine.push(app);
        const list = c.landings.get(target.nr) ?? [];
        list.push(app);
        c.landings.set(target.nr, list);
        const rc = addLanding(c, app, bits, merge);
        if (rc instanceof LibseccompHang) {
          // libseccomp never returns; clawfence rolls the add back like a refusal and reports it
          refused ??= app;
          const others = [...new Set(list.filter((o) => o.id !== app.id && !failed.has(o.id)).map((o) => o.add.source))];
          conflicts.push({
            kind: 'hang',
            rule: add.source,
            name: add.name,
            abi: c.abi,
            nr: target.nr,
            syscall: syscallName(c.abi, target.nr) ?? `#${target.nr}`,
            with: others,
            message: hangMessage(add, app, others, rc.where),
          });
          break abiLoop; // libseccomp never gets to the next ABI
        }
        if (rc < 0) {
          refused ??= app;
          const others = [...new Set(list.filter((o) => o.id !== app.id && !failed.has(o.id) && o.add.action !== add.action).map((o) => o.add.source))];
          conflicts.push({
            kind: 'eexist',
            rule: add.source,
            name: add.name,
            abi: c.abi,
            nr: target.nr,
            syscall: syscallName(c.abi, target.nr) ?? `#${target.nr}`,
            with: others,
            message: conflictMessage(add, app, others),
          });
          break; // abi_rule_add stops at the first failing half
        }
      }
    }
    if (refused !== undefined) {
      for (const app of mine) failed.add(app.id);
      for (const app of mine) {
        const c = abis.get(app.abi);
        if (c !== undefined) rebuildEntry(c, app.target.nr, failed, abiWordBits(app.abi), merge);
      }
    }
  }
  // runc turns on libseccomp's binary-tree dispatch when the profile has more than 32 (rule, name) pairs
  const pairs = cp.rules.reduce((n, r) => n + r.names.length, 0);
  const dbs = [...abis.values()].map((c) => ({ abi: c.abi, entries: c.entries }));
  const program = generateProgram(dbs, plan.defaultAction, BAD_ARCH_ACTION, pairs > 32 ? 2 : 1);
  return { plan, defaultAction: plan.defaultAction, abis, applications, failed, conflicts, program };
}
