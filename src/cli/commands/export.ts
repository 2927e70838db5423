// `clawfence export PROFILE --format docker|oci|k8s|systemd [-o FILE] [--lossy]`.

import { exportProfile, type ExportFormat } from '../../formats/export.js';
import { loadProfile } from '../../formats/read.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { hostFromOptions, type HostOptions } from '../host.js';
import { toJson, write } from '../output.js';

export interface ExportCliOptions extends HostOptions {
  format: ExportFormat;
  output?: string;
  force?: boolean;
  lossy?: boolean;
  name?: string;
  select?: string;
  json?: boolean;
  color?: boolean | undefined;
}

export async function runExport(file: string, o: ExportCliOptions): Promise<number> {
  const host = hostFromOptions(o);
  const lp = loadProfile(file, o.select === undefined ? {} : { name: o.select });
  const res = exportProfile(lp.profile, o.format, {
    native: host.native,
    caps: host.caps,
    ...(host.kernel === undefined ? {} : { kernel: host.kernel }),
    ...(o.lossy === true ? { lossy: true } : {}),
    ...(o.name === undefined ? {} : { name: o.name }),
  });
  for (const l of res.lost) process.stderr.write(`clawfence: lost in ${o.format}: ${l}\n`);
  for (const n of res.notes) process.stderr.write(`clawfence: note: ${n}\n`);
  if (o.output !== undefined) {
    writeFileAtomic(o.output, res.text, { force: o.force === true });
    process.stderr.write(`clawfence: wrote ${o.output}\n`);
  }
  if (o.json === true) write(toJson({ format: o.format, text: res.text, lost: res.lost, notes: res.notes }));
  else if (o.output === undefined) process.stdout.write(res.text);
  return 0;
}
