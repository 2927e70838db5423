// A runtime calibration: the syscalls one container runtime (name + version, under one engine)
// makes after installing the filter, measured over many starts of a trivial container under CPU
// load, with how many of the starts made each, and where the measurement came from. A single
// recording can miss some of them (they depend on timing: Go's scheduler and signals in runc), so
// the generator allows this set for the runtime (docs/generate.md, "The container runtime's own
// calls"). Written by recorder/calibrate.ts, cached on the host by recorder/calibration-cache.ts.

import { ClawfenceError } from '../errors.js';
import { isArch, type Arch } from '../syscalls/arch.js';
import { syscallNumber } from '../syscalls/table.js';
import type { Footprint } from './model.js';

export const CALIBRATION_SCHEMA_VERSION = 1;

/** Which runtime a calibration is for: the engine that runs it, the runtime's name and version. */
export interface RuntimeId {
  engine: string;
  runtime: string;
  version: string;
}

/** The CPU load the starts ran under: busy-loop processes, one per CPU unless said otherwise. */
export interface CalibrationLoad {
  kind: 'busy-loop';
  workers: number;
  cpus: number;
}

export interface RuntimeCalibration {
  schemaVersion: typeof CALIBRATION_SCHEMA_VERSION;
  runtime: { name: string; version: string };
  engine: { name: string; version?: string; host?: string };
  kernel: string;
  /** The host's native ABI. */
  arch: Arch;
  /** How many container starts were recorded (each exited 0). */
  runs: number;
  load: CalibrationLoad;
  /** The trivial container started each time. */
  workload: { argv: string[]; image?: { ref: string; id?: string } };
  recorder: { name: 'ebpf' | 'ptrace'; version: string };
  /** Per ABI: every syscall the runtime made after installing the filter in at least one start,
   * with in how many of the `runs` starts it did. */
  syscalls: Partial<Record<Arch, Record<string, number>>>;
  clawfence: string;
  createdAt: string;
  /** How long the calibration took. */
  seconds?: number;
  /** The file it was read from (set when read, never stored). */
  file?: string;
}

/** "docker runc 1.1.5+ds1". */
export function describeRuntimeId(id: RuntimeId): string {
  return `${id.engine} ${id.runtime} ${id.version}`;
}

export function calibrationId(c: RuntimeCalibration): RuntimeId {
  return { engine: c.engine.name, runtime: c.runtime.name, version: c.runtime.version };
}

/** The runtime a footprint was recorded under, when its provenance names the engine, the runtime
 * and its version (footprints recorded before clawfence noted the version have none). */
export function footprintRuntime(fp: Footprint): RuntimeId | undefined {
  const e = fp.provenance?.engine;
  if (e?.runtime === undefined || e.runtimeVersion === undefined) return undefined;
  return { engine: e.name, runtime: e.runtime, version: e.runtimeVersion };
}

export function sameRuntime(a: RuntimeId, b: RuntimeId): boolean {
  return a.engine === b.engine && a.runtime === b.runtime && a.version === b.version;
}

/** Whether the calibration measured the runtime this footprint was recorded under, on its ABI. */
export function calibrationFits(c: RuntimeCalibration, fp: Footprint): boolean {
  const id = footprintRuntime(fp);
  return id !== undefined && sameRuntime(id, calibrationId(c)) && (fp.arch === undefined || fp.arch === c.arch);
}

// --- reading ------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** Every problem with a calibration's JSON (empty when it is one). */
function problems(v: unknown): string[] {
  if (!isObject(v)) return ['not a JSON object'];
  const out: string[] = [];
  const need = (ok: boolean, what: string): void => {
    if (!ok) out.push(what);
  };
  need(v['schemaVersion'] === CALIBRATION_SCHEMA_VERSION, `schemaVersion is not ${CALIBRATION_SCHEMA_VERSION}`);
  const rt = v['runtime'];
  need(
    isObject(rt) && typeof rt['name'] === 'string' && rt['name'] !== '' && typeof rt['version'] === 'string' && rt['version'] !== '',
    'runtime needs a name and a version',
  );
  const engine = v['engine'];
  need(isObject(engine) && typeof engine['name'] === 'string' && engine['name'] !== '', 'engine needs a name');
  need(typeof v['kernel'] === 'string', 'kernel is not a string');
  need(typeof v['arch'] === 'string' && isArch(v['arch']), 'arch is not an ABI clawfence knows');
  const runs = v['runs'];
  const most = isCount(runs) && runs > 0 ? runs : undefined;
  need(most !== undefined, 'runs is not a positive whole number');
  const load = v['load'];
  need(isObject(load) && load['kind'] === 'busy-loop' && isCount(load['workers']) && isCount(load['cpus']), 'load needs kind busy-loop, workers and cpus');
  const w = v['workload'];
  need(isObject(w) && Array.isArray(w['argv']) && w['argv'].every((a) => typeof a === 'string'), 'workload.argv is not a list of strings');
  const rec = v['recorder'];
  need(
    isObject(rec) && (rec['name'] === 'ebpf' || rec['name'] === 'ptrace') && typeof rec['version'] === 'string',
    'recorder needs name ebpf or ptrace and a version',
  );
  need(typeof v['clawfence'] === 'string' && typeof v['createdAt'] === 'string', 'clawfence and createdAt are not strings');
  const sc = v['syscalls'];
  if (!isObject(sc)) out.push('syscalls is not an object');
  else {
    for (const [abi, m] of Object.entries(sc)) {
      if (!isArch(abi)) out.push(`syscalls.${abi}: not an ABI clawfence knows`);
      else if (!isObject(m)) out.push(`syscalls.${abi} is not an object`);
      else {
        for (const [name, n] of Object.entries(m)) {
          if (syscallNumber(abi, name) === undefined) out.push(`syscalls.${abi}.${name}: no such syscall on ${abi}`);
          else if (!isCount(n) || n < 1 || (most !== undefined && n > most))
            out.push(`syscalls.${abi}.${name}: ${JSON.stringify(n)} is not a count of runs from 1 to ${most ?? 'runs'}`);
        }
      }
    }
  }
  return out;
}

/** Parses a calibration file's text; throws bad-input naming every problem. */
export function parseCalibration(text: string, file: string): RuntimeCalibration {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    v = e;
  }
  const found = v instanceof Error ? [`not JSON: ${v.message}`] : problems(v);
  if (found.length > 0) {
    throw new ClawfenceError('bad-input', `${file} is not a runtime calibration: ${found.join('; ')}`, {
      hint: 'calibrate again, replacing it: clawfence calibrate --force',
    });
  }
  return { ...(v as RuntimeCalibration), file };
}

/** The calibration as it is stored (without where it was read from), in a fixed key order. */
export function calibrationForStorage(c: RuntimeCalibration): Omit<RuntimeCalibration, 'file'> {
  const { file: _file, ...rest } = c;
  const syscalls: RuntimeCalibration['syscalls'] = {};
  for (const abi of Object.keys(c.syscalls).sort() as Arch[]) {
    syscalls[abi] = Object.fromEntries(Object.entries(c.syscalls[abi] ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return { ...rest, syscalls };
}
