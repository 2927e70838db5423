// The evidence behind every syscall a generated profile allows: on which ABIs it was recorded,
// how often, which process made it first, in which workloads, and whether only the container
// runtime (runc/crun init, after installing the filter) made it.

import type { Footprint, ProcessRef } from '../footprint/model.js';
import type { Arch } from '../syscalls/arch.js';
import { compareText } from './canonical.js';

export interface AbiUse {
  abi: Arch;
  count: number;
  firstBy?: ProcessRef;
  /** Only the container runtime made it on this ABI. */
  runtime: boolean;
  workloads: string[];
}

export interface SyscallEvidence {
  name: string;
  /** One entry per ABI it was recorded on (count > 0), in the order of `abis`. */
  uses: AbiUse[];
  /** Only the container runtime made it, on every ABI it was recorded on. */
  runtimeOnly: boolean;
}

/** Evidence for every syscall recorded (count > 0) on the given ABIs, sorted by name. */
export function collectEvidence(fp: Footprint, abis: readonly Arch[]): SyscallEvidence[] {
  const byName = new Map<string, AbiUse[]>();
  for (const abi of abis) {
    for (const [name, u] of Object.entries(fp.syscalls[abi] ?? {})) {
      if (u.count <= 0) continue;
      const use: AbiUse = {
        abi,
        count: u.count,
        runtime: u.runtime === true,
        workloads: [...(u.workloads ?? [])].sort(compareText),
        ...(u.firstBy === undefined ? {} : { firstBy: u.firstBy }),
      };
      byName.set(name, [...(byName.get(name) ?? []), use]);
    }
  }
  return [...byName].sort((a, b) => compareText(a[0], b[0])).map(([name, uses]) => ({ name, uses, runtimeOnly: uses.every((u) => u.runtime) }));
}

/** The recorded names per ABI. */
export function recordedSets(evidence: readonly SyscallEvidence[]): Map<Arch, Set<string>> {
  const out = new Map<Arch, Set<string>>();
  for (const e of evidence) {
    for (const u of e.uses) {
      const s = out.get(u.abi) ?? new Set<string>();
      s.add(e.name);
      out.set(u.abi, s);
    }
  }
  return out;
}
