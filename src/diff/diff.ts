// Semantic diff of two profiles, per ABI: which (syscall, argument values) the two filters decide
// differently on one host. For each syscall the argument space is cut into the classes on which
// every condition of either profile holds or fails alike (exact: one witness per class), the
// evaluator decides one witness per class combination, and differing classes are merged into
// readable boxes: value ranges and mask facts. See docs/diff.md.

import { ARCH_INFO, familyAbis, type Arch } from '../syscalls/arch.js';
import { errnoName } from '../syscalls/errno.js';
import { syscallNumber, syscallsOf } from '../syscalls/table.js';
import { conflicts, decideOutcome, type Conflict, type DecisionSource, type EvaluateOptions, type Outcome } from '../evaluator/evaluate.js';
import { ruleTargets } from '../evaluator/libseccomp/abi.js';
import type { Action, ArgCondition, ConcreteProfile, Profile } from '../profile/model.js';
import { resolveProfile, type HostContext } from '../profile/resolve.js';

export interface DiffOptions extends HostContext {
  /** Names an argument value (AF_ALG, CLONE_NEWUSER) for reports; optional. */
  describe?: (syscall: string, index: number, value: bigint) => string | undefined;
  /** Bound on the argument points evaluated per (ABI, syscall); beyond it points are sampled and
   * the entry is marked approximate. Default 1024. */
  maxPoints?: number;
  /** Which runtime and libseccomp load the filters (passed to the evaluator). */
  evaluate?: EvaluateOptions;
}

/** The knobs of diffConcrete. */
export type DiffTuning = Pick<DiffOptions, 'maxPoints' | 'evaluate'>;

/** What one side did on a set of points: the action, and every way it got there. */
export interface Verdict {
  action: Action;
  errno?: number;
  /** Indices in the source profile's syscalls[] of the rules that decided (sorted). */
  rules: number[];
  /** 'rule', 'default' and/or 'bad-arch' (sorted). */
  by: DecisionSource[];
}

/** One fact about one argument: (arg & mask) compared with value by `op` holds. */
export interface MaskFact {
  mask: bigint;
  value: bigint;
  op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
}

/** A set of values of one argument: lo ≤ arg ≤ hi, and every mask fact holds as stated. When
 * `words` is set the values are only those whose high and low 32-bit words each lie in their own
 * range (lo/hi then bound them). On a 32-bit ABI these are values of the low word, the only part
 * the filter sees. */
export interface ArgRange {
  index: number;
  lo: bigint;
  hi: bigint;
  words?: { hi: [bigint, bigint]; lo: [bigint, bigint] };
  masks: MaskFact[];
  /** The smallest value of the set that was evaluated. */
  example: bigint;
  /** The named constant of the value (lo = hi) or of the example, when `describe` knows one. */
  label?: string;
}

/** The argument values (a box; arguments not listed take any value) on which A and B differ. */
export interface ArgChange {
  args: ArgRange[];
  a: Verdict;
  b: Verdict;
}

export interface SyscallDiff {
  name: string;
  nr: number;
  /** Disjoint boxes; a single change with no args means "for every argument value". When
   * `approximate`, only examples: single calls that differ, a few per pair of outcomes. */
  changes: ArgChange[];
  /** True when there were too many argument classes and only a sample was decided. */
  approximate: boolean;
}

export interface AbiDiff {
  abi: Arch;
  /** Which filters handle the ABI; for the other one libseccomp's bad-arch action applies. */
  inA: boolean;
  inB: boolean;
  /** Syscalls on which no rule decides in either profile yet the two differ (default action,
   * bad-arch, the runtime's ENOSYS stub), grouped by the two outcomes; largest group first. */
  unruled: { a: Verdict; b: Verdict; syscalls: string[] }[];
  /** The decision for the first number past the syscall table (a syscall a newer kernel adds),
   * when the two differ. */
  beyondTable?: { nr: number; a: Verdict; b: Verdict };
  /** Every other syscall whose decision differs for some arguments, by name. */
  syscalls: SyscallDiff[];
  /** Syscalls whose conditions were too many to check every class of arguments: they were
   * checked on a sample, so a difference may hide there even when none is reported. */
  sampled: string[];
  isEmpty: boolean;
}

export interface DiffResult {
  native: Arch;
  /** Every ABI at least one filter handles, the native one first. */
  abis: AbiDiff[];
  /** Filter flags set in one profile only (they change logging or the filter's loading). */
  flags: { onlyA: string[]; onlyB: string[] };
  /** Why the runtime would refuse to load each filter (libseccomp -EEXIST and the like); a filter
   * that does not load decides nothing, so one loading and the other not is a difference. */
  conflicts: { a: Conflict[]; b: Conflict[] };
  /** listenerPath / listenerMetadata differences (where SCMP_ACT_NOTIFY goes). */
  listener: { field: 'listenerPath' | 'listenerMetadata'; a?: string; b?: string }[];
  isEmpty: boolean;
}

