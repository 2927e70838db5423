// `profile`: record every workload, generate one profile from all footprints, verify every
// workload under it, and say what the workloads did not show (coverage.ts). The tool author's one
// command.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClawfenceError } from '../errors.js';
import type { Footprint } from '../footprint/model.js';
import { describeRuntimeId, sameRuntime, calibrationId, type RuntimeCalibration } from '../footprint/runtime-calibration.js';
import { parseRunCommand } from '../engine/run-argv.js';
import {
  generateProfile,
  mergeFootprints,
  type ArgLevel,
  type GeneralizeLevel,
  type GenerateStats,
  type Justification,
  type Refusal,
  type UnrecordedMode,
} from '../generator/index.js';
import type { WiderDoor } from '../diff/doors.js';
import { printDockerProfile } from '../formats/docker.js';
import type { Profile } from '../profile/model.js';
import { recordWorkload, type RecorderChoice } from '../recorder/record.js';
import { DEFAULT_CALIBRATION_RUNS, ensureCalibration } from '../recorder/calibrate.js';
import { calibrationsFor, runtimeCacheDir } from '../recorder/calibration-cache.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { verifyWorkload, type VerifyResult } from '../verifier/verify.js';
import { ensureServer, type RunningServer } from './server.js';
import { toJsonText } from '../util/json.js';
import type { Workload } from './workloads.js';
import { listImageFiles } from '../engine/image-files.js';
import { computeCoverage, type CoverageImage, type CoverageReport, type CoverageRun, type GeneralisedSyscall } from './coverage.js';
import { tierOf } from '../catalog/syscall-risk.js';

export interface ProfileOptions {
  workloads: Workload[];
  output: string;
  force: boolean;
  env: NodeJS.ProcessEnv;
  clawfenceVersion: string;
  progress: (line: string) => void;
  /** Write the merged footprint here too (for audit --against). */
  footprintOutput?: string;
  /** Record each workload this many times (a tool whose syscalls vary from run to run). */
  repeat?: number;
  /** Which recorder (default auto). */
  recorder?: RecorderChoice;
  /** Per run of a workload (recording or verifying); default none. */
  timeoutMs?: number;
  /** Argument rules (default safe) and the justified doors, as for generate. */
  args?: ArgLevel;
  generalize?: GeneralizeLevel;
  justifications?: readonly Justification[];
  /** What unrecorded calls get (default deny; log: the learning tier, docs/learn.md), and SECCOMP_FILTER_FLAG_LOG with it. */
  unrecorded?: UnrecordedMode;
  logDenied?: boolean;
  /** Calibrate the engines' runtimes that have no cached calibration (default true). */
  calibrate?: boolean;
  /** The runtime calibration cache (default runtimeCacheDir()). */
  calibrationDir?: string;
  /** Write the coverage report here (JSON). */
  coverageOutput?: string;
  /** Write every run's own footprint into this directory (made when missing). */
  runFootprintsDir?: string;
  /** List the images' executables for the coverage report (default true). */
  scanImages?: boolean;
  /** Syscalls the profile allows by generalisation, with their tier (rendered in the coverage). */
  generalised?: readonly GeneralisedSyscall[];
}

export interface ProfileResult {
  profile: Profile;
  stats: GenerateStats;
  footprints: Footprint[];
  /** The runtime calibrations the profile allows the sets of. */
  calibrations: RuntimeCalibration[];
  verdicts: (VerifyResult & { name: string })[];
  pass: boolean;
  /** Catalogued doors the recordings used that the profile keeps shut (not justified). */
  refusals: Refusal[];
  /** Where the profile is wider than Docker's default on a catalogued door (not justified). */
  wider: WiderDoor[];
  seconds: { calibrate: number; record: number; verify: number };
  /** What the workloads did not show. */
  coverage: CoverageReport;
  /** Every run's footprint, by workload and run (1-based). */
  runs: CoverageRun[];
}

/** A file name for one run's footprint: "02-process_request.run3.json". */
export function runFootprintName(index: number, workload: string, run: number): string {
  return `${String(index + 1).padStart(2, '0')}-${workload.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}.run${run}.json`;
}

