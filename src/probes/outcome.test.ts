// Reading probe containers' results and judging them against decisions: each kind of outcome the
// probe and docker produce, and the comparisons that must fail.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectationOf, judge, parseProbeRun, type KernelOutcome } from './outcome.js';

const READY = '{"phase":"ready","build":"x86_64","abi":"x86_64","nr":140}\n';

describe('parseProbeRun', () => {
  it('reads a returned call, success or errno', () => {
    assert.deepEqual(parseProbeRun(0, `${READY}{"outcome":"returned","ret":"-91","errno":91}\n`, ''), { kind: 'returned', ret: '-91', errno: 91 });
    assert.deepEqual(parseProbeRun(0, `${READY}{"outcome":"returned","ret":"20","errno":0}\n`, ''), { kind: 'returned', ret: '20', errno: 0 });
  });

  it('tells a killed thread, a killed process and a probe killed at start-up apart', () => {
    assert.deepEqual(parseProbeRun(0, `${READY}{"outcome":"thread-killed"}\n`, ''), { kind: 'thread-killed' });
    assert.deepEqual(parseProbeRun(159, READY, ''), { kind: 'process-killed' });
    assert.deepEqual(parseProbeRun(159, '', ''), { kind: 'killed-at-start' });
  });

  it('reads a trap, a refused container and a broken run', () => {
    assert.equal(parseProbeRun(0, `${READY}{"outcome":"trapped","syscall":147,"arch":3221225534,"errno":0}\n`, '').kind, 'trapped');
    const refused = parseProbeRun(125, '', 'docker: Error response from daemon: OCI runtime create failed: file exists\n');
    assert.equal(refused.kind, 'refused');
    assert.equal(parseProbeRun(1, 'garbage', '').kind, 'probe-failed');
    assert.equal(parseProbeRun(2, '{"outcome":"usage","message":"bad argument"}\n', '').kind, 'probe-failed');
  });
});

describe('expectationOf and judge', () => {
  const ok: KernelOutcome = { kind: 'returned', ret: '20', errno: 0 };
  const esrch: KernelOutcome = { kind: 'returned', ret: '-3', errno: 3 };
  const e91: KernelOutcome = { kind: 'returned', ret: '-91', errno: 91 };

  it('allow must give what the allowed call gives', () => {
    const allow = expectationOf({ action: 'allow', source: 'default' });
    assert.equal(judge(allow, esrch, esrch).agree, true);
    assert.equal(judge(allow, e91, esrch).agree, false);
    assert.equal(judge(allow, ok, esrch).agree, false);
    assert.equal(judge(allow, ok, undefined).agree, false, 'no baseline: no verdict');
  });

  it('errno must be that errno, and says when the baseline cannot tell it from allow', () => {
    const deny = expectationOf({ action: 'errno', errno: 91, source: 'rule' });
    assert.deepEqual([judge(deny, e91, esrch).agree, judge(deny, e91, esrch).distinct], [true, true]);
    assert.equal(judge(deny, esrch, esrch).agree, false);
    const enosys = expectationOf({ action: 'errno', errno: 38, source: 'enosys-stub' });
    const same: KernelOutcome = { kind: 'returned', ret: '-38', errno: 38 };
    assert.deepEqual([judge(enosys, same, same).agree, judge(enosys, same, same).distinct], [true, false]);
  });

  it('kills and traps must be exactly that kind', () => {
    const kt = expectationOf({ action: 'kill_thread', source: 'bad-arch' });
    assert.equal(judge(kt, { kind: 'thread-killed' }, ok).agree, true);
    assert.equal(judge(kt, { kind: 'process-killed' }, ok).agree, false);
    assert.equal(judge(expectationOf({ action: 'kill_process', source: 'rule' }), { kind: 'thread-killed' }, ok).agree, false);
    assert.equal(judge(expectationOf({ action: 'trap', source: 'rule' }), { kind: 'trapped', syscall: 1, arch: 0, errno: 0 }, ok).agree, true);
  });

  it('an ABI missing from the filter kills a probe built for that ABI at start-up', () => {
    const d = { action: 'kill_thread' as const, source: 'bad-arch' as const };
    assert.deepEqual(expectationOf(d, true), { kind: 'killed-at-start' });
    assert.deepEqual(expectationOf(d, false), { kind: 'thread-killed' });
    assert.deepEqual(expectationOf({ action: 'kill_thread', source: 'rule' }, true), { kind: 'thread-killed' });
  });

  it('a profile the runtime refuses predicts a container that does not start', () => {
    const e = expectationOf({ action: 'errno', errno: 91, source: 'rule', conflicts: [{ kind: 'eexist', rule: 1, message: 'x' }] });
    assert.equal(judge(e, { kind: 'refused', message: 'file exists' }, ok).agree, true);
    assert.equal(judge(e, e91, ok).agree, false);
  });
});