// ---- argument classes --------------------------------------------------------------------
// libseccomp compares 32-bit words: on a 64-bit ABI each condition becomes comparisons of the
// argument's high and low words, on a 32-bit ABI of the low word only; each comparison is
// (accumulator & mask) against a datum with ==, > or >=. The generated BPF does not always hold
// the word a comparison was made for (gen_bpf.c repairs the accumulator only for the first jump
// into a block), so any comparison of a syscall may meet any word that syscall's filter loads,
// masked by any of its masks. The unit here is one word of one argument ("dimension"); each is
// cut into the classes on which every (mask, datum) pair of the syscall compares alike.

const U32 = 0xffffffffn;

/** Relations of (word & mask) to a datum, as bits: below, equal, above; 7 is "any". */
const LT = 1;
const EQ = 2;
const GT = 4;
const ANY = LT | EQ | GT;

/** The comparisons a syscall's filter can make on a word: datums under the full mask (ranges)
 * and (mask, datum) pairs under narrower masks (mask facts). */
interface Probes {
  cmps: bigint[];
  masks: { mask: bigint; value: bigint }[];
}

interface Dim {
  index: number;
  word: 'hi' | 'lo';
}

interface ArgClass {
  lo: bigint;
  hi: bigint;
  facts: number[]; // per mask probe: LT, EQ or GT of (word & mask) against value
  example: bigint;
}

function compareBig(x: bigint, y: bigint): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The words the filter loads for these conditions, and every comparison it can make on them. */
function collectProbes(rules: readonly { args: readonly ArgCondition[] }[], bits: number): { dims: Dim[]; probes: Probes } {
  const words: Dim['word'][] = bits === 64 ? ['hi', 'lo'] : ['lo'];
  const dims = new Map<string, Dim>();
  const datums = new Set<bigint>();
  const masks = new Set<bigint>();
  for (const r of rules) {
    for (const c of r.args) {
      // A masked comparison with no mask bits on this ABI compares nothing (libseccomp drops it).
      if (c.op === 'masked_eq' && (bits === 64 ? c.value : c.value & U32) === 0n) continue;
      for (const word of words) {
        const shift = word === 'hi' ? 32n : 0n;
        const m = c.op === 'masked_eq' ? (c.value >> shift) & U32 : U32;
        dims.set(`${c.index}${word}`, { index: c.index, word });
        masks.add(m);
        datums.add(((c.op === 'masked_eq' ? c.valueTwo : c.value) >> shift) & m);
      }
    }
  }
  // A word may be AND-ed with one mask after another (pairs are as far as real filters go).
  for (const x of [...masks]) for (const y of [...masks]) masks.add(x & y);
  const ds = [...datums].sort(compareBig);
  const narrow = [...masks].filter((m) => m !== U32 && m !== 0n).sort(compareBig);
  return {
    dims: [...dims.values()].sort((x, y) => x.index - y.index || (x.word === 'hi' ? -1 : 1)),
    probes: { cmps: masks.has(U32) ? ds : [], masks: narrow.flatMap((mask) => [...new Set(ds.map((d) => d & mask))].map((value) => ({ mask, value }))) },
  };
}

/** Past this many probe states on one bit the classes are cut by the constants alone. */
const MAX_STATES = 512;

interface ClassState {
  prefix: bigint;
  cmp: number[]; // LT, EQ or GT of the word so far against each constant
  rel: number[]; // LT, EQ or GT of (word & mask) so far against each mask probe's value
}

function step(rel: number, own: bigint, bit: bigint): number {
  if (rel !== EQ) return rel;
  return own === bit ? EQ : own > bit ? GT : LT;
}

/** Every class of 32-bit words on which each probe compares alike, with the smallest member of
 * each: a walk over the bits from the top, merging equal probe states. With too many masks
 * (random ones, never seen in real profiles) the classes are cut by the constants and the masked
 * values only, and `exact` is false. */
export function argClasses(p: Probes): { classes: ArgClass[]; exact: boolean } {
  const exact = walkClasses(p);
  if (exact !== undefined) return { classes: exact, exact: true };
  const cmps = [...new Set([...p.cmps, ...p.masks.flatMap((m) => [m.value, m.value | (U32 & ~m.mask)])])].sort(compareBig);
  return { classes: walkClasses({ cmps, masks: [] }) as ArgClass[], exact: false };
}

