// Order-independent helpers for merging: a canonical JSON text (keys sorted) and the order in
// which footprints are taken, so that merging the same files in any order gives the same result.

import type { Footprint } from '../footprint/model.js';

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  });
}

/** When the footprint was recorded: provenance.createdAt, else its earliest workload start. */
export function recordedAt(fp: Footprint): string | undefined {
  if (fp.provenance?.createdAt !== undefined) return fp.provenance.createdAt;
  const starts = (fp.workloads ?? [])
    .map((w) => w.startedAt)
    .filter((s): s is string => s !== undefined)
    .sort();
  return starts[0];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Indices of the footprints in the order a merge takes them: earliest recording first (undated
 * ones last), ties broken by content. It depends only on the set of footprints, never on the
 * order they were given in, so "first made by" is the earliest recording's.
 */
export function mergeOrder(fps: readonly Footprint[]): number[] {
  const at = fps.map(recordedAt);
  // The canonical text of a whole footprint is only made when its recording time ties.
  const texts: (string | undefined)[] = [];
  const text = (i: number): string => (texts[i] ??= canonicalJson(fps[i]));
  return fps
    .map((_, i) => i)
    .sort((i, j) => {
      const a = at[i];
      const b = at[j];
      if (a !== b) {
        if (a === undefined) return 1;
        if (b === undefined) return -1;
        return compareText(a, b);
      }
      return compareText(text(i), text(j));
    });
}

export { compareText };
