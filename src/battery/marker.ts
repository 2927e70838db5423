// The marker copy of a profile (docs/battery.md#method): every answer the profile gives by errno
// is replaced by MARKER_ERRNO, which no probed syscall returns by itself (the kernel's largest
// errno 4094: libseccomp 2.5 refuses 4095, MAX_ERRNO itself), so a probe that sees it was answered by seccomp and not by the kernel.
//
// Docker before 23.0 drops defaultErrnoRet from a profile file, so the default answer cannot be
// marked there: instead every syscall of the profile's ABIs that no rule names gets an explicit
// rule with the marker. A syscall that has rules only for some argument values still falls to the
// default (EPERM on those engines); the verdict tells that apart by comparing with the unconfined
// run at the same capabilities (verdict.ts).

import type { Profile, Rule } from '../profile/model.js';
import { emptyFilter } from '../profile/model.js';
import { ruleExclusion, type HostContext } from '../profile/resolve.js';
import { syscallsOf } from '../syscalls/table.js';
import type { Arch } from '../syscalls/arch.js';

export const MARKER_ERRNO = 4094;

const NATIVE_FAMILY: Record<string, Arch[]> = { x86_64: ['x86_64', 'x86', 'x32'] };

/** The marker copy of `p` for one container (its capabilities and kernel decide the rules'
 * includes/excludes, resolved here so that a marked name never meets a conditional rule for it):
 * the same decisions, with every errno answer replaced by MARKER_ERRNO. */
export function markerProfile(p: Profile, ctx: HostContext): Profile {
  const syscalls: Rule[] = p.syscalls
    .filter((r) => ruleExclusion(r, ctx) === undefined)
    .map((r) => ({ ...r, includes: emptyFilter(), excludes: emptyFilter(), ...(r.action === 'errno' ? { errnoRet: MARKER_ERRNO } : {}) }));
  if (p.defaultAction === 'errno') {
    const named = new Set(syscalls.flatMap((r) => r.names));
    const abis = p.architectures.length > 0 ? p.architectures : (NATIVE_FAMILY.x86_64 ?? []);
    const rest = [...new Set(abis.flatMap((a) => syscallsOf(a)))].filter((n) => !named.has(n)).sort();
    if (rest.length > 0) {
      syscalls.push({
        names: rest,
        action: 'errno',
        errnoRet: MARKER_ERRNO,
        args: [],
        includes: emptyFilter(),
        excludes: emptyFilter(),
        comment: 'clawfence probe: the default answer, marked',
      });
    }
  }
  return { ...p, ...(p.defaultAction === 'errno' ? { defaultErrnoRet: MARKER_ERRNO } : {}), syscalls };
}