function walkClasses(p: Probes): ArgClass[] | undefined {
  let states: ClassState[] = [{ prefix: 0n, cmp: p.cmps.map(() => EQ), rel: p.masks.map(() => EQ) }];
  for (let b = 31; b >= 0; b--) {
    if (states.length > MAX_STATES) return undefined;
    const bit = 1n << BigInt(b);
    const next = new Map<string, ClassState>();
    for (const s of states) {
      for (const v of [0n, 1n]) {
        const cmp = s.cmp.map((st, j) => step(st, v, ((p.cmps[j] as bigint) & bit) === 0n ? 0n : 1n));
        const rel = s.rel.map((st, j) => {
          const m = p.masks[j] as { mask: bigint; value: bigint };
          return step(st, (m.mask & bit) === 0n ? 0n : v, (m.value & bit) === 0n ? 0n : 1n);
        });
        const key = `${cmp.join('')}|${rel.join('')}`;
        // States arrive in prefix order, so the first prefix kept is the smallest.
        if (!next.has(key)) next.set(key, { prefix: (s.prefix << 1n) | v, cmp, rel });
      }
    }
    states = [...next.values()];
  }
  return states.map((s) => {
    let lo = 0n;
    let hi = U32;
    s.cmp.forEach((st, j) => {
      const c = p.cmps[j] as bigint;
      const [l, h] = st === EQ ? [c, c] : st === GT ? [c + 1n, U32] : [0n, c - 1n];
      if (l > lo) lo = l;
      if (h < hi) hi = h;
    });
    return { lo, hi, facts: s.rel, example: s.prefix };
  });
}

// ---- verdicts ----------------------------------------------------------------------------

function outcomeKey(d: Pick<Outcome, 'action' | 'errno'>): string {
  return d.errno === undefined ? d.action : `${d.action}:${d.errno}`;
}

function sameOutcome(a: Outcome, b: Outcome): boolean {
  return outcomeKey(a) === outcomeKey(b);
}

function verdictOf(ds: readonly Outcome[]): Verdict {
  const first = ds[0] as Outcome;
  const rules = [...new Set(ds.flatMap((d) => (d.rule === undefined ? [] : [d.rule])))].sort((x, y) => x - y);
  const by = [...new Set(ds.map((d) => d.source))].sort();
  return { action: first.action, ...(first.errno === undefined ? {} : { errno: first.errno }), rules, by };
}

// ---- boxes and merging -------------------------------------------------------------------

/** A box: per argument dimension a set of class indices; all points inside share one outcome. */
interface Box {
  sets: number[][]; // sorted class indices per dimension
  key: string;
  a: Outcome[];
  b: Outcome[];
}

interface Described {
  lo: bigint;
  hi: bigint;
  facts: number[]; // per mask probe: the relations allowed (ANY: no constraint)
  example: bigint;
}

function matchCount(classes: readonly ArgClass[], d: Described): number {
  return classes.filter((c) => c.lo >= d.lo && c.hi <= d.hi && d.facts.every((f, j) => (f & (c.facts[j] as number)) !== 0)).length;
}

/** The simplest (range, mask facts) that holds exactly for the values of these classes, if any.
 * Classes partition the values, so matching exactly these classes means describing exactly
 * their values. */
function describeSet(classes: readonly ArgClass[], set: readonly number[]): Described | undefined {
  const members = set.map((k) => classes[k] as ArgClass);
  const first = members[0] as ArgClass;
  const d: Described = {
    lo: members.reduce((m, c) => (c.lo < m ? c.lo : m), first.lo),
    hi: members.reduce((m, c) => (c.hi > m ? c.hi : m), first.hi),
    facts: first.facts.map((_, j) => members.reduce((f, c) => f | (c.facts[j] as number), 0)),
    example: members.reduce((m, c) => (c.example < m ? c.example : m), first.example),
  };
  if (matchCount(classes, d) !== set.length) return undefined;
  // Drop a fact, or widen it to a plainer relation (> 0 reads better as != 0), when the values
  // it describes stay the same.
  for (let j = 0; j < d.facts.length; j++) {
    for (const wider of [ANY, LT | GT]) {
      const f = d.facts[j] as number;
      if ((f & wider) !== f || f === wider) continue;
      const facts = d.facts.map((x, i) => (i === j ? wider : x));
      if (matchCount(classes, { ...d, facts }) === set.length) d.facts = facts;
    }
  }
  if (d.lo !== 0n && matchCount(classes, { ...d, lo: 0n }) === set.length) d.lo = 0n;
  if (d.hi !== U32 && matchCount(classes, { ...d, hi: U32 }) === set.length) d.hi = U32;
  return d;
}

function union(x: readonly number[], y: readonly number[]): number[] {
  return [...new Set([...x, ...y])].sort((p, q) => p - q);
}

/** Merges boxes that differ in one dimension when the union is still one exact description. */
function mergeBoxes(boxes: Box[], classes: readonly ArgClass[][], order: readonly number[]): Box[] {
  let cur = boxes;
  for (let round = 0, changed = true; changed && round < 64; round++) {
    changed = false;
    for (const dim of order) {
      const groups = new Map<string, Box[]>();
      for (const b of cur) {
        const k = `${b.key}|${b.sets.map((s, i) => (i === dim ? '' : s.join(','))).join('|')}`;
        groups.set(k, [...(groups.get(k) ?? []), b]);
      }
      const out: Box[] = [];
      for (const g of groups.values()) {
        const pending = [...g];
        for (let i = 0; i < pending.length; i++) {
          for (let j = i + 1; j < pending.length; j++) {
            const x = pending[i] as Box;
            const y = pending[j] as Box;
            const u = union(x.sets[dim] as number[], y.sets[dim] as number[]);
            if (describeSet(classes[dim] as ArgClass[], u) === undefined) continue;
            pending[i] = { sets: x.sets.map((s, k) => (k === dim ? u : s)), key: x.key, a: [...x.a, ...y.a], b: [...x.b, ...y.b] };
            pending.splice(j, 1);
            changed = true;
            j = i; // the grown box may now merge with one passed over
          }
        }
        out.push(...pending);
      }
      cur = out;
    }
  }
  return cur;
}

