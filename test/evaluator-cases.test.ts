// Runs every row of test/fixtures/evaluator-cases.json through decide() and checks the verdict,
// the deciding rule, the decision source and, for refused profiles, the reported conflict; and
// that decideOutcome() gives the same decision without its texts.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conflicts, decide, decideOutcome } from '../src/evaluator/evaluate.js';
import type { ConcreteProfile } from '../src/profile/model.js';
import { argValues, concreteFor, loadCases } from './oracle/case-rows.js';

const cases = loadCases();
const memo = new Map<string, ConcreteProfile>();

describe('evaluator cases (test/fixtures/evaluator-cases.json)', () => {
  it('has stable, consecutive ids and a reason for every row that cannot be replayed', () => {
    cases.rows.forEach((row, i) => {
      assert.equal(row.id, `E${String(i + 1).padStart(3, '0')}`);
      if (!row.kernelReplay) assert.ok(row.replayNote, `${row.id} needs a replayNote`);
      if (row.kernelReplay) assert.ok(row.abi === 'x86_64' || row.abi === 'x86', `${row.id}: only x86_64/x86 rows can be replayed`);
    });
    assert.ok(cases.rows.length >= 60, `only ${cases.rows.length} rows`);
  });

  for (const row of cases.rows) {
    it(`${row.id} ${row.title}`, () => {
      const cp = concreteFor(cases, row, memo);
      const opts = { ...(row.runtime === undefined ? {} : { runtime: row.runtime }), ...(row.libseccomp === undefined ? {} : { libseccomp: row.libseccomp }) };
      const d = decide(cp, row.abi, row.syscall, argValues(row), opts);
      const e = row.expect;
      assert.equal(d.action, e.action, d.why);
      assert.equal(d.errno, e.errno, d.why);
      if (e.rule !== undefined) {
        assert.equal(d.source, 'rule', d.why);
        assert.equal(d.rule, e.rule, d.why);
      }
      if (e.source !== undefined) assert.equal(d.source, e.source, d.why);
      if (e.intended === undefined) assert.equal(d.intended, undefined, d.why);
      else assert.deepEqual({ action: d.intended?.action, errno: d.intended?.errno }, { action: e.intended.action, errno: e.intended.errno }, d.why);
      assert.ok(d.why.length > 0);
      const { why: _why, considered: _considered, ...outcome } = d;
      assert.deepEqual(
        Object.entries(decideOutcome(cp, row.abi, row.syscall, argValues(row), opts)),
        Object.entries(outcome),
        'the same decision, keys in the same order',
      );
      const found = conflicts(cp, undefined, opts).filter((c) => c.kind === 'eexist');
      if (e.conflict === undefined) {
        assert.deepEqual(found, [], 'no conflict expected');
        assert.equal(d.conflicts, undefined);
      } else {
        const first = found[0];
        assert.ok(first, 'a conflict is expected');
        assert.equal(first.rule, e.conflict.rule);
        if (e.conflict.abi !== undefined) assert.equal(first.abi, e.conflict.abi);
        assert.ok(d.conflicts !== undefined && d.conflicts.length > 0);
      }
    });
  }
});
