// What a container runtime may need after installing the filter that a recording can miss, added
// to generated profiles with the reason in the rule's comment. Only one entry today, measured:
//
// runc is a Go program. With Docker's defaults (no-new-privileges off) runc init loads the filter,
// then waits on its exec fifo until `runc start`, then execs the tool. In that window Go's runtime
// can deliver an asynchronous signal to the init thread (its preemption signal, SIGURG); the handler
// returns through rt_sigreturn. Seen here (Docker 20.10.24, runc 1.1.5, kernel 6.18) in 3 of 16
// eBPF recordings and 2 of 6 ptrace recordings of `docker run debian true`. When the profile denies
// it, the signal handler cannot return and the container dies at start with SIGSEGV (exit 139) —
// at random, about one start in five. So a profile for runc always allows rt_sigreturn. (crun is
// written in C and installs no signal handlers there: nothing is added for it.)

import type { Footprint } from '../footprint/model.js';

export interface RuntimeAllowance {
  syscall: string;
  /** The runtime it is for, as the footprints name it. */
  runtime: string;
  /** Why, for the rule's comment and the summary. */
  why: string;
}

const RUNC_ALLOWANCE: readonly Omit<RuntimeAllowance, 'runtime'>[] = [
  {
    syscall: 'rt_sigreturn',
    why: 'runc (Go) can take an asynchronous signal between installing the filter and exec; its handler returns through rt_sigreturn, and denying it kills about one container start in five (SIGSEGV, exit 139)',
  },
];

/** Whether a footprint was recorded under runc: its provenance says so, or runc init made calls. */
function usesRunc(fp: Footprint): boolean {
  if (fp.provenance?.engine?.runtime === 'runc') return true;
  return Object.values(fp.syscalls).some((uses) => Object.values(uses ?? {}).some((u) => u.runtime === true && (u.firstBy?.comm ?? '').startsWith('runc')));
}

/** The syscalls to allow for the runtime(s) the footprints were recorded under, that were not recorded. */
export function runtimeAllowance(fps: readonly Footprint[], recordedAnywhere: ReadonlySet<string>): RuntimeAllowance[] {
  if (!fps.some(usesRunc)) return [];
  return RUNC_ALLOWANCE.filter((a) => !recordedAnywhere.has(a.syscall)).map((a) => ({ ...a, runtime: 'runc' }));
}
