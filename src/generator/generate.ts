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
import { chooseClone3, clone3EnosysRule, cloneCompanionRule, ENOSYS } from './clone3.js';
import { DEFAULT_ARG_LEVEL, valueLabel, type ArgLevel } from './arg-rules.js';
import { describeRefusal, planRules, planSyscall, type DoorPlan, type Refusal } from './doors.js';
import type { Justification } from './justify.js';
import { describeWider, widerThanDefault, type WiderDoor } from '../diff/doors.js';
import { ruleComment, wideningNotes } from './comments.js';
import { collectEvidence, recordedSets, type SyscallEvidence } from './evidence.js';
import { mergeFootprints } from './merge.js';
import { runtimeAllowance } from './runtime-allowance.js';
import { computeStats, type GenerateStats, type SourceSummary } from './stats.js';
import { checkSurface, describeWidening } from './widening.js';
import { generalize, type GeneralizeLevel } from './generalize.js';
import { syscallNumber } from '../syscalls/table.js';
import { logTier, type UnrecordedMode } from './unrecorded.js';

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
  /** Which argument rules to make from the recorded values (default safe; arg-rules.ts). */
  args?: ArgLevel;
  /** What lets a catalogued door through that the recording used (justify.ts). */
  justifications?: readonly Justification[];
  /** The reference for "never wider than the engine's default" (default: Docker's, data/reference). */
  reference?: Profile;
  /** How far beyond the recording to allow (generalize.ts, docs/generate.md#generalisation). The library's
   * default is exact; the CLI's is DEFAULT_GENERALIZE_LEVEL, chosen by measurement. */
  generalize?: GeneralizeLevel;
  /** Runtime calibrations (recorder/calibrate.ts): the set of each is allowed for the footprints it fits. */
  runtimeCalibrations?: readonly import('../footprint/runtime-calibration.js').RuntimeCalibration[];
  /** What unrecorded calls get: deny (the default action) or log (allowed and logged; catalogued doors still denied; unrecorded.ts). */
  unrecorded?: UnrecordedMode;
  /** In the log tier, also SECCOMP_FILTER_FLAG_LOG (the kernel logs denied calls too; runc 1.1.5 refuses it). */
  logDenied?: boolean;
}

