// What a container runtime needs after installing the filter that a recording can miss, added to
// generated profiles with the reason in each rule's comment. What runc calls there depends on
// timing, so one recording is a sample; a calibration (recorder/calibrate.ts: many starts of a
// trivial container under CPU load, cached per engine, runtime and version) is the measurement.
// When the footprints' runtime has one, every call it saw that the footprints did not record is
// allowed, each marked as the runtime's with how many of the calibration's starts made it. Without
// one, the measurement below still applies:
//
// runc is a Go program. With Docker's defaults (no-new-privileges off) runc init loads the filter,
// then waits on its exec fifo until `runc start`, then execs the tool. In that window Go's runtime
// can deliver an asynchronous signal to the init thread (its preemption signal, SIGURG); the handler
// returns through rt_sigreturn. Seen here (Docker 20.10.24, runc 1.1.5, kernel 6.18) in 3 of 16
// eBPF recordings and 2 of 6 ptrace recordings of `docker run debian true`. When the profile denies
// it, the signal handler cannot return and the container dies at start with SIGSEGV (exit 139) —
// at random, about one start in five. So a profile for runc always allows rt_sigreturn — also when
// a calibration of it did not see it: it is rare under a calibration's load too (1 to 4 of 30
// starts here, more with more busy loops), so 30 starts can miss it. (crun is written in C and
// installs no signal handlers there: nothing is added for it.) A calibration's set is allowed on its native ABI, the one runc runs on; a call a runtime made
// on another ABI would be in the calibration file but is not added.

import type { Footprint } from '../footprint/model.js';
import { calibrationFits, describeRuntimeId, calibrationId, type RuntimeCalibration } from '../footprint/runtime-calibration.js';
import { compareText } from './canonical.js';

export interface RuntimeAllowance {
  syscall: string;
  /** The runtime it is for, as the footprints name it: its name, and its version when calibrated. */
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

/** Where a calibration came from, for the comment: its cache file, else when it was made. */
function calibrationSource(c: RuntimeCalibration): string {
  return c.file ?? `the calibration of ${describeRuntimeId(calibrationId(c))} made ${c.createdAt}`;
}

/** The syscalls to allow for the runtime(s) the footprints were recorded under, that were not
 * recorded: a calibration's set for the footprints it fits (same engine, runtime, version and ABI),
 * and for runc footprints rt_sigreturn, whether or not their calibration saw it. */
export function runtimeAllowance(
  fps: readonly Footprint[],
  recordedAnywhere: ReadonlySet<string>,
  calibrations: readonly RuntimeCalibration[] = [],
): RuntimeAllowance[] {
  const out = new Map<string, RuntimeAllowance>();
  const fitting = calibrations.filter((c) => fps.some((fp) => calibrationFits(c, fp)));
  for (const c of [...fitting].sort((a, b) => compareText(calibrationSource(a), calibrationSource(b)))) {
    const runtime = `${c.runtime.name} ${c.runtime.version}`;
    for (const [syscall, seen] of Object.entries(c.syscalls[c.arch] ?? {}).sort(([a], [b]) => compareText(a, b))) {
      if (recordedAnywhere.has(syscall) || out.has(syscall)) continue;
      out.set(syscall, { syscall, runtime, why: `seen in ${seen} of ${c.runs} calibration starts under load, ${calibrationSource(c)}` });
    }
  }
  const runc = fps.filter(usesRunc);
  const uncalibrated = runc.find((fp) => !fitting.some((c) => calibrationFits(c, fp)));
  const calibrated = fitting.find((c) => runc.some((fp) => calibrationFits(c, fp)));
  for (const a of runc.length === 0 ? [] : RUNC_ALLOWANCE) {
    if (recordedAnywhere.has(a.syscall) || out.has(a.syscall)) continue;
    if (uncalibrated !== undefined || calibrated === undefined) out.set(a.syscall, { ...a, runtime: 'runc' });
    else {
      out.set(a.syscall, {
        syscall: a.syscall,
        runtime: `${calibrated.runtime.name} ${calibrated.runtime.version}`,
        why: `not seen in the ${calibrated.runs} calibration starts (${calibrationSource(calibrated)}), allowed for runc whatever a calibration saw: ${a.why}`,
      });
    }
  }
  return [...out.values()].sort((a, b) => compareText(a.syscall, b.syscall));
}
