// Footprint(s) → a minimal deny-by-default profile: exactly the recorded syscalls (the tool's and
// the container runtime's), one rule per syscall carrying its evidence, the native ABI plus only
// the sub-ABIs the recordings used, and clone3 handled so libc keeps working. The same input
// gives byte-identical output, whatever order the footprints come in. docs/generate.md.

import { ClawfenceError } from '../errors.js';
import type { Footprint } from '../footprint/model.js';
import { emptyFilter, type Profile, type Rule } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { describeProgramSize, overKernelLimit, programSize } from '../evaluator/program-size.js';
import type { Arch } from '../syscalls/arch.js';
import { chooseAbis } from './abis.js';
import { compareText, recordedAt } from './canonical.js';
import { footprintLabel } from './check-footprint.js';
import { chooseClone3, clone3EnosysRule, ENOSYS } from './clone3.js';
import { ruleComment, wideningNotes } from './comments.js';
import { collectEvidence, recordedSets, type SyscallEvidence } from './evidence.js';
import { mergeFootprints } from './merge.js';
import { runtimeAllowance } from './runtime-allowance.js';
import { computeStats, type GenerateStats, type SourceSummary } from './stats.js';
import { checkSurface, describeWidening } from './widening.js';

export const GENERATE_DEFAULT_ACTIONS = ['errno', 'kill_process', 'kill_thread'] as const;
export type GenerateDefaultAction = (typeof GENERATE_DEFAULT_ACTIONS)[number];

export interface GenerateOptions {
  /** What every syscall not recorded gets (default errno). Never allow or log. */
  defaultAction?: GenerateDefaultAction;
  /** errno for the errno default action (default 1, EPERM); 1…4095. */
  defaultErrno?: number;
  /** The host's native ABI (default: the footprints' host, else the family of the ABIs they used). */
  native?: Arch;
  /** Names for the footprints in error messages (normally their file names), in input order. */
  labels?: readonly string[];
  /** Runtime calibrations (recorder/calibrate.ts): the set of each is allowed for the footprints it fits. */
  runtimeCalibrations?: readonly import('../footprint/runtime-calibration.js').RuntimeCalibration[];
}

export interface GenerateResult {
  profile: Profile;
  stats: GenerateStats;
  /** The merged footprint the profile was generated from. */
  footprint: Footprint;
}

const MAX_ERRNO = 4095;

function checkOptions(o: GenerateOptions): { action: GenerateDefaultAction; errno: number } {
  const action = o.defaultAction ?? 'errno';
  if (!(GENERATE_DEFAULT_ACTIONS as readonly string[]).includes(action)) {
    throw new ClawfenceError('bad-input', `generate refuses the default action '${String(action)}'`, {
      hint: `a generated profile denies by default: use one of ${GENERATE_DEFAULT_ACTIONS.join(', ')}`,
    });
  }
  const errno = o.defaultErrno ?? 1;
  if (!Number.isInteger(errno) || errno < 1 || errno > MAX_ERRNO) {
    throw new ClawfenceError('bad-input', `--default-errno ${String(errno)} is not an errno from 1 to ${MAX_ERRNO}`, {
      hint: errno === 0 ? 'errno 0 would make every denied call look successful; use 1 (EPERM) or 38 (ENOSYS)' : 'use e.g. 1 (EPERM) or 38 (ENOSYS)',
    });
  }
  return { action, errno };
}

function allowRuleFor(name: string, comment: string): Rule {
  return { names: [name], action: 'allow', args: [], includes: emptyFilter(), excludes: emptyFilter(), comment };
}

function allowRule(e: SyscallEvidence, comment: string): Rule {
  return allowRuleFor(e.name, comment);
}

function buildProfile(action: GenerateDefaultAction, errno: number, abis: Arch[], rules: Rule[]): Profile {
  return {
    defaultAction: action,
    ...(action === 'errno' ? { defaultErrnoRet: errno } : {}),
    architectures: abis,
    archMap: [],
    flags: [],
    syscalls: [...rules].sort((a, b) => compareText(a.names[0] ?? '', b.names[0] ?? '')),
  };
}

