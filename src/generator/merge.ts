// Merges footprints recorded separately (one per workload, or several runs of one) into one:
// per ABI and syscall the counts add up, workloads, argument values and their recorded
// combinations are unioned, the first process is the earliest recording's, and "runtime" stays
// only when every contributor says so.
// The result does not depend on the order the footprints are given in.

import { ClawfenceError } from '../errors.js';
import {
  FOOTPRINT_SCHEMA_VERSION,
  type ArgTuples,
  type ArgValues,
  type Footprint,
  type Provenance,
  type SyscallUse,
  type WorkloadRecord,
} from '../footprint/model.js';
import { ARCHES, ARCH_INFO, type Arch } from '../syscalls/arch.js';
import { canonicalJson, compareText, mergeOrder } from './canonical.js';
import { checkFootprint, checkOneFamily, footprintLabel } from './check-footprint.js';
import { mergeExecutables } from '../footprint/executables.js';
import { compareBigintLists } from '../util/compare.js';

export interface MergeOptions {
  /** Names for the footprints in error messages (normally their file names), in input order. */
  labels?: readonly string[];
}

function sortedUnion(lists: readonly (readonly string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((l) => l ?? []))].sort(compareText);
}

function mergeArgs(uses: readonly SyscallUse[]): ArgValues[] | undefined {
  const byIndex = new Map<number, Map<bigint, number>>();
  for (const u of uses) {
    for (const a of u.args ?? []) {
      const values = byIndex.get(a.index) ?? new Map<bigint, number>();
      byIndex.set(a.index, values);
      for (const v of a.values) {
        const key = BigInt(v.value);
        values.set(key, (values.get(key) ?? 0) + v.count);
      }
    }
  }
  if (byIndex.size === 0) return undefined;
  return [...byIndex]
    .sort((a, b) => a[0] - b[0])
    .map(([index, values]) => ({
      index,
      values: [...values].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([v, count]) => ({ value: v.toString(), count })),
    }));
}

/** The union of the recorded combinations, per set of indices, counts added up. */
function mergeTuples(uses: readonly SyscallUse[]): ArgTuples[] | undefined {
  type TupleSet = { indices: number[]; values: Map<string, { value: bigint[]; count: number }> };
  const bySet = new Map<string, TupleSet>();
  for (const u of uses) {
    for (const t of u.argTuples ?? []) {
      const key = t.indices.join(',');
      const set: TupleSet = bySet.get(key) ?? { indices: [...t.indices], values: new Map() };
      bySet.set(key, set);
      for (const v of t.values) {
        const value = v.value.map((x) => BigInt(x));
        const vkey = value.join(',');
        const seen = set.values.get(vkey);
        if (seen === undefined) set.values.set(vkey, { value, count: v.count });
        else seen.count += v.count;
      }
    }
  }
  if (bySet.size === 0) return undefined;
  return [...bySet.values()]
    .sort((a, b) => compareBigintLists(a.indices.map(BigInt), b.indices.map(BigInt)))
    .map((t) => ({
      indices: t.indices,
      values: [...t.values.values()].sort((a, b) => compareBigintLists(a.value, b.value)).map((v) => ({ value: v.value.map(String), count: v.count })),
    }));
}

/** Merges the uses of one syscall on one ABI, given in merge order. */
function mergeUse(uses: readonly SyscallUse[]): SyscallUse {
  const seen = uses.filter((u) => u.count > 0);
  const contributors = seen.length > 0 ? seen : uses;
  const nr = uses.find((u) => u.nr !== undefined)?.nr;
  const firstBy = contributors.find((u) => u.firstBy !== undefined)?.firstBy;
  const runtime = contributors.length > 0 && contributors.every((u) => u.runtime === true);
  const workloads = sortedUnion(uses.map((u) => u.workloads));
  const args = mergeArgs(uses);
  const argTuples = mergeTuples(uses);
  return {
    count: uses.reduce((n, u) => n + u.count, 0),
    ...(nr === undefined ? {} : { nr }),
    ...(firstBy === undefined ? {} : { firstBy: { ...firstBy } }),
    ...(runtime ? { runtime: true } : {}),
    ...(workloads.length === 0 ? {} : { workloads }),
    ...(args === undefined ? {} : { args }),
    ...(argTuples === undefined ? {} : { argTuples }),
  };
}

