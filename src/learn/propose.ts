// From the attributed kernel records to the proposed profile (pure). The proposal is the enforcing
// form of the deployed profile (a log-tier profile gets its deny-by-default back, without the
// tier's rules) plus one allow rule per learned syscall, its comment saying it was learned from the
// kernel log (when, which executables, how many calls). A recording is evidence, not permission, and
// so is a log: a syscall of the risk catalog is refused as generate refuses it (a finding) unless
// justified with --allow NAME:"reason". The log carries no argument values, so a learned syscall
// whose arguments carry catalogued values (clone, unshare, socket, personality) is allowed with
// those values still denied: clone/unshare without CLONE_NEW* bits (Docker's mask), socket and
// personality with a deny rule per dangerous value.

import { riskOf } from '../catalog/dangerous.js';
import { dangerousValues, valueHits, type DangerousValue } from '../catalog/dangerous-values.js';
import { widerThanDefault, type WiderDoor } from '../diff/doors.js';
import { CLONE_NS_MASK, int32Equals, maskedEquals, UNSHARE_NS_MASK } from '../generator/arg-rules.js';
import { isLogTierRule, LOG_FLAG } from '../generator/unrecorded.js';
import { justifiedSyscall, justifiedValue, type Justification } from '../generator/justify.js';
import { describeArgValue } from '../syscalls/constants.js';
import { emptyFilter, type Action, type ArgCondition, type Profile, type Rule } from '../profile/model.js';
import type { Arch } from '../syscalls/arch.js';
import type { SeccompRecord } from './records.js';

export interface Learned {
  syscall: string;
  abis: Arch[];
  count: number;
  /** exe (or comm when no exe) → calls. */
  by: { process: string; count: number }[];
  firstMs: number;
  lastMs: number;
  actions: string[];
}

export interface LearnRefusal {
  syscall: string;
  count: number;
  abis: Arch[];
  by: string[];
  reason: string;
}

export interface Proposal {
  profile: Profile;
  /** The enforcing form of the input, which the proposal is diffed against. */
  base: Profile;
  learned: Learned[];
  /** Learned syscalls the base already allows for every value (records of an older deployment). */
  alreadyAllowed: string[];
  refusals: LearnRefusal[];
  justified: Justification[];
  wider: WiderDoor[];
  notes: string[];
}

