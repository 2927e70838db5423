// `clawfence record [-o FOOTPRINT] [--workload NAME] -- docker run …`: one workload's footprint.

import { ClawfenceError } from '../../errors.js';
import { findEngineEnv } from '../../engine/discover.js';
import { recordWorkload, type RecorderChoice } from '../../recorder/record.js';
import { footprintAbis, usedSyscalls } from '../../footprint/model.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { timeoutMs } from '../options.js';
import { toJson } from '../output.js';
import { VERSION } from '../version.js';
import { existsSync } from 'node:fs';

export interface RecordCliOptions {
  output: string;
  force?: boolean;
  workload?: string;
  recorder: RecorderChoice;
  /** Seconds; 0: none. */
  timeout: number;
}

export async function runRecord(argv: string[], o: RecordCliOptions): Promise<number> {
  if (argv.length === 0)
    throw new ClawfenceError('bad-input', 'nothing to record', {
      hint: 'write the command after --: clawfence record -o fp.json -- docker run --rm IMAGE CMD',
    });
  const out = o.output;
  // Refuse before running anything rather than after a long recording.
  if (existsSync(out) && o.force !== true)
    throw new ClawfenceError('exists', `${out} already exists`, { hint: 'pass --force to overwrite it, or choose another -o path' });
  const env = await findEngineEnv({ commands: [argv] });
  const r = await recordWorkload({
    argv,
    env,
    clawfenceVersion: VERSION,
    recorder: o.recorder,
    ...timeoutMs(o.timeout),
    ...(o.workload === undefined ? {} : { workload: o.workload }),
  });
  writeFileAtomic(out, toJson(r.footprint), { force: o.force === true });
  const abis = footprintAbis(r.footprint);
  const summary = abis.map((a) => `${a} ${usedSyscalls(r.footprint, a).size}`).join(', ');
  process.stderr.write(
    abis.length === 0
      ? `clawfence: recorded no syscalls: the container did not start or made none (exit ${r.outcome.exitCode}) → ${out}\n`
      : `clawfence: recorded ${summary} syscalls (${r.footprint.provenance?.recorder?.name === 'ptrace' ? 'ptrace' : 'eBPF'}) → ${out}\n`,
  );
  return r.outcome.exitCode;
}
