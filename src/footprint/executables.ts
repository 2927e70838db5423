// The executables of several footprints as one list: per path the counts add up and the
// workloads are unioned, sorted by path. A footprint without the list (its recorder did not record
// execs) makes the union unknown, not empty.

import type { ExecutableUse, Footprint } from './model.js';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The merged list; undefined when some footprint has none (or none is given). */
export function mergeExecutables(fps: readonly Pick<Footprint, 'executables'>[]): ExecutableUse[] | undefined {
  if (fps.length === 0 || fps.some((fp) => fp.executables === undefined)) return undefined;
  const out = new Map<string, { count: number; workloads: Set<string> }>();
  for (const fp of fps)
    for (const e of fp.executables ?? []) {
      const m = out.get(e.path) ?? { count: 0, workloads: new Set<string>() };
      out.set(e.path, m);
      m.count += e.count;
      for (const w of e.workloads ?? []) m.workloads.add(w);
    }
  return [...out]
    .sort(([a], [b]) => byText(a, b))
    .map(([path, m]) => ({ path, count: m.count, ...(m.workloads.size === 0 ? {} : { workloads: [...m.workloads].sort(byText) }) }));
}