export interface GenerateResult {
  profile: Profile;
  stats: GenerateStats;
  /** The merged footprint the profile was generated from. */
  footprint: Footprint;
  /** Catalogued doors the recording went through that the profile keeps shut (not justified). */
  refusals: Refusal[];
  /** Where the profile still lets through a catalogued door that Docker's default denies (not justified). */
  wider: WiderDoor[];
  /** The justifications that let something through. */
  justified: Justification[];
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

function enosysRuleFor(name: string, comment: string): Rule {
  return { names: [name], action: 'errno', errnoRet: ENOSYS, args: [], includes: emptyFilter(), excludes: emptyFilter(), comment };
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

/** "socket: arg0 = AF_INET (2), AF_UNIX (1)", "clone: arg0 & 0x7e020000 == 0" per syscall with argument rules. */
function narrowedSummary(p: Profile): string[] {
  const by = new Map<string, string[]>();
  for (const r of p.syscalls) {
    if (r.action !== 'allow' || r.args.length === 0) continue;
    const name = r.names[0] ?? '';
    const args = [0n, 0n, 0n, 0n, 0n, 0n];
    for (const c of r.args) args[c.index] = c.valueTwo;
    // One condition: its value ("AF_INET (2)"); a masked value alone says its mask; a combination
    // names each part ("AF_INET (2)/SOCK_STREAM (1)").
    const text = r.args
      .map((c) =>
        c.op === 'masked_eq' && (c.value === 0xffffffffn || r.args.length > 1)
          ? valueLabel(name, c.index, c.valueTwo, args)
          : `arg${c.index} & 0x${c.value.toString(16)} == ${c.valueTwo === 0n ? '0' : valueLabel(name, c.index, c.valueTwo, args)}`,
      )
      .join('/');
    by.set(name, [...(by.get(name) ?? []), text]);
  }
  return [...by].map(([n, vs]) => `${n}: ${vs.join(', ')}`);
}

function summarizeSources(fps: readonly Footprint[], labels: readonly string[] | undefined): SourceSummary[] {
  return fps.map((fp, i) => {
    const at = recordedAt(fp);
    const workloads = [
      ...new Set([
        ...(fp.workloads ?? []).map((w) => w.name),
        ...Object.values(fp.syscalls).flatMap((m) => Object.values(m ?? {}).flatMap((u) => u.workloads ?? [])),
      ]),
    ].sort(compareText);
    return {
      label: footprintLabel(labels, i),
      workloads,
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
  const level = opts.args ?? DEFAULT_ARG_LEVEL;
  const js = opts.justifications ?? [];
  const clone3 = chooseClone3(recordedAnywhere, js, action === 'errno' && errno === ENOSYS);
  // clone3 is never allowed unless justified: it is answered with ENOSYS (clone3.ts).
  const plans = new Map<string, DoorPlan>();
  for (const e of evidence) if (e.name !== 'clone3' || clone3 === 'justified') plans.set(e.name, planSyscall(e, footprint, choice.abis, level, js));
  const refusals = [...plans.values()].flatMap((p) => p.refusals);
  const allowance = runtimeAllowance(fps, recordedAnywhere, opts.runtimeCalibrations);
  const companion = clone3 === 'enosys' && !recordedAnywhere.has('clone');
  const already = new Set([...recordedAnywhere, ...allowance.map((a) => a.syscall), ...(companion ? ['clone'] : [])]);
  const gen = generalize(opts.generalize ?? 'exact', already, choice.abis, level);
  const enosysAnswers = action === 'errno' && errno === ENOSYS ? [] : gen.enosys;
  // A family that makes processes or threads brings clone, namespace-masked, and clone3 → ENOSYS.
  const genClone = gen.clone !== undefined && !already.has('clone');
  const genClone3 = genClone && clone3 === 'none' && !(action === 'errno' && errno === ENOSYS);
  const extra = [
    ...(clone3 === 'enosys' || genClone3 ? [clone3EnosysRule()] : []),
    ...(companion ? [cloneCompanionRule()] : []),
    ...(genClone ? [{ ...cloneCompanionRule(), comment: `clone — not recorded, generalised (--generalize ${gen.level}): ${gen.clone ?? ''}` }] : []),
    ...allowance.map((a) => allowRuleFor(a.syscall, `${a.syscall} — not recorded: allowed for the container runtime (${a.runtime}): ${a.why}`)),
    ...gen.added.map((a) => allowRuleFor(a.syscall, `${a.syscall} — not recorded, generalised (--generalize ${gen.level}): ${a.reason}`)),
    ...enosysAnswers.map((e) => enosysRuleFor(e.syscall, `${e.syscall} — not recorded: denied with ENOSYS (errno 38), not the default errno, ${e.reason}`)),
  ];
  // What the filter is expected to let through: the recording, less what stays shut, plus the
  // runtime allowance and clone for clone3's fallback (on the native ABI).
  const shut = new Set([...[...plans].filter(([, p]) => p.rules.length === 0).map(([n]) => n), ...(clone3 === 'enosys' ? ['clone3'] : [])]);
  for (const [abi, names] of recorded) recorded.set(abi, new Set([...names].filter((n) => !shut.has(n))));
  for (const n of [...allowance.map((a) => a.syscall), ...(companion || genClone ? ['clone'] : [])])
    recorded.set(choice.native, new Set([...(recorded.get(choice.native) ?? []), n]));
  // Generalised names are expected wherever they exist (their rule's reason says why).
  for (const abi of choice.abis)
    for (const a of gen.added) if (syscallNumber(abi, a.syscall) !== undefined) recorded.set(abi, new Set([...(recorded.get(abi) ?? []), a.syscall]));
  const rulesFor = (comment: (e: SyscallEvidence) => string): Rule[] =>
    evidence.flatMap((e) => {
      const plan = plans.get(e.name);
      return plan === undefined ? [] : planRules(e.name, plan, comment(e));
    });

  // First pass: the rules alone, to ask the evaluator what the loaded filter lets through.
  const draft = buildProfile(action, errno, choice.abis, [...rulesFor((e) => e.name), ...extra]);
  const check = checkSurface(resolveProfile(draft, { native: choice.native, caps: [] }), recorded);
  const rules = rulesFor((e) => ruleComment(e, wideningNotes(e.name, check.widened)));
  const denying = buildProfile(action, errno, choice.abis, [...rules, ...extra]);
  const profile =
    opts.unrecorded === 'log'
      ? logTier(denying, { deny: { action, errno }, justifications: js, ...(opts.logDenied === undefined ? {} : { logDenied: opts.logDenied }) })
      : denying;
  const justified = [...new Set([...plans.values()].flatMap((p) => p.used))];
  const justifiedNames = new Set(js.map((j) => j.syscall));
  const wider = widerThanDefault(profile, { native: choice.native }, opts.reference).filter((w) => !justifiedNames.has(w.syscall));
  // The kernel refuses a filter of more than 4096 instructions: the container would not start.
  const size = programSize(resolveProfile(profile, { native: choice.native, caps: [] }));
  if (overKernelLimit(size)) {
    throw new ClawfenceError(
      'bad-input',
      `the generated profile needs ${describeProgramSize(size)}: the kernel would refuse it and the container would not start`,
      {
        hint: 'record fewer ABIs or workloads per profile, or split the tool into containers with their own profiles',
      },
    );
  }

  const warnings = [
    ...check.gaps.map((g) => `${g.abi}: ${g.syscall} was recorded but the filter does not let it through: ${g.why}`),
    ...check.widened.filter((w) => w.kind === 'unexplained').map(describeWidening),
    ...[...plans.values()].flatMap((p) => p.warnings),
    ...wider.map(describeWider),
    ...(action === 'errno' && errno !== 1
      ? [`Docker 20.10 drops defaultErrnoRet from custom profiles, so there denied calls get EPERM, not errno ${errno}; newer Docker and podman keep it`]
      : []),
  ];
  const stats = computeStats({
    choice,
    evidence,
    check,
    clone3: genClone3 ? 'enosys' : clone3,
    runtimeAllowance: allowance.map((a) => a.syscall),
    workloads: workloadNames(footprint, evidence),
    sources: summarizeSources(fps, opts.labels),
    args: { level, narrowed: narrowedSummary(profile) },
    generalized: {
      level: gen.level,
      added: [...gen.added, ...(genClone ? [{ syscall: 'clone', kind: 'family' as const, reason: gen.clone ?? '' }] : [])].sort((a, b) =>
        compareText(a.syscall, b.syscall),
      ),
      enosys: [...enosysAnswers.map((e) => e.syscall), ...(genClone3 ? ['clone3'] : [])],
    },
    refused: refusals.map(describeRefusal),
    justified: justified.map((j) => `${j.syscall}${j.value === undefined ? '' : `=${j.value.text}`}: ${j.reason}`),
    warnings,
  });
  return { profile, stats, footprint, refusals, wider, justified };
}
