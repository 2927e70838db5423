// auditProfile: resolves a profile for a host, computes what each ABI lets through with the
// evaluator, runs every check and returns the findings sorted most severe first, with counts.

import { isDeepStrictEqual } from 'node:util';
import { ClawfenceError } from '../errors.js';
import type { Footprint } from '../footprint/model.js';
import type { ConcreteProfile, Profile } from '../profile/model.js';
import { resolveProfile, type HostContext } from '../profile/resolve.js';
import { ARCH_INFO, familyAbis, hostArch, type Arch } from '../syscalls/arch.js';
import { checkAbis } from './checks/abi.js';
import { checkCounts, countSurface } from './checks/counts.js';
import { checkDangerousSyscalls } from './checks/dangerous.js';
import { checkDeadRules } from './checks/dead-rules.js';
import { checkDefaultAction } from './checks/default-action.js';
import { checkProgramSize } from './checks/program-size.js';
import { checkWiderThanDefault } from './checks/wider.js';
import { checkUnused } from './checks/unused.js';
import type { AuditContext } from './context.js';
import {
  RISK_CATEGORIES,
  SEVERITIES,
  severityRank,
  type AuditReport,
  type AuditSummary,
  type Category,
  type Finding,
  type RiskCategory,
  type Severity,
} from './model.js';
import { computeSurface, indexRules, type AbiSurface } from '../evaluator/surface.js';

export interface AuditOptions {
  /** The host's native ABI (default: this machine's). A sub-ABI such as x86 means its family. */
  native?: Arch;
  /** The container's capabilities (default: none). */
  caps?: readonly string[];
  /** Kernel version for minKernel rules (default: new enough for all). */
  kernel?: string;
  /** A recorded footprint: report permissions it never used. */
  against?: Footprint;
  /** A profile to compare the allowed counts with, normally Docker's default. */
  reference?: Profile;
  /** Its name in reports (default "Docker's default" when a reference is given). */
  referenceName?: string;
}

function checkFootprintFamily(fp: Footprint | undefined, native: Arch): void {
  if (fp === undefined) return;
  const family = new Set(familyAbis(native));
  const foreign = (Object.keys(fp.syscalls) as Arch[]).filter((a) => !family.has(a));
  if (foreign.length > 0) {
    throw new ClawfenceError('bad-input', `the footprint has calls on ${foreign.join(', ')}, which a ${native} host cannot run`, {
      hint: `audit for the host the footprint was recorded on: pass --arch ${ARCH_INFO[foreign[0] as Arch].family}`,
    });
  }
}

function compareFindings(abis: readonly Arch[]): (a: Finding, b: Finding) => number {
  const abiIndex = (f: Finding): number => (f.abi === undefined ? -1 : abis.indexOf(f.abi));
  return (a, b) =>
    severityRank(b.severity) - severityRank(a.severity) ||
    a.id.localeCompare(b.id) ||
    abiIndex(a) - abiIndex(b) ||
    (a.rule ?? -1) - (b.rule ?? -1) ||
    (a.syscall ?? '').localeCompare(b.syscall ?? '') ||
    (a.path ?? '').localeCompare(b.path ?? '') ||
    a.message.localeCompare(b.message);
}

function isRiskCategory(c: Category): c is RiskCategory {
  return (RISK_CATEGORIES as readonly string[]).includes(c);
}

export function summarize(findings: readonly Finding[]): AuditSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const counted = new Map<Category, number>();
  const dangerous = Object.fromEntries(RISK_CATEGORIES.map((c) => [c, new Set<string>()])) as Record<RiskCategory, Set<string>>;
  for (const f of findings) {
    bySeverity[f.severity]++;
    counted.set(f.category, (counted.get(f.category) ?? 0) + 1);
    if ((f.id === 'CF010' || f.id === 'CF011' || f.id === 'CF012') && isRiskCategory(f.category) && f.syscall !== undefined) {
      dangerous[f.category].add(f.syscall);
    }
  }
  const byCategory = Object.fromEntries([...counted].sort((a, b) => a[0].localeCompare(b[0]))) as Partial<Record<Category, number>>;
  return {
    total: findings.length,
    bySeverity,
    byCategory,
    dangerous: Object.fromEntries(RISK_CATEGORIES.map((c) => [c, [...dangerous[c]].sort()])) as Record<RiskCategory, string[]>,
    highest: SEVERITIES.find((s) => bySeverity[s] > 0) ?? null,
  };
}

/**
 * The reference's surface on the ABIs the audited filter loads, the only ones the counts compare.
 * The audited profile is often the reference itself (Docker's default): then so is its surface.
 */
function referenceSurface(ref: ConcreteProfile, ctx: AuditContext): Map<Arch, AbiSurface> {
  if (isDeepStrictEqual(ref, ctx.cp)) return ctx.surface;
  return computeSurface(
    ref,
    indexRules(ref),
    ref.architectures.filter((abi) => ctx.surface.has(abi)),
  );
}

export function auditProfile(profile: Profile, opts: AuditOptions = {}): AuditReport {
  const native = ARCH_INFO[opts.native ?? hostArch()].family;
  const caps = [...(opts.caps ?? [])];
  const host: HostContext = { native, caps, ...(opts.kernel === undefined ? {} : { kernel: opts.kernel }) };
  checkFootprintFamily(opts.against, native);
  const cp = resolveProfile(profile, host);
  const index = indexRules(cp);
  const ctx: AuditContext = { profile, cp, native, index, surface: computeSurface(cp, index), footprint: opts.against };
  const reference = opts.reference === undefined ? undefined : referenceSurface(resolveProfile(opts.reference, host), ctx);
  const referenceName = opts.reference === undefined ? undefined : (opts.referenceName ?? "Docker's default");
  const counts = countSurface(ctx, reference);
  const findings = [
    ...checkDefaultAction(ctx),
    ...checkDangerousSyscalls(ctx, caps),
    ...checkAbis(ctx),
    ...checkDeadRules(ctx),
    ...checkProgramSize(ctx),
    ...checkWiderThanDefault(ctx, opts.kernel),
    ...checkUnused(ctx),
    ...checkCounts(counts, referenceName),
  ].sort(compareFindings(cp.architectures));
  return {
    native,
    caps,
    ...(opts.kernel === undefined ? {} : { kernel: opts.kernel }),
    abis: cp.architectures,
    defaultAction: cp.defaultAction,
    ...(cp.defaultErrnoRet === undefined ? {} : { defaultErrnoRet: cp.defaultErrnoRet }),
    ...(referenceName === undefined ? {} : { reference: referenceName }),
    counts,
    findings,
    summary: summarize(findings),
  };
}
