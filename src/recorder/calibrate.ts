// Calibrating a container runtime: N starts of a trivial container (`docker run --rm IMAGE true`)
// recorded while busy loops keep every CPU busy, and the union of the calls the runtime made after
// installing the filter, per ABI, with how many of the N starts made each. What runc calls there
// depends on timing (Go's preemption signal, futex waits), so one recording can miss a call that
// some starts need; the generator allows the measured set for that runtime
// (generator/runtime-allowance.ts). The result is cached per engine, runtime and version
// (calibration-cache.ts).

import { release } from 'node:os';
import { ClawfenceError } from '../errors.js';
import type { Footprint } from '../footprint/model.js';
import {
  CALIBRATION_SCHEMA_VERSION,
  calibrationId,
  describeRuntimeId,
  footprintRuntime,
  sameRuntime,
  type RuntimeCalibration,
  type RuntimeId,
} from '../footprint/runtime-calibration.js';
import { parseRunCommand } from '../engine/run-argv.js';
import { hostArch, type Arch } from '../syscalls/arch.js';
import { syscallName } from '../syscalls/table.js';
import { calibrationPath, readCalibration, runtimeCacheDir, writeCalibration } from './calibration-cache.js';
import { startCpuLoad } from './cpu-load.js';
import { engineFacts, recordWorkload, type RecorderChoice } from './record.js';
import type { RawRecording } from './recorder.js';

export const DEFAULT_CALIBRATION_RUNS = 30;
/** The trivial container's image: the base image clawfence's setup loads (offline). */
export const DEFAULT_CALIBRATION_IMAGE = 'debian:bookworm-slim';
const PER_START_TIMEOUT_MS = 120_000;

export interface CalibrateOptions {
  /** The engine command before `run`: ['docker'], ['podman'], ['docker', '--host', …]. */
  engine: string[];
  env: NodeJS.ProcessEnv;
  clawfenceVersion: string;
  /** Default DEFAULT_CALIBRATION_RUNS. */
  runs?: number;
  /** Default DEFAULT_CALIBRATION_IMAGE. */
  image?: string;
  /** Busy-loop processes (default: one per CPU). */
  workers?: number;
  recorder?: RecorderChoice;
  /** After each start: how many are done. */
  progress?: (done: number, runs: number) => void;
}

/** The trivial container a calibration starts. */
export function calibrationArgv(engine: readonly string[], image: string = DEFAULT_CALIBRATION_IMAGE): string[] {
  return [...engine, 'run', '--rm', '--network', 'none', image, 'true'];
}

/** The runtime's own calls in one recording, per ABI, by name. */
export function runtimeCalls(r: RawRecording): Map<Arch, Set<string>> {
  const out = new Map<Arch, Set<string>>();
  for (const s of r.syscalls) {
    if (!s.runtime || s.count === 0) continue;
    const name = syscallName(s.abi, s.nr);
    if (name === undefined) continue;
    out.set(s.abi, new Set([...(out.get(s.abi) ?? []), name]));
  }
  return out;
}

/** In how many recordings each (ABI, syscall) appeared. */
export function tallyRuns(perRun: readonly Map<Arch, Set<string>>[]): RuntimeCalibration['syscalls'] {
  const out: RuntimeCalibration['syscalls'] = {};
  for (const run of perRun) {
    for (const [abi, names] of run) {
      const m = (out[abi] ??= {});
      for (const n of names) m[n] = (m[n] ?? 0) + 1;
    }
  }
  return out;
}

function runtimeOf(fp: Footprint, argv: readonly string[]): RuntimeId {
  const id = footprintRuntime(fp);
  if (id === undefined) {
    const e = fp.provenance?.engine;
    throw new ClawfenceError(
      'environment',
      `the engine does not say which version of its runtime (${e?.runtime ?? 'unknown'}) it runs, so a calibration could not be kept per version`,
      {
        hint: `${argv[0] ?? 'docker'} version / info should name it; clawfence knows docker's runc and podman's OCI runtime`,
      },
    );
  }
  return id;
}

