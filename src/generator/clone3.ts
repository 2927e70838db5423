// What a generated profile does with clone3. clone3 passes its flags in memory, where no filter
// can read them, and glibc 2.34+ tries it first and falls back to clone only on ENOSYS:
//   recorded clone3 (with or without clone) → allow what was recorded, like any other syscall;
//   recorded clone but not clone3           → answer clone3 with ENOSYS, so a libc that tries it
//                                             falls back to the clone the recording saw;
//   neither                                 → nothing (the default action).

import type { Rule } from '../profile/model.js';
import { emptyFilter } from '../profile/model.js';

export const ENOSYS = 38;

export type Clone3Policy = 'recorded' | 'enosys' | 'none';

/** The policy for the names recorded on any loaded ABI. */
export function chooseClone3(recorded: ReadonlySet<string>, defaultIsEnosys: boolean): Clone3Policy {
  if (recorded.has('clone3')) return 'recorded';
  // A rule equal to the default action changes nothing (runc skips it), so leave it out.
  if (recorded.has('clone') && !defaultIsEnosys) return 'enosys';
  return 'none';
}

/** The ENOSYS rule for the 'enosys' policy. */
export function clone3EnosysRule(): Rule {
  return {
    names: ['clone3'], action: 'errno', errnoRet: ENOSYS, args: [], includes: emptyFilter(), excludes: emptyFilter(),
    comment: 'clone3 — not recorded, but clone was: answered with ENOSYS (errno 38) so that a libc which tries clone3 first (glibc 2.34+) falls back to clone, as in the recording; any other answer would break thread creation',
  };
}
