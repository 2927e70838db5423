// `record`: runs one workload exactly as the user wrote it, with a permissive recording profile
// (so nothing is denied — a denied call never reaches sys_enter) and clawfence's own cgroup parent,
// while the eBPF recorder counts every syscall of that container's tasks from the moment the
// runtime installs seccomp. Everything it creates is removed on every exit path.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawfenceError } from '../errors.js';
import { ARCH_INFO, familyAbis, hostArch, type Arch } from '../syscalls/arch.js';
import { buildFootprint } from './build-footprint.js';
import type { Footprint, Provenance } from '../footprint/model.js';
import { checkRunCommand, parseRunCommand, type RunCommand } from '../engine/run-argv.js';
import { engineQuery, runContainer, RunTimeoutError, type RunOutcome } from '../engine/run-session.js';
import { interruptedBy, onCleanup } from '../util/cleanup.js';
import { createRunCgroup, removeRunCgroup, type RunCgroup } from './cgroup.js';
import { ebpfRecorder } from './ebpf/ebpf-recorder.js';
import type { ActiveRecording, RawRecording, Recorder } from './recorder.js';

/** Which recorder: eBPF, ptrace (strace -f), or auto (eBPF when it loads, else ptrace). */
export type RecorderChoice = 'ebpf' | 'ptrace' | 'auto';

export interface RecordOptions {
  argv: string[];
  /** Workload name stored in the footprint (default: the image and command). */
  workload?: string;
  env: NodeJS.ProcessEnv;
  stdio?: 'inherit' | 'pipe' | 'tee';
  /** Seccomp profile to run under instead of the permissive one (verify --complain uses a LOG profile). */
  profileJson?: string;
  clawfenceVersion: string;
  /** Default auto. */
  recorder?: RecorderChoice;
  /** Give up (removing the containers, writing nothing) when the run takes longer. */
  timeoutMs?: number;
}

export interface RecordResult {
  footprint: Footprint;
  /** What the recorder delivered, before the tool's and the runtime's rows were merged (a
   * runtime calibration needs the runtime's own calls, also those the tool makes too). */
  recording: RawRecording;
  outcome: RunOutcome & { stdout: string; stderr: string };
}

/** A profile that allows everything on every ABI of the host family, so that runc installs a
 * filter (the recorder's boundary) but denies nothing. */
export function recordingProfile(native: Arch): string {
  return `${JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', architectures: familyAbis(native).map((a) => ARCH_INFO[a].scmp), syscalls: [] }, null, 2)}\n`;
}

export interface EngineFacts {
  version?: string;
  runtime?: string;
  /** The default runtime's version as the engine reports it (docker: runc's only), e.g. 1.1.5+ds1. */
  runtimeVersion?: string;
  cgroupDriver?: string;
}

/** The version in podman's OCIRuntime.Version ("runc version 1.1.5+ds1\ncommit: …"). */
export function runtimeVersionOf(text: string): string | undefined {
  return /\bversion\s+(\S+)/.exec(text.split('\n')[0] ?? '')?.[1];
}

/** What the engine says of itself (each fact only when it answers). */
export async function engineFacts(cmd: RunCommand, env: NodeJS.ProcessEnv): Promise<EngineFacts> {
  const fmt =
    cmd.engine === 'docker'
      ? '{{.ServerVersion}}|{{.DefaultRuntime}}|{{.CgroupDriver}}'
      : '{{.Version.Version}}|{{.Host.OCIRuntime.Name}}|{{.Host.CgroupManager}}|{{.Host.OCIRuntime.Version}}';
  // Docker names the version of runc only (its bundled runtime), in `docker version`.
  const runcFmt = '{{range .Server.Components}}{{if eq .Name "runc"}}{{.Version}}{{end}}{{end}}';
  const [info, runc] = await Promise.all([
    engineQuery(cmd, ['info', '--format', fmt], env).catch(() => ''),
    cmd.engine === 'docker' ? engineQuery(cmd, ['version', '--format', runcFmt], env).catch(() => '') : Promise.resolve(''),
  ]);
  const [version, runtime, cgroupDriver, ociVersion] = info.trim().split('|');
  const runtimeVersion = cmd.engine === 'docker' ? (runtime === 'runc' && runc.trim() !== '' ? runc.trim() : undefined) : runtimeVersionOf(ociVersion ?? '');
  return {
    ...(version ? { version } : {}),
    ...(runtime ? { runtime } : {}),
    ...(runtimeVersion === undefined ? {} : { runtimeVersion }),
    ...(cgroupDriver ? { cgroupDriver } : {}),
  };
}

/** The recorder finds the container by the cgroup clawfence creates and passes as
 * --cgroup-parent: a path, which the systemd cgroup driver does not take (it wants a slice). */
