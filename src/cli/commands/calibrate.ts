// `clawfence calibrate [--runs N] [--force] [--engine docker|podman] [--image IMAGE] [--json]`:
// measures the engine's container runtime (many starts of a trivial container under CPU load) and
// caches the set of its calls per engine, runtime and version, for generate and profile.

import { ClawfenceError } from '../../errors.js';
import { findEngineEnv } from '../../engine/discover.js';
import { describeRuntimeId, type RuntimeCalibration } from '../../footprint/runtime-calibration.js';
import { calibrateRuntime, calibrationArgv, DEFAULT_CALIBRATION_IMAGE, engineRuntime } from '../../recorder/calibrate.js';
import { calibrationPath, readCalibration, runtimeCacheDir, writeCalibration } from '../../recorder/calibration-cache.js';
import type { RecorderChoice } from '../../recorder/record.js';
import { colors, toJson, wantColor, write } from '../output.js';
import { VERSION } from '../version.js';

export interface CalibrateCliOptions {
  runs: number;
  force?: boolean;
  engine: 'docker' | 'podman';
  image?: string;
  recorder?: RecorderChoice;
  json?: boolean;
  color?: boolean | undefined;
}

/** What a calibration says, for the terminal. */
export function describeCalibration(c: RuntimeCalibration, cached: boolean): string[] {
  const lines = [
    `calibration of ${describeRuntimeId({ engine: c.engine.name, runtime: c.runtime.name, version: c.runtime.version })}${cached ? ' (cached; recalibrate with --force)' : ''}: ${c.file ?? ''}`,
    `  ${c.runs} start${c.runs === 1 ? '' : 's'} of \`${c.workload.argv.join(' ')}\` under CPU load (${c.load.workers} busy loop${c.load.workers === 1 ? '' : 's'} on ${c.load.cpus} CPU${c.load.cpus === 1 ? '' : 's'}), ${c.recorder.name} recorder, kernel ${c.kernel}, ${c.createdAt}${c.seconds === undefined ? '' : `, ${c.seconds} s`}`,
  ];
  for (const [abi, m] of Object.entries(c.syscalls)) {
    const entries = Object.entries(m ?? {}).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
    lines.push(`  ${abi}: ${entries.length} syscalls the runtime made after installing the filter (in how many starts):`);
    lines.push(`    ${entries.map(([n, k]) => `${n} ${k}/${c.runs}`).join(', ')}`);
  }
  lines.push(`  generate and profile allow these for ${c.runtime.name} ${c.runtime.version} under ${c.engine.name} when a recording missed them`);
  return lines;
}

export async function runCalibrate(o: CalibrateCliOptions): Promise<number> {
  const engine = [o.engine];
  const image = o.image ?? DEFAULT_CALIBRATION_IMAGE;
  const env = await findEngineEnv({ commands: [calibrationArgv(engine, image)] });
  const dir = runtimeCacheDir(env);
  const id = await engineRuntime(engine, env);
  if (id === undefined) {
    throw new ClawfenceError('environment', `the ${o.engine} engine does not say which runtime version it runs, so no calibration can be kept for it`, {
      hint:
        o.engine === 'docker'
          ? "clawfence reads runc's version from `docker version` (Server.Components); another default runtime is not calibrated yet"
          : 'clawfence reads it from `podman info` (Host.OCIRuntime.Version)',
    });
  }
  const cached = o.force === true ? undefined : readCalibration(id, dir);
  let c: RuntimeCalibration;
  if (cached !== undefined) c = cached;
  else {
    const dim = colors(wantColor(o.color)).dim;
    process.stderr.write(
      `${dim('clawfence:')} calibrating ${describeRuntimeId(id)}: ${o.runs} starts of \`${calibrationArgv(engine, image).join(' ')}\` under CPU load → ${calibrationPath(id, dir)}\n`,
    );
    const made = await calibrateRuntime({
      engine,
      env,
      clawfenceVersion: VERSION,
      runs: o.runs,
      image,
      ...(o.recorder === undefined ? {} : { recorder: o.recorder }),
      progress: (k, n) => {
        if (k % 10 === 0 || k === n) process.stderr.write(`${dim('clawfence:')} ${k}/${n} starts recorded\n`);
      },
    });
    c = { ...made, file: writeCalibration(made, { dir, force: o.force === true }) };
  }
  write(o.json === true ? toJson(c) : describeCalibration(c, cached !== undefined).join('\n'));
  return 0;
}
