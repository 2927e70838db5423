// What a Docker engine and its runc really load from a profile file, where that differs from the
// profile as written: Docker before 23.0 reads custom profiles into its own struct and drops
// defaultErrnoRet, flags and the listener fields; runc before 1.1.15 puts its -ENOSYS stub only on
// the ABIs the profile lists. The evaluator has no engine or runc version option (yet): the kernel
// replay and verify's report of denied calls evaluate the profile as delivered, and the replay
// names every row where the runc stub matters.

import type { Decision } from './evaluate.js';
import type { Profile } from '../profile/model.js';
import type { Arch } from '../syscalls/arch.js';

export interface EngineVersions {
  /** `docker version` Server.Version, e.g. "20.10.24+dfsg1". */
  serverVersion: string;
  /** The runc version the engine reports, e.g. "1.1.5+ds1" (empty when unknown). */
  runcVersion: string;
}

export interface Delivery {
  profile: Profile;
  /** What the engine dropped, one sentence each (empty: the profile arrives as written). */
  changes: string[];
}

/** [major, minor, patch] of a version string such as "20.10.24+dfsg1" or "v1.1.5"; undefined if unparsable. */
export function parseVersion(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  if (m === null) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

function before(v: [number, number, number] | undefined, ref: [number, number, number]): boolean {
  if (v === undefined) return false;
  for (let i = 0; i < 3; i++) {
    if ((v[i] as number) !== ref[i]) return (v[i] as number) < (ref[i] as number);
  }
  return false;
}

/** The profile the engine hands to its runtime when given `p` with --security-opt seccomp=FILE. */
export function deliveredProfile(p: Profile, engine: Pick<EngineVersions, 'serverVersion'>): Delivery {
  if (!before(parseVersion(engine.serverVersion), [23, 0, 0])) return { profile: p, changes: [] };
  const changes: string[] = [];
  const why = `Docker ${engine.serverVersion} reads custom profiles into its own struct (moby v20.10 profiles/seccomp/seccomp.go), which has no`;
  if (p.defaultErrnoRet !== undefined) changes.push(`${why} defaultErrnoRet: defaultErrnoRet ${p.defaultErrnoRet} is dropped, so the default ERRNO is EPERM`);
  if (p.flags.length > 0) changes.push(`${why} flags: ${p.flags.join(', ')} dropped`);
  if (p.listenerPath !== undefined || p.listenerMetadata !== undefined) changes.push(`${why} listenerPath/listenerMetadata: dropped`);
  if (changes.length === 0) return { profile: p, changes };
  const { defaultErrnoRet: _errno, listenerPath: _path, listenerMetadata: _meta, ...rest } = p;
  return { profile: { ...rest, flags: [] }, changes };
}

/** The ABIs a profile lists once the engine resolved its archMap (without runc's native ABI). */
export function listedArches(p: Profile, native: Arch): Arch[] {
  if (p.architectures.length > 0) return p.architectures;
  const entry = p.archMap.find((e) => e.architecture === native);
  return entry === undefined ? [] : [entry.architecture, ...entry.subArchitectures];
}

/**
 * Why the engine's runc would not do what `decision` says, for a reason the evaluator cannot model
 * yet (undefined: no such gap). runc before 1.1.15 computes its -ENOSYS stub only for the listed
 * ABIs (commit ccc500c4 added the native ABI), so a stub decision on an unlisted ABI does not hold.
 */
export function runtimeGap(
  p: Profile,
  native: Arch,
  abi: Arch,
  decision: Pick<Decision, 'source'>,
  engine: Pick<EngineVersions, 'runcVersion'>,
): string | undefined {
  if (decision.source !== 'enosys-stub') return undefined;
  const runc = parseVersion(engine.runcVersion);
  if (runc !== undefined && !before(runc, [1, 1, 15])) return undefined;
  if (listedArches(p, native).includes(abi)) return undefined;
  return `runc ${engine.runcVersion || '(unknown version)'} puts its -ENOSYS stub only on listed ABIs and ${abi} is not listed; the evaluator models runc >= 1.1.15 (EvaluateOptions has no runc version)`;
}
