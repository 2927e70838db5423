// The bench's arithmetic: medians, per-round ratios, the noise band and the pass/fail judgements.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatKb,
  formatRatio,
  judgeDeltaMax,
  judgeRatioMax,
  judgeWithinNoise,
  median,
  medianDeltaMs,
  noiseBand,
  quantile,
  ratioSummary,
  roundRatios,
  summarize,
} from '../../bench/lib/stats.js';

describe('bench stats', () => {
  it('median of odd and even counts, order-free', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
    assert.throws(() => median([]));
  });

  it('summarize gives median, min, max and n', () => {
    assert.deepEqual(summarize([1.2, 1.1, 1.5, 1.3, 1.0]), { median: 1.2, min: 1.0, max: 1.5, n: 5 });
    assert.throws(() => summarize([1, Number.NaN]));
  });

  it('ratios are taken round by round, never from pooled times', () => {
    // A got slower over the run, B too: the per-round ratio stays 2.
    assert.deepEqual(roundRatios([2, 4, 8], [1, 2, 4]), [2, 2, 2]);
    assert.deepEqual(ratioSummary([2, 4, 8], [1, 2, 4]), { median: 2, min: 2, max: 2, n: 3 });
    assert.throws(() => roundRatios([1, 2], [1]), /rounds differ/);
    assert.throws(() => roundRatios([1], [0]), /cannot divide/);
  });

  it("the noise band is the A/A control's distance from 1 plus half its interquartile range", () => {
    assert.ok(Math.abs(noiseBand([0.98, 1.0, 1.02, 1.04]) - (0.01 + 0.015)) < 1e-12);
    assert.equal(noiseBand([1, 1]), 0);
    assert.ok(Math.abs(noiseBand([1.05, 1.05, 1.05]) - 0.05) < 1e-12, 'a biased control widens it');
    // One outlier round barely moves it (the largest deviation would have said 0.43).
    assert.ok(noiseBand([0.96, 0.97, 0.98, 0.99, 1.0, 1.01, 1.02, 1.43]) < 0.05);
    assert.throws(() => noiseBand([]));
  });

  it('quantiles interpolate between sorted values', () => {
    assert.equal(quantile([4, 1, 3, 2], 0), 1);
    assert.equal(quantile([4, 1, 3, 2], 1), 4);
    assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
    assert.ok(Math.abs(quantile([1, 2, 3, 4], 0.25) - 1.75) < 1e-12);
  });

  it('generated ≤ 1.00× within the noise band: passes up to 1 + band, fails above', () => {
    const s = (m: number) => ({ median: m, min: m, max: m, n: 5 });
    assert.equal(judgeWithinNoise(s(1.0), 0), 'pass');
    assert.equal(judgeWithinNoise(s(1.029), 0.03), 'pass');
    assert.equal(judgeWithinNoise(s(1.03), 0.03), 'pass');
    assert.equal(judgeWithinNoise(s(1.031), 0.03), 'fail');
    assert.equal(judgeWithinNoise(s(0.9), 0), 'pass');
  });

  it('ratio targets are judged on the median, not on the worst round', () => {
    assert.equal(judgeRatioMax({ median: 1.29, min: 1.1, max: 1.9, n: 5 }, 1.3), 'pass');
    assert.equal(judgeRatioMax({ median: 1.3, min: 1.3, max: 1.3, n: 5 }, 1.3), 'pass');
    assert.equal(judgeRatioMax({ median: 1.31, min: 1.0, max: 1.31, n: 5 }, 1.3), 'fail');
  });

  it('the CLI target is the difference of the medians', () => {
    assert.equal(medianDeltaMs([300, 310, 290], [100, 120, 110]), 190);
    assert.equal(judgeDeltaMax(190, 200), 'pass');
    assert.equal(judgeDeltaMax(200, 200), 'pass');
    assert.equal(judgeDeltaMax(201, 200), 'fail');
  });

  it('formats ratios and memory', () => {
    assert.equal(formatRatio(1.234), '1.23×');
    assert.equal(formatRatio(12.34), '12.3×');
    assert.equal(formatRatio(385.4), '385×');
    assert.equal(formatKb(94208), '92 MB');
  });
});
