// How many BPF instructions the kernel is handed for a profile, next to its limit. The kernel refuses
// a filter program longer than BPF_MAXINSNS = 4096 instructions (kernel/seccomp.c
// seccomp_prepare_filter: -EINVAL), and then the container does not start. What runc loads is its
// -ENOSYS stub followed by libseccomp's program (runc libcontainer/seccomp/patchbpf
// enosysPatchFilter), so both count.

import type { Arch } from '../syscalls/arch.js';
import type { ConcreteProfile } from '../profile/model.js';
import { compiledFilter, type EvaluateOptions } from './evaluate.js';
import type { CompiledFilter } from './filter.js';

/** BPF_MAXINSNS (include/uapi/linux/bpf_common.h). */
export const KERNEL_MAX_INSNS = 4096;

export interface ProgramSize {
  /** Instructions of libseccomp's program (the evaluator's port of gen_bpf.c). */
  libseccomp: number;
  /** Instructions of runc's -ENOSYS stub in front of it (0 under crun, or without a stub). */
  stub: number;
  total: number;
  limit: number;
}

/**
 * The length of runc's stub (patchbpf generateEnosysStub): one load of the arch, per audit arch a
 * jeq and a section — a load of the number, a jgt and a ja (x86_64 and x32 share AUDIT_ARCH_X86_64:
 * a jset in front of one of them, or jset + two jgt + ja for both; s390/s390x a jne and a ret more)
 * — then a ja to the filter and the two-instruction tail. Jumps stay below 256 for any stub this
 * size, so runc's long-jump variants never apply.
 */
export function runcStubLength(f: CompiledFilter): number {
  const byAudit = new Map<string, Arch[]>();
  for (const c of f.abis.values()) {
    if (c.enosysAbove === undefined || c.enosysAbove <= 0) continue;
    const audit = c.abi === 'x32' ? 'x86_64' : c.abi;
    byAudit.set(audit, [...(byAudit.get(audit) ?? []), c.abi]);
  }
  if (byAudit.size === 0) return 0;
  let n = 1 + 1 + 2; // load arch, ja to filter, tail (ja 1; ret ENOSYS)
  for (const abis of byAudit.values()) {
    n += 1; // jeq [arch]
    n += 1; // load [nr]
    if (abis.length === 2)
      n += 4; // jset; jgt x86_64; jgt x32; ja
    else {
      const abi = abis[0] as Arch;
      n += 2; // jgt [max]; ja [filter]
      if (abi === 'x86_64' || abi === 'x32') n += 1; // jset (1<<30)
      if (abi === 's390' || abi === 's390x') n += 2; // jne [setup]; ret ENOSYS
    }
  }
  return n;
}

/** The program the kernel gets for this profile on this host, counted. */
export function programSize(cp: ConcreteProfile, opts: EvaluateOptions = {}): ProgramSize {
  const f = compiledFilter(cp, opts);
  const libseccomp = f.program.length;
  const stub = (opts.runtime ?? 'runc') === 'runc' ? runcStubLength(f) : 0;
  return { libseccomp, stub, total: libseccomp + stub, limit: KERNEL_MAX_INSNS };
}

/** One line for a report: "1234 of 4096 BPF instructions (libseccomp 1220 + runc's stub 14)". */
export function describeProgramSize(s: ProgramSize): string {
  const parts = s.stub > 0 ? ` (libseccomp ${s.libseccomp} + runc's -ENOSYS stub ${s.stub})` : '';
  return `${s.total} of the kernel's ${s.limit} BPF instructions${parts}`;
}

/** True when the kernel would refuse to load the filter. */
export function overKernelLimit(s: ProgramSize): boolean {
  return s.total > s.limit;
}
