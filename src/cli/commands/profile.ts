// `clawfence profile [-o PROFILE] [--workloads FILE] [-- docker run … [--- docker run …]]`:
// record → generate → verify, with progress, the verdict, and what the workloads did not show.

import { ClawfenceError } from '../../errors.js';
import { findEngineEnv } from '../../engine/discover.js';
import type { RecorderChoice } from '../../recorder/record.js';
import { describeStats, type ArgLevel, type GeneralizeLevel, type UnrecordedMode } from '../../generator/index.js';
import { loadJustifications, UNRECORDED_LOG_LINE, unrecordedOf } from './generate.js';
import { calibrationId, describeRuntimeId } from '../../footprint/runtime-calibration.js';
import { profileWorkloads } from '../../pipeline/profile-workloads.js';
import { describeCoverage } from '../../pipeline/coverage.js';
import { loadWorkloads, type Workload } from '../../pipeline/workloads.js';
import { timeoutMs } from '../options.js';
import { colors, wantColor, write } from '../output.js';
import { VERSION } from '../version.js';
import { auditProfile } from '../../audit/audit.js';
import { loadDockerDefault } from '../../catalog/reference.js';
import { hardeningReport } from '../../pipeline/hardening.js';
import { unneededOpen } from '../../report/build.js';
import { renderReportTerminal } from '../../report/render-terminal.js';
import { printDockerProfile } from '../../formats/docker.js';
import { writeReportFiles } from './probe.js';
import { containerCaps } from '../../battery/caps.js';
import { parseRunCommand } from '../../engine/run-argv.js';

export interface ProfileCliOptions {
  output: string;
  force?: boolean;
  workloads?: string;
  footprint?: string;
  coverage?: string;
  runFootprints?: string;
  /** false with --no-image-scan. */
  imageScan?: boolean;
  repeat?: number;
  recorder: RecorderChoice;
  /** Seconds per run; 0: none. */
  timeout: number;
  /** For the workloads given after --. */
  expectExit: number;
  expectStdout?: RegExp;
  color?: boolean | undefined;
  args?: ArgLevel;
  generalize?: GeneralizeLevel;
  allow?: string[];
  justifications?: string;
  unrecorded?: UnrecordedMode;
  logDenied?: boolean;
  /** false with --no-probe: no probe battery, no hardening report. */
  probe?: boolean;
  /** The HTML report (default: the profile's name with .report.html). */
  html?: string;
}

/** out/x.seccomp.json → out/x.seccomp.report.html (and .report.json). */
export function reportFiles(output: string, html?: string): { html: string; json: string } {
  const base = output.replace(/\.json$/i, '');
  const h = html ?? `${base}.report.html`;
  return { html: h, json: h.replace(/\.html?$/i, '') + '.json' };
}

/** Splits `docker run a --- docker run b` into workloads. */
export function splitCommands(argv: string[]): string[][] {
  const out: string[][] = [[]];
  for (const a of argv) {
    if (a === '---') out.push([]);
    else out[out.length - 1]?.push(a);
  }
  return out.filter((c) => c.length > 0);
}

