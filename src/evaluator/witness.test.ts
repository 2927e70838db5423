// Witness arguments: whatever witnessArgs returns satisfies the conditions, and a single
// satisfiable condition always gets a witness.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OPS, type ArgCondition } from '../profile/model.js';
import { conditionHolds, probeArgs, witnessArgs } from './witness.js';

const MAX64 = (1n << 64n) - 1n;
const value = fc.oneof(fc.constantFrom(0n, 1n, 0xffffffffn, MAX64, 0x7e020000n), fc.bigInt({ min: 0n, max: MAX64 }));
const condition = fc.record({ index: fc.integer({ min: 0, max: 5 }), op: fc.constantFrom(...OPS), value, valueTwo: value });

/** Satisfiable on its own (as a 64-bit comparison). */
function satisfiable(c: ArgCondition): boolean {
  switch (c.op) {
    case 'lt':
      return c.value > 0n;
    case 'gt':
      return c.value < MAX64;
    case 'masked_eq':
      return (c.valueTwo & ~c.value) === 0n;
    default:
      return true;
  }
}

describe('witnessArgs', () => {
  it('returns only argument vectors under which every condition holds', () => {
    fc.assert(
      fc.property(fc.array(condition, { minLength: 1, maxLength: 4 }), (conds) => {
        const w = witnessArgs(conds, 64);
        if (w === undefined) return;
        assert.equal(w.length, 6);
        for (const c of conds) assert.ok(conditionHolds(c, w[c.index] ?? 0n), `${c.op} ${c.value} ${c.valueTwo} on ${w[c.index]}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a witness for every satisfiable single condition', () => {
    fc.assert(
      fc.property(condition.filter(satisfiable), (c) => {
        assert.ok(witnessArgs([c], 64) !== undefined, `${c.op} ${c.value} ${c.valueTwo}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('solves the combinations real profiles use', () => {
    const cases: ArgCondition[][] = [
      [{ index: 0, op: 'masked_eq', value: 0x7e020000n, valueTwo: 0n }],
      [
        { index: 0, op: 'eq', value: 16n, valueTwo: 0n },
        { index: 2, op: 'ne', value: 9n, valueTwo: 0n },
      ],
      [
        { index: 0, op: 'ge', value: 10n, valueTwo: 0n },
        { index: 0, op: 'le', value: 12n, valueTwo: 0n },
        { index: 0, op: 'ne', value: 10n, valueTwo: 0n },
      ],
      [
        { index: 1, op: 'gt', value: 4n, valueTwo: 0n },
        { index: 1, op: 'masked_eq', value: 1n, valueTwo: 1n },
      ],
    ];
    for (const conds of cases) {
      const w = witnessArgs(conds, 64);
      assert.ok(
        w,
        JSON.stringify(conds, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
      );
      for (const c of conds) assert.ok(conditionHolds(c, w[c.index] ?? 0n));
    }
  });

  it('reports contradictions as no witness', () => {
    assert.equal(
      witnessArgs(
        [
          { index: 0, op: 'eq', value: 1n, valueTwo: 0n },
          { index: 0, op: 'eq', value: 2n, valueTwo: 0n },
        ],
        64,
      ),
      undefined,
    );
    assert.equal(witnessArgs([{ index: 3, op: 'lt', value: 0n, valueTwo: 0n }], 64), undefined);
    // A 32-bit ABI's registers cannot hold a value above 0xffffffff.
    assert.equal(witnessArgs([{ index: 0, op: 'eq', value: 1n << 32n, valueTwo: 0n }], 32), undefined);
  });
});

describe('probeArgs', () => {
  it('puts values on both sides of each boundary', () => {
    const rule = { names: ['socket'], action: 'allow' as const, args: [{ index: 0, op: 'lt' as const, value: 38n, valueTwo: 0n }], source: 0 };
    const probes = probeArgs([rule], 64).map((a) => a[0]);
    assert.ok(probes.includes(37n) && probes.includes(38n) && probes.includes(39n));
    assert.ok(probeArgs([rule], 64).every((a) => a.length === 6));
  });
});
