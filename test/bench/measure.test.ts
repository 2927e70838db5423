// From samples to rows: per-round ratios of the right variants, the A/A control's band judging the
// generated profile, error rows, and the parsing and argv helpers the runs rely on.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorRows, expectOk, formatMem, parseLoop, rowsOf, type GroupResult, type RowSpec } from '../../bench/lib/measure.js';
import { judgeWithinNoise, noiseBand } from '../../bench/lib/stats.js';
import { adaptArgv } from '../../bench/lib/setup.js';
import { countText, perCallText } from '../../bench/suites/workloads.js';

const ms = (xs: number[]) => xs.map((x) => ({ ms: x, loopMs: x / 2 }));

describe('bench rows', () => {
  it('each row is the per-round ratio of its two variants; the control band judges the generated row', () => {
    // Variants: 0 default, 1 generated, 2 default again (control), 3 unconfined.
    const g: GroupResult = {
      samples: [ms([100, 200, 100]), ms([101, 202, 102]), ms([103, 196, 100]), ms([90, 180, 95])],
      mem: [undefined, undefined, undefined, undefined],
    };
    const specs: RowSpec[] = [
      {
        id: 'gen',
        bench: 'B2',
        what: 'generated / default',
        workload: 'w',
        metric: 'wall',
        a: 1,
        b: 0,
        target: '≤ 1.00× + noise band',
        judge: (s, c) => ({ verdict: judgeWithinNoise(s, noiseBand(c.ratiosOf('ctl'))) }),
      },
      { id: 'ctl', bench: 'B2', what: 'default / default', workload: 'w', metric: 'loop time', a: 2, b: 0 },
    ];
    const [gen, ctl] = rowsOf(specs, g);
    assert.ok(gen !== undefined && ctl !== undefined);
    assert.equal(gen.ratio?.median, 1.01);
    assert.equal(gen.ratio?.n, 3);
    assert.equal(gen.verdict, 'pass'); // 1.01 ≤ 1 + 0.0125 (control 1.03, 0.98, 1.00: median 1, IQR 0.025)
    assert.equal(ctl.verdict, 'info');
    assert.deepEqual(ctl.samples, { a: [51.5, 98, 50], b: [50, 100, 50] }); // loop times, not walls
  });

  it('the same generated row fails when the control is tight', () => {
    const g: GroupResult = { samples: [ms([100, 100, 100]), ms([105, 104, 106]), ms([100, 101, 100])], mem: [] };
    const specs: RowSpec[] = [
      {
        id: 'gen',
        bench: 'B2',
        what: 'g',
        workload: 'w',
        metric: 'wall',
        a: 1,
        b: 0,
        judge: (s, c) => ({ verdict: judgeWithinNoise(s, noiseBand(c.ratiosOf('ctl'))) }),
      },
      { id: 'ctl', bench: 'B2', what: 'c', workload: 'w', metric: 'wall', a: 2, b: 0 },
    ];
    assert.equal(rowsOf(specs, g)[0]?.verdict, 'fail');
  });

  it('memory is shown for the variant asked, or said to be missing', () => {
    const g: GroupResult = { samples: [ms([2]), ms([1])], mem: [{ nodeKb: 60 * 1024, treeKb: 61 * 1024, children: { 'clawfence-rec': 5 * 1024 } }, undefined] };
    const spec: RowSpec = { id: 'r', bench: 'B1', what: 'r', workload: 'w', metric: 'wall', a: 0, b: 1, memoryOf: 0 };
    assert.equal(rowsOf([spec], g)[0]?.memory, 'node 60 MB · clawfence-rec 5 MB · tree 61 MB');
    assert.equal(rowsOf([{ ...spec, memoryOf: 1 }], g)[0]?.memory, 'not measured (no warm-up round)');
    assert.equal(formatMem({ nodeKb: 1024, children: {}, timeMissing: true }), 'node 1 MB · tree n/a (time(1) missing)');
  });

  it('a group that failed gives error rows that keep their target', () => {
    const rows = errorRows([{ id: 'x', bench: 'B3', what: 'p', workload: 'w', metric: 'wall', a: 0, b: 1, target: '≤ 3.00×' }], new Error('boom'));
    assert.deepEqual(
      rows.map((r) => [r.verdict, r.error, r.target]),
      [['error', 'boom', '≤ 3.00×']],
    );
  });
});

describe('bench run helpers', () => {
  it("reads the loop program's own time and checks the call count", () => {
    assert.equal(parseLoop('loop_ns=212000000 calls=1000000\n', 1_000_000), 212);
    assert.throws(() => parseLoop('loop_ns=1 calls=5\n', 1_000_000), /made 5 calls/);
    assert.throws(() => parseLoop('oops\n', 10), /no loop time/);
  });

  it('checks exit codes and output', () => {
    const r = { code: 1, signal: null, stdout: 'findings\n', stderr: '', ms: 1, timedOut: false };
    assert.doesNotThrow(() => expectOk('audit', r, { exits: [1] }));
    assert.throws(() => expectOk('audit', r), /audit: exit 1: findings/);
    assert.throws(() => expectOk('x', { ...r, code: 0 }, { stdout: /^ok$/m }), /unexpected output: findings/);
    assert.throws(() => expectOk('x', { ...r, timedOut: true }), /timed out/);
  });

  it('adapts a workload argv: options after run, another image and a command prefix', () => {
    const argv = ['docker', 'run', '--rm', '--network', 'host', 'img:latest', 'tool', '--flag'];
    assert.deepEqual(adaptArgv(argv, 'img:latest', ['--label', 'l=1']), [
      'docker',
      'run',
      '--label',
      'l=1',
      '--rm',
      '--network',
      'host',
      'img:latest',
      'tool',
      '--flag',
    ]);
    assert.deepEqual(adaptArgv(argv, 'img:latest', [], { image: 'img-strace', prefix: ['strace', '-f'] }), [
      'docker',
      'run',
      '--rm',
      '--network',
      'host',
      'img-strace',
      'strace',
      '-f',
      'tool',
      '--flag',
    ]);
    assert.throws(() => adaptArgv(argv, 'other:latest', []), /cannot find/);
  });

  it('counts and per-call differences read well', () => {
    assert.equal(countText(1_000_000), '1M');
    assert.equal(countText(200_000), '200k');
    assert.equal(countText(1234), '1234');
    assert.equal(perCallText([350, 352], [210, 212], 1_000_000), '+140 ns/call');
    assert.equal(perCallText([8000], [40], 200_000), '+39.8 µs/call');
    assert.equal(perCallText([200], [210], 1_000_000), '−10 ns/call');
  });
});
