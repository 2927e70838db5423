// The syscall map of the hardening report (docs/report.md): every syscall of one ABI, its risk
// tier, and how the profile and Docker's default leave it, as the evaluator's permission surface
// decides it (the same surface the audit asks). Pure.

import { tierOf } from '../catalog/syscall-risk.js';
import { computeSurface, indexRules, type Permission } from '../evaluator/surface.js';
import { DOCKER_DEFAULT_CAPS } from '../formats/shared/vocabulary.js';
import type { Profile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { ARCH_INFO, type Arch } from '../syscalls/arch.js';
import { syscallNumber, syscallsOf } from '../syscalls/table.js';
import type { MapCell, MapState, SyscallMap } from './model.js';

export const MAP_STATES: readonly MapState[] = ['denied', 'allowed', 'conditional', 'generalised', 'dangerous-allowed'];

export interface SyscallMapOptions {
  abi: Arch;
  /** Syscalls the profile allows because clawfence generalised beyond the recording. */
  generalised: ReadonlySet<string>;
  dockerDefaultTitle: string;
  /** The container's bounding capabilities both profiles are resolved for (default: Docker's default set). */
  caps?: readonly string[];
  /** Kernel version for minKernel rules (default: new enough for all). */
  kernel?: string;
}

function zeroCounts(): Record<MapState, number> {
  return Object.fromEntries(MAP_STATES.map((s) => [s, 0])) as Record<MapState, number>;
}

/** Every syscall of `abi` and its permission in `profile` resolved for that ABI's host. */
function permissions(profile: Profile, o: SyscallMapOptions): Map<string, Permission> {
  const native = ARCH_INFO[o.abi].family;
  const cp = resolveProfile(profile, {
    native,
    caps: [...(o.caps ?? DOCKER_DEFAULT_CAPS)],
    ...(o.kernel === undefined ? {} : { kernel: o.kernel }),
  });
  const surface = computeSurface(cp, indexRules(cp), [o.abi]).get(o.abi);
  const out = new Map<string, Permission>();
  for (const [name, p] of surface?.syscalls ?? []) out.set(name, p.permission);
  return out;
}

function stateOf(permission: Permission | undefined, tier: MapCell['tier'], generalised: boolean): MapState {
  if (permission === undefined || permission === 'denied') return 'denied';
  if (tier === 'dangerous') return 'dangerous-allowed';
  if (generalised) return 'generalised';
  return permission === 'conditional' ? 'conditional' : 'allowed';
}

/**
 * One cell per syscall of the ABI, in number order. A syscall allowed at all while its tier is
 * dangerous is `dangerous-allowed` whatever else holds; then `generalised`, `conditional`, `allowed`.
 */
export function buildSyscallMap(profile: Profile, dockerDefault: Profile, opts: SyscallMapOptions): SyscallMap {
  const mine = permissions(profile, opts);
  const docker = permissions(dockerDefault, opts);
  const counts = { profile: zeroCounts(), dockerDefault: zeroCounts() };
  const cells: MapCell[] = syscallsOf(opts.abi).map((name) => {
    const tier = tierOf(name) ?? 'moderate';
    const cell: MapCell = {
      name,
      nr: syscallNumber(opts.abi, name) ?? -1,
      tier,
      profile: stateOf(mine.get(name), tier, opts.generalised.has(name)),
      dockerDefault: stateOf(docker.get(name), tier, false),
    };
    counts.profile[cell.profile] += 1;
    counts.dockerDefault[cell.dockerDefault] += 1;
    return cell;
  });
  return { abi: opts.abi, cells, counts, dockerDefaultTitle: opts.dockerDefaultTitle };
}

/** Syscalls a map state lets through (everything but denied). */
export function allowedCount(c: Record<MapState, number>): number {
  return MAP_STATES.filter((s) => s !== 'denied').reduce((n, s) => n + c[s], 0);
}
