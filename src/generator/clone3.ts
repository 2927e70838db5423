// What a generated profile does with clone3. clone3 passes its flags in memory, where no filter
// can read them, so allowing it allows every namespace; glibc 2.34+ tries it first and falls back
// to clone only on ENOSYS. So, whether or not the recording saw clone3:
//   clone or clone3 recorded → clone3 is answered with ENOSYS, and clone is allowed without
//                              CLONE_NEW* bits (arg-rules.ts) — for clone3 alone, clone is added as
//                              the fallback libc takes;
//   clone3 justified         → clone3 allowed (--allow clone3:"…"), the only way;
//   neither recorded         → nothing (the default action).

import type { Rule } from '../profile/model.js';
import { emptyFilter } from '../profile/model.js';
import { CLONE_NS_MASK, maskedEquals } from './arg-rules.js';
import { justifiedSyscall, type Justification } from './justify.js';

export const ENOSYS = 38;

export type Clone3Policy = 'justified' | 'enosys' | 'none';

/** The policy for the names recorded on any loaded ABI. */
export function chooseClone3(recorded: ReadonlySet<string>, js: readonly Justification[], defaultIsEnosys: boolean): Clone3Policy {
  if (recorded.has('clone3') && justifiedSyscall(js, 'clone3') !== undefined) return 'justified';
  // A rule equal to the default action changes nothing (runc skips it), so leave it out.
  if ((recorded.has('clone') || recorded.has('clone3')) && !defaultIsEnosys) return 'enosys';
  return 'none';
}

/** The ENOSYS rule for the 'enosys' policy. */
export function clone3EnosysRule(): Rule {
  return {
    names: ['clone3'],
    action: 'errno',
    errnoRet: ENOSYS,
    args: [],
    includes: emptyFilter(),
    excludes: emptyFilter(),
    comment:
      'clone3 — answered with ENOSYS (errno 38) whether or not it was recorded: its flags live in memory, where no filter can read them, so allowing it would allow every namespace; a libc that tries clone3 first (glibc 2.34+) falls back to clone, which is allowed without CLONE_NEW* bits',
  };
}

/** clone for a recording that saw only clone3: the call libc falls back to. */
export function cloneCompanionRule(): Rule {
  return {
    names: ['clone'],
    action: 'allow',
    args: [maskedEquals(0, CLONE_NS_MASK, 0n)],
    includes: emptyFilter(),
    excludes: emptyFilter(),
    comment:
      "clone — not recorded, but clone3 was: clone3 is answered with ENOSYS, so libc falls back to clone with the same flags; allowed without CLONE_NEW* bits (mask 0x7e020000), as Docker's default",
  };
}
