// Turns a raw recording of one workload into a footprint: names instead of numbers, runtime
// calls marked, the first process per syscall, argument values (per index, and as tuples where
// several are recorded together), the executables the run exec'd, and where it all came from.

import { ClawfenceError } from '../errors.js';
import type { Arch } from '../syscalls/arch.js';
import { syscallName } from '../syscalls/table.js';
import type { RawArgValue, RawRecording, RawSyscall } from './recorder.js';
import { mergeExecutables } from '../footprint/executables.js';
import { compareBigintLists } from '../util/compare.js';
import {
  FOOTPRINT_SCHEMA_VERSION,
  type ArgTuples,
  type ArgValues,
  type Footprint,
  type Provenance,
  type SyscallUse,
  type WorkloadRecord,
} from '../footprint/model.js';

export interface BuildInput {
  native: Arch;
  recording: RawRecording;
  workload: WorkloadRecord;
  provenance: Provenance;
}

/** Refuses a recording that lost events: a short footprint would make a profile that breaks the tool. */
export function assertComplete(r: RawRecording): void {
  const { outOfRange, firstSeen, args } = r.lost;
  const execs = r.lost.execs ?? 0;
  if (outOfRange + firstSeen + args + execs > 0) {
    throw new ClawfenceError(
      'environment',
      `the recorder lost events (out-of-range syscall numbers ${outOfRange}, first-seen ${firstSeen}, argument values ${args}${execs > 0 ? `, exec paths ${execs}` : ''}); the footprint would be incomplete`,
      {
        hint: 're-run the recording; if it persists, report it with `clawfence doctor` output',
      },
    );
  }
}

function sorted<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One syscall's recorded values: per index (every index, a tuple's projected on each of its
 * indices), and the tuples of those recorded together; each sorted by index, then value. */
export function argValues(rows: readonly RawArgValue[]): { args: ArgValues[]; argTuples: ArgTuples[] } {
  const byIndex = new Map<number, Map<bigint, number>>();
  type Tuples = { indices: number[]; values: Map<string, { value: bigint[]; count: number }> };
  const byTuple = new Map<string, Tuples>();
  for (const row of rows) {
    row.indices.forEach((index, i) => {
      const m = byIndex.get(index) ?? new Map<bigint, number>();
      byIndex.set(index, m);
      const v = row.values[i] as bigint;
      m.set(v, (m.get(v) ?? 0) + row.count);
    });
    if (row.indices.length < 2) continue;
    const key = row.indices.join(',');
    const t: Tuples = byTuple.get(key) ?? { indices: [...row.indices], values: new Map() };
    byTuple.set(key, t);
    const vkey = row.values.join(',');
    const seen = t.values.get(vkey);
    if (seen === undefined) t.values.set(vkey, { value: [...row.values], count: row.count });
    else seen.count += row.count;
  }
  const args = [...byIndex]
    .sort(([a], [b]) => a - b)
    .map(([index, m]) => ({
      index,
      values: [...m].sort(([a], [b]) => compareBigintLists([a], [b])).map(([v, count]) => ({ value: v.toString(), count })),
    }));
  const argTuples = [...byTuple.values()]
    .sort((a, b) => compareBigintLists(a.indices.map(BigInt), b.indices.map(BigInt)))
    .map((t) => ({
      indices: t.indices,
      values: [...t.values.values()].sort((a, b) => compareBigintLists(a.value, b.value)).map((v) => ({ value: v.value.map(String), count: v.count })),
    }));
  return { args, argTuples };
}

export function buildFootprint(input: BuildInput): Footprint {
  const { recording: r, workload } = input;
  assertComplete(r);
  // Merge the tool's and the runtime's rows of each (abi, nr).
  const rows = new Map<string, RawSyscall[]>();
  for (const s of r.syscalls) {
    const k = `${s.abi}/${s.nr}`;
    rows.set(k, [...(rows.get(k) ?? []), s]);
  }
  const perAbi: Partial<Record<Arch, Record<string, SyscallUse>>> = {};
  for (const group of rows.values()) {
    const first = [...group].sort((a, b) => a.ts - b.ts)[0];
    if (first === undefined) continue;
    const name = syscallName(first.abi, first.nr) ?? `__nr_${first.nr}`;
    const { args, argTuples } = argValues(r.args.filter((a) => a.abi === first.abi && a.nr === first.nr));
    const use: SyscallUse = {
      count: group.reduce((n, s) => n + s.count, 0),
      nr: first.nr,
      firstBy: { comm: first.comm, ...(first.exe === '' ? {} : { exe: first.exe }), pid: first.pid },
      ...(group.every((s) => s.runtime) ? { runtime: true } : {}),
      workloads: [workload.name],
      ...(args.length === 0 ? {} : { args }),
      ...(argTuples.length === 0 ? {} : { argTuples }),
    };
    (perAbi[first.abi] ??= {})[name] = use;
  }
  const syscalls: Footprint['syscalls'] = {};
  for (const abi of Object.keys(perAbi).sort() as Arch[]) syscalls[abi] = sorted(perAbi[abi] ?? {});
  const executables =
    r.execs === undefined ? undefined : mergeExecutables([{ executables: r.execs.map((e) => ({ path: e.path, count: e.count, workloads: [workload.name] })) }]);
  return {
    schemaVersion: FOOTPRINT_SCHEMA_VERSION,
    arch: input.native,
    syscalls,
    ...(executables === undefined ? {} : { executables }),
    workloads: [workload],
    provenance: { ...input.provenance, recorder: { name: r.recorder, version: r.version, ...(r.note === undefined ? {} : { note: r.note }) } },
  };
}
