// `clawfence doctor` as a library: runs every check and returns them with a fix for each problem.

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { probeEngines } from '../engine/discover.js';
import { checkEngine, checkEngineCgroupDriver, checkEngineSeccomp } from './checks/engine.js';
import { checkBtf, checkCgroup2, checkKernelSeccomp, checkTracefs } from './checks/kernel.js';
import { checkPrivileges, checkRecorderBinary, checkRecorderToolchain, checkStrace } from './checks/recorder.js';
import { checkRecording } from './checks/recording.js';
import { checkBaseImage, checkExampleImages, checkPodman } from './checks/tools.js';
import type { DoctorCheck, DoctorReport } from './model.js';

export interface DoctorOptions {
  /** The environment whose DOCKER_HOST is checked (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The clawfence checkout or package root (default: the one this module belongs to). */
  projectRoot?: string;
  /** The eBPF recorder binary (default: <projectRoot>/.cache/recorder/clawfence-rec). */
  recorderPath?: string;
}

/** The directory two levels above this module: the repository (src/doctor) or package (dist/doctor) root. */
export function defaultProjectRoot(): string {
  return fileURLToPath(new URL('../..', import.meta.url));
}

/** Runs every check; never throws for a missing prerequisite (that is a failed check). */
export async function runDoctor(opts: DoctorOptions = {}): Promise<DoctorReport> {
  const env = opts.env ?? process.env;
  const root = opts.projectRoot ?? defaultProjectRoot();
  const recorderPath = opts.recorderPath ?? join(root, '.cache', 'recorder', 'clawfence-rec');
  // The CLI itself, as the user's own docker commands will use it.
  const probes = await probeEngines({ env, via: 'cli' });
  const found = probes.find((p) => p.ok);
  const engine = found !== undefined && found.ok ? found.engine : undefined;
  const [kernelSeccomp, btf, tracefs, cgroup2, privileges, toolchain, recorder, strace, podman, baseImage, examples] = await Promise.all([
    checkKernelSeccomp(),
    checkBtf(),
    checkTracefs(),
    checkCgroup2(),
    checkPrivileges(process.getuid?.()),
    checkRecorderToolchain(),
    checkRecorderBinary(recorderPath),
    // eslint-disable-next-line @typescript-eslint/await-thenable -- a synchronous check; Promise.all takes both
    checkStrace(),
    checkPodman(process.getuid?.()),
    checkBaseImage(engine),
    checkExampleImages(engine, root),
  ]);
  const checks: DoctorCheck[] = [
    checkEngine(probes),
    checkEngineSeccomp(engine),
    checkEngineCgroupDriver(engine),
    kernelSeccomp,
    btf,
    tracefs,
    cgroup2,
    privileges,
    toolchain,
    recorder,
    strace,
  ];
  checks.push(checkRecording(checks), podman, baseImage);
  if (examples !== undefined) checks.push(examples);
  return { ok: checks.every((c) => c.ok || c.severity !== 'error'), checks, ...(engine === undefined ? {} : { engine }) };
}
