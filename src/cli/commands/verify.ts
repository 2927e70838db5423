// `clawfence verify --profile PROFILE [--expect-exit N] [--expect-stdout REGEX] [--complain] -- docker run …`

import { ClawfenceError } from '../../errors.js';
import { findEngineEnv } from '../../engine/discover.js';
import type { RecorderChoice } from '../../recorder/record.js';
import { verifyWorkload, type VerifyResult } from '../../verifier/verify.js';
import { timeoutMs } from '../options.js';
import { colors, toJson, wantColor, write } from '../output.js';
import { VERSION } from '../version.js';
import { readFileSync } from 'node:fs';
import { loadProfile } from '../../formats/read.js';
import { hardeningReport } from '../../pipeline/hardening.js';
import { renderReportTerminal } from '../../report/render-terminal.js';
import { writeReportFiles } from './probe.js';

export interface VerifyCliOptions {
  profile: string;
  expectExit: number;
  expectStdout?: RegExp;
  complain?: boolean;
  recorder: RecorderChoice;
  /** Seconds; 0: none. */
  timeout: number;
  json?: boolean;
  color?: boolean | undefined;
  /** Also run the probe battery under the profile and write the hardening report (HTML / JSON). */
  html?: string;
  report?: string;
  force?: boolean;
}

export function renderVerdict(r: VerifyResult, color: boolean): string {
  const c = colors(color);
  const lines = [r.pass ? c.green('verify: PASS') + ` (exit ${r.exitCode})` : c.red('verify: FAIL') + ` — ${r.reasons.join('; ')}`];
  if (r.denied !== undefined) {
    if (r.denied.length === 0) lines.push('  the complain run saw no call outside the profile');
    for (const d of r.denied) {
      const by = d.by === undefined ? '' : ` by ${d.by.comm}${d.by.exe !== undefined && d.by.exe !== d.by.comm ? ` (${d.by.exe})` : ''}`;
      lines.push(
        `  denied: ${d.syscall}${d.values === undefined ? '' : ` with ${d.values.join(', ')}`} on ${d.abi} (${d.action}), ${d.count}×${by}${d.runtime ? ' [container runtime]' : ''}`,
      );
    }
    if (r.denied.length > 0)
      lines.push(
        `  fix: re-record with this workload and regenerate (clawfence profile …), or add ${r.denied.map((d) => d.syscall).join(', ')} to the profile if you accept them`,
      );
  }
  return lines.join('\n');
}

export async function runVerify(argv: string[], o: VerifyCliOptions): Promise<number> {
  if (argv.length === 0)
    throw new ClawfenceError('bad-input', 'nothing to verify', {
      hint: 'write the command after --: clawfence verify --profile p.json -- docker run --rm IMAGE CMD',
    });
  const env = await findEngineEnv({ commands: [argv] });
  const r = await verifyWorkload({
    argv,
    profileFile: o.profile,
    env,
    clawfenceVersion: VERSION,
    expectExit: o.expectExit,
    ...(o.expectStdout === undefined ? {} : { expectStdout: o.expectStdout }),
    ...(o.complain === true ? { complain: true } : {}),
    recorder: o.recorder,
    ...timeoutMs(o.timeout),
    stdio: o.json === true ? 'pipe' : 'tee',
  });
  if (o.json === true) write(toJson(r));
  else process.stderr.write(`${renderVerdict(r, wantColor(o.color))}\n`);
  if (o.html !== undefined || o.report !== undefined) {
    // The battery in the workload's image and options, under the profile just enforced.
    const report = await hardeningReport({
      argv,
      env,
      clawfenceVersion: VERSION,
      profile: { profile: loadProfile(o.profile).profile, path: o.profile, text: readFileSync(o.profile, 'utf8') },
      progress: (l) => process.stderr.write(`clawfence: ${l}\n`),
    });
    writeReportFiles(report, { ...(o.html === undefined ? {} : { html: o.html }), ...(o.report === undefined ? {} : { json: o.report }) }, o.force === true);
    if (o.json !== true)
      process.stderr.write(`${renderReportTerminal(report, { color: wantColor(o.color) })}\nhardening report: ${o.html ?? o.report ?? ''}\n`);
  }
  return r.pass ? 0 : 1;
}
