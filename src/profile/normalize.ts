// The canonical form of a profile: the same filter on every host, written one way. Sorts and
// dedupes what is a set (caps, arches, flags; names and conditions where libseccomp sees them as
// one), keeps rule order (it matters to libseccomp and runc), keeps the order of whatever runc
// hands libseccomp as a sequence of adds into one syscall's tree (libseccomp 2.5 is
// order-dependent there, see normalizeConditions), and merges only neighbouring rules whose merge
// provably cannot change what libseccomp builds. Idempotent: normalizing twice changes nothing.

import { ARCHES, type Arch } from '../syscalls/arch.js';
import { MULTIPLEXERS } from '../syscalls/multiplexers.js';
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

/** Orders conditions by index, op, value, valueTwo. */
function compareCondition(a: ArgCondition, b: ArgCondition): number {
  return a.index - b.index || OPS.indexOf(a.op) - OPS.indexOf(b.op) || compareBig(a.value, b.value) || compareBig(a.valueTwo, b.valueTwo);
}

function normalizeFilter(f: RuleFilter): RuleFilter {
  return { caps: sortedUnique(f.caps), arches: sortedUnique(f.arches), ...(f.minKernel === undefined ? {} : { minKernel: f.minKernel }) };
}

/** True when runc splits the rule (the same test as src/evaluator/runc.ts runcSplits; the IR does
 * not import the evaluator). */
function namesOneArgumentTwice(args: readonly ArgCondition[]): boolean {
  return new Set(args.map((c) => c.index)).size < args.length;
}

/** The conditions in canonical order. Every condition is kept, duplicates too. When no two name
 * the same argument, runc hands them to libseccomp in one seccomp_rule_add, which keys its chain
 * by argument index (db.c db_col_rule_add: chain[arg_num]), so their order never matters and they
 * are sorted. When two name the same argument, runc (libcontainer/seccomp matchCall) adds one rule
 * per condition, in the order written, and libseccomp 2.5's filter depends on that order: the
 * rules are merged into one tree level by level (db.c _db_tree_add), and gen_bpf.c
 * _gen_bpf_build_bpf repairs the accumulator only for the first jump into a shared block, so a
 * later path can compare the wrong 32-bit word. E.g. after an allow rule `prctl: arg0 > 0 &&
 * arg1 != 0`, a TRACE rule `prctl: arg0 >= 0x100000001, arg0 < 0` traces prctl(0x10000000),
 * and written `arg0 < 0, arg0 >= 0x100000001` it does not (real libseccomp 2.5.4 agrees, see
 * test/oracle). So those conditions keep their order. */
function normalizeConditions(args: readonly ArgCondition[]): ArgCondition[] {
  const ordered = namesOneArgumentTwice(args) ? [...args] : [...args].sort(compareCondition);
  return ordered.map((c) => ({ index: c.index, op: c.op, value: c.value, valueTwo: c.valueTwo }));
}

/** The multiplexer whose libseccomp tree the name's rules reach on a multiplexing ABI (x86, s390,
 * ppc, ...): the multiplexer itself or one of its members (libseccomp adds a member's rule to the
 * multiplexer with arg0 = its call number). Undefined for every other name. */
function multiplexerOf(name: string): string | undefined {
  for (const [mux, members] of Object.entries(MULTIPLEXERS)) if (name === mux || Object.hasOwn(members, name)) return mux;
  return undefined;
}

/** The names in canonical order. runc adds a rule's (name, condition group) pairs in the order
 * written, one syscall tree per name, so reordering names only interleaves adds into different
 * trees differently — except where two different names reach one multiplexer's tree: the order
 * of their adds is then the order written, and libseccomp's result depends on it (after
 * `socket → KILL_THREAD`, a rule `socketcall, socket → ERRNO` loads on i386, while
 * `socket, socketcall → ERRNO` is refused with EEXIST; evaluator cases E135/E136). Such names
 * keep their written sequence, repeats included, in the places sorting gives them; the others
 * are sorted. A repeated name repeats its adds: a no-op (the same chain again, right after
 * itself in its tree) unless runc splits the rule, whose adds c1, c2, c1, c2 build another tree
 * than c1, c2 (evaluator cases E137/E138) — so a split rule keeps its repeats. */
function normalizeNames(names: readonly string[], args: readonly ArgCondition[]): string[] {
  const members = new Map<string, Set<string>>();
  for (const n of names) {
    const mux = multiplexerOf(n);
    if (mux !== undefined) members.set(mux, (members.get(mux) ?? new Set()).add(n));
  }
  const shared = (n: string): string | undefined => {
    const mux = multiplexerOf(n);
    return mux !== undefined && (members.get(mux)?.size ?? 0) > 1 ? mux : undefined;
  };
  const free = names.filter((n) => shared(n) === undefined);
  const sequences = new Map<string, string[]>();
  for (const n of names) {
    const mux = shared(n);
    if (mux !== undefined) sequences.set(mux, [...(sequences.get(mux) ?? []), n]);
  }
  const placed = namesOneArgumentTwice(args) ? [...free].sort(compareText) : sortedUnique(free);
  const slots = [...placed, ...[...sequences.values()].flat()].sort(compareText);
  return slots.map((n) => {
    const mux = shared(n);
    return mux === undefined ? n : ((sequences.get(mux) as string[]).shift() as string);
  });
}

function normalizeRule(r: Rule): Rule {
  return {
    names: normalizeNames(r.names, r.args),
    action: r.action,
    ...(r.errnoRet === undefined ? {} : { errnoRet: r.errnoRet }),
    args: normalizeConditions(r.args),
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
      // the merged rule makes the adds of `last` then those of `r`: their names, in that order
      rules[rules.length - 1] = { ...last, names: normalizeNames([...last.names, ...r.names], last.args) };
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
