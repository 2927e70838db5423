// `profile`: record every workload, generate one profile from all footprints, verify every
// workload under it. The tool author's one command.

import { existsSync } from 'node:fs';
import { ClawfenceError } from '../errors.js';
import type { Footprint } from '../footprint/model.js';
import { describeRuntimeId, sameRuntime, calibrationId, type RuntimeCalibration } from '../footprint/runtime-calibration.js';
import { parseRunCommand } from '../engine/run-argv.js';
import {
  generateProfile,
  mergeFootprints,
  type ArgLevel,
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
  justifications?: readonly Justification[];
  /** What unrecorded calls get (default deny; log: the learning tier, docs/learn.md), and SECCOMP_FILTER_FLAG_LOG with it. */
  unrecorded?: UnrecordedMode;
  logDenied?: boolean;
  /** Calibrate the engines' runtimes that have no cached calibration (default true). */
  calibrate?: boolean;
  /** The runtime calibration cache (default runtimeCacheDir()). */
  calibrationDir?: string;
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
  for (const f of [o.output, o.footprintOutput]) {
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
    const t0 = Date.now();
    const repeat = Math.max(1, o.repeat ?? 1);
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
      }
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
    };
  } finally {
    for (const s of servers.values()) await s.stop();
  }
}
