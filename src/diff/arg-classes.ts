// Argument classes: each word of each argument cut into the classes on which every comparison a
// syscall's filter can make holds or fails alike (exact: one witness per class).

import type { ArgCondition } from '../profile/model.js';

// libseccomp compares 32-bit words: on a 64-bit ABI each condition becomes comparisons of the
// argument's high and low words, on a 32-bit ABI of the low word only; each comparison is
// (accumulator & mask) against a datum with ==, > or >=. The generated BPF does not always hold
// the word a comparison was made for (gen_bpf.c repairs the accumulator only for the first jump
// into a block), so any comparison of a syscall may meet any word that syscall's filter loads,
// masked by any of its masks. The unit here is one word of one argument ("dimension"); each is
// cut into the classes on which every (mask, datum) pair of the syscall compares alike.

export const U32 = 0xffffffffn;

/** Relations of (word & mask) to a datum, as bits: below, equal, above; 7 is "any". */
export const LT = 1;
export const EQ = 2;
export const GT = 4;
export const ANY = LT | EQ | GT;

/** The comparisons a syscall's filter can make on a word: datums under the full mask (ranges)
 * and (mask, datum) pairs under narrower masks (mask facts). */
interface Probes {
  cmps: bigint[];
  masks: { mask: bigint; value: bigint }[];
}

export interface Dim {
  index: number;
  word: 'hi' | 'lo';
}

export interface ArgClass {
  lo: bigint;
  hi: bigint;
  facts: number[]; // per mask probe: LT, EQ or GT of (word & mask) against value
  example: bigint;
}

export function compareBig(x: bigint, y: bigint): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The words the filter loads for these conditions, and every comparison it can make on them. */
export function collectProbes(rules: readonly { args: readonly ArgCondition[] }[], bits: number): { dims: Dim[]; probes: Probes } {
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

export function step(rel: number, own: bigint, bit: bigint): number {
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
