// Which ABIs a generated profile loads: the host's native ABI first, then only the sub-ABIs
// (x86, x32, arm …) the recordings used. An ABI left out is not in the filter at all, so the
// kernel kills any call made through it (libseccomp's bad-arch action, KILL_THREAD).

import { ClawfenceError } from '../errors.js';
import { footprintAbis, type Footprint } from '../footprint/model.js';
import { ARCH_INFO, familyAbis, hostArch, type Arch } from '../syscalls/arch.js';

export interface AbiChoice {
  /** The host's native ABI (the 64-bit ABI of the family). */
  native: Arch;
  /** The profile's architectures: native first, then the used sub-ABIs in table order. */
  abis: Arch[];
  /** ABIs of the family left out: calls through them are killed. */
  omitted: Arch[];
}

/** native: the caller's, else the footprint's host, else the family of the ABIs it used. */
export function chooseAbis(fp: Footprint, native?: Arch): AbiChoice {
  const used = footprintAbis(fp);
  const base = native ?? fp.arch ?? used[0] ?? hostArch();
  const family = ARCH_INFO[base].family;
  const foreign = used.filter((a) => ARCH_INFO[a].family !== family);
  if (foreign.length > 0) {
    throw new ClawfenceError('bad-input', `the footprint has calls on ${foreign.join(', ')}, which a ${family} host cannot run`, {
      hint: `generate for the host the footprint was recorded on (its family is ${ARCH_INFO[foreign[0] as Arch].family})`,
    });
  }
  const all = familyAbis(family);
  const abis = [family, ...all.filter((a) => a !== family && used.includes(a))];
  return { native: family, abis, omitted: all.filter((a) => !abis.includes(a)) };
}
