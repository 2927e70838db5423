// One entry point for writing a profile in another format, refusing when the format would change
// the profile's meaning unless the caller accepts it (--lossy).

import { ClawfenceError } from '../errors.js';
import { hostArch, type Arch } from '../syscalls/arch.js';
import type { Profile } from '../profile/model.js';
import type { HostContext } from '../profile/resolve.js';
import { printDockerProfile } from './docker.js';
import { exportK8sProfile, isKubernetesName } from './k8s/write.js';
import { exportOciProfile } from './oci.js';
import type { ExportResult } from './shared/host.js';
import { exportSystemdDropIn } from './systemd.js';

export type { ExportResult } from './shared/host.js';

export const EXPORT_FORMATS = ['docker', 'oci', 'k8s', 'systemd'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  /** Write the result even when something is lost (the losses are still returned). */
  lossy?: boolean;
  /** metadata.name of the Kubernetes SeccompProfile (default 'clawfence-profile'). */
  name?: string;
  /** The host the profile is resolved for (oci, k8s, systemd): native ABI, capabilities, kernel. */
  native?: Arch;
  caps?: readonly string[];
  kernel?: string;
}

/** A ClawfenceError('lossy') that also carries the list of losses. */
export type LossyError = ClawfenceError & { lost: string[] };

function host(o: ExportOptions): HostContext {
  return { native: o.native ?? hostArch(), caps: o.caps ?? [], ...(o.kernel === undefined ? {} : { kernel: o.kernel }) };
}

/**
 * Writes `profile` as `format`. docker is exact; oci, k8s and systemd resolve the profile for one
 * host first. Throws ClawfenceError('lossy') listing every loss unless `lossy` is set.
 */
export function exportProfile(profile: Profile, format: ExportFormat, opts: ExportOptions = {}): ExportResult {
  let r: ExportResult;
  switch (format) {
    case 'docker':
      r = { text: printDockerProfile(profile), lost: [], notes: [] };
      break;
    case 'oci':
      r = exportOciProfile(profile, host(opts));
      break;
    case 'k8s': {
      const name = opts.name ?? 'clawfence-profile';
      if (!isKubernetesName(name)) {
        throw new ClawfenceError('bad-input', `'${name}' cannot be a Kubernetes object name`, {
          hint: 'use lowercase letters, digits, - and . (a DNS subdomain, at most 253 characters), e.g. my-tool-seccomp',
        });
      }
      r = exportK8sProfile(profile, { host: host(opts), name });
      break;
    }
    case 'systemd':
      r = exportSystemdDropIn(profile, { host: host(opts) });
      break;
    default:
      throw new ClawfenceError('bad-input', `unknown export format '${String(format)}'`, { hint: `use one of ${EXPORT_FORMATS.join(', ')}` });
  }
  if (r.lost.length > 0 && opts.lossy !== true) {
    const err = new ClawfenceError(
      'lossy',
      `exporting as ${format} would change the profile's meaning (${r.lost.length} change${r.lost.length === 1 ? '' : 's'}):\n${r.lost.map((l) => `  - ${l}`).join('\n')}`,
      {
        hint: 'pass --lossy to export anyway',
      },
    ) as LossyError;
    err.lost = r.lost;
    throw err;
  }
  return r;
}