export async function runProfile(argv: string[], o: ProfileCliOptions): Promise<number> {
  const workloads: Workload[] = [
    ...(o.workloads === undefined ? [] : loadWorkloads(o.workloads).workloads),
    ...splitCommands(argv).map((cmd, i) => ({
      name: `workload-${i + 1}`,
      argv: cmd,
      expectExit: o.expectExit,
      ...(o.expectStdout === undefined ? {} : { expectStdout: o.expectStdout.source }),
    })),
  ];
  if (workloads.length === 0) {
    throw new ClawfenceError('bad-input', 'no workload to profile', {
      hint: 'give --workloads FILE or a command after --: clawfence profile -o p.json -- docker run --rm IMAGE CMD',
    });
  }
  const justifications = loadJustifications(o);
  const tier = unrecordedOf(o);
  const c = colors(wantColor(o.color));
  const started = Date.now();
  const env = await findEngineEnv({ commands: workloads.map((w) => w.argv) });
  const r = await profileWorkloads({
    workloads,
    output: o.output,
    force: o.force === true,
    env,
    clawfenceVersion: VERSION,
    progress: (l) => process.stderr.write(`${c.dim('clawfence:')} ${l}\n`),
    ...(o.footprint === undefined ? {} : { footprintOutput: o.footprint }),
    ...(o.coverage === undefined ? {} : { coverageOutput: o.coverage }),
    ...(o.runFootprints === undefined ? {} : { runFootprintsDir: o.runFootprints }),
    ...(o.imageScan === false ? { scanImages: false } : {}),
    ...(o.repeat === undefined ? {} : { repeat: o.repeat }),
    recorder: o.recorder,
    ...timeoutMs(o.timeout),
    ...(o.args === undefined ? {} : { args: o.args }),
    ...(o.generalize === undefined ? {} : { generalize: o.generalize }),
    justifications,
    ...tier,
  });
  const lines = [
    `profile: ${o.output}${o.footprint === undefined ? '' : ` (merged footprint: ${o.footprint})`}`,
    ...describeStats(r.stats).map((l) => `  ${l}`),
    ...(o.unrecorded === 'log' ? [`  ${UNRECORDED_LOG_LINE}`] : []),
    ...r.calibrations.map((k) => `  runtime calibration: ${describeRuntimeId(calibrationId(k))}, ${k.runs} starts under load: ${k.file ?? k.createdAt}`),
  ];
  for (const v of r.verdicts) {
    lines.push(`verify ${v.name}: ${v.pass ? c.green('PASS') : c.red('FAIL')}${v.pass ? '' : ` — ${v.reasons.join('; ')}`}`);
    for (const d of v.denied ?? [])
      lines.push(`  denied: ${d.syscall}${d.values === undefined ? '' : ` with ${d.values.join(', ')}`} on ${d.abi} by ${d.by?.comm ?? '?'}`);
  }
  lines.push(
    `${r.pass ? c.green('verified') : c.red('NOT verified')}: ${r.verdicts.filter((v) => v.pass).length}/${r.verdicts.length} workloads pass under the profile (${((Date.now() - started) / 1000).toFixed(1)} s: ${r.seconds.calibrate >= 1 ? `calibrate ${r.seconds.calibrate.toFixed(1)} s, ` : ''}record ${r.seconds.record.toFixed(1)} s, verify ${r.seconds.verify.toFixed(1)} s)`,
  );
  lines.push(...describeCoverage(r.coverage, { ...(o.coverage === undefined ? {} : { file: o.coverage }) }));
  const doors = r.refusals.length + r.wider.length;
  if (doors > 0)
    lines.push(
      `${c.red('findings')}: ${r.refusals.length} catalogued door${r.refusals.length === 1 ? '' : 's'} the workloads used stay${r.refusals.length === 1 ? 's' : ''} denied${r.wider.length > 0 ? `, ${r.wider.length} wider than Docker's default` : ''} (refused:/warning: above); justify what the tool really needs with --allow NAME[=VALUE]:"reason"`,
    );
  let open = 0;
  if (o.probe !== false && r.pass) {
    // The battery in the first workload's image and options, under the profile just verified.
    const files = reportFiles(o.output, o.html);
    const recorded = new Set(r.footprints.flatMap((fp) => Object.values(fp.syscalls).flatMap((m) => Object.keys(m ?? {}))));
    const caps = containerCaps(parseRunCommand(workloads[0]?.argv ?? []));
    const audit = auditProfile(r.profile, { native: r.stats.native, reference: loadDockerDefault(), caps });
    const report = await hardeningReport({
      argv: workloads[0]?.argv ?? [],
      env,
      clawfenceVersion: VERSION,
      profile: { profile: r.profile, path: o.output, text: printDockerProfile(r.profile) },
      recorded,
      generalised: new Set(r.stats.generalized.added.map((a) => a.syscall)),
      workloads: workloads.map((w) => w.name),
      footprint: r.stats.perAbi.map((a) => ({ abi: a.abi, recorded: a.recorded, allowed: a.allowed, dockerDefault: a.dockerDefault, total: a.total })),
      findings: audit.findings.map((f) => ({
        id: f.id,
        severity: f.severity,
        title: f.category,
        message: f.message,
        ...(f.syscall === undefined ? {} : { syscall: f.syscall }),
      })),
      coverage: describeCoverage(r.coverage),
      title: o.workloads ?? workloads[0]?.name ?? 'tool',
      progress: (l) => process.stderr.write(`${c.dim('clawfence:')} ${l}\n`),
    });
    writeReportFiles(report, files, o.force === true);
    open = report.probes === undefined ? 0 : unneededOpen(report.probes).length;
    lines.push('', renderReportTerminal(report, { color: wantColor(o.color) }), `hardening report: ${files.html} (JSON: ${files.json})`);
  }
  write(lines.join('\n'));
  return r.pass && doors === 0 && open === 0 ? 0 : 1;
}
