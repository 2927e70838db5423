// The canonical form of a profile: the same filter on every host, written one way. Sorts and
// dedupes what is a set (names in a rule, conditions in a rule, caps, arches, flags), keeps rule
// order (it matters to libseccomp and runc), and merges only neighbouring rules whose merge
// provably cannot change what libseccomp builds. Idempotent: normalizing twice changes nothing.

import { ARCHES, type Arch } from '../syscalls/arch.js';
import { OPS, type ArchMapEntry, type ArgCondition, type Profile, type Rule, type RuleFilter } from './model.js';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort(compareText);
}

function sortArches(xs: readonly Arch[]): Arch[] {
  return [...new Set(xs)].sort((a, b) => ARCHES.indexOf(a) - ARCHES.indexOf(b));
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders conditions by index, op, value, valueTwo. Every condition is kept, duplicates too:
 * runc turns a rule with two conditions on one index into one rule per condition (OR), so
 * dropping a duplicate or reordering by anything but the set would not be provably safe —
 * but the order inside a rule never matters (libseccomp keys the chain by argument index,
 * and runc's per-condition rules share one action). */
function compareCondition(a: ArgCondition, b: ArgCondition): number {
  return a.index - b.index || OPS.indexOf(a.op) - OPS.indexOf(b.op) || compareBig(a.value, b.value) || compareBig(a.valueTwo, b.valueTwo);
}

function normalizeFilter(f: RuleFilter): RuleFilter {
  return { caps: sortedUnique(f.caps), arches: sortedUnique(f.arches), ...(f.minKernel === undefined ? {} : { minKernel: f.minKernel }) };
}

function normalizeRule(r: Rule): Rule {
  return {
    names: sortedUnique(r.names),
    action: r.action,
    ...(r.errnoRet === undefined ? {} : { errnoRet: r.errnoRet }),
    args: [...r.args].sort(compareCondition).map((c) => ({ index: c.index, op: c.op, value: c.value, valueTwo: c.valueTwo })),
    includes: normalizeFilter(r.includes),
    excludes: normalizeFilter(r.excludes),
    ...(r.comment === undefined ? {} : { comment: r.comment }),
  };
}

function sameFilter(a: RuleFilter, b: RuleFilter): boolean {
  return a.minKernel === b.minKernel && a.caps.join('\n') === b.caps.join('\n') && a.arches.join('\n') === b.arches.join('\n');
}

/** Two normalized rules that differ only in their names. */
function sameButNames(a: Rule, b: Rule): boolean {
  return (
    a.action === b.action &&
    a.errnoRet === b.errnoRet &&
    a.comment === b.comment &&
    sameFilter(a.includes, b.includes) &&
    sameFilter(a.excludes, b.excludes) &&
    a.args.length === b.args.length &&
    a.args.every((c, i) => compareCondition(c, b.args[i] as ArgCondition) === 0)
  );
}

/** Neighbouring rules merge when they differ only in names and either are unconditional (a
 * repeated unconditional rule adds nothing: libseccomp keeps the first) or name disjoint
 * syscalls (runc adds a rule once per name, so the per-syscall sequence of rules is unchanged). */
function mergeable(a: Rule, b: Rule): boolean {
  if (!sameButNames(a, b)) return false;
  if (a.args.length === 0) return true;
  return !b.names.some((n) => a.names.includes(n));
}

function normalizeArchMap(m: readonly ArchMapEntry[]): ArchMapEntry[] {
  // Stable sort: moby takes the first entry for the host, so duplicates keep their order.
  return m
    .map((e) => ({ architecture: e.architecture, subArchitectures: sortArches(e.subArchitectures) }))
    .map((e, i) => ({ e, i }))
    .sort((x, y) => ARCHES.indexOf(x.e.architecture) - ARCHES.indexOf(y.e.architecture) || x.i - y.i)
    .map((x) => x.e);
}

/** The canonical form of a profile; it means exactly what the input means. */
export function normalizeProfile(p: Profile): Profile {
  const rules: Rule[] = [];
  for (const r of p.syscalls.map(normalizeRule)) {
    const last = rules[rules.length - 1];
    if (last !== undefined && mergeable(last, r)) {
      rules[rules.length - 1] = { ...last, names: sortedUnique([...last.names, ...r.names]) };
    } else {
      rules.push(r);
    }
  }
  return {
    defaultAction: p.defaultAction,
    ...(p.defaultErrnoRet === undefined ? {} : { defaultErrnoRet: p.defaultErrnoRet }),
    architectures: sortArches(p.architectures),
    archMap: normalizeArchMap(p.archMap),
    flags: sortedUnique(p.flags),
    ...(p.listenerPath === undefined ? {} : { listenerPath: p.listenerPath }),
    ...(p.listenerMetadata === undefined ? {} : { listenerMetadata: p.listenerMetadata }),
    syscalls: rules,
  };
}
