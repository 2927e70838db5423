// `clawfence generate FOOTPRINT… [-o PROFILE] [--force] [--default-errno N] [--kill] [--arch A]
// [--args none|safe|strict] [--allow NAME[=VALUE]:REASON]… [--justifications FILE]`. Exit 1 when the
// recording went through a catalogued door that the profile keeps shut, or the profile is wider
// than Docker's default on one (the profile is written all the same).

import { readFileSync } from 'node:fs';
import { ClawfenceError } from '../../errors.js';
import { loadFootprint } from '../../footprint/parse.js';
import { calibrationId, describeRuntimeId } from '../../footprint/runtime-calibration.js';
import { calibrationsFor, runtimeCacheDir } from '../../recorder/calibration-cache.js';
import {
  describeStats,
  generateProfile,
  parseJustification,
  parseJustificationFile,
  type ArgLevel,
  type GeneralizeLevel,
  type Justification,
  type UnrecordedMode,
} from '../../generator/index.js';
import { printDockerProfile } from '../../formats/docker.js';
import { parseArch } from '../../syscalls/arch.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

export interface GenerateCliOptions {
  output?: string;
  force?: boolean;
  defaultErrno?: number;
  kill?: boolean;
  arch?: string;
  args?: ArgLevel;
  generalize?: GeneralizeLevel;
  allow?: string[];
  justifications?: string;
  unrecorded?: UnrecordedMode;
  logDenied?: boolean;
}

/** The --allow specs and the --justifications file, parsed. */
export function loadJustifications(o: { allow?: string[]; justifications?: string }): Justification[] {
  const fromFile = (): Justification[] => {
    if (o.justifications === undefined) return [];
    let text: string;
    try {
      text = readFileSync(o.justifications, 'utf8');
    } catch (e) {
      throw new ClawfenceError('not-found', `cannot read --justifications ${o.justifications}: ${(e as Error).message}`, {
        hint: 'give a file with one NAME[=VALUE]:reason per line',
      });
    }
    return parseJustificationFile(text, o.justifications);
  };
  return [...(o.allow ?? []).map((s) => parseJustification(s)), ...fromFile()];
}

/** The summary line of the log tier. */
export const UNRECORDED_LOG_LINE =
  'unrecorded: log — calls the recording did not show are allowed and logged by the kernel (SCMP_ACT_LOG); catalogued dangerous calls and values stay denied; read the records with `clawfence learn`';

/** --unrecorded/--log-denied as generate options (the flag only means something in the log tier). */
export function unrecordedOf(o: { unrecorded?: UnrecordedMode; logDenied?: boolean }): { unrecorded?: UnrecordedMode; logDenied?: boolean } {
  if (o.logDenied === true && o.unrecorded !== 'log')
    throw new ClawfenceError('bad-input', '--log-denied needs --unrecorded log', {
      hint: 'SECCOMP_FILTER_FLAG_LOG is for the learning tier: add --unrecorded log, or drop --log-denied',
    });
  return { ...(o.unrecorded === undefined ? {} : { unrecorded: o.unrecorded }), ...(o.logDenied === true ? { logDenied: true } : {}) };
}

export async function runGenerate(files: string[], o: GenerateCliOptions): Promise<number> {
  const justifications = loadJustifications(o);
  const fps = files.map((f) => loadFootprint(f).footprint);
  // The host's calibrations of the runtimes the footprints were recorded under (clawfence calibrate).
  const { calibrations, missing } = calibrationsFor(fps);
  const { profile, stats, refusals, wider } = generateProfile(fps, {
    labels: files,
    runtimeCalibrations: calibrations,
    ...(o.defaultErrno === undefined ? {} : { defaultErrno: o.defaultErrno }),
    defaultAction: o.kill === true ? 'kill_process' : 'errno',
    ...(o.arch === undefined ? {} : { native: parseArch(o.arch) }),
    ...(o.args === undefined ? {} : { args: o.args }),
    ...(o.generalize === undefined ? {} : { generalize: o.generalize }),
    justifications,
    ...unrecordedOf(o),
  });
  const text = printDockerProfile(profile);
  if (o.output === undefined) process.stdout.write(text);
  else writeFileAtomic(o.output, text, { force: o.force === true });
  for (const l of describeStats(stats)) process.stderr.write(`${l}\n`);
  if (o.unrecorded === 'log') process.stderr.write(`${UNRECORDED_LOG_LINE}${profile.flags.length > 0 ? ` (flags: ${profile.flags.join(', ')})` : ''}\n`);
  for (const c of calibrations)
    process.stderr.write(`runtime calibration: ${describeRuntimeId(calibrationId(c))}, ${c.runs} starts under load: ${c.file ?? c.createdAt}\n`);
  for (const id of missing)
    process.stderr.write(
      `no runtime calibration of ${describeRuntimeId(id)} in ${runtimeCacheDir()}: a recording can miss calls the runtime needs at random; run \`clawfence calibrate\` on a host with that runtime\n`,
    );
  if (o.output !== undefined) process.stderr.write(`clawfence: wrote ${o.output}\n`);
  if (refusals.length > 0 || wider.length > 0) {
    const what = [
      refusals.length > 0
        ? `${refusals.length} catalogued door${refusals.length === 1 ? '' : 's'} the recording used stay${refusals.length === 1 ? 's' : ''} denied`
        : '',
      wider.length > 0 ? `${wider.length} place${wider.length === 1 ? '' : 's'} wider than Docker's default` : '',
    ]
      .filter(Boolean)
      .join('; ');
    process.stderr.write(`clawfence: ${what} (see refused:/warning: above); justify what the tool really needs with --allow NAME[=VALUE]:"reason"\n`);
    return 1;
  }
  return 0;
}
