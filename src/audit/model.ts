// The audit report's shape: findings (severity, category, one-line reason, where) and per-ABI counts.

import type { Arch } from '../syscalls/arch.js';
import type { Action } from '../profile/model.js';
import type { TierCounts } from '../catalog/syscall-risk.js';

import { SEVERITIES, type RiskCategory, type Severity } from '../catalog/dangerous.js';

export { RISK_CATEGORIES, SEVERITIES, type RiskCategory, type Severity } from '../catalog/dangerous.js';

export type Category =
  | RiskCategory
  | 'default-action' // what happens to every syscall no rule names
  | 'abi' // ABIs the filter loads besides the native one
  | 'compatibility' // the profile breaks programs (clone3 answered with EPERM)
  | 'dead-rule' // rules that can never match or change nothing
  | 'surface' // how many syscalls are allowed, next to a reference profile
  | 'unused'; // allowed but never used by the recorded footprint

export interface Finding {
  /** Stable rule id (CF001 …), see src/audit/rules.ts and docs/audit.md. */
  id: string;
  severity: Severity;
  category: Category;
  /** One line saying what is wrong and why it matters. */
  message: string;
  syscall?: string;
  abi?: Arch;
  /** Index of the rule in the profile's syscalls[]. */
  rule?: number;
  /** JSON path into the profile, e.g. $.syscalls[3].names[5]. */
  path?: string;
  /** For findings about many syscalls at once (unused permissions). */
  syscalls?: string[];
}

export interface AbiCounts {
  /** Syscalls that some argument values get through (allow or log). */
  allowed: number;
  /** Of those, the ones allowed only for some argument values. */
  conditional: number;
  /** Syscalls that exist on this ABI. */
  total: number;
  /** The allowed ones by risk tier (docs/risk-catalog.md). */
  tiers: TierCounts;
  /** The reference profile's allowed count on this ABI (absent without a reference). */
  referenceAllowed?: number;
}

export interface AuditSummary {
  total: number;
  bySeverity: Record<Severity, number>;
  byCategory: Partial<Record<Category, number>>;
  /** Dangerous syscalls allowed, by risk category (every category present, possibly empty). */
  dangerous: Record<RiskCategory, string[]>;
  /** The most severe finding's severity, or null when there is none. */
  highest: Severity | null;
}

export interface AuditReport {
  native: Arch;
  caps: string[];
  kernel?: string;
  /** The ABIs the loaded filter handles, native first. */
  abis: Arch[];
  defaultAction: Action;
  defaultErrnoRet?: number;
  /** Name of the reference the counts compare with (e.g. "Docker default"). */
  reference?: string;
  counts: Partial<Record<Arch, AbiCounts>>;
  findings: Finding[];
  summary: AuditSummary;
}

/** 4 for critical … 0 for info. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}