/** Records `runs` starts of the trivial container under CPU load. Every start must exit 0. */
export async function calibrateRuntime(o: CalibrateOptions): Promise<RuntimeCalibration> {
  const runs = o.runs ?? DEFAULT_CALIBRATION_RUNS;
  if (!Number.isInteger(runs) || runs < 1) throw new ClawfenceError('bad-input', `a calibration needs at least one start, not ${runs}`);
  const argv = calibrationArgv(o.engine, o.image);
  const started = Date.now();
  const load = await startCpuLoad({ ...(o.workers === undefined ? {} : { workers: o.workers }), maxMs: runs * 30_000 + 60_000 });
  const perRun: Map<Arch, Set<string>>[] = [];
  let first: Footprint | undefined;
  let id: RuntimeId | undefined;
  let recorder: RuntimeCalibration['recorder'] | undefined;
  try {
    for (let k = 1; k <= runs; k++) {
      const r = await recordWorkload({
        argv,
        workload: 'runtime calibration',
        env: o.env,
        stdio: 'pipe',
        clawfenceVersion: o.clawfenceVersion,
        timeoutMs: PER_START_TIMEOUT_MS,
        ...(o.recorder === undefined ? {} : { recorder: o.recorder }),
      });
      const exit = r.outcome.containerExit ?? r.outcome.exitCode;
      if (exit !== 0) {
        throw new ClawfenceError(
          'environment',
          `calibration start ${k} of ${runs} (${argv.join(' ')}) exited ${exit}: ${r.outcome.stderr.trim().split('\n').slice(-1)[0] ?? ''}`,
          {
            hint: `the trivial container must start: check that the engine runs ${o.image ?? DEFAULT_CALIBRATION_IMAGE} (scripts/setup-host.sh loads it)`,
          },
        );
      }
      const here = runtimeOf(r.footprint, argv);
      if (id !== undefined && !sameRuntime(id, here))
        throw new ClawfenceError(
          'environment',
          `the engine's runtime changed during the calibration: ${describeRuntimeId(id)}, then ${describeRuntimeId(here)}`,
          { hint: 'calibrate again once the engine is settled' },
        );
      id = here;
      first ??= r.footprint;
      recorder ??= { name: r.recording.recorder, version: r.recording.version };
      perRun.push(runtimeCalls(r.recording));
      o.progress?.(k, runs);
    }
  } finally {
    await load.stop();
  }
  if (id === undefined || first === undefined || recorder === undefined) throw new ClawfenceError('internal', 'a calibration without a start');
  const e = first.provenance?.engine;
  const image = first.workloads?.[0]?.image;
  return {
    schemaVersion: CALIBRATION_SCHEMA_VERSION,
    runtime: { name: id.runtime, version: id.version },
    engine: { name: id.engine, ...(e?.version === undefined ? {} : { version: e.version }), ...(e?.host === undefined ? {} : { host: e.host }) },
    kernel: first.provenance?.kernel ?? release(),
    arch: first.arch ?? hostArch(),
    runs,
    load: { kind: 'busy-loop', workers: load.workers, cpus: load.cpus },
    workload: { argv, ...(image === undefined ? {} : { image }) },
    recorder,
    syscalls: tallyRuns(perRun),
    clawfence: o.clawfenceVersion,
    createdAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** The runtime the engine of this command runs, when it says (name and version). */
export async function engineRuntime(engine: readonly string[], env: NodeJS.ProcessEnv): Promise<RuntimeId | undefined> {
  const cmd = parseRunCommand(calibrationArgv(engine));
  const f = await engineFacts(cmd, env);
  return f.runtime === undefined || f.runtimeVersion === undefined ? undefined : { engine: cmd.engine, runtime: f.runtime, version: f.runtimeVersion };
}

export type EnsureResult =
  | { status: 'cached'; calibration: RuntimeCalibration }
  | { status: 'calibrated'; calibration: RuntimeCalibration }
  /** The engine does not name its runtime's version: nothing can be kept per version. */
  | { status: 'unknown-runtime' };

export interface EnsureOptions extends CalibrateOptions {
  dir?: string;
  /** Called before calibrating, with the runtime and the cache file. */
  calibrating?: (id: RuntimeId, path: string) => void;
}

/** The cached calibration of the engine's runtime; when there is none, calibrates and caches it. */
export async function ensureCalibration(o: EnsureOptions): Promise<EnsureResult> {
  const dir = o.dir ?? runtimeCacheDir(o.env);
  const id = await engineRuntime(o.engine, o.env);
  if (id === undefined) return { status: 'unknown-runtime' };
  const cached = readCalibration(id, dir);
  if (cached !== undefined) return { status: 'cached', calibration: cached };
  o.calibrating?.(id, calibrationPath(id, dir));
  const c = await calibrateRuntime(o);
  try {
    return { status: 'calibrated', calibration: { ...c, file: writeCalibration(c, { dir }) } };
  } catch (e) {
    // Another clawfence calibrated the same runtime meanwhile: use the one in the cache.
    const other = e instanceof ClawfenceError && e.code === 'exists' ? readCalibration(calibrationId(c), dir) : undefined;
    if (other === undefined) throw e;
    return { status: 'cached', calibration: other };
  }
}
