// The arithmetic of the bench, kept pure so it is unit-tested (test/bench/stats.test.ts): per-round
// ratios, their median/min/max, the noise band from an A/A control, and the pass/fail judgements.

/** Median, min and max of a list of numbers (n = how many). */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The median (mean of the two middle values for an even count). Throws on an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summary of no values');
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** Per-round ratios a[i] / b[i]: the runs of one round were made side by side. */
export function roundRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`rounds differ: ${a.length} A runs, ${b.length} B runs`);
  return a.map((x, i) => {
    const y = b[i] as number;
    if (!(y > 0) || !(x >= 0)) throw new Error(`round ${i + 1}: cannot divide ${x} by ${y}`);
    return x / y;
  });
}

export function ratioSummary(a: readonly number[], b: readonly number[]): Summary {
  return summarize(roundRatios(a, b));
}

/** The q-quantile (0…1) with linear interpolation between the sorted values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  const s = [...values].sort((x, y) => x - y);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (at - lo);
}

/** The noise band of an A/A control: how far its median strays from 1 plus half its interquartile
 * range — what the same thing measured twice differs by. Robust to one outlier round, which the
 * largest deviation was not (one 1.43× round made a ±43% band). E.g. 0.98, 1.00, 1.02, 1.04 → 0.03. */
export function noiseBand(controlRatios: readonly number[]): number {
  if (controlRatios.length === 0) throw new Error('noise band of no rounds');
  return Math.abs(median(controlRatios) - 1) + (quantile(controlRatios, 0.75) - quantile(controlRatios, 0.25)) / 2;
}

export type Verdict = 'pass' | 'fail';

/** Target "ratio ≤ max", judged on the median. */
export function judgeRatioMax(s: Summary, max: number): Verdict {
  return s.median <= max ? 'pass' : 'fail';
}

/** Target "≤ 1.00× within the noise band": the median may exceed 1 by at most the band. */
export function judgeWithinNoise(s: Summary, band: number): Verdict {
  return s.median <= 1 + band ? 'pass' : 'fail';
}

/** Target "A takes at most maxMs more than B": median(A) − median(B), both from the same rounds. */
export function medianDeltaMs(a: readonly number[], b: readonly number[]): number {
  return median(a) - median(b);
}

export function judgeDeltaMax(deltaMs: number, maxMs: number): Verdict {
  return deltaMs <= maxMs ? 'pass' : 'fail';
}

/** "1.23×" with a sensible number of digits for the size of the ratio. */
export function formatRatio(r: number): string {
  if (r >= 100) return `${r.toFixed(0)}×`;
  if (r >= 10) return `${r.toFixed(1)}×`;
  return `${r.toFixed(2)}×`;
}

/** Kilobytes as "87 MB" (MiB, rounded). */
export function formatKb(kb: number): string {
  return `${Math.round(kb / 1024)} MB`;
}
