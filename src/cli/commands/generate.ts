// `clawfence generate FOOTPRINT… [-o PROFILE] [--force] [--default-errno N] [--kill] [--arch A]`

import { loadFootprint } from '../../footprint/parse.js';
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
  const { profile, stats } = generateProfile(fps, {
    labels: files,
    ...(o.defaultErrno === undefined ? {} : { defaultErrno: o.defaultErrno }),
    defaultAction: o.kill === true ? 'kill_process' : 'errno',
    ...(o.arch === undefined ? {} : { native: parseArch(o.arch) }),
  });
  const text = printDockerProfile(profile);
  if (o.output === undefined) process.stdout.write(text);
  else writeFileAtomic(o.output, text, { force: o.force === true });
  for (const l of describeStats(stats)) process.stderr.write(`${l}\n`);
  if (o.output !== undefined) process.stderr.write(`clawfence: wrote ${o.output}\n`);
  return 0;
}
