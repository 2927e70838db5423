// Turns a raw recording of one workload into a footprint: names instead of numbers, runtime
// calls marked, the first process per syscall, argument values, and where it all came from.

import { ClawfenceError } from '../errors.js';
import type { Arch } from '../syscalls/arch.js';
import { syscallName } from '../syscalls/table.js';
import type { RawRecording, RawSyscall } from './recorder.js';
import { FOOTPRINT_SCHEMA_VERSION, type Footprint, type Provenance, type SyscallUse, type WorkloadRecord } from '../footprint/model.js';

export interface BuildInput {
  native: Arch;
  recording: RawRecording;
  workload: WorkloadRecord;
  provenance: Provenance;
}

/** Refuses a recording that lost events: a short footprint would make a profile that breaks the tool. */
export function assertComplete(r: RawRecording): void {
  const { outOfRange, firstSeen, args } = r.lost;
  if (outOfRange + firstSeen + args > 0) {
    throw new ClawfenceError('environment', `the recorder lost events (out-of-range syscall numbers ${outOfRange}, first-seen ${firstSeen}, argument values ${args}); the footprint would be incomplete`, {
      hint: 're-run the recording; if it persists, report it with `clawfence doctor` output',
    });
  }
}

function sorted<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
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
    const argRows = r.args.filter((a) => a.abi === first.abi && a.nr === first.nr);
    const byIndex = new Map<number, { value: string; count: number }[]>();
    for (const a of argRows.sort((x, y) => (x.value < y.value ? -1 : x.value > y.value ? 1 : 0))) {
      byIndex.set(a.index, [...(byIndex.get(a.index) ?? []), { value: a.value.toString(), count: a.count }]);
    }
    const use: SyscallUse = {
      count: group.reduce((n, s) => n + s.count, 0),
      nr: first.nr,
      firstBy: { comm: first.comm, ...(first.exe === '' ? {} : { exe: first.exe }), pid: first.pid },
      ...(group.every((s) => s.runtime) ? { runtime: true } : {}),
      workloads: [workload.name],
      ...(byIndex.size === 0 ? {} : { args: [...byIndex.entries()].sort(([a], [b]) => a - b).map(([index, values]) => ({ index, values })) }),
    };
    (perAbi[first.abi] ??= {})[name] = use;
  }
  const syscalls: Footprint['syscalls'] = {};
  for (const abi of Object.keys(perAbi).sort() as Arch[]) syscalls[abi] = sorted(perAbi[abi] ?? {});
  return {
    schemaVersion: FOOTPRINT_SCHEMA_VERSION,
    arch: input.native,
    syscalls,
    workloads: [workload],
    provenance: { ...input.provenance, recorder: { name: r.recorder, version: r.version, ...(r.note === undefined ? {} : { note: r.note }) } },
  };
}
