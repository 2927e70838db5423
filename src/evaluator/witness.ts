// Argument values to probe a syscall with: values that satisfy a rule's conditions (witnesses)
// and values just around every constant the rules compare with. The evaluator (decide) then says
// what the kernel does for each; the audit never judges argument conditions on its own.

import type { ArgCondition, ConcreteRule } from '../profile/model.js';

const MAX64 = (1n << 64n) - 1n;
const MAX32 = 0xffffffffn;

/** Plain 64-bit meaning of one condition (masked_eq: value is the mask, valueTwo the datum). */
export function conditionHolds(c: ArgCondition, v: bigint): boolean {
  switch (c.op) {
    case 'eq':
      return v === c.value;
    case 'ne':
      return v !== c.value;
    case 'lt':
      return v < c.value;
    case 'le':
      return v <= c.value;
    case 'gt':
      return v > c.value;
    case 'ge':
      return v >= c.value;
    case 'masked_eq':
      return (v & c.value) === c.valueTwo;
  }
}

function lowestBit(v: bigint): bigint {
  return v === 0n ? 0n : v & -v;
}

/** Values likely to satisfy the condition. */
function satisfyingGuesses(c: ArgCondition): bigint[] {
  switch (c.op) {
    case 'eq':
      return [c.value];
    case 'ne':
      return [c.value + 1n, c.value - 1n, 0n];
    case 'lt':
      return [0n, c.value - 1n];
    case 'le':
      return [0n, c.value];
    case 'gt':
      return [c.value + 1n, MAX64];
    case 'ge':
      return [c.value, MAX64];
    case 'masked_eq':
      return [c.valueTwo, c.valueTwo & c.value];
  }
}

/** Values on both sides of the condition's boundary. */
function boundaryValues(c: ArgCondition): bigint[] {
  if (c.op === 'masked_eq') return [c.valueTwo, c.valueTwo ^ lowestBit(c.value), c.value, 0n];
  return [c.value - 1n, c.value, c.value + 1n];
}

function inRange(v: bigint, max: bigint): boolean {
  return v >= 0n && v <= max;
}

/** One value for one argument that satisfies every condition on it, if a simple guess does. */
function solveArgument(conds: ArgCondition[], max: bigint): bigint | undefined {
  const masked = conds.filter((c) => c.op === 'masked_eq').reduce((acc, c) => acc | c.valueTwo, 0n);
  const guesses = [0n, masked, ...conds.flatMap(satisfyingGuesses)];
  for (const c of conds) if (c.op === 'gt' || c.op === 'ge') guesses.push(...conds.filter((m) => m.op === 'masked_eq').map((m) => (c.value + 1n) | m.valueTwo));
  return guesses.find((v) => inRange(v, max) && conds.every((c) => conditionHolds(c, v)));
}

/** Six argument values under which all of the rule's conditions hold, or undefined. */
export function witnessArgs(conds: readonly ArgCondition[], bits: 32 | 64): bigint[] | undefined {
  const max = bits === 32 ? MAX32 : MAX64;
  const args = [0n, 0n, 0n, 0n, 0n, 0n];
  for (let i = 0; i < 6; i++) {
    const on = conds.filter((c) => c.index === i);
    if (on.length === 0) continue;
    const v = solveArgument(on, max);
    if (v === undefined) return undefined;
    args[i] = v;
  }
  return args;
}

/** Argument vectors worth asking the evaluator about for a syscall named by these rules: all
 * zeros, a witness per conditioned rule, and each witness with one argument moved to the other
 * side of each boundary. */
export function probeArgs(rules: readonly ConcreteRule[], bits: 32 | 64): bigint[][] {
  const max = bits === 32 ? MAX32 : MAX64;
  const out = new Map<string, bigint[]>();
  const add = (a: bigint[]): void => {
    const key = a.join(',');
    if (!out.has(key)) out.set(key, a);
  };
  const zeros = [0n, 0n, 0n, 0n, 0n, 0n];
  add(zeros);
  for (const r of rules) {
    if (r.args.length === 0) continue;
    const w = witnessArgs(r.args, bits);
    if (w !== undefined) add(w);
    for (const c of r.args) {
      for (const v of boundaryValues(c)) {
        if (!inRange(v, max)) continue;
        const a = [...(w ?? zeros)];
        a[c.index] = v;
        add(a);
      }
    }
  }
  return [...out.values()];
}