function mergeSyscalls(fps: readonly Footprint[]): Footprint['syscalls'] {
  const out: Footprint['syscalls'] = {};
  for (const abi of ARCHES) {
    const names = sortedUnion(fps.map((fp) => Object.keys(fp.syscalls[abi] ?? {})));
    if (names.length === 0) continue;
    const merged: Record<string, SyscallUse> = {};
    for (const name of names) {
      const uses = fps.map((fp) => fp.syscalls[abi]?.[name]).filter((u): u is SyscallUse => u !== undefined);
      merged[name] = mergeUse(uses);
    }
    out[abi] = merged;
  }
  return out;
}

/** Every distinct workload record, sorted by name, start time, then content. */
function mergeWorkloads(fps: readonly Footprint[]): WorkloadRecord[] | undefined {
  const byText = new Map<string, WorkloadRecord>();
  for (const fp of fps) for (const w of fp.workloads ?? []) byText.set(canonicalJson(w), w);
  if (byText.size === 0) return undefined;
  return [...byText]
    .sort(([ta, a], [tb, b]) => compareText(a.name, b.name) || compareText(a.startedAt ?? '', b.startedAt ?? '') || compareText(ta, tb))
    .map(([, w]) => structuredClone(w));
}

/** The provenance fields every footprint agrees on (a field some footprint lacks is dropped). */
export function commonProvenance(fps: readonly Footprint[]): Provenance | undefined {
  const first = fps[0]?.provenance;
  if (first === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(first)) {
    const text = canonicalJson(value);
    if (fps.every((fp) => fp.provenance !== undefined && canonicalJson((fp.provenance as Record<string, unknown>)[key]) === text)) {
      out[key] = structuredClone(value);
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The host ABI of the merged recordings: their common arch, else the family of the ones given. */
function mergeArch(fps: readonly Footprint[]): Arch | undefined {
  const given = [...new Set(fps.map((fp) => fp.arch).filter((a): a is Arch => a !== undefined))];
  if (given.length <= 1) return given[0];
  return ARCH_INFO[given[0] as Arch].family;
}

/**
 * Merges footprints. Throws bad-input for none, an unsupported schemaVersion, unknown names, or
 * footprints from different CPU families (x86_64 and aarch64 recordings need separate profiles).
 * Provenance keeps the fields all sources agree on; per-source provenance is the caller's to keep.
 */
export function mergeFootprints(fps: readonly Footprint[], opts: MergeOptions = {}): Footprint {
  if (fps.length === 0) {
    throw new ClawfenceError('bad-input', 'no footprint to merge', { hint: 'pass at least one FOOTPRINT file (written by `clawfence record`)' });
  }
  fps.forEach((fp, i) => checkFootprint(fp, footprintLabel(opts.labels, i)));
  checkOneFamily(fps, opts.labels);
  const ordered = mergeOrder(fps).map((i) => fps[i] as Footprint);
  const arch = mergeArch(ordered);
  const workloads = mergeWorkloads(ordered);
  const provenance = commonProvenance(ordered);
  const executables = mergeExecutables(ordered);
  return {
    schemaVersion: FOOTPRINT_SCHEMA_VERSION,
    ...(arch === undefined ? {} : { arch }),
    syscalls: mergeSyscalls(ordered),
    ...(executables === undefined ? {} : { executables }),
    ...(workloads === undefined ? {} : { workloads }),
    ...(provenance === undefined ? {} : { provenance }),
  };
}
