// Verdicts of one side on a set of points, and boxes: per argument dimension a set of classes, merged
// while the union is still one exact description (a value range and mask facts).

import { type Outcome } from '../evaluator/evaluate.js';
import { type SideVerdict } from './model.js';
import { ANY, GT, LT, U32, type ArgClass } from './arg-classes.js';

export function outcomeKey(d: Pick<Outcome, 'action' | 'errno'>): string {
  return d.errno === undefined ? d.action : `${d.action}:${d.errno}`;
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  return outcomeKey(a) === outcomeKey(b);
}

export function sideVerdict(ds: readonly Outcome[]): SideVerdict {
  const first = ds[0] as Outcome;
  const rules = [...new Set(ds.flatMap((d) => (d.rule === undefined ? [] : [d.rule])))].sort((x, y) => x - y);
  const by = [...new Set(ds.map((d) => d.source))].sort();
  return { action: first.action, ...(first.errno === undefined ? {} : { errno: first.errno }), rules, by };
}

/** A box: per argument dimension a set of class indices; all points inside share one outcome. */
export interface Box {
  sets: number[][]; // sorted class indices per dimension
  key: string;
  a: Outcome[];
  b: Outcome[];
}

export interface Described {
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
export function describeSet(classes: readonly ArgClass[], set: readonly number[]): Described | undefined {
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
export function mergeBoxes(boxes: Box[], classes: readonly ArgClass[][], order: readonly number[]): Box[] {
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