// ---- per syscall -------------------------------------------------------------------------

interface SyscallContext {
  abi: Arch;
  bits: number;
  name: string;
  a: ConcreteProfile;
  b: ConcreteProfile;
  rules: { args: readonly ArgCondition[] }[];
  maxPoints: number;
  evaluate: EvaluateOptions;
}

/** Mixed-radix points: all of them when few enough, else a deterministic sample. */
function choosePoints(radices: number[], maxPoints: number): { points: number[][]; approximate: boolean } {
  const total = radices.reduce((n, r) => n * BigInt(r), 1n);
  const at = (k: bigint): number[] => {
    const out: number[] = [];
    for (const r of radices) {
      out.push(Number(k % BigInt(r)));
      k /= BigInt(r);
    }
    return out;
  };
  if (total <= BigInt(maxPoints)) {
    const points: number[][] = [];
    for (let k = 0n; k < total; k++) points.push(at(k));
    return { points, approximate: false };
  }
  const seen = new Set<string>();
  const points: number[][] = [];
  const add = (p: number[]): void => {
    const k = p.join(',');
    if (!seen.has(k)) {
      seen.add(k);
      points.push(p);
    }
  };
  // Every class of each word with the others at their first class, the "diagonal" (every word
  // in its k-th class: the same constant met everywhere), then an even stride.
  radices.forEach((r, d) => {
    for (let v = 0; v < r; v++) add(radices.map((_, e) => (e === d ? v : 0)));
  });
  for (let k = 0; k < Math.max(...radices); k++) add(radices.map((r) => k % r));
  const step = total / BigInt(maxPoints) + 1n;
  for (let k = 0n; k < total && points.length < maxPoints * 2; k += step) add(at(k));
  return { points, approximate: true };
}

/** The syscall's differences (none: undefined), and whether only a sample was decided. */
function diffSyscall(ctx: SyscallContext): { diff?: SyscallDiff; sampled: boolean } {
  if (ctx.rules.length === 0) {
    // Nothing compares an argument: one call decides for all of them.
    const da = decideOutcome(ctx.a, ctx.abi, ctx.name, [], ctx.evaluate);
    const db = decideOutcome(ctx.b, ctx.abi, ctx.name, [], ctx.evaluate);
    if (sameOutcome(da, db)) return { sampled: false };
    return { diff: { name: ctx.name, nr: syscallNumber(ctx.abi, ctx.name) ?? -1, changes: [{ args: [], a: verdictOf([da]), b: verdictOf([db]) }], approximate: false }, sampled: false };
  }
  const { dims, probes: found } = collectProbes(ctx.rules, ctx.bits);
  const shared = argClasses(found);
  const probes = shared.exact ? found : { cmps: found.cmps, masks: [] };
  const classes = dims.map(() => shared.classes);
  const chosen = choosePoints(classes.map((c) => c.length), ctx.maxPoints);
  const { points } = chosen;
  const approximate = chosen.approximate || !shared.exact;
  const boxes: Box[] = [];
  for (const p of points) {
    const args = [0n, 0n, 0n, 0n, 0n, 0n];
    p.forEach((k, d) => {
      const dim = dims[d] as Dim;
      const ex = ((classes[d] as ArgClass[])[k] as ArgClass).example;
      args[dim.index] = (args[dim.index] as bigint) | (dim.word === 'hi' ? ex << 32n : ex);
    });
    const da = decideOutcome(ctx.a, ctx.abi, ctx.name, args, ctx.evaluate);
    const db = decideOutcome(ctx.b, ctx.abi, ctx.name, args, ctx.evaluate);
    if (sameOutcome(da, db)) continue;
    boxes.push({ sets: p.map((k) => [k]), key: `${outcomeKey(da)}>${outcomeKey(db)}`, a: [da], b: [db] });
  }
  if (boxes.length === 0) return { sampled: approximate };
  const nr = syscallNumber(ctx.abi, ctx.name) ?? -1;
  if (approximate) return { diff: { name: ctx.name, nr, changes: exampleChanges(boxes, dims, classes), approximate }, sampled: true };
  const changes = mergeChanges(
    // Low words first: a box whose low word is whole reads as one 64-bit range.
    mergeBoxes(boxes, classes, [...dims.keys()].sort((x, y) => Number((dims[x] as Dim).word === 'hi') - Number((dims[y] as Dim).word === 'hi') || x - y)).map((box) => {
      const words = box.sets.map((set, d) => describeSet(classes[d] as ArgClass[], set) as Described);
      const args: ArgRange[] = [];
      for (const index of [...new Set(dims.map((d) => d.index))]) {
        const word = (w: Dim['word']): { d: Described; masks: { mask: bigint; value: bigint }[] } | undefined => {
          const k = dims.findIndex((d) => d.index === index && d.word === w);
          return k < 0 ? undefined : { d: words[k] as Described, masks: probes.masks };
        };
        const r = argRange(index, ctx.bits, word('hi'), word('lo'));
        if (r !== undefined) args.push(r);
      }
      return { key: box.key, change: { args, a: verdictOf(box.a), b: verdictOf(box.b) } };
    }),
    ctx.bits,
  );
  changes.sort(compareChanges);
  return { diff: { name: ctx.name, nr, changes, approximate }, sampled: false };
}

