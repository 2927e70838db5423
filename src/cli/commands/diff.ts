// `clawfence diff A B`: the semantic difference per ABI; exit 1 when the profiles differ.

import { diffProfiles, formatDiff } from '../../diff/index.js';
import { loadProfile } from '../../formats/read.js';
import { describeArgValue } from '../../syscalls/constants.js';
import { hostFromOptions, type HostOptions } from '../host.js';
import { toJson, write } from '../output.js';

export interface DiffCliOptions extends HostOptions {
  json?: boolean;
  color?: boolean | undefined;
}

export async function runDiff(fileA: string, fileB: string, o: DiffCliOptions): Promise<number> {
  const host = hostFromOptions(o);
  const a = loadProfile(fileA);
  const b = loadProfile(fileB);
  const describe = (syscall: string, index: number, value: bigint): string | undefined => describeArgValue(syscall, index, value);
  const r = diffProfiles(a.profile, b.profile, {
    native: host.native,
    caps: host.caps,
    ...(host.kernel === undefined ? {} : { kernel: host.kernel }),
    describe,
  });
  if (o.json === true) write(toJson({ a: fileA, b: fileB, caps: host.caps, kernel: host.kernel, ...r }));
  else if (r.isEmpty) {
    const sampled = r.abis.flatMap((x) => x.sampled);
    write(
      sampled.length === 0
        ? `no difference: ${fileA} and ${fileB} decide every call alike on ${host.native}`
        : `no difference found on ${host.native} (${sampled.join(', ')} checked on a sample of argument values)`,
    );
  } else write([`A = ${fileA}`, `B = ${fileB}`, ...formatDiff(r, { labels: ['A', 'B'], describe })].join('\n'));
  return r.isEmpty ? 0 : 1;
}
