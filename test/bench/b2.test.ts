// B2 per --args level: the layout of a group's variants, its rows (one per level and metric,
// judged within the A/A control's band on the judged metric only), and the profile shape noted.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rowsOf, type GroupResult, type Measured } from '../../bench/lib/measure.js';
import { b2Layout, b2Specs, profileShape, type B2Group } from '../../bench/suites/b2.js';
import { microArgv } from '../../bench/suites/workloads.js';
import type { Ctx } from '../../bench/lib/measure.js';

const LEVELS = ['none', 'safe', 'strict'] as const;
const group: B2Group = {
  prefix: 'B2.fcntl',
  workload: 'micro: 1k fcntl(F_GETFL)',
  metrics: ['loop time', 'wall'],
  judged: 'loop time',
  engine: '20.10.24',
  levels: LEVELS,
  defaultLevel: 'safe',
  calls: 1000,
};

/** One variant's rounds: loop times as given, walls 10× them. */
const loops = (xs: number[]): Measured[] => xs.map((x) => ({ ms: x * 10, loopMs: x }));

describe('B2 per level', () => {
  it('lays the variants out as default, one per level, control, unconfined', () => {
    const at = b2Layout(LEVELS);
    assert.deepEqual([at.base, at.level('none'), at.level('safe'), at.level('strict'), at.control, at.unconfined, at.count], [0, 1, 2, 3, 4, 5, 6]);
    assert.throws(() => b2Layout(['none']).level('strict'), /strict is not measured/);
  });

  it('has a row per level and metric, then unconfined and the control; only the judged metric has a target', () => {
    const specs = b2Specs(group);
    assert.deepEqual(
      specs.map((s) => s.id),
      [
        'B2.fcntl.none.loop',
        'B2.fcntl.none.wall',
        'B2.fcntl.safe.loop',
        'B2.fcntl.safe.wall',
        'B2.fcntl.strict.loop',
        'B2.fcntl.strict.wall',
        'B2.fcntl.unconf.loop',
        'B2.fcntl.unconf.wall',
        'B2.fcntl.ctl.loop',
        'B2.fcntl.ctl.wall',
      ],
    );
    assert.deepEqual(
      specs.map((s) => [s.a, s.b]),
      [
        [1, 0],
        [1, 0],
        [2, 0],
        [2, 0],
        [3, 0],
        [3, 0],
        [5, 0],
        [5, 0],
        [4, 0],
        [4, 0],
      ],
    );
    assert.deepEqual(
      specs.filter((s) => s.target !== undefined).map((s) => s.id),
      ['B2.fcntl.none.loop', 'B2.fcntl.safe.loop', 'B2.fcntl.strict.loop'],
    );
    assert.equal(specs[2]?.what, 'generated --args safe (the default) / Docker default (20.10.24 built-in)');
    assert.equal(specs[4]?.what, 'generated --args strict / Docker default (20.10.24 built-in)');
  });

  it("judges each level against the band of its own metric's control: a hot-syscall rule fails, the others pass", () => {
    const g: GroupResult = {
      samples: [
        loops([100, 100, 100, 100]), // default
        loops([101, 99, 100, 102]), // none
        loops([100, 101, 99, 100]), // safe
        loops([150, 148, 152, 149]), // strict: +49.5 ms over 1000 calls
        loops([102, 98, 100, 101]), // control
        loops([90, 91, 89, 90]), // unconfined
      ],
      mem: [],
    };
    const rows = rowsOf(b2Specs(group), g);
    const by = (id: string) => rows.find((r) => r.id === id);
    assert.equal(by('B2.fcntl.none.loop')?.verdict, 'pass');
    assert.equal(by('B2.fcntl.safe.loop')?.verdict, 'pass');
    assert.equal(by('B2.fcntl.strict.loop')?.verdict, 'fail');
    assert.equal(by('B2.fcntl.strict.wall')?.verdict, 'info'); // wall is not judged
    // Control 1.02, 0.98, 1.00, 1.01: median 1.005, IQR 0.0175 → band 0.01375.
    assert.match(by('B2.fcntl.strict.loop')?.detail ?? '', /^band ±1\.4% \(A\/A control\), \+49\.5 µs\/call$/);
    assert.match(by('B2.fcntl.strict.wall')?.detail ?? '', /^band ±1\.4% \(A\/A control\), Δ \+495 ms$/);
    assert.equal(by('B2.fcntl.ctl.loop')?.detail, 'noise band ±1.4%');
    assert.equal(by('B2.fcntl.unconf.loop')?.ratio?.median, 0.9);
  });

  it('Flask-style groups say Δ ms on the judged metric', () => {
    const flask: B2Group = { ...group, prefix: 'B2.flask', metrics: ['container time', 'wall'], judged: 'container time', levels: ['safe'] };
    const m = (xs: number[]): Measured[] => xs.map((x) => ({ ms: x + 300, containerMs: x }));
    const rows = rowsOf(b2Specs(flask), { samples: [m([200, 210, 190]), m([204, 214, 192]), m([200, 209, 191]), m([190, 200, 180])], mem: [] });
    assert.deepEqual(
      rows.map((r) => r.id),
      ['B2.flask.safe.ctr', 'B2.flask.safe.wall', 'B2.flask.unconf.ctr', 'B2.flask.unconf.wall', 'B2.flask.ctl.ctr', 'B2.flask.ctl.wall'],
    );
    assert.match(rows[0]?.detail ?? '', /, Δ \+4 ms$/);
  });

  it('counts the allowed syscalls and names those with argument rules', () => {
    const text = JSON.stringify({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['read', 'write', 'fcntl'], action: 'SCMP_ACT_ALLOW' },
        { names: ['fcntl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 4294967295, valueTwo: 3, op: 'SCMP_CMP_MASKED_EQ' }] },
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
        { names: ['getppid'], action: 'SCMP_ACT_ALLOW', args: null },
        { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      ],
    });
    assert.deepEqual(profileShape(text), { allowed: 5, argRules: ['fcntl', 'socket'] });
  });

  it("the micro loop's argv names the syscall only when it is not getppid", () => {
    const ctx = { label: 'l=1', loopBin: '/x/loop' } as unknown as Ctx;
    assert.deepEqual(microArgv(ctx, 1000).slice(-2), ['/bench/syscall-loop', '1000']);
    assert.deepEqual(microArgv(ctx, 1000, { syscall: 'getppid' }).slice(-2), ['/bench/syscall-loop', '1000']);
    assert.deepEqual(microArgv(ctx, 1000, { syscall: 'fcntl' }).slice(-3), ['/bench/syscall-loop', '1000', 'fcntl']);
  });
});