/** When only a sample was decided: a few differing calls per pair of outcomes, as single values. */
function exampleChanges(boxes: readonly Box[], dims: readonly Dim[], classes: readonly ArgClass[][]): ArgChange[] {
  const perKey = new Map<string, number>();
  const out: ArgChange[] = [];
  for (const box of boxes) {
    const n = perKey.get(box.key) ?? 0;
    if (n >= EXAMPLES_PER_OUTCOME || out.length >= EXAMPLES) continue;
    perKey.set(box.key, n + 1);
    const values = new Map<number, bigint>();
    box.sets.forEach((set, d) => {
      const dim = dims[d] as Dim;
      const ex = ((classes[d] as ArgClass[])[set[0] as number] as ArgClass).example;
      values.set(dim.index, (values.get(dim.index) ?? 0n) | (dim.word === 'hi' ? ex << 32n : ex));
    });
    const args = [...values].sort((x, y) => x[0] - y[0]).map(([index, v]): ArgRange => ({ index, lo: v, hi: v, masks: [], example: v }));
    out.push({ args, a: verdictOf(box.a), b: verdictOf(box.b) });
  }
  return out.sort(compareChanges);
}

const EXAMPLES_PER_OUTCOME = 3;
const EXAMPLES = 12;

const FULL_WORD: { d: Described; masks: { mask: bigint; value: bigint }[] } = { d: { lo: 0n, hi: U32, facts: [], example: 0n }, masks: [] };

/** A set of relations as an operator; undefined for "any". */
const RELATION_OP: Readonly<Record<number, MaskFact['op']>> = { [LT]: 'lt', [EQ]: 'eq', [GT]: 'gt', [LT | EQ]: 'le', [EQ | GT]: 'ge', [LT | GT]: 'ne' };

function argMax(bits: number): bigint {
  return bits === 64 ? (1n << 64n) - 1n : U32;
}

/** One argument's values from its word descriptions; undefined when they are all values. */
function argRange(
  index: number,
  bits: number,
  hiWord: { d: Described; masks: { mask: bigint; value: bigint }[] } | undefined,
  loWord: { d: Described; masks: { mask: bigint; value: bigint }[] } | undefined,
): ArgRange | undefined {
  const lo = loWord ?? FULL_WORD;
  const facts = (w: typeof lo, shift: bigint): MaskFact[] =>
    w.d.facts.flatMap((f, j) => {
      const m = w.masks[j] as { mask: bigint; value: bigint };
      const op = RELATION_OP[f];
      return op === undefined ? [] : [{ mask: m.mask << shift, value: m.value << shift, op }];
    });
  if (bits !== 64) {
    const masks = facts(lo, 0n);
    if (lo.d.lo === 0n && lo.d.hi === U32 && masks.length === 0) return undefined;
    return { index, lo: lo.d.lo, hi: lo.d.hi, masks, example: lo.d.example };
  }
  const hi = hiWord ?? FULL_WORD;
  const masks = [...facts(hi, 32n), ...facts(lo, 0n)];
  const example = (hi.d.example << 32n) | lo.d.example;
  const loFull = lo.d.lo === 0n && lo.d.hi === U32;
  if (hi.d.lo === hi.d.hi || loFull) {
    const r = { index, lo: (hi.d.lo << 32n) | lo.d.lo, hi: (hi.d.hi << 32n) | lo.d.hi, masks, example };
    return r.lo === 0n && r.hi === argMax(64) && masks.length === 0 ? undefined : r;
  }
  return { index, lo: (hi.d.lo << 32n) | lo.d.lo, hi: (hi.d.hi << 32n) | lo.d.hi, words: { hi: [hi.d.lo, hi.d.hi], lo: [lo.d.lo, lo.d.hi] }, masks, example };
}

function rangeKey(r: ArgRange, withBounds: boolean): string {
  const w = r.words === undefined ? '' : `w${r.words.hi.join('-')}/${r.words.lo.join('-')}`;
  const m = r.masks.map((f) => `${f.mask}${f.op}${f.value}`).join(',');
  return `${r.index}:${withBounds ? `${r.lo}-${r.hi}` : ''}${w}:${m}`;
}

