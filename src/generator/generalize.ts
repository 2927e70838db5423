// Generalisation (docs/generate.md#generalisation): what a profile may allow beyond the recording so
// that paths the workloads did not take keep working, level by level, each addition with its
// reason. The sets are data (data/catalog/generalize.json). Nothing dangerous is ever added (the
// dangerous catalog, src/catalog/dangerous.ts), nor a syscall with argument rules at this --args
// level or with catalogued dangerous values (added name-only it would be wider than its rules),
// nor a name the ABI does not have. ENOSYS answers are denials too: they only change the errno so
// that libraries take the fallback they have for older kernels.

import { dangerousValues } from '../catalog/dangerous-values.js';
import { riskOf } from '../catalog/dangerous.js';
import { readPackageFile } from '../catalog/reference.js';
import { ClawfenceError } from '../errors.js';
import type { Arch } from '../syscalls/arch.js';
import { isKnownSyscall, syscallNumber } from '../syscalls/table.js';
import { argPolicy, type ArgLevel } from './arg-rules.js';

export const GENERALIZE_FILE = 'data/catalog/generalize.json';
export const GENERALIZE_LEVELS = ['exact', 'companions', 'families', 'broad'] as const;
export type GeneralizeLevel = (typeof GENERALIZE_LEVELS)[number];
/** The CLI's default (generate, profile), chosen by measurement on the held-out corpus (bench/corpus,
 * docs/generate.md#generalisation); generateProfile() itself defaults to exact. */
export const DEFAULT_GENERALIZE_LEVEL: GeneralizeLevel = 'broad';

export type AdditionKind = 'never-deny' | 'companion' | 'low-risk' | 'family';

export interface Addition {
  syscall: string;
  kind: AdditionKind;
  /** For the rule comment: "companion of openat: the same operation through another entry point". */
  reason: string;
}

export interface EnosysAnswer {
  syscall: string;
  reason: string;
}

export interface Generalization {
  level: GeneralizeLevel;
  /** clone without CLONE_NEW* bits (Docker's mask) is to be added, and why: the process or thread
   * family was added and clone was not recorded. clone3 then answers ENOSYS. */
  clone?: string;
  /** Allowed without being recorded, sorted by name. */
  added: Addition[];
  /** Denied with ENOSYS instead of the default errno (neither recorded nor added). */
  enosys: EnosysAnswer[];
}

interface Group {
  name: string;
  syscalls: string[];
}
interface Family extends Group {
  reason: string;
  trigger: string[];
  /** Recorded syscalls without which the family is never added, not even at broad (the socket
   * families need socket, which is never added). */
  needs: string[];
}
interface Data {
  neverDeny: { reason: string; syscalls: string[] };
  companions: Group[];
  lowRisk: { reason: string; syscalls: string[] };
  families: Family[];
  enosys: { reason: string; syscalls: { syscall: string; fallback: string }[] };
}

let cached: Data | undefined;

function bad(path: string, what: string): never {
  throw new ClawfenceError('internal', `${GENERALIZE_FILE}: ${path}: ${what}`, { hint: 'reinstall clawfence: its catalog data is damaged' });
}

function names(v: unknown, path: string): string[] {
  if (!Array.isArray(v) || v.length === 0) bad(path, 'must list syscall names');
  return v.map((n, i) => {
    if (typeof n !== 'string' || !isKnownSyscall(n)) bad(`${path}[${i}]`, `unknown syscall ${JSON.stringify(n)}`);
    return n;
  });
}

function text(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') bad(path, 'needs a reason');
  return v;
}

