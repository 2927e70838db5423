// The probe matrix (docs/battery.md): the battery under every configuration that matters for one
// tool — unconfined, the engine's built-in default (measured: the container started without any
// seccomp option), Docker's reference default and the tool's profile (each as its marker copy) —
// and a verdict per probe and configuration against the unconfined run at the same capabilities.

import { sha256Digest as digest } from '../util/digest.js';
import { release } from 'node:os';
import { loadDockerDefault } from '../catalog/reference.js';
import type { RunCommand } from '../engine/run-argv.js';
import { exportProfile } from '../formats/export.js';
import type { ConcreteProfile, Profile } from '../profile/model.js';
import type { ProbeColumn, ProbeMatrix, ProbeRow } from '../report/model.js';
import { containerCaps } from './caps.js';
import { MARKER_ERRNO, markerProfile } from './marker.js';
import { VERDICTS, type ProbeCell, type ProbeSpec, type Verdict } from './model.js';
import { runBattery, type BatteryRun, type SeccompChoice } from './run.js';
import { classify } from './verdict.js';
import { decide } from '../evaluator/evaluate.js';
import { resolveProfile, type HostContext } from '../profile/resolve.js';

/** What the evaluator says the (marked, resolved) profile does with the probe's exact call, when its arguments are all numbers. */
function predict(cp: ConcreteProfile | undefined, spec: ProbeSpec): 'allow' | 'deny' | undefined {
  if (cp === undefined || spec.values === undefined) return undefined;
  const d = decide(
    cp,
    spec.abi,
    spec.syscall,
    spec.values.map((v) => BigInt(v)),
  );
  return d.action === 'allow' || d.action === 'log' ? 'allow' : 'deny';
}

type Column = ProbeColumn & { seccomp: SeccompChoice; resolved?: ConcreteProfile };

/** A column that runs the marker copy of `p`: marked once, its text for the engine, its resolution for the evaluator. */
function markedColumn(id: string, title: string, source: string, p: Profile, ctx: HostContext): Column {
  const marked = markerProfile(p, ctx);
  const text = exportProfile(marked, 'docker').text;
  return {
    id,
    title,
    source: `${source}, marker copy`,
    profileDigest: digest(text),
    seccomp: { kind: 'profile', text },
    resolved: resolveProfile(marked, ctx),
  };
}

export const METHOD = [
  "Every probe makes one call with arguments the kernel rejects harmlessly (EINVAL, EFAULT, EBADF, ENOENT, ENODEV…), inside the tool's own image, with the tool's user, capabilities and run options, beside a hold process of the battery (`docker exec`).",
  `Each seccomp configuration runs as a marker copy: every answer it gives by errno is replaced by errno ${MARKER_ERRNO}, which no kernel call returns by itself, so a probe that sees it was stopped by seccomp; a SIGSYS death is seccomp's kill or trap.`,
  'The same battery also runs unconfined (seccomp=unconfined) at the same capabilities. An answer equal to the unconfined one is the kernel\'s own: "reached" when the call got as far as its harmless arguments allow, "kernel" when the kernel refused it (a capability, a namespace, a sysctl, not in this kernel).',
  "Where a configuration cannot be marked (the engine's built-in default, which has no file; a default errno that Docker before 23.0 drops), an EPERM or ENOSYS that differs from the unconfined answer is counted as seccomp, since only seccomp differs between the two runs. Anything else is reported inconclusive rather than guessed.",
].join(' ');

export interface MatrixOptions {
  cmd: RunCommand;
  /** The tool's profile, with a name for it (its file), when there is one. */
  profile?: { profile: Profile; title: string; source: string };
  batteryDir: string;
  batteryFile: string;
  probes: readonly ProbeSpec[];
  env: NodeJS.ProcessEnv;
  /** The engine, for the built-in default's title ("Docker 20.10.24+dfsg1"). */
  engineTitle: string;
  /** Which probed syscalls the tool's footprint holds (for "recorded"). */
  recorded?: ReadonlySet<string>;
  progress?: (line: string) => void;
}

function emptyCounts(): Record<Verdict, number> {
  return Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
}

/** Runs the battery under every column and builds the matrix. */
export async function probeMatrix(o: MatrixOptions): Promise<ProbeMatrix & { runs: Record<string, BatteryRun> }> {
  const ctx = { native: 'x86_64' as const, caps: containerCaps(o.cmd), kernel: release().split('-')[0] ?? release() };
  const columns: Column[] = [
    { id: 'unconfined', title: 'Unconfined', source: '--security-opt seccomp=unconfined', seccomp: { kind: 'unconfined' } },
    {
      id: 'engine-default',
      title: `Engine's built-in default (${o.engineTitle})`,
      source: 'no --security-opt seccomp: what the engine gives every container',
      seccomp: { kind: 'builtin' },
    },
    markedColumn('docker-reference', "Docker's reference default (moby profiles)", 'data/reference/docker-default.json', loadDockerDefault(), ctx),
  ];
  if (o.profile !== undefined) columns.push(markedColumn('profile', o.profile.title, o.profile.source, o.profile.profile, ctx));
  const runs: Record<string, BatteryRun> = {};
  for (const c of columns) {
    o.progress?.(`probe: ${o.probes.length} probes under ${c.title}`);
    runs[c.id] = await runBattery({ cmd: o.cmd, seccomp: c.seccomp, batteryDir: o.batteryDir, batteryFile: o.batteryFile, probes: o.probes, env: o.env });
  }
  const baseline = runs.unconfined?.results;
  const counts: Record<string, Record<Verdict, number>> = {};
  for (const c of columns) counts[c.id] = emptyCounts();
  const rows: ProbeRow[] = o.probes.map((spec) => {
    const cells: ProbeCell[] = columns.map((c) => {
      const raw = runs[c.id]?.results.get(spec.id) ?? { kind: 'harness' as const, what: 'no result', errno: 0 };
      const cell = classify(spec, raw, c.id === 'unconfined' ? undefined : baseline?.get(spec.id), predict(c.resolved, spec));
      const k = counts[c.id];
      if (k !== undefined) k[cell.verdict]++;
      return cell;
    });
    return { probe: spec, cells, ...(o.recorded === undefined ? {} : { recorded: o.recorded.has(spec.syscall) }) };
  });
  return {
    columns: columns.map(({ seccomp: _s, resolved: _r, ...c }) => c),
    rows,
    counts,
    markerErrno: MARKER_ERRNO,
    method: METHOD,
    runOptions: o.cmd.runOpts,
    runs,
  };
}
