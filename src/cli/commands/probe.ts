// `clawfence probe [--profile P] [--footprint F] [--html FILE] [--report FILE] [--json] -- docker run … IMAGE`:
// runs the probe battery in the tool's own image and options under unconfined, the engine's
// built-in default, Docker's reference default and (with --profile) the tool's profile, and prints
// the hardening report. Exit 1 when the profile leaves a probe unstopped by seccomp whose call the
// tool did not record (with --footprint; without one, any probe the profile does not stop).

import { readFileSync } from 'node:fs';
import { ClawfenceError } from '../../errors.js';
import { findEngineEnv } from '../../engine/discover.js';
import { loadFootprint } from '../../footprint/parse.js';
import { loadProfile } from '../../formats/read.js';
import { hardeningReport } from '../../pipeline/hardening.js';
import { unneededOpen } from '../../report/build.js';
import type { HardeningReport } from '../../report/model.js';
import { renderReportHtml } from '../../report/render-html.js';
import { renderReportJson } from '../../report/render-json.js';
import { renderReportTerminal } from '../../report/render-terminal.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { wantColor, write } from '../output.js';
import { VERSION } from '../version.js';

export interface ProbeCliOptions {
  profile?: string;
  footprint?: string;
  html?: string;
  report?: string;
  force?: boolean;
  json?: boolean;
  color?: boolean | undefined;
}

/** Writes the report's files (atomic, never over an existing file without force). */
export function writeReportFiles(report: HardeningReport, files: { html?: string; json?: string }, force: boolean): void {
  if (files.html !== undefined) writeFileAtomic(files.html, renderReportHtml(report), { force });
  if (files.json !== undefined) writeFileAtomic(files.json, renderReportJson(report), { force });
}

export async function runProbe(argv: string[], o: ProbeCliOptions): Promise<number> {
  if (argv.length === 0)
    throw new ClawfenceError('bad-input', 'nothing to probe', { hint: 'write the run command after --: clawfence probe --profile p.json -- docker run IMAGE' });
  const loaded = o.profile === undefined ? undefined : loadProfile(o.profile);
  const fp = o.footprint === undefined ? undefined : loadFootprint(o.footprint).footprint;
  const report = await hardeningReport({
    argv,
    env: await findEngineEnv({ commands: [argv] }),
    clawfenceVersion: VERSION,
    ...(loaded === undefined || o.profile === undefined
      ? {}
      : { profile: { profile: loaded.profile, path: o.profile, text: readFileSync(o.profile, 'utf8') } }),
    ...(fp === undefined
      ? {}
      : {
          recorded: new Set(Object.values(fp.syscalls).flatMap((m) => Object.keys(m ?? {}))),
          workloads: [...new Set((fp.workloads ?? []).map((w) => w.name))],
        }),
    progress: (l) => process.stderr.write(`clawfence: ${l}\n`),
  });
  writeReportFiles(report, { ...(o.html === undefined ? {} : { html: o.html }), ...(o.report === undefined ? {} : { json: o.report }) }, o.force === true);
  if (o.json === true) write(renderReportJson(report));
  else write(renderReportTerminal(report, { color: wantColor(o.color) }));
  if (o.html !== undefined) process.stderr.write(`clawfence: the hardening report is ${o.html}\n`);
  return report.probes !== undefined && loaded !== undefined && unneededOpen(report.probes).length > 0 ? 1 : 0;
}