/** Parses and checks the data (exported for tests). */
export function parseGeneralizeData(source: string): Data {
  const d = JSON.parse(source) as Record<string, unknown>;
  const obj = (v: unknown, path: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(path, 'must be an object');
    return v as Record<string, unknown>;
  };
  const list = (v: unknown, path: string): unknown[] => {
    if (!Array.isArray(v)) bad(path, 'must be a list');
    return v;
  };
  const nd = obj(d['neverDeny'], '$.neverDeny');
  const lr = obj(d['lowRisk'], '$.lowRisk');
  const en = obj(d['enosys'], '$.enosys');
  return {
    neverDeny: { reason: text(nd['reason'], '$.neverDeny.reason'), syscalls: names(nd['syscalls'], '$.neverDeny.syscalls') },
    companions: list(d['companions'], '$.companions').map((g, i) => {
      const o = obj(g, `$.companions[${i}]`);
      return { name: text(o['name'], `$.companions[${i}].name`), syscalls: names(o['syscalls'], `$.companions[${i}].syscalls`) };
    }),
    lowRisk: { reason: text(lr['reason'], '$.lowRisk.reason'), syscalls: names(lr['syscalls'], '$.lowRisk.syscalls') },
    families: list(d['families'], '$.families').map((g, i) => {
      const o = obj(g, `$.families[${i}]`);
      const at = `$.families[${i}]`;
      return {
        name: text(o['name'], `${at}.name`),
        reason: text(o['reason'], `${at}.reason`),
        trigger: names(o['trigger'], `${at}.trigger`),
        needs: o['needs'] === undefined ? [] : names(o['needs'], `${at}.needs`),
        syscalls: names(o['syscalls'], `${at}.syscalls`),
      };
    }),
    enosys: {
      reason: text(en['reason'], '$.enosys.reason'),
      syscalls: list(en['syscalls'], '$.enosys.syscalls').map((x, i) => {
        const o = obj(x, `$.enosys.syscalls[${i}]`);
        const [syscall] = names([o['syscall']], `$.enosys.syscalls[${i}].syscall`);
        return { syscall: syscall as string, fallback: text(o['fallback'], `$.enosys.syscalls[${i}].fallback`) };
      }),
    },
  };
}

export function generalizeData(): Data {
  if (cached !== undefined) return cached;
  cached = parseGeneralizeData(readPackageFile(GENERALIZE_FILE));
  return cached;
}

const RANK: Readonly<Record<GeneralizeLevel, number>> = { exact: 0, companions: 1, families: 2, broad: 3 };

/** Why a syscall may never be added, if it may not (at this --args level). */
export function neverAdded(name: string, args: ArgLevel): string | undefined {
  if (riskOf(name) !== undefined) return 'dangerous'; // clone, clone3 and unshare among them
  if (argPolicy(name, args) !== undefined) return 'argument rules';
  if (dangerousValues().some((d) => d.syscall === name)) return 'dangerous values';
  return undefined;
}

/**
 * What `level` adds for a recording: `recorded` holds the names recorded on any loaded ABI (the
 * tool's and the runtime's), `abis` the loaded ABIs (a name is added when it exists on one).
 */
export function generalize(level: GeneralizeLevel, recorded: ReadonlySet<string>, abis: readonly Arch[], args: ArgLevel): Generalization {
  const out = new Map<string, Addition>();
  let clone: string | undefined;
  if (RANK[level] === 0) return { level, added: [], enosys: [] };
  const d = generalizeData();
  const exists = (n: string) => abis.some((a) => syscallNumber(a, n) !== undefined);
  const add = (syscall: string, kind: AdditionKind, reason: string): void => {
    if (recorded.has(syscall) || out.has(syscall) || !exists(syscall) || neverAdded(syscall, args) !== undefined) return;
    out.set(syscall, { syscall, kind, reason });
  };
  for (const n of d.neverDeny.syscalls) add(n, 'never-deny', d.neverDeny.reason);
  for (const g of d.companions) {
    const seen = g.syscalls.filter((n) => recorded.has(n));
    if (seen.length === 0) continue;
    for (const n of g.syscalls) add(n, 'companion', `companion of ${seen.join('/')}: the same operation through another entry point`);
  }
  if (RANK[level] >= RANK.families) {
    for (const n of d.lowRisk.syscalls) add(n, 'low-risk', d.lowRisk.reason);
    for (const f of d.families) {
      const seen = f.trigger.filter((n) => recorded.has(n));
      if (seen.length === 0 && level !== 'broad') continue;
      if (!f.needs.every((n) => recorded.has(n))) continue;
      const why = seen.length === 0 ? `${f.reason.replace(/: .*$/, '')}: added at --generalize broad` : `${f.reason} (${seen.join(', ')})`;
      for (const n of f.syscalls) add(n, 'family', why);
      if ((f.name === 'process' || f.name === 'thread') && !recorded.has('clone') && clone === undefined)
        clone = `${why}: without CLONE_NEW* bits (mask 0x7e020000, as Docker's default), clone3 answered with ENOSYS`;
    }
  }
  const added = [...out.values()].sort((a, b) => (a.syscall < b.syscall ? -1 : a.syscall > b.syscall ? 1 : 0));
  const enosys = d.enosys.syscalls
    .filter((e) => !recorded.has(e.syscall) && !out.has(e.syscall) && exists(e.syscall) && e.syscall !== 'clone3')
    .map((e) => ({ syscall: e.syscall, reason: `${d.enosys.reason}: ${e.fallback}` }));
  return { level, added, enosys, ...(clone === undefined ? {} : { clone }) };
}
