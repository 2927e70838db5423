// The risk catalog of every syscall (data/catalog/syscall-risk.json): a tier, a family, a reason
// and its sources per name. Loaded once, on first use (ajv's code generation is not free), checked
// against the schema and the syscall tables; a damaged file is a one-line internal error naming
// the entry. docs/risk-catalog.md explains the tiers, the families and the sources.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ClawfenceError } from '../errors.js';
import type { Arch } from '../syscalls/arch.js';
import { isKnownSyscall, suggestSyscall } from '../syscalls/table.js';
import { TIERS, type RiskFamily, type RiskCategory, type RiskEntry, type Severity, type SyscallRisk, type Tier } from './model.js';
import { readPackageFile } from './reference.js';
import { SYSCALL_RISK_SCHEMA } from './syscall-risk-schema.js';

export const SYSCALL_RISK_FILE = 'data/catalog/syscall-risk.json';

/** The ABIs whose every syscall the catalog classifies (a test checks it); other ABIs share most names. */
export const RISK_ABIS: readonly Arch[] = ['x86_64', 'x86', 'x32'];

interface RawEntry {
  syscall: string;
  tier: Tier;
  family: RiskFamily;
  category?: RiskCategory;
  severity?: Severity;
  capability?: string;
  namespaceFlagsArg?: number;
  reason: string;
  sources: string[];
}

let compiled: ValidateFunction | undefined;
let cached: { list: readonly SyscallRisk[]; byName: ReadonlyMap<string, SyscallRisk> } | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: false, strict: false, validateSchema: false }).compile(SYSCALL_RISK_SCHEMA);
  return compiled;
}

function bad(where: string, what: string): never {
  throw new ClawfenceError('internal', `${SYSCALL_RISK_FILE}: ${where}: ${what}`, { hint: 'reinstall clawfence: its catalog data is damaged' });
}

/** ajv's first error as "$.entries[3]" and what is wrong there. */
function describe(e: ErrorObject, doc: unknown): never {
  const parts = e.instancePath.split('/').slice(1);
  const where = parts[0] === 'entries' && parts[1] !== undefined ? `$.entries[${parts[1]}]` : '$';
  const field = parts[0] === 'entries' ? parts.slice(2).join('.') : parts.join('.');
  const value = parts.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return bad(where, `missing "${String(p['missingProperty'])}"`);
    case 'additionalProperties':
      return bad(where, `unknown key "${String(p['additionalProperty'])}"`);
    case 'enum':
      return bad(where, `${field} must be one of ${(p['allowedValues'] as unknown[]).join(', ')} (got ${JSON.stringify(value)})`);
    case 'false schema':
      return bad(where, `${field} belongs only to dangerous entries`);
    default:
      return bad(where, `${field === '' ? 'entry' : field} ${e.message ?? 'is invalid'}`);
  }
}

function toRisk(e: RawEntry): SyscallRisk {
  const base = { syscall: e.syscall, tier: e.tier, family: e.family, reason: e.reason, sources: e.sources };
  if (e.tier !== 'dangerous' || e.category === undefined || e.severity === undefined) return base;
  const risk: RiskEntry = {
    syscall: e.syscall,
    category: e.category,
    severity: e.severity,
    reason: e.reason,
    ...(e.capability === undefined ? {} : { capability: e.capability }),
    ...(e.namespaceFlagsArg === undefined ? {} : { namespaceFlagsArg: e.namespaceFlagsArg }),
  };
  return { ...base, risk };
}

/** Parses and checks the catalog text (exported for tests): the schema, then names against the syscall tables. */
export function parseSyscallRisk(text: string): SyscallRisk[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ClawfenceError('internal', `${SYSCALL_RISK_FILE}: not JSON (${(err as Error).message})`, {
      hint: 'reinstall clawfence: its catalog data is damaged',
    });
  }
  const validate = validator();
  if (!validate(doc)) describe((validate.errors ?? [])[0] as ErrorObject, doc);
  const entries = (doc as { entries: RawEntry[] }).entries;
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    if (!isKnownSyscall(e.syscall)) bad(`$.entries[${i}]`, `unknown syscall "${e.syscall}" (did you mean "${suggestSyscall(e.syscall)}"?)`);
    const before = seen.get(e.syscall);
    if (before !== undefined) bad(`$.entries[${i}]`, `${e.syscall} is listed twice (also at $.entries[${before}])`);
    seen.set(e.syscall, i);
  });
  return entries.map(toRisk);
}

function load(): NonNullable<typeof cached> {
  if (cached !== undefined) return cached;
  const list = parseSyscallRisk(readPackageFile(SYSCALL_RISK_FILE));
  cached = { list, byName: new Map(list.map((e) => [e.syscall, e])) };
  return cached;
}

/** Every entry, sorted by name. */
export function syscallRiskCatalog(): readonly SyscallRisk[] {
  return load().list;
}

/** The catalog entry of a syscall, or undefined for a name the catalog does not classify. */
export function syscallRisk(name: string): SyscallRisk | undefined {
  return load().byName.get(name);
}

export function tierOf(name: string): Tier | undefined {
  return syscallRisk(name)?.tier;
}

export interface TierCounts {
  benign: number;
  moderate: number;
  dangerous: number;
  /** Names the catalog does not classify (syscalls of other ABIs than x86_64, x86 and x32). */
  unclassified: number;
}

/** How many of the names fall in each tier. */
export function countTiers(names: Iterable<string>): TierCounts {
  const out: TierCounts = { benign: 0, moderate: 0, dangerous: 0, unclassified: 0 };
  for (const n of names) out[tierOf(n) ?? 'unclassified']++;
  return out;
}

/** "41 benign, 15 moderate, 1 dangerous" (and "2 unclassified" when there are any). */
export function describeTierCounts(c: TierCounts): string {
  const parts = TIERS.map((t) => `${c[t]} ${t}`);
  if (c.unclassified > 0) parts.push(`${c.unclassified} unclassified`);
  return parts.join(', ');
}