const NS_MASK: Readonly<Record<string, bigint>> = { clone: CLONE_NS_MASK, unshare: UNSHARE_NS_MASK };

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The deployed profile in enforcing form: deny by default (the tier's denial), the tier's rules and flag gone. */
export function enforcingBase(p: Profile): { base: Profile; deny: { action: Action; errno?: number }; notes: string[] } {
  if (p.defaultAction !== 'log') {
    return { base: structuredClone(p), deny: { action: p.defaultAction, ...(p.defaultErrnoRet === undefined ? {} : { errno: p.defaultErrnoRet }) }, notes: [] };
  }
  const tier = p.syscalls.filter(isLogTierRule);
  const denial = tier.find((r) => r.names[0] !== 'clone3');
  const deny: { action: Action; errno?: number } =
    denial === undefined ? { action: 'errno', errno: 1 } : { action: denial.action, ...(denial.errnoRet === undefined ? {} : { errno: denial.errnoRet }) };
  const notes =
    tier.length === 0
      ? ['the profile logs by default but was not made by `--unrecorded log`: the proposal denies by default with EPERM and keeps every rule']
      : [];
  const { defaultErrnoRet: _d, ...rest } = p;
  return {
    base: {
      ...rest,
      defaultAction: deny.action,
      ...(deny.action === 'errno' ? { defaultErrnoRet: deny.errno ?? 1 } : {}),
      flags: p.flags.filter((f) => f !== LOG_FLAG),
      syscalls: p.syscalls.filter((r) => !isLogTierRule(r)),
    },
    deny,
    notes,
  };
}

/** Groups the attributed records by syscall. */
export function groupRecords(records: readonly SeccompRecord[]): Learned[] {
  const by = new Map<string, { abis: Set<Arch>; count: number; procs: Map<string, number>; first: number; last: number; actions: Set<string> }>();
  for (const r of records) {
    if (r.syscall === undefined || r.abi === undefined) continue;
    const e = by.get(r.syscall) ?? { abis: new Set(), count: 0, procs: new Map(), first: r.timeMs, last: r.timeMs, actions: new Set() };
    e.abis.add(r.abi);
    e.count++;
    const who = r.exe === undefined || r.exe === '' || r.exe === '/' ? r.comm : r.exe;
    e.procs.set(who, (e.procs.get(who) ?? 0) + 1);
    e.first = Math.min(e.first, r.timeMs);
    e.last = Math.max(e.last, r.timeMs);
    e.actions.add(r.action === 'errno' && r.errno !== undefined ? `errno ${r.errno}` : r.action);
    by.set(r.syscall, e);
  }
  return [...by]
    .map(([syscall, e]) => ({
      syscall,
      abis: [...e.abis].sort(),
      count: e.count,
      by: [...e.procs].map(([process, count]) => ({ process, count })).sort((a, b) => b.count - a.count || (a.process < b.process ? -1 : 1)),
      firstMs: e.first,
      lastMs: e.last,
      actions: [...e.actions].sort(),
    }))
    .sort((a, b) => (a.syscall < b.syscall ? -1 : a.syscall > b.syscall ? 1 : 0));
}

function learnedComment(l: Learned, source: string): string {
  const who = l.by.map((b) => `${b.process} ${b.count}×`).join(', ');
  const when = l.firstMs === l.lastMs ? `at ${isoSeconds(l.firstMs)}` : `between ${isoSeconds(l.firstMs)} and ${isoSeconds(l.lastMs)}`;
  return `${l.syscall} — learned from the kernel log (${source}): ${l.count} call${l.count === 1 ? '' : 's'} on ${l.abis.join(', ')} by ${who} ${when}, action ${l.actions.join(', ')}`;
}

function allow(name: string, args: ArgCondition[], comment: string): Rule {
  return { names: [name], action: 'allow', args, includes: emptyFilter(), excludes: emptyFilter(), comment };
}

/**
 * Allow rules for a learned syscall whose catalogued values are argument values, for a deny-default
 * profile: a name-only allow would win over any deny rule on its arguments (libseccomp), so the
 * rules list what stays allowed. equal kind (socket, socketpair families): one rule per named value
 * that is not catalogued; mask kind (personality): one rule for "none of the catalogued bits", plus
 * the values the catalog never counts.
 */
export function withoutDangerousValues(syscall: string, comment: string, js: readonly Justification[]): Rule[] {
  const ds = dangerousValues().filter((d) => d.syscall === syscall);
  // The argument the entries are about: where the conditioned entries are conditioned (socket's
  // family, setsockopt's level), else the entries' own.
  const index = ds.find((d) => d.when.length > 0)?.when[0]?.index ?? ds[0]?.index ?? 0;
  const open = (d: DangerousValue, v: bigint): boolean => justifiedValue(js, syscall, d.index, v, d.kind) !== undefined;
  const why = `${comment}; the log carries no arguments, so arg${index} is allowed except the catalogued values (${[...new Set(ds.map((d) => d.name))].join(', ')})`;
  if (ds.every((d) => d.kind === 'equal')) {
    const plain = ds.filter((d) => d.index === index && d.when.length === 0);
    const named = (i: number, v: bigint, ctx: bigint[]): string | undefined => describeArgValue(syscall, i, v, { args: ctx });
    const rules: Rule[] = [];
    for (let v = 0n; v < 512n; v++) {
      const ctx = [0n, 0n, 0n, 0n, 0n, 0n];
      ctx[index] = v;
      const label = named(index, v, ctx);
      if (label === undefined || plain.some((d) => valueHits(d, v) && !open(d, v))) continue;
      // Entries that hold only with this value (AF_NETLINK's protocols, SOL_IP's options): list what
      // stays allowed of the argument they are about.
      const conditioned = ds.filter((d) => d.when.length > 0 && d.when.every((w) => w.index === index && w.value === v));
      const q = conditioned[0]?.index;
      if (q === undefined) {
        rules.push(allow(syscall, [int32Equals(index, v)], `${why}: ${label}`));
        continue;
      }
      const mask = conditioned[0]?.mask ?? 0xffffffffn;
      for (let x = 0n; x < 512n && x <= mask; x++) {
        const c2 = [...ctx];
        c2[q] = x;
        const l2 = named(q, x, c2);
        if (l2 === undefined || conditioned.some((d) => valueHits(d, x) && !open(d, x))) continue;
        const cond = mask === 0xffffffffn ? int32Equals(q, x) : maskedEquals(q, mask, x);
        rules.push(allow(syscall, [int32Equals(index, v), cond], `${why}: ${label}, ${l2}`));
      }
    }
    return rules;
  }
  const mask = ds.filter((d) => d.kind === 'mask').reduce((m, d) => m | d.value, 0n);
  const excepts = [...new Set(ds.flatMap((d) => d.except))];
  return [
    allow(syscall, [maskedEquals(index, mask, 0n)], `${why}: none of the bits 0x${mask.toString(16)}`),
    ...excepts.map((x) => allow(syscall, [int32Equals(index, x)], `${why}: 0x${x.toString(16)} (never dangerous)`)),
  ];
}

function allowsOutright(base: Profile, name: string): boolean {
  return base.syscalls.some((r) => r.names.includes(name) && r.action === 'allow' && r.args.length === 0);
}

export interface ProposeOptions {
  native: Arch;
  justifications?: readonly Justification[];
  /** Where the records came from, for the rule comments ("dmesg", "/var/log/audit/audit.log"). */
  source: string;
  reference?: Profile;
}

/** The proposal: the base plus the learned syscalls, the catalogued ones refused unless justified. */
export function propose(deployed: Profile, records: readonly SeccompRecord[], o: ProposeOptions): Proposal {
  const js = o.justifications ?? [];
  const { base, notes } = enforcingBase(deployed);
  const learned = groupRecords(records);
  const byValue = new Set(dangerousValues().map((d) => d.syscall));
  const added: Rule[] = [];
  const refusals: LearnRefusal[] = [];
  const justified: Justification[] = [];
  const alreadyAllowed: string[] = [];
  for (const l of learned) {
    const comment = learnedComment(l, o.source);
    if (l.syscall === 'clone3') {
      notes.push('clone3: seen in the log, stays answered with ENOSYS (its flags cannot be filtered; libc falls back to clone)');
      continue;
    }
    if (allowsOutright(base, l.syscall)) {
      alreadyAllowed.push(l.syscall);
      continue;
    }
    const risk = riskOf(l.syscall);
    if (risk !== undefined && !byValue.has(l.syscall)) {
      const j = justifiedSyscall(js, l.syscall);
      if (j === undefined) {
        refusals.push({ syscall: l.syscall, count: l.count, abis: l.abis, by: l.by.map((b) => b.process), reason: risk.reason });
        continue;
      }
      justified.push(j);
      added.push(allow(l.syscall, [], `${comment}; allowed by justification: ${j.reason}`));
      continue;
    }
    const mask = NS_MASK[l.syscall];
    if (mask !== undefined) {
      if (base.syscalls.some((r) => r.names.includes(l.syscall) && r.action === 'allow')) {
        alreadyAllowed.push(l.syscall);
        continue;
      }
      added.push(
        allow(
          l.syscall,
          [maskedEquals(0, mask, 0n)],
          `${comment}; no CLONE_NEW* bit (mask 0x${mask.toString(16)}), as Docker's default: the log carries no arguments`,
        ),
      );
      continue;
    }
    if (byValue.has(l.syscall)) {
      if (base.syscalls.some((r) => r.names.includes(l.syscall) && r.action === 'allow' && r.args.length === 0)) {
        alreadyAllowed.push(l.syscall);
        continue;
      }
      added.push(...withoutDangerousValues(l.syscall, comment, js));
      continue;
    }
    added.push(allow(l.syscall, [], comment));
  }
  // A learned rule covers the base's argument rules for the same syscall and value: drop duplicates.
  const key = (r: Rule): string => `${r.names.join(',')} ${r.action} ${r.args.map((c) => `${c.index}:${c.op}:${c.value}:${c.valueTwo}`).join('&')}`;
  const outright = new Set(added.filter((r) => r.action === 'allow' && r.args.length === 0).map((r) => r.names[0]));
  const kept = base.syscalls.filter((r) => !(r.action === 'allow' && r.names.length === 1 && outright.has(r.names[0])));
  const keptKeys = new Set(kept.map(key));
  const fresh = added.filter((r) => !keptKeys.has(key(r)));
  const profile: Profile = {
    ...base,
    syscalls: [...kept, ...fresh].sort((a, b) => ((a.names[0] ?? '') < (b.names[0] ?? '') ? -1 : (a.names[0] ?? '') > (b.names[0] ?? '') ? 1 : 0)),
  };
  const justifiedNames = new Set(js.map((j) => j.syscall));
  const wider = widerThanDefault(profile, { native: o.native }, o.reference).filter((w) => !justifiedNames.has(w.syscall));
  return { profile, base, learned, alreadyAllowed, refusals, justified, wider, notes };
}

/** "denied keyctl: 2 calls on x86_64 by /usr/local/bin/hostile-tool — the kernel keyring …". */
export function describeLearnRefusal(r: LearnRefusal): string {
  return `refused ${r.syscall}: ${r.count} call${r.count === 1 ? '' : 's'} on ${r.abis.join(', ')} by ${r.by.join(', ')} in the kernel log — ${r.reason}`;
}
