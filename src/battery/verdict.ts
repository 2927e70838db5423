// The verdict for one probe under one configuration (docs/battery.md#method), from what the probe
// saw there and what it saw unconfined at the same capabilities (the baseline). Pure.
//
//   SIGSYS, or the marker errno                         → seccomp
//   the same answer as the baseline                     → what the kernel said: reached or kernel
//      (a kernel refusal the evaluator says the profile denies first, for the exact arguments: seccomp)
//   EPERM or ENOSYS where the baseline answers otherwise → seccomp (a default the engine would not
//      let us mark, or runc's ENOSYS stub); only seccomp differs between the two runs
//   anything else                                       → inconclusive, with both answers

import { errnoName } from '../syscalls/errno.js';
import { MARKER_ERRNO } from './marker.js';
import type { ProbeCell, ProbeRaw, ProbeSpec, Verdict } from './model.js';

const SIGSYS = 31;
const EPERM = 1;
const ENOSYS = 38;

function answerOf(raw: ProbeRaw): { errno: number; via?: string } | undefined {
  if (raw.kind === 'returned') return { errno: raw.errno };
  if (raw.kind === 'prerequisite') return { errno: raw.errno, via: raw.call };
  return undefined;
}

/** An errno as the reports write it: OK, the marker, or its name. */
export function answerName(errno: number): string {
  return errno === 0 ? 'OK' : errno === MARKER_ERRNO ? 'marker errno' : errnoName(errno);
}

/** What the kernel's own answer means for the door (no seccomp involved). */
function kernelClass(spec: ProbeSpec, errno: number, via: string | undefined): { verdict: Verdict; detail: string } {
  if (via !== undefined) return { verdict: 'kernel', detail: `its prerequisite ${via} was refused by the kernel (${answerName(errno)})` };
  if (errno === 0 || spec.reached.includes(answerName(errno))) return { verdict: 'reached', detail: answerName(errno) };
  const denied = spec.kernelDenied ?? ['EPERM', 'EACCES'];
  const why = denied.includes(answerName(errno)) ? '' : errno === ENOSYS ? ' (not in this kernel)' : ' (not available here)';
  return { verdict: 'kernel', detail: `${answerName(errno)}${why}` };
}

/** The verdict for `raw`; `baseline` is the same probe unconfined at the same capabilities
 * (undefined when `raw` is the baseline itself). */
export function classify(spec: ProbeSpec, raw: ProbeRaw, baseline?: ProbeRaw, predicted?: 'allow' | 'deny'): ProbeCell {
  const cell = (verdict: Verdict, detail: string): ProbeCell => ({ verdict, detail, raw });
  if (raw.kind === 'signalled') {
    return raw.signal === SIGSYS ? cell('seccomp', 'SIGSYS (killed by seccomp)') : cell('inconclusive', `killed by signal ${raw.signal}`);
  }
  if (raw.kind === 'harness') return cell('inconclusive', `the battery could not run it (${raw.what}: ${answerName(raw.errno)})`);
  const a = answerOf(raw);
  if (a === undefined) return cell('inconclusive', 'no answer');
  const pre = a.via === undefined ? '' : `its prerequisite ${a.via}: `;
  if (a.errno === MARKER_ERRNO) return cell('seccomp', `${pre}denied by seccomp (marker errno)`);
  if (baseline === undefined) {
    const k = kernelClass(spec, a.errno, a.via);
    return cell(k.verdict, k.detail);
  }
  const b = answerOf(baseline);
  if (b !== undefined && b.errno === a.errno && b.via === a.via) {
    const k = kernelClass(spec, a.errno, a.via);
    // The kernel would refuse it anyway; whether seccomp stops it first, the evaluator says for
    // these exact arguments (an answer the marker cannot reach: a conditional rule's default).
    if (k.verdict === 'kernel' && predicted === 'deny' && a.via === undefined)
      return cell('seccomp', `${k.detail} as unconfined; the profile denies these arguments (evaluator)`);
    return cell(k.verdict, k.detail);
  }
  const was = b === undefined ? 'no answer' : `${b.via === undefined ? '' : `${b.via} `}${answerName(b.errno)}`;
  if (a.errno === EPERM || a.errno === ENOSYS) {
    return cell(
      'seccomp',
      `${pre}${answerName(a.errno)} where unconfined answers ${was} (${a.errno === ENOSYS ? "runc's ENOSYS stub or an ENOSYS rule" : 'the default answer'})`,
    );
  }
  return cell('inconclusive', `${pre}${answerName(a.errno)} where unconfined answers ${was}`);
}
