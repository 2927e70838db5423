// The numbers a generated profile comes with: per loaded ABI how many syscalls were recorded and
// how many the filter lets through (the evaluator's count), next to Docker's default with its
// default capabilities; the ABIs left out; the syscalls only the container runtime needed.

import { DOCKER_DEFAULT_NAME, loadDockerDefault } from '../catalog/reference.js';
import { computeSurface } from '../evaluator/surface.js';
import { resolveProfile } from '../profile/resolve.js';
import { DOCKER_DEFAULT_CAPS } from '../formats/shared/vocabulary.js';
import type { Provenance } from '../footprint/model.js';
import type { Arch } from '../syscalls/arch.js';
import { syscallsOf } from '../syscalls/table.js';
import type { AbiChoice } from './abis.js';
import type { ArgLevel } from './arg-rules.js';
import type { Clone3Policy } from './clone3.js';
import type { SyscallEvidence } from './evidence.js';
import type { Gap, SurfaceCheck, Widening } from './widening.js';
import type { Addition, GeneralizeLevel } from './generalize.js';
import { syscallNumber } from '../syscalls/table.js';

export interface AbiStats {
  abi: Arch;
  /** Syscalls recorded on this ABI. */
  recorded: number;
  /** Syscalls the filter lets through on this ABI (recorded plus `widened`). */
  allowed: number;
  /** Syscalls that exist on this ABI. */
  total: number;
  /** What Docker's default allows on this ABI, with Docker's 14 default capabilities. */
  dockerDefault: number;
  /** Recorded here, but only the container runtime made them. */
  runtimeOnly: string[];
  /** Allowed here without being recorded here (see GenerateStats.widened for why). */
  widened: string[];
  /** Allowed here by --generalize, not recorded (GenerateStats.generalized says why). */
  generalized: number;
}

export interface GeneralizedStats {
  level: GeneralizeLevel;
  added: Addition[];
  /** Denied with ENOSYS so that libraries take their fallback. */
  enosys: string[];
}

/** One input footprint, in the order given. */
export interface SourceSummary {
  /** The caller's label (file name), else "footprint #N". */
  label: string;
  /** provenance.createdAt, else the earliest workload start. */
  recordedAt?: string;
  workloads: string[];
  provenance?: Provenance;
}

export interface GenerateStats {
  native: Arch;
  /** The profile's architectures, native first. */
  abis: Arch[];
  /** ABIs of the family left out: the kernel kills calls through them. With Docker's default count. */
  omitted: { abi: Arch; dockerDefault: number }[];
  perAbi: AbiStats[];
  /** Syscalls only the container runtime made, on every ABI they were recorded on. */
  runtimeOnly: string[];
  /** Allowed for the container runtime without being recorded (src/generator/runtime-allowance.ts). */
  runtimeAllowance: string[];
  clone3: Clone3Policy;
  /** Workload names seen in the footprints. */
  workloads: string[];
  /** The footprints merged, in the order given. */
  sources: SourceSummary[];
  /** The profile Docker's counts come from. */
  reference: string;
  widened: Widening[];
  /** Recorded syscalls the filter does not let through (empty unless something is wrong). */
  gaps: Gap[];
  /** --args level, and the syscalls with argument rules ("socket: arg0 (address family) = AF_INET, AF_UNIX"). */
  args: { level: ArgLevel; narrowed: string[] };
  generalized: GeneralizedStats;
  /** What the recording did that stays denied, one line each (describeRefusal). */
  refused: string[];
  /** Justifications that let something through ("unshare=CLONE_NEWUSER: bwrap …"). */
  justified: string[];
  warnings: string[];
}

const dockerCache = new Map<Arch, Map<Arch, number>>();

/** Docker's default allowed counts per ABI of the family, as `docker run` loads it (default caps). */
export function dockerDefaultCounts(native: Arch): Map<Arch, number> {
  let m = dockerCache.get(native);
  if (m === undefined) {
    const surface = computeSurface(resolveProfile(loadDockerDefault(), { native, caps: [...DOCKER_DEFAULT_CAPS] }));
    m = new Map([...surface].map(([abi, s]) => [abi, s.allowed.length]));
    dockerCache.set(native, m);
  }
  return m;
}

export interface StatsInput {
  choice: AbiChoice;
  evidence: readonly SyscallEvidence[];
  check: SurfaceCheck;
  clone3: Clone3Policy;
  runtimeAllowance: string[];
  workloads: string[];
  sources: SourceSummary[];
  args: { level: ArgLevel; narrowed: string[] };
  generalized: GeneralizedStats;
  refused: string[];
  justified: string[];
  warnings: string[];
}

export function computeStats(i: StatsInput): GenerateStats {
  const docker = dockerDefaultCounts(i.choice.native);
  const perAbi = i.choice.abis.map((abi): AbiStats => {
    const here = i.evidence.filter((e) => e.uses.some((u) => u.abi === abi));
    return {
      abi,
      recorded: here.length,
      allowed: i.check.allowed.get(abi)?.length ?? 0,
      total: syscallsOf(abi).length,
      dockerDefault: docker.get(abi) ?? 0,
      runtimeOnly: here.filter((e) => e.uses.find((u) => u.abi === abi)?.runtime === true).map((e) => e.name),
      widened: i.check.widened
        .filter((w) => w.abi === abi)
        .map((w) => w.syscall)
        .sort(),
      generalized: i.generalized.added.filter((a) => syscallNumber(abi, a.syscall) !== undefined).length,
    };
  });
  return {
    native: i.choice.native,
    abis: i.choice.abis,
    omitted: i.choice.omitted.map((abi) => ({ abi, dockerDefault: docker.get(abi) ?? 0 })),
    perAbi,
    runtimeOnly: i.evidence.filter((e) => e.runtimeOnly).map((e) => e.name),
    runtimeAllowance: [...i.runtimeAllowance].sort(),
    clone3: i.clone3,
    workloads: i.workloads,
    sources: i.sources,
    reference: `${DOCKER_DEFAULT_NAME} with Docker's default capabilities`,
    widened: i.check.widened,
    gaps: i.check.gaps,
    args: i.args,
    generalized: i.generalized,
    refused: i.refused,
    justified: i.justified,
    warnings: i.warnings,
  };
}
