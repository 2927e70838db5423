// What runc does with a resolved profile before libseccomp sees it (libcontainer/specconv
// SetupSeccomp, libcontainer/seccomp InitSeccomp and matchCall): one seccomp_rule_add per
// (rule, name) in profile order, skipping rules whose action equals the default action and names
// libseccomp does not know, and splitting a rule with two conditions on one argument into one add
// per condition (so those conditions are OR-ed, not AND-ed).

import { isKnownSyscall } from '../syscalls/table.js';
import { scmpAction } from './libseccomp/actions.js';
import type { ArgCondition, ConcreteProfile } from '../profile/model.js';

/** One seccomp_rule_add_array call runc makes. */
export interface RuleAdd {
  /** Position in runc's sequence of adds. */
  id: number;
  /** Index of the rule in the source profile's syscalls[]. */
  source: number;
  name: string;
  /** The SCMP_ACT_* value (errno/trace data included). */
  action: number;
  /** The conditions of this add (AND-ed); one of several when runc split the rule. */
  conds: readonly ArgCondition[];
  /** runc split the rule because two of its conditions name the same argument. */
  split: boolean;
}

/** A (rule, name) runc never hands to libseccomp. */
export interface RuncSkip {
  source: number;
  name: string;
  reason: 'default-action' | 'unknown-name';
}

/** A profile runc refuses before libseccomp is involved. */
export interface RuncRefusal {
  source?: number;
  name?: string;
  message: string;
}

export interface RuncPlan {
  defaultAction: number;
  adds: RuleAdd[];
  skips: RuncSkip[];
  refusals: RuncRefusal[];
}

/** True when runc splits the rule: some argument index appears in two conditions. */
export function runcSplits(args: readonly ArgCondition[]): boolean {
  const seen = new Set<number>();
  for (const a of args) {
    if (seen.has(a.index)) return true;
    seen.add(a.index);
  }
  return false;
}

/** The sequence of rule adds runc makes for this profile. */
export function planRuncAdds(cp: ConcreteProfile): RuncPlan {
  const defaultAction = scmpAction(cp.defaultAction, cp.defaultErrnoRet);
  const adds: RuleAdd[] = [];
  const skips: RuncSkip[] = [];
  const refusals: RuncRefusal[] = [];
  if (cp.defaultAction === 'notify') refusals.push({ message: 'runc refuses SCMP_ACT_NOTIFY as the default action' });
  for (const rule of cp.rules) {
    const action = scmpAction(rule.action, rule.errnoRet);
    for (const name of rule.names) {
      if (rule.action === 'notify' && name === 'write') {
        refusals.push({ source: rule.source, name, message: `runc refuses SCMP_ACT_NOTIFY for write (rule #${rule.source})` });
      }
      if (action === defaultAction) {
        skips.push({ source: rule.source, name, reason: 'default-action' });
        continue;
      }
      if (!isKnownSyscall(name)) {
        skips.push({ source: rule.source, name, reason: 'unknown-name' });
        continue;
      }
      const split = runcSplits(rule.args);
      const groups = split ? rule.args.map((a) => [a]) : [rule.args];
      for (const conds of groups) adds.push({ id: adds.length, source: rule.source, name, action, conds, split });
    }
  }
  return { defaultAction, adds, skips, refusals };
}
