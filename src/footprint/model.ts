// The recorded footprint of a workload: which syscalls it made on which ABI, and how often.
// Versioned JSON (schemaVersion 1); this is the minimal form `audit --against` reads, which the
// recorder issue extends with arguments and provenance.

import type { Arch } from '../syscalls/arch.js';

export const FOOTPRINT_SCHEMA_VERSION = 1;

export interface SyscallUse {
  /** How many times the syscall was seen (0 means listed but never seen, i.e. not used). */
  count: number;
}

export interface Footprint {
  schemaVersion: typeof FOOTPRINT_SCHEMA_VERSION;
  /** The native ABI of the host it was recorded on, when known. */
  arch?: Arch;
  /** Per ABI, per syscall name. ABIs in the order the file lists them. */
  syscalls: Partial<Record<Arch, Record<string, SyscallUse>>>;
}

/** The ABIs the workload used (at least one call seen). */
export function footprintAbis(fp: Footprint): Arch[] {
  return (Object.keys(fp.syscalls) as Arch[]).filter((abi) => usedSyscalls(fp, abi).size > 0);
}

/** Names of the syscalls seen at least once on this ABI. */
export function usedSyscalls(fp: Footprint, abi: Arch): Set<string> {
  const m = fp.syscalls[abi];
  if (m === undefined) return new Set();
  return new Set(Object.entries(m).filter(([, u]) => u.count > 0).map(([n]) => n));
}
