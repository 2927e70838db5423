// Proves the evaluator cases are libseccomp's answers and not only clawfence's: every row of
// test/fixtures/evaluator-cases.json is built by the real libseccomp the way runc builds it
// (test/oracle/seccomp-export.c), and the exported BPF is run over the row's seccomp_data.
// Rows libseccomp's installed version cannot check are skipped with the reason.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compiledFilter } from '../../src/evaluator/evaluate.js';
import { resolveNameArch } from '../../src/evaluator/libseccomp/abi.js';
import type { ConcreteProfile } from '../../src/profile/model.js';
import type { Arch } from '../../src/syscalls/arch.js';
import { syscallName, syscallNumber } from '../../src/syscalls/table.js';
import { argValues, concreteFor, loadCases, type CaseRow } from './case-rows.js';
import { oracleFilters, oracleLibseccompVersion, oracleResolve, oracleVerdict, type OracleFilter } from './libseccomp-oracle.js';

const cases = loadCases();
const memo = new Map<string, ConcreteProfile>();
const version = oracleLibseccompVersion();

interface Prepared {
  row: CaseRow;
  cp: ConcreteProfile;
  nr: number;
  name: string | undefined;
  skip?: string;
}

/** The largest number libseccomp (the oracle's copy) gives any rule name on an ABI: runc's stub bound. */
function oracleBound(cp: ConcreteProfile, abi: Arch, known: Map<string, number>): number {
  let max = 0;
  for (const r of cp.rules) for (const n of r.names) max = Math.max(max, known.get(`${abi} ${n}`) ?? -1);
  return max;
}

const ids = new Map<ConcreteProfile, number>();
function filterKey(cp: ConcreteProfile, runtime: 'runc' | 'crun'): string {
  if (!ids.has(cp)) ids.set(cp, ids.size);
  return `${ids.get(cp)}/${runtime}`;
}

function prepare(): { prepared: Prepared[]; filters: Map<string, OracleFilter> } {
  const prepared: Prepared[] = cases.rows.map((row) => {
    const cp = concreteFor(cases, row, memo);
    const nr = typeof row.syscall === 'number' ? row.syscall : (syscallNumber(row.abi, row.syscall) ?? -1);
    return { row, cp, nr, name: typeof row.syscall === 'number' ? syscallName(row.abi, row.syscall) : row.syscall };
  });
  // What the installed libseccomp knows: every queried name and every rule name, on every filter ABI.
  const queries = new Map<string, { abi: Arch; name: string }>();
  for (const p of prepared) {
    if (p.name !== undefined) queries.set(`${p.row.abi} ${p.name}`, { abi: p.row.abi, name: p.name });
    for (const abi of p.cp.architectures) for (const r of p.cp.rules) for (const n of r.names) queries.set(`${abi} ${n}`, { abi, name: n });
  }
  const qs = [...queries.values()];
  const answers = oracleResolve(qs);
  const known = new Map(qs.map((q, i) => [`${q.abi} ${q.name}`, answers[i] ?? -1]));
  for (const p of prepared) {
    if (p.row.oracleSkip !== undefined) {
      p.skip = p.row.oracleSkip;
      continue;
    }
    if (p.name !== undefined) {
      const theirs = known.get(`${p.row.abi} ${p.name}`) ?? -1;
      const ours = resolveNameArch(p.row.abi, p.name) ?? -1;
      // -1 is __NR_SCMP_ERROR; other negative numbers are pseudo numbers (e.g. i386 socket → socketcall)
      if (theirs === -1 || (ours >= 0 ? theirs !== ours : theirs >= 0)) {
        p.skip = `libseccomp ${version} does not number ${p.name} on ${p.row.abi} as clawfence's table does (${theirs} vs ${ours})`;
        continue;
      }
    }
    if (p.cp.architectures.includes(p.row.abi) && (p.row.runtime ?? 'runc') === 'runc') {
      const ours = compiledFilter(p.cp).abis.get(p.row.abi)?.enosysAbove ?? 0;
      const theirs = oracleBound(p.cp, p.row.abi, known);
      const stubbed = p.cp.defaultAction !== 'allow' && p.cp.defaultAction !== 'log' && p.cp.defaultAction !== 'trace';
      if (stubbed && ours !== theirs && p.nr > Math.min(ours, theirs) && p.nr <= Math.max(ours, theirs)) {
        p.skip = `runc's -ENOSYS bound on ${p.row.abi} differs: libseccomp ${version} knows names up to ${theirs}, clawfence's table up to ${ours}`;
      }
    }
  }
  const filters = new Map<string, OracleFilter>();
  for (const runtime of ['runc', 'crun'] as const) {
    const cps = [...new Set(prepared.filter((p) => p.skip === undefined && (p.row.runtime ?? 'runc') === runtime).map((p) => p.cp))];
    oracleFilters(cps, runtime).forEach((f, i) => filters.set(filterKey(cps[i] as ConcreteProfile, runtime), f));
  }
  return { prepared, filters };
}

describe(`libseccomp oracle (system libseccomp ${version}) agrees with every evaluator case`, () => {
  const { prepared, filters } = prepare();
  for (const p of prepared) {
    it(`${p.row.id} ${p.row.title}`, (t) => {
      if (p.skip !== undefined) {
        t.skip(`SKIPPED: ${p.skip}`);
        return;
      }
      const f = filters.get(filterKey(p.cp, p.row.runtime ?? 'runc'));
      assert.ok(f, 'oracle result');
      const e = p.row.expect;
      if (e.conflict !== undefined) {
        assert.ok(f.error, `libseccomp should refuse rule #${e.conflict.rule}`);
        assert.equal(f.error.source, e.conflict.rule);
        assert.equal(f.error.rc, -17, 'EEXIST');
        return;
      }
      assert.equal(f.error, undefined, `libseccomp refused the profile: ${JSON.stringify(f.error)}`);
      const v = oracleVerdict(f, p.row.abi, p.nr, argValues(p.row));
      assert.equal(v.action, e.action);
      assert.equal(v.errno, e.errno);
    });
  }
});