/** Joins changes with one outcome whose values differ only in one argument, where their ranges
 * touch: one sweep per argument over changes grouped by everything else, until nothing joins. */
function mergeChanges(items: { key: string; change: ArgChange }[], bits: number): ArgChange[] {
  let cur = items;
  const max = argMax(bits);
  const indices = [...new Set(items.flatMap((x) => x.change.args.map((r) => r.index)))];
  for (let changed = true, round = 0; changed && round < 64; round++) {
    changed = false;
    for (const i of indices) {
      const groups = new Map<string, { key: string; change: ArgChange }[]>();
      const rest: { key: string; change: ArgChange }[] = [];
      for (const x of cur) {
        const at = x.change.args.find((r) => r.index === i);
        if (at === undefined || at.words !== undefined) {
          rest.push(x);
          continue;
        }
        const k = `${x.key}|${rangeKey(at, false)}|${x.change.args.map((r) => (r.index === i ? '' : rangeKey(r, true))).join('|')}`;
        groups.set(k, [...(groups.get(k) ?? []), x]);
      }
      for (const g of groups.values()) {
        g.sort((x, y) => compareBig((x.change.args.find((r) => r.index === i) as ArgRange).lo, (y.change.args.find((r) => r.index === i) as ArgRange).lo));
        let run = g[0] as { key: string; change: ArgChange };
        for (const next of g.slice(1)) {
          const p = run.change.args.find((r) => r.index === i) as ArgRange;
          const q = next.change.args.find((r) => r.index === i) as ArgRange;
          if (p.hi + 1n !== q.lo) {
            rest.push(run);
            run = next;
            continue;
          }
          const joined: ArgRange = { ...p, hi: q.hi, example: p.example < q.example ? p.example : q.example };
          const full = joined.lo === 0n && joined.hi === max && joined.masks.length === 0;
          run = {
            key: run.key,
            change: {
              args: run.change.args.flatMap((r) => (r.index !== i ? [r] : full ? [] : [joined])),
              a: joinVerdicts(run.change.a, next.change.a),
              b: joinVerdicts(run.change.b, next.change.b),
            },
          };
          changed = true;
        }
        rest.push(run);
      }
      cur = rest;
    }
  }
  return cur.map((c) => c.change);
}

function joinVerdicts(x: Verdict, y: Verdict): Verdict {
  return {
    action: x.action,
    ...(x.errno === undefined ? {} : { errno: x.errno }),
    rules: [...new Set([...x.rules, ...y.rules])].sort((p, q) => p - q),
    by: [...new Set([...x.by, ...y.by])].sort(),
  };
}

function compareChanges(x: ArgChange, y: ArgChange): number {
  const n = Math.min(x.args.length, y.args.length);
  for (let i = 0; i < n; i++) {
    const p = x.args[i] as ArgRange;
    const q = y.args[i] as ArgRange;
    if (p.index !== q.index) return p.index - q.index;
    const c = compareBig(p.lo, q.lo) || compareBig(p.example, q.example) || compareBig(p.hi, q.hi);
    if (c !== 0) return c;
    const k = rangeKey(p, false);
    const l = rangeKey(q, false);
    if (k !== l) return k < l ? -1 : 1;
  }
  return x.args.length - y.args.length;
}

// ---- per ABI -----------------------------------------------------------------------------

/** The conditions each rule add brings to each syscall number of this ABI, as libseccomp lands
 * it (a socketcall/ipc landing on a multiplexing ABI compares arg0 with the call number). */
function conditionsByNumber(cp: ConcreteProfile, abi: Arch): Map<number, { args: ArgCondition[] }[]> {
  const m = new Map<number, { args: ArgCondition[] }[]>();
  for (const r of cp.rules) {
    for (const n of new Set(r.names)) {
      for (const t of ruleTargets(abi, n)) {
        const args = t.via === undefined ? r.args : [{ index: 0, op: 'eq' as const, value: BigInt(t.via.call), valueTwo: 0n }, ...r.args];
        m.set(t.nr, [...(m.get(t.nr) ?? []), { args }]);
      }
    }
  }
  return m;
}

const TABLES = new Map<Arch, { names: [string, number][]; beyond: number }>();

/** The ABI's syscalls sorted by name with their numbers, and the first number past the table. */
function tableOf(abi: Arch): { names: [string, number][]; beyond: number } {
  let t = TABLES.get(abi);
  if (t === undefined) {
    const names = syscallsOf(abi).map((n): [string, number] => [n, syscallNumber(abi, n) as number]);
    t = { names: names.sort((x, y) => (x[0] < y[0] ? -1 : 1)), beyond: Math.max(-1, ...names.map((x) => x[1])) + 1 };
    TABLES.set(abi, t);
  }
  return t;
}

