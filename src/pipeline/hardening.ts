// The hardening report for one tool (docs/report.md): the probe battery in the tool's own image and
// options under every column (src/battery/matrix.ts), with the engine's and runtime's versions,
// the image and profile digests, and — from `clawfence profile` — the footprint, the generalised
// syscalls, the audit findings and the coverage notes. Used by `clawfence probe` and `profile`.

import { sha256Digest } from '../util/digest.js';
import { release } from 'node:os';
import { buildBattery } from '../battery/build.js';
import { containerCaps } from '../battery/caps.js';
import { probeMatrix } from '../battery/matrix.js';
import { PROBES } from '../battery/probes.js';
import { discoverEngine } from '../engine/discover.js';
import { parseRunCommand } from '../engine/run-argv.js';
import { runCommand } from '../engine/run-command.js';
import { ClawfenceError } from '../errors.js';
import type { Profile } from '../profile/model.js';
import { buildReport } from '../report/build.js';
import type { HardeningReport, Provenance, ReportFinding } from '../report/model.js';

export interface HardeningOptions {
  /** The tool's run command (its image and options; its command is not run). */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  clawfenceVersion: string;
  profile?: { profile: Profile; path: string; text: string };
  /** Syscall names the tool's footprint holds. */
  recorded?: ReadonlySet<string>;
  generalised?: ReadonlySet<string>;
  workloads?: string[];
  recorder?: string;
  footprint?: HardeningReport['footprint'];
  findings?: ReportFinding[];
  coverage?: string[];
  title?: string;
  progress?: (line: string) => void;
}

export async function hardeningReport(o: HardeningOptions): Promise<HardeningReport> {
  const cmd = parseRunCommand(o.argv);
  if (cmd.privileged)
    throw new ClawfenceError('bad-input', '--privileged containers run without seccomp', { hint: 'remove --privileged: there is nothing to probe' });
  const battery = await buildBattery();
  let engineTitle: string = cmd.engine;
  let engineVersion = '';
  let runtime = '';
  let runtimeVersion = '';
  if (cmd.engine === 'docker') {
    const e = await discoverEngine({ env: o.env });
    engineVersion = e.serverVersion;
    engineTitle = `Docker ${e.serverVersion}`;
    runtime = e.defaultRuntime;
    runtimeVersion = e.components[e.defaultRuntime] ?? e.components.runc ?? '';
  } else {
    const v = await runCommand(cmd.binary, [...cmd.globalOpts, 'version', '--format', '{{.Client.Version}}'], { env: o.env, timeoutMs: 15_000 });
    engineVersion = v.stdout.trim();
    engineTitle = `Podman ${engineVersion}`;
  }
  const digest = await runCommand(cmd.binary, [...cmd.globalOpts, 'image', 'inspect', '--format', '{{.Id}}', cmd.image], { env: o.env, timeoutMs: 15_000 });
  const { runs: _runs, ...matrix } = await probeMatrix({
    cmd,
    batteryDir: battery.dir,
    batteryFile: battery.file,
    probes: PROBES,
    env: o.env,
    engineTitle,
    ...(o.profile === undefined ? {} : { profile: { profile: o.profile.profile, title: 'This profile', source: o.profile.path } }),
    ...(o.recorded === undefined ? {} : { recorded: o.recorded }),
    ...(o.progress === undefined ? {} : { progress: o.progress }),
  });
  const provenance: Provenance = {
    clawfenceVersion: o.clawfenceVersion,
    generatedAt: new Date().toISOString(),
    image: cmd.image,
    ...(digest.code === 0 && digest.stdout.trim() !== '' ? { imageDigest: digest.stdout.trim() } : {}),
    ...(o.profile === undefined ? {} : { profilePath: o.profile.path, profileDigest: sha256Digest(o.profile.text) }),
    engine: cmd.engine,
    engineVersion,
    runtime,
    runtimeVersion,
    kernel: release(),
    workloads: o.workloads ?? [],
    ...(o.recorder === undefined ? {} : { recorder: o.recorder }),
  };
  return buildReport({
    title: o.title ?? cmd.image,
    provenance,
    matrix,
    caps: containerCaps(cmd),
    ...(o.profile === undefined ? {} : { profile: o.profile.profile }),
    ...(o.generalised === undefined ? {} : { generalised: o.generalised }),
    ...(o.footprint === undefined ? {} : { footprint: o.footprint }),
    ...(o.findings === undefined ? {} : { findings: o.findings }),
    ...(o.coverage === undefined ? {} : { coverage: o.coverage }),
  });
}