/** The images the workloads run (per engine command), each with its workloads, listed. */
async function scanImages(o: ProfileOptions): Promise<CoverageImage[]> {
  const byImage = new Map<string, { cmd: ReturnType<typeof parseRunCommand>; workloads: string[] }>();
  for (const w of o.workloads) {
    const cmd = parseRunCommand(w.argv);
    const key = JSON.stringify([cmd.binary, ...cmd.globalOpts, cmd.image]);
    const seen = byImage.get(key) ?? { cmd, workloads: [] };
    byImage.set(key, seen);
    seen.workloads.push(w.name);
  }
  const out: CoverageImage[] = [];
  for (const { cmd, workloads } of byImage.values()) {
    if (o.scanImages === false) {
      out.push({ ref: cmd.image, workloads, error: 'not listed (--no-image-scan)' });
      continue;
    }
    o.progress(`listing the executables of ${cmd.image} (${cmd.binary} create + export: nothing in it runs)`);
    try {
      out.push({ ref: cmd.image, workloads, listing: await listImageFiles(cmd, cmd.image, o.env) });
    } catch (e) {
      if (!(e instanceof ClawfenceError) || e.code !== 'environment') throw e;
      o.progress(`warning: ${e.message}; the coverage report does not compare executables`);
      out.push({ ref: cmd.image, workloads, error: e.message });
    }
  }
  return out;
}

/** The engine commands (binary and global options) the workloads run. */
function enginesOf(workloads: readonly Workload[]): string[][] {
  const out = new Map<string, string[]>();
  for (const w of workloads) {
    const cmd = parseRunCommand(w.argv);
    const engine = [cmd.binary, ...cmd.globalOpts];
    out.set(JSON.stringify(engine), engine);
  }
  return [...out.values()];
}

/** Makes sure every engine's runtime has a calibration in the cache, calibrating the ones that do not. */
async function ensureCalibrations(o: ProfileOptions, dir: string): Promise<RuntimeCalibration[]> {
  const out: RuntimeCalibration[] = [];
  for (const engine of enginesOf(o.workloads)) {
    try {
      const r = await ensureCalibration({
        engine,
        env: o.env,
        clawfenceVersion: o.clawfenceVersion,
        dir,
        ...(o.recorder === undefined ? {} : { recorder: o.recorder }),
        calibrating: (id, path) =>
          o.progress(
            `no calibration of the container runtime (${describeRuntimeId(id)}) yet: calibrating it — ${DEFAULT_CALIBRATION_RUNS} starts of a trivial container under CPU load, cached in ${path} for next time`,
          ),
      });
      if (r.status === 'unknown-runtime')
        o.progress(
          `the ${engine[0] ?? 'engine'} engine does not say its runtime's version: not calibrated (the profile allows only what was recorded, and rt_sigreturn for runc)`,
        );
      else {
        if (r.status === 'calibrated') o.progress(`calibrated ${describeRuntimeId(calibrationId(r.calibration))} in ${r.calibration.seconds ?? '?'} s`);
        out.push(r.calibration);
      }
    } catch (e) {
      if (!(e instanceof ClawfenceError) || e.code !== 'environment') throw e;
      o.progress(`warning: the container runtime could not be calibrated (${e.message}); the profile allows only what was recorded, and rt_sigreturn for runc`);
    }
  }
  return out;
}

async function withServer<T>(w: Workload, servers: Map<number, RunningServer>, run: () => Promise<T>): Promise<T> {
  if (w.server !== undefined && !servers.has(w.server.port))
    servers.set(w.server.port, await ensureServer(w.server.argv, w.server.port, 20_000, w.server.readyStdout));
  return run();
}