function diffAbi(a: ConcreteProfile, b: ConcreteProfile, abi: Arch, maxPoints: number, evaluate: EvaluateOptions): AbiDiff {
  const { names, beyond } = tableOf(abi);
  const bits = ARCH_INFO[abi].bits;
  const fa = decideOutcome(a, abi, beyond, [], evaluate);
  const fb = decideOutcome(b, abi, beyond, [], evaluate);
  const ca = conditionsByNumber(a, abi);
  const cb = conditionsByNumber(b, abi);
  const syscalls: SyscallDiff[] = [];
  const unruled = new Map<string, { a: Verdict; b: Verdict; syscalls: string[] }>();
  const sampled: string[] = [];
  for (const [name, nr] of names) {
    const rules = [...(ca.get(nr) ?? []), ...(cb.get(nr) ?? [])];
    const r = diffSyscall({ abi, bits, name, a, b, rules, maxPoints, evaluate });
    if (r.sampled) sampled.push(name);
    const d = r.diff;
    if (d === undefined) continue;
    const only = d.changes[0] as ArgChange;
    // A syscall that no rule decides on either side, for every argument, is grouped by outcome.
    if (d.changes.length === 1 && only.args.length === 0 && !only.a.by.includes('rule') && !only.b.by.includes('rule')) {
      const k = `${outcomeKey(only.a)}>${outcomeKey(only.b)}`;
      const g = unruled.get(k) ?? { a: { ...only.a, rules: [] }, b: { ...only.b, rules: [] }, syscalls: [] };
      g.a = joinVerdicts(g.a, only.a);
      g.b = joinVerdicts(g.b, only.b);
      g.syscalls.push(name);
      unruled.set(k, g);
    } else {
      syscalls.push(d);
    }
  }
  const groups = [...unruled.values()].sort((x, y) => y.syscalls.length - x.syscalls.length || (x.syscalls[0] as string).localeCompare(y.syscalls[0] as string));
  const beyondDiffers = !sameOutcome(fa, fb);
  return {
    abi,
    inA: a.architectures.includes(abi),
    inB: b.architectures.includes(abi),
    unruled: groups,
    ...(beyondDiffers ? { beyondTable: { nr: beyond, a: verdictOf([fa]), b: verdictOf([fb]) } } : {}),
    syscalls,
    sampled,
    isEmpty: groups.length === 0 && !beyondDiffers && syscalls.length === 0,
  };
}

/** Semantic diff of two resolved profiles on one host. */
export function diffConcrete(a: ConcreteProfile, b: ConcreteProfile, native: Arch, opts: DiffTuning = {}): DiffResult {
  const handled = new Set([...a.architectures, ...b.architectures]);
  const abis = familyAbis(native)
    .filter((abi) => handled.has(abi))
    .map((abi) => diffAbi(a, b, abi, opts.maxPoints ?? 1024, opts.evaluate ?? {}));
  const flags = { onlyA: [...new Set(a.flags)].filter((f) => !b.flags.includes(f)).sort(), onlyB: [...new Set(b.flags)].filter((f) => !a.flags.includes(f)).sort() };
  const refused = { a: conflicts(a, undefined, opts.evaluate), b: conflicts(b, undefined, opts.evaluate) };
  const isEmpty = abis.every((x) => x.isEmpty) && flags.onlyA.length === 0 && flags.onlyB.length === 0 && (refused.a.length === 0) === (refused.b.length === 0);
  return { native, abis, flags, conflicts: refused, listener: [], isEmpty };
}

/** Semantic diff of two profiles, each resolved for the host in `opts` (native ABI, caps, kernel). */
export function diffProfiles(a: Profile, b: Profile, opts: DiffOptions): DiffResult {
  const host: HostContext = { native: opts.native, caps: opts.caps, ...(opts.kernel === undefined ? {} : { kernel: opts.kernel }) };
  const r = diffConcrete(resolveProfile(a, host), resolveProfile(b, host), opts.native, opts);
  const listener: DiffResult['listener'] = [];
  for (const field of ['listenerPath', 'listenerMetadata'] as const) {
    if (a[field] !== b[field]) listener.push({ field, ...(a[field] === undefined ? {} : { a: a[field] }), ...(b[field] === undefined ? {} : { b: b[field] }) });
  }
  return { ...(opts.describe === undefined ? r : labelled(r, opts.describe)), listener, isEmpty: r.isEmpty && listener.length === 0 };
}

/** Adds the named constant of each single value or example (AF_ALG, CLONE_NEWUSER). */
function labelled(r: DiffResult, describe: NonNullable<DiffOptions['describe']>): DiffResult {
  const abis = r.abis.map((x) => ({
    ...x,
    syscalls: x.syscalls.map((s) => ({
      ...s,
      changes: s.changes.map((c) => ({
        ...c,
        args: c.args.map((g) => {
          const label = describe(s.name, g.index, g.lo === g.hi ? g.lo : g.example);
          return label === undefined ? g : { ...g, label };
        }),
      })),
    })),
  }));
  return { ...r, abis };
}

// ---- text --------------------------------------------------------------------------------

export function hexOrDec(v: bigint): string {
  return v < 0x10000n ? v.toString() : `0x${v.toString(16)}`;
}