function checkCgroupDriver(cmd: RunCommand, facts: EngineFacts): void {
  if (facts.cgroupDriver !== 'systemd') return;
  throw new ClawfenceError(
    'environment',
    `the ${cmd.engine} engine uses the systemd cgroup driver, which clawfence's recorder does not support yet (it needs cgroupfs)`,
    {
      hint:
        cmd.engine === 'docker'
          ? 'run dockerd with the cgroupfs driver ("exec-opts": ["native.cgroupdriver=cgroupfs"] in /etc/docker/daemon.json), or use clawfence\'s own engine: sudo bash scripts/engine.sh start'
          : 'record with podman --cgroup-manager=cgroupfs run …',
    },
  );
}

function provenance(cmd: RunCommand, facts: EngineFacts, env: NodeJS.ProcessEnv, version: string): Provenance {
  return {
    engine: {
      name: cmd.engine,
      ...(facts.version === undefined ? {} : { version: facts.version }),
      ...(facts.runtime === undefined ? {} : { runtime: facts.runtime }),
      ...(facts.runtimeVersion === undefined ? {} : { runtimeVersion: facts.runtimeVersion }),
      ...(cmd.engine === 'docker' && env['DOCKER_HOST'] ? { host: env['DOCKER_HOST'] } : {}),
    },
    kernel: release(),
    clawfence: version,
    createdAt: new Date().toISOString(),
  };
}

/** The ptrace recorder, loaded only when used: most recordings never need it. */
const ptraceRecorder = async (): Promise<Recorder> => (await import('./ptrace/ptrace-recorder.js')).ptraceRecorder;

/** Starts the chosen recorder; with auto, the ptrace fallback when eBPF cannot load (said on stderr). */
async function startRecorder(choice: RecorderChoice, cg: RunCgroup): Promise<ActiveRecording> {
  if (choice === 'ptrace') return (await ptraceRecorder()).start(cg);
  try {
    return await ebpfRecorder.start(cg);
  } catch (e) {
    if (choice === 'ebpf' || !(e instanceof ClawfenceError) || e.code !== 'environment') throw e;
    process.stderr.write(`clawfence: the eBPF recorder is unavailable (${e.message}); recording with ptrace (strace -f) instead, which is slower\n`);
    return (await ptraceRecorder()).start(cg);
  }
}

export async function recordWorkload(o: RecordOptions): Promise<RecordResult> {
  const cmd = parseRunCommand(o.argv);
  checkRunCommand(cmd, 'record');
  // Asked while the cgroup and the recorder are set up; checked before the container runs.
  const asked = engineFacts(cmd, o.env);
  const native = hostArch();
  const runId = randomBytes(6).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), `clawfence-${runId}-`));
  const tmp = onCleanup(`temporary directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  try {
    const profilePath = join(dir, 'recording-profile.json');
    writeFileSync(profilePath, o.profileJson ?? recordingProfile(native));
    const cg = createRunCgroup(runId);
    const cgStep = onCleanup(`cgroup ${cg.dir}`, () => removeRunCgroup(cg));
    try {
      const recording = await startRecorder(o.recorder ?? 'auto', cg);
      const recStep = onCleanup('recorder', () => recording.abort());
      const facts = await asked;
      const startedAt = new Date().toISOString();
      let outcome: Awaited<ReturnType<typeof runContainer>>;
      try {
        checkCgroupDriver(cmd, facts);
        outcome = await runContainer(cmd, {
          runId,
          extra: ['--security-opt', `seccomp=${profilePath}`, `--cgroup-parent=${cg.parent}`],
          env: o.env,
          ...(o.stdio === undefined ? {} : { stdio: o.stdio }),
          ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
        });
        if (outcome.timedOut === true) throw new RunTimeoutError('the workload (nothing was recorded)', o.timeoutMs ?? 0);
      } catch (e) {
        // Stop the recorder now: verify goes on after a timed-out complain pass.
        if (interruptedBy() === undefined) await recStep.run();
        throw e;
      }
      const endedAt = new Date().toISOString();
      recStep.dismiss();
      const inspected = engineQuery(cmd, ['image', 'inspect', '--format', '{{.Id}}', cmd.image], o.env).catch(() => '');
      const raw = await recording.stop();
      const imageId = (await inspected).trim();
      const footprint = buildFootprint({
        native,
        recording: raw,
        workload: {
          name: o.workload ?? [cmd.image, ...cmd.command].join(' '),
          argv: o.argv,
          exitCode: outcome.containerExit ?? outcome.exitCode,
          image: { ref: cmd.image, ...(imageId === '' ? {} : { id: imageId }) },
          containerIds: outcome.containerIds,
          startedAt,
          endedAt,
        },
        provenance: provenance(cmd, facts, o.env, o.clawfenceVersion),
      });
      return { footprint, recording: raw, outcome };
    } finally {
      // Once interrupted, the signal handler's cleanup owns these steps (and exits when done).
      if (interruptedBy() === undefined) await cgStep.run();
    }
  } finally {
    if (interruptedBy() === undefined) await tmp.run();
  }
}