function summarizeSources(fps: readonly Footprint[], labels: readonly string[] | undefined): SourceSummary[] {
  return fps.map((fp, i) => {
    const at = recordedAt(fp);
    const workloads = [...new Set([
      ...(fp.workloads ?? []).map((w) => w.name),
      ...Object.values(fp.syscalls).flatMap((m) => Object.values(m ?? {}).flatMap((u) => u.workloads ?? [])),
    ])].sort(compareText);
    return {
      label: footprintLabel(labels, i), workloads,
      ...(at === undefined ? {} : { recordedAt: at }),
      ...(fp.provenance === undefined ? {} : { provenance: structuredClone(fp.provenance) }),
    };
  });
}

function workloadNames(fp: Footprint, evidence: readonly SyscallEvidence[]): string[] {
  const names = [...(fp.workloads ?? []).map((w) => w.name), ...evidence.flatMap((e) => e.uses.flatMap((u) => u.workloads))];
  return [...new Set(names)].sort(compareText);
}

/** Generates a profile from one or more footprints. Throws bad-input for empty or unusable input. */
export function generateProfile(fps: readonly Footprint[], opts: GenerateOptions = {}): GenerateResult {
  const { action, errno } = checkOptions(opts);
  const footprint = mergeFootprints(fps, opts.labels === undefined ? {} : { labels: opts.labels });
  const choice = chooseAbis(footprint, opts.native);
  const evidence = collectEvidence(footprint, choice.abis);
  if (evidence.length === 0) {
    throw new ClawfenceError('bad-input', 'the footprints record no syscalls, so there is nothing to allow', {
      hint: 'record the workload again with `clawfence record -- docker run …`; a profile from an empty recording would not even let the container start',
    });
  }
  const recorded = recordedSets(evidence);
  const recordedAnywhere = new Set(evidence.map((e) => e.name));
  const clone3 = chooseClone3(recordedAnywhere, action === 'errno' && errno === ENOSYS);
  const allowance = runtimeAllowance(fps, recordedAnywhere, opts.runtimeCalibrations);
  const extra = [
    ...(clone3 === 'enosys' ? [clone3EnosysRule()] : []),
    ...allowance.map((a) => allowRuleFor(a.syscall, `${a.syscall} — not recorded: allowed for the container runtime (${a.runtime}): ${a.why}`)),
  ];
  // The allowance is expected on the native ABI, so the check does not report it as a widening.
  for (const a of allowance) recorded.set(choice.native, new Set([...(recorded.get(choice.native) ?? []), a.syscall]));

  // First pass: the rules alone, to ask the evaluator what the loaded filter lets through.
  const draft = buildProfile(action, errno, choice.abis, [...evidence.map((e) => allowRule(e, e.name)), ...extra]);
  const check = checkSurface(resolveProfile(draft, { native: choice.native, caps: [] }), recorded);
  const rules = evidence.map((e) => allowRule(e, ruleComment(e, wideningNotes(e.name, check.widened))));
  const profile = buildProfile(action, errno, choice.abis, [...rules, ...extra]);
  // The kernel refuses a filter of more than 4096 instructions: the container would not start.
  const size = programSize(resolveProfile(profile, { native: choice.native, caps: [] }));
  if (overKernelLimit(size)) {
    throw new ClawfenceError('bad-input', `the generated profile needs ${describeProgramSize(size)}: the kernel would refuse it and the container would not start`, {
      hint: 'record fewer ABIs or workloads per profile, or split the tool into containers with their own profiles',
    });
  }

  const warnings = [
    ...check.gaps.map((g) => `${g.abi}: ${g.syscall} was recorded but the filter does not let it through: ${g.why}`),
    ...check.widened.filter((w) => w.kind === 'unexplained').map(describeWidening),
    ...(action === 'errno' && errno !== 1
      ? [`Docker 20.10 drops defaultErrnoRet from custom profiles, so there denied calls get EPERM, not errno ${errno}; newer Docker and podman keep it`]
      : []),
  ];
  const stats = computeStats({ choice, evidence, check, clone3, runtimeAllowance: allowance.map((a) => a.syscall), workloads: workloadNames(footprint, evidence), sources: summarizeSources(fps, opts.labels), warnings });
  return { profile, stats, footprint };
}