export function formatVerdict(v: Pick<Verdict, 'action' | 'errno'>): string {
  if (v.errno === undefined) return v.action;
  return v.action === 'errno' ? `errno ${errnoName(v.errno)}` : `${v.action} ${v.errno}`;
}

const OP_TEXT: Readonly<Record<MaskFact['op'], string>> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

function formatRange(name: string, r: ArgRange, bits: number, describe: DiffOptions['describe']): string {
  const arg = `arg${r.index}`;
  const max = argMax(bits);
  const named = (v: bigint): string => {
    const d = r.label ?? describe?.(name, r.index, v);
    return d === undefined ? hexOrDec(v) : `${hexOrDec(v)} ${d}`;
  };
  const parts: string[] = [];
  if (r.words !== undefined) {
    parts.push(`${arg} high word=${hexOrDec(r.words.hi[0])}..${hexOrDec(r.words.hi[1])} low word=${hexOrDec(r.words.lo[0])}..${hexOrDec(r.words.lo[1])}`);
  } else if (r.lo === r.hi) parts.push(`${arg}=${named(r.lo)}`);
  else if (r.lo === 0n && r.hi !== max) parts.push(`${arg}<=${hexOrDec(r.hi)}`);
  else if (r.lo !== 0n && r.hi === max) parts.push(`${arg}>=${hexOrDec(r.lo)}`);
  else if (r.lo !== 0n || r.hi !== max) parts.push(`${arg}=${hexOrDec(r.lo)}..${hexOrDec(r.hi)}`);
  for (const m of r.masks) parts.push(`${arg}&${hexOrDec(m.mask)}${OP_TEXT[m.op]}${hexOrDec(m.value)}`);
  if (r.words !== undefined) parts.push(`e.g. ${named(r.example)}`);
  return parts.join(' ');
}

function formatSide(label: string, v: Verdict): string {
  const why = [
    ...(v.rules.length > 0 ? [`rule${v.rules.length > 1 ? 's' : ''} ${v.rules.map((r) => `#${r}`).join(', ')}`] : []),
    ...v.by.filter((b) => b !== 'rule').map((b) => (b === 'bad-arch' ? 'ABI not in filter' : b)),
  ];
  return `${label} ${formatVerdict(v)} (${why.join(', ')})`;
}

/** Human-readable lines, one per difference, grouped by ABI. Deterministic. */
export function formatDiff(r: DiffResult, opts: { labels?: [string, string]; describe?: DiffOptions['describe'] } = {}): string[] {
  const [la, lb] = opts.labels ?? ['A', 'B'];
  const lines: string[] = [];
  for (const d of r.abis) {
    if (d.isEmpty) {
      lines.push(`${d.abi}: no difference${d.sampled.length > 0 ? ` found (${d.sampled.join(', ')} checked on a sample of argument values)` : ''}`);
      continue;
    }
    const where = d.inA && d.inB ? '' : ` (only ${d.inA ? la : lb} handles this ABI; the other kills the thread)`;
    lines.push(`${d.abi}:${where}`);
    for (const g of d.unruled) {
      const list = g.syscalls.length > 8 ? `${g.syscalls.slice(0, 8).join(', ')}, … (${g.syscalls.length})` : g.syscalls.join(', ');
      lines.push(`  ${list}: ${formatSide(la, g.a)} → ${formatSide(lb, g.b)}`);
    }
    if (d.beyondTable !== undefined) {
      lines.push(`  numbers past the table (≥ ${d.beyondTable.nr}): ${formatSide(la, d.beyondTable.a)} → ${formatSide(lb, d.beyondTable.b)}`);
    }
    for (const s of d.syscalls) {
      for (const c of s.changes) {
        const args = c.args.map((x) => formatRange(s.name, x, ARCH_INFO[d.abi].bits, opts.describe)).join(', ');
        lines.push(`  ${s.name}${args === '' ? '' : `(${args})`}: ${formatSide(la, c.a)} → ${formatSide(lb, c.b)}${s.approximate ? ' [for example]' : ''}`);
      }
    }
    if (d.sampled.length > 0) lines.push(`  (checked on a sample of argument values, not every one: ${d.sampled.join(', ')})`);
  }
  for (const [label, list] of [[la, r.conflicts.a], [lb, r.conflicts.b]] as const) {
    if (list.length > 0) lines.push(`${label} would not load (the runtime refuses it): ${list[0]?.message ?? ''}${list.length > 1 ? ` (+${list.length - 1} more)` : ''}`);
  }
  if (r.flags.onlyA.length > 0) lines.push(`flags only in ${la}: ${r.flags.onlyA.join(', ')}`);
  if (r.flags.onlyB.length > 0) lines.push(`flags only in ${lb}: ${r.flags.onlyB.join(', ')}`);
  for (const l of r.listener) lines.push(`${l.field}: ${la} ${l.a ?? '(unset)'} → ${lb} ${l.b ?? '(unset)'}`);
  return lines;
}
