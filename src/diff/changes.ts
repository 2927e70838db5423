// One syscall's differences: decide one witness per class combination (or a deterministic sample),
// then turn the differing boxes into argument ranges and join them into readable changes.

import type { Arch } from '../syscalls/arch.js';
import { syscallNumber } from '../syscalls/table.js';
import { decideOutcome, type EvaluateOptions } from '../evaluator/evaluate.js';
import type { ArgCondition, ConcreteProfile } from '../profile/model.js';
import { type ArgChange, type ArgRange, type MaskFact, type SyscallDiff, type SideVerdict } from './model.js';
import { EQ, GT, LT, U32, argClasses, collectProbes, compareBig, type ArgClass, type Dim } from './arg-classes.js';
import { describeSet, mergeBoxes, outcomeKey, sameOutcome, sideVerdict, type Box, type Described } from './boxes.js';

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
export function diffSyscall(ctx: SyscallContext): { diff?: SyscallDiff; sampled: boolean } {
  if (ctx.rules.length === 0) {
    // Nothing compares an argument: one call decides for all of them.
    const da = decideOutcome(ctx.a, ctx.abi, ctx.name, [], ctx.evaluate);
    const db = decideOutcome(ctx.b, ctx.abi, ctx.name, [], ctx.evaluate);
    if (sameOutcome(da, db)) return { sampled: false };
    return {
      diff: {
        name: ctx.name,
        nr: syscallNumber(ctx.abi, ctx.name) ?? -1,
        changes: [{ args: [], a: sideVerdict([da]), b: sideVerdict([db]) }],
        approximate: false,
      },
      sampled: false,
    };
  }
  const { dims, probes: found } = collectProbes(ctx.rules, ctx.bits);
  const shared = argClasses(found);
  const probes = shared.exact ? found : { cmps: found.cmps, masks: [] };
  const classes = dims.map(() => shared.classes);
  const chosen = choosePoints(
    classes.map((c) => c.length),
    ctx.maxPoints,
  );
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
    mergeBoxes(
      boxes,
      classes,
      [...dims.keys()].sort((x, y) => Number((dims[x] as Dim).word === 'hi') - Number((dims[y] as Dim).word === 'hi') || x - y),
    ).map((box) => {
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
      return { key: box.key, change: { args, a: sideVerdict(box.a), b: sideVerdict(box.b) } };
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
    out.push({ args, a: sideVerdict(box.a), b: sideVerdict(box.b) });
  }
  return out.sort(compareChanges);
}

const EXAMPLES_PER_OUTCOME = 3;
const EXAMPLES = 12;

const FULL_WORD: { d: Described; masks: { mask: bigint; value: bigint }[] } = { d: { lo: 0n, hi: U32, facts: [], example: 0n }, masks: [] };

/** A set of relations as an operator; undefined for "any". */
const RELATION_OP: Readonly<Record<number, MaskFact['op']>> = { [LT]: 'lt', [EQ]: 'eq', [GT]: 'gt', [LT | EQ]: 'le', [EQ | GT]: 'ge', [LT | GT]: 'ne' };

export function argMax(bits: number): bigint {
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

export function joinVerdicts(x: SideVerdict, y: SideVerdict): SideVerdict {
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
