// `clawfence generate FOOTPRINT… [-o PROFILE] [--force] [--default-errno N] [--kill] [--arch A]`

import { loadFootprint } from '../../footprint/parse.js';
import { calibrationId, describeRuntimeId } from '../../footprint/runtime-calibration.js';
import { calibrationsFor, runtimeCacheDir } from '../../recorder/calibration-cache.js';
import { describeStats, generateProfile } from '../../generator/index.js';
import { printDockerProfile } from '../../formats/docker.js';
import { parseArch } from '../../syscalls/arch.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

export interface GenerateCliOptions {
  output?: string;
  force?: boolean;
  defaultErrno?: number;
  kill?: boolean;
  arch?: string;
}

export async function runGenerate(files: string[], o: GenerateCliOptions): Promise<number> {
  const fps = files.map((f) => loadFootprint(f).footprint);
  // The host's calibrations of the runtimes the footprints were recorded under (clawfence calibrate).
  const { calibrations, missing } = calibrationsFor(fps);
  const { profile, stats } = generateProfile(fps, {
    labels: files,
    runtimeCalibrations: calibrations,
    ...(o.defaultErrno === undefined ? {} : { defaultErrno: o.defaultErrno }),
    defaultAction: o.kill === true ? 'kill_process' : 'errno',
    ...(o.arch === undefined ? {} : { native: parseArch(o.arch) }),
  });
  const text = printDockerProfile(profile);
  if (o.output === undefined) process.stdout.write(text);
  else writeFileAtomic(o.output, text, { force: o.force === true });
  for (const l of describeStats(stats)) process.stderr.write(`${l}\n`);
  for (const c of calibrations) process.stderr.write(`runtime calibration: ${describeRuntimeId(calibrationId(c))}, ${c.runs} starts under load: ${c.file ?? c.createdAt}\n`);
  for (const id of missing) process.stderr.write(`no runtime calibration of ${describeRuntimeId(id)} in ${runtimeCacheDir()}: a recording can miss calls the runtime needs at random; run \`clawfence calibrate\` on a host with that runtime\n`);
  if (o.output !== undefined) process.stderr.write(`clawfence: wrote ${o.output}\n`);
  return 0;
}
