// What every audit check works from (the profile, its resolved filter, the permission surface,
// the optional footprint) and small helpers to say where in the profile a finding points.

import type { Outcome } from '../evaluator/evaluate.js';
import type { ConcreteProfile, ConcreteRule, Profile } from '../profile/model.js';
import type { Arch } from '../syscalls/arch.js';
import type { Footprint } from '../footprint/model.js';
import type { Finding } from './model.js';
import { auditRule, type AuditRuleId } from './rules.js';
import type { AbiSurface, Permission } from '../evaluator/surface.js';

export interface AuditContext {
  profile: Profile;
  cp: ConcreteProfile;
  native: Arch;
  index: Map<string, ConcreteRule[]>;
  surface: Map<Arch, AbiSurface>;
  footprint: Footprint | undefined;
}

/** The permission of a syscall on an ABI of the filter; undefined when it does not exist there. */
export function permissionOf(ctx: AuditContext, abi: Arch, name: string): Permission | undefined {
  return ctx.surface.get(abi)?.syscalls.get(name)?.permission;
}

/** $.syscalls[i], or $.syscalls[i].names[k] when the rule names the syscall. */
export function rulePath(profile: Profile, rule: number, name?: string): string {
  const k = name === undefined ? -1 : (profile.syscalls[rule]?.names.indexOf(name) ?? -1);
  return k < 0 ? `$.syscalls[${rule}]` : `$.syscalls[${rule}].names[${k}]`;
}

/** Where the decision came from: the deciding rule or the default action. */
export function decisionWhere(profile: Profile, d: Outcome, name: string): { rule?: number; path: string } {
  if (d.source === 'rule' && d.rule !== undefined) return { rule: d.rule, path: rulePath(profile, d.rule, name) };
  return { path: '$.defaultAction' };
}

/** Where the profile lists an ABI (architectures[] or an archMap entry). */
export function abiPath(profile: Profile, abi: Arch, native: Arch): string | undefined {
  const k = profile.architectures.indexOf(abi);
  if (k >= 0) return `$.architectures[${k}]`;
  const e = profile.archMap.findIndex((m) => m.architecture === native);
  const entry = profile.archMap[e];
  if (entry === undefined) return undefined;
  if (entry.architecture === abi) return `$.archMap[${e}].architecture`;
  const s = entry.subArchitectures.indexOf(abi);
  return s < 0 ? `$.archMap[${e}]` : `$.archMap[${e}].subArchitectures[${s}]`;
}

/** What a check says of a finding; the rule's id, severity and category fill in the rest. */
export type FindingFields = Omit<Finding, 'id' | 'severity' | 'category'> & Partial<Pick<Finding, 'severity' | 'category'>>;

/** Builds a finding of an audit rule; severity and category default to the rule's. */
export function makeFinding(id: AuditRuleId, f: FindingFields): Finding {
  const r = auditRule(id);
  const category = f.category ?? (r.category === 'dangerous-syscall' ? 'kernel-attack-surface' : r.category);
  return {
    id,
    severity: f.severity ?? r.severity,
    category,
    message: f.message,
    ...(f.syscall === undefined ? {} : { syscall: f.syscall }),
    ...(f.abi === undefined ? {} : { abi: f.abi }),
    ...(f.rule === undefined ? {} : { rule: f.rule }),
    ...(f.path === undefined ? {} : { path: f.path }),
    ...(f.syscalls === undefined ? {} : { syscalls: f.syscalls }),
  };
}

/** "x86_64" or "x86_64, x86 and x32". */
export function listAbis(abis: readonly Arch[]): string {
  if (abis.length <= 1) return abis.join('');
  return `${abis.slice(0, -1).join(', ')} and ${abis[abis.length - 1] ?? ''}`;
}
