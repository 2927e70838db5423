// Turns --arch/--caps/--kernel into the host context a profile is resolved for.

import { release } from 'node:os';
import { ClawfenceError } from '../errors.js';
import { ARCH_INFO, hostArch, parseArch, type Arch } from '../syscalls/arch.js';
import type { HostContext } from '../profile/resolve.js';
import { CAPABILITIES, DOCKER_DEFAULT_CAPS } from '../formats/shared/vocabulary.js';
import { closest } from 'fastest-levenshtein';

export interface HostOptions {
  arch?: string;
  caps?: string;
  kernel?: string;
}

export interface Host extends HostContext {
  /** The ABI whose syscalls are asked about (may be a sub-ABI such as x86 on an x86_64 host). */
  abi: Arch;
}

export function parseCaps(list: string | undefined): string[] {
  if (list === undefined || list === '' || list === 'none') return [];
  if (list === 'docker') return [...DOCKER_DEFAULT_CAPS];
  return list.split(',').map((raw) => {
    const c = raw.trim().toUpperCase();
    const name = c.startsWith('CAP_') ? c : `CAP_${c}`;
    if (!(CAPABILITIES as readonly string[]).includes(name)) {
      throw new ClawfenceError('bad-input', `--caps: unknown capability '${raw}'`, {
        hint: `did you mean '${closest(name, [...CAPABILITIES])}'? or use 'none' / 'docker'`,
      });
    }
    return name;
  });
}

export function hostFromOptions(o: HostOptions): Host {
  const abi = o.arch === undefined ? hostArch() : parseArch(o.arch);
  if (o.kernel !== undefined && !/^\d+\.\d+/.test(o.kernel)) {
    throw new ClawfenceError('bad-input', `--kernel: '${o.kernel}' is not a kernel version`, { hint: "write it as '6.1' or '6.1.0'" });
  }
  const kernel = (o.kernel ?? release()).replace(/^(\d+\.\d+(\.\d+)?).*$/, '$1');
  return { abi, native: ARCH_INFO[abi].family, caps: parseCaps(o.caps), kernel };
}
