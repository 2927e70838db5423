// The host's cache of runtime calibrations: one JSON file per engine, runtime and version in
// /var/cache/clawfence/runtime/ (CLAWFENCE_RUNTIME_CACHE overrides the directory), written
// atomically, read back checked. A calibration stays valid as long as the runtime's version does;
// a new version is a new file.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClawfenceError } from '../errors.js';
import type { Footprint } from '../footprint/model.js';
import {
  calibrationForStorage,
  calibrationId,
  describeRuntimeId,
  footprintRuntime,
  parseCalibration,
  sameRuntime,
  type RuntimeCalibration,
  type RuntimeId,
} from '../footprint/runtime-calibration.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { stringifyJson } from '../util/json.js';

export const RUNTIME_CACHE_DIR = '/var/cache/clawfence/runtime';

/** The cache directory: CLAWFENCE_RUNTIME_CACHE when set, else /var/cache/clawfence/runtime. */
export function runtimeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const d = env['CLAWFENCE_RUNTIME_CACHE'];
  return d === undefined || d === '' ? RUNTIME_CACHE_DIR : d;
}

/** docker-runc-1.1.5+ds1.json: a character that has no place in a file name becomes _. */
export function calibrationFileName(id: RuntimeId): string {
  return `${[id.engine, id.runtime, id.version].map((p) => p.replace(/[^A-Za-z0-9._+-]/g, '_')).join('-')}.json`;
}

export function calibrationPath(id: RuntimeId, dir: string = runtimeCacheDir()): string {
  return join(dir, calibrationFileName(id));
}

/** The cached calibration of this runtime, or undefined when there is none. Throws bad-input when
 * the file is there but is not a calibration of this runtime. */
export function readCalibration(id: RuntimeId, dir: string = runtimeCacheDir()): RuntimeCalibration | undefined {
  const path = calibrationPath(id, dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ClawfenceError('environment', `cannot read the runtime calibration ${path}: ${(e as Error).message}`, { cause: e });
  }
  const c = parseCalibration(text, path);
  if (!sameRuntime(calibrationId(c), id)) {
    throw new ClawfenceError('bad-input', `${path} calibrates ${describeRuntimeId(calibrationId(c))}, not ${describeRuntimeId(id)}`, {
      hint: 'calibrate again, replacing it: clawfence calibrate --force',
    });
  }
  return c;
}

/** Stores a calibration in the cache (refusing to replace one unless forced); returns its path. */
export function writeCalibration(c: RuntimeCalibration, o: { dir?: string; force?: boolean } = {}): string {
  const dir = o.dir ?? runtimeCacheDir();
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ClawfenceError('environment', `cannot create the runtime calibration cache ${dir}: ${(e as Error).message}`, {
      hint: 'run as root (recording needs it anyway), or point CLAWFENCE_RUNTIME_CACHE at a writable directory',
      cause: e,
    });
  }
  const path = calibrationPath(calibrationId(c), dir);
  writeFileAtomic(path, `${stringifyJson(calibrationForStorage(c))}\n`, { force: o.force === true });
  return path;
}

export interface FootprintCalibrations {
  /** The cached calibrations of the runtimes the footprints were recorded under. */
  calibrations: RuntimeCalibration[];
  /** Runtimes the footprints name (with a version) that have no calibration in the cache. */
  missing: RuntimeId[];
}

/** Looks up the cache for every runtime the footprints were recorded under. */
export function calibrationsFor(fps: readonly Footprint[], dir: string = runtimeCacheDir()): FootprintCalibrations {
  const ids: RuntimeId[] = [];
  for (const fp of fps) {
    const id = footprintRuntime(fp);
    if (id !== undefined && !ids.some((x) => sameRuntime(x, id))) ids.push(id);
  }
  const calibrations: RuntimeCalibration[] = [];
  const missing: RuntimeId[] = [];
  for (const id of ids) {
    const c = readCalibration(id, dir);
    if (c === undefined) missing.push(id);
    else calibrations.push(c);
  }
  return { calibrations, missing };
}