export async function profileWorkloads(o: ProfileOptions): Promise<ProfileResult> {
  const repeat = Math.max(1, o.repeat ?? 1);
  const runFiles =
    o.runFootprintsDir === undefined
      ? []
      : o.workloads.flatMap((w, i) => Array.from({ length: repeat }, (_, k) => join(o.runFootprintsDir ?? '', runFootprintName(i, w.name, k + 1))));
  for (const f of [o.output, o.footprintOutput, o.coverageOutput, ...runFiles]) {
    if (f !== undefined && existsSync(f) && !o.force)
      throw new ClawfenceError('exists', `${f} already exists`, { hint: 'pass --force to overwrite it, or choose another -o path' });
  }
  const servers = new Map<number, RunningServer>();
  try {
    const dir = o.calibrationDir ?? runtimeCacheDir(o.env);
    const tc = Date.now();
    const ensured = o.calibrate === false ? [] : await ensureCalibrations(o, dir);
    const n = o.workloads.length;
    const footprints: Footprint[] = [];
    const runs: CoverageRun[] = [];
    const t0 = Date.now();
    for (const [i, w] of o.workloads.entries())
      for (let k = 1; k <= repeat; k++) {
        o.progress(`[${i + 1}/${n}] recording ${w.name}${repeat > 1 ? ` (run ${k} of ${repeat})` : ''}`);
        const r = await withServer(w, servers, () =>
          recordWorkload({
            argv: w.argv,
            workload: w.name,
            env: o.env,
            stdio: 'pipe',
            clawfenceVersion: o.clawfenceVersion,
            ...(o.recorder === undefined ? {} : { recorder: o.recorder }),
            ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
          }),
        );
        const exit = r.outcome.containerExit ?? r.outcome.exitCode;
        if (exit !== (w.expectExit ?? 0)) {
          throw new ClawfenceError(
            'bad-input',
            `workload '${w.name}' exited ${exit} while recording (expected ${w.expectExit ?? 0}); its footprint would not show the tool working: ${r.outcome.stderr.trim().split('\n').slice(-1)[0] ?? ''}`,
            { hint: "make the workload pass under Docker's default profile first" },
          );
        }
        footprints.push(r.footprint);
        runs.push({ workload: w.name, run: k, footprint: r.footprint });
      }
    if (o.runFootprintsDir !== undefined) {
      mkdirSync(o.runFootprintsDir, { recursive: true });
      runs.forEach((r, i) => writeFileAtomic(runFiles[i] ?? '', toJsonText(r.footprint), { force: o.force }));
    }
    const images = await scanImages(o);
    const t1 = Date.now();
    o.progress(`generating the profile from ${footprints.length} footprint${footprints.length === 1 ? '' : 's'}`);
    const labels = o.workloads.flatMap((w) => Array.from({ length: repeat }, (_, k) => (repeat > 1 ? `${w.name}#${k + 1}` : w.name)));
    // The footprints' runtimes as they recorded them (the engine's answer is the same, normally).
    const calibrations = [...ensured];
    for (const c of o.calibrate === false ? [] : calibrationsFor(footprints, dir).calibrations)
      if (!calibrations.some((x) => sameRuntime(calibrationId(x), calibrationId(c)))) calibrations.push(c);
    const { profile, stats, refusals, wider } = generateProfile(footprints, {
      labels,
      runtimeCalibrations: calibrations,
      ...(o.args === undefined ? {} : { args: o.args }),
      ...(o.generalize === undefined ? {} : { generalize: o.generalize }),
      ...(o.justifications === undefined ? {} : { justifications: o.justifications }),
      ...(o.unrecorded === undefined ? {} : { unrecorded: o.unrecorded }),
      ...(o.logDenied === undefined ? {} : { logDenied: o.logDenied }),
    });
    writeFileAtomic(o.output, printDockerProfile(profile), { force: o.force });
    if (o.footprintOutput !== undefined) {
      writeFileAtomic(o.footprintOutput, toJsonText(mergeFootprints(footprints, { labels })), { force: o.force });
    }
    const verdicts: ProfileResult['verdicts'] = [];
    for (const [i, w] of o.workloads.entries()) {
      o.progress(`[${i + 1}/${n}] verifying ${w.name} under the profile`);
      const v = await withServer(w, servers, () =>
        verifyWorkload({
          argv: w.argv,
          profileFile: o.output,
          env: o.env,
          clawfenceVersion: o.clawfenceVersion,
          stdio: 'pipe',
          ...(o.recorder === undefined ? {} : { recorder: o.recorder }),
          ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
          ...(w.expectExit === undefined ? {} : { expectExit: w.expectExit }),
          ...(w.expectStdout === undefined ? {} : { expectStdout: new RegExp(w.expectStdout, 'm') }),
        }),
      );
      verdicts.push({ name: w.name, ...v });
    }
    const t2 = Date.now();
    // What the profile allows by --generalize, with its tier in the risk catalog.
    const generalised =
      o.generalised ??
      stats.generalized.added.map((a) => ({
        abi: stats.native,
        syscall: a.syscall,
        // clone is dangerous by name for its CLONE_NEW* flags; a generalised clone rule masks them
        // (Docker's own mask), so what it allows is process creation: moderate.
        tier: a.syscall === 'clone' ? ('moderate' as const) : (tierOf(a.syscall) ?? 'moderate'),
        reason: a.reason,
      }));
    const coverage = computeCoverage({ runs, repeat, images, ...(generalised.length === 0 ? {} : { generalised }) });
    if (o.coverageOutput !== undefined) writeFileAtomic(o.coverageOutput, toJsonText(coverage), { force: o.force });
    return {
      profile,
      stats,
      footprints,
      calibrations,
      verdicts,
      pass: verdicts.every((v) => v.pass),
      refusals,
      wider,
      seconds: { calibrate: (t0 - tc) / 1000, record: (t1 - t0) / 1000, verify: (t2 - t1) / 1000 },
      coverage,
      runs,
    };
  } finally {
    for (const s of servers.values()) await s.stop();
  }
}
