// The hardening report for a terminal (docs/report.md): the summary, the probe matrix with one
// column per configuration, the footprint counts and the findings count. Colour only when asked.

import Table from 'cli-table3';
import pc from 'picocolors';
import { VERDICTS, type ProbeCell, type Verdict } from '../battery/model.js';
import { answerName } from '../battery/verdict.js';
import type { HardeningReport } from './model.js';
import { allowedCount } from './syscall-map.js';

export interface TerminalOptions {
  color: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

function paintVerdict(c: Colors, v: Verdict, text: string): string {
  switch (v) {
    case 'reached':
      return c.red(text);
    case 'kernel':
      return c.yellow(text);
    case 'seccomp':
      return c.green(text);
    case 'inconclusive':
      return c.dim(text);
  }
}

const PLAIN = { head: [] as string[], border: [] as string[] };

/** A cell in a few characters: the verdict and the answer behind it (the details are in the HTML and JSON). */
function shortCell(cell: ProbeCell): string {
  const r = cell.raw;
  const answer =
    r.kind === 'returned'
      ? answerName(r.errno)
      : r.kind === 'signalled'
        ? r.signal === 31
          ? 'SIGSYS'
          : `signal ${r.signal}`
        : r.kind === 'prerequisite'
          ? `${r.call} ${answerName(r.errno)}`
          : 'harness';
  return `${cell.verdict} ${answer}`;
}

export function renderReportTerminal(report: HardeningReport, opts: TerminalOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [c.bold(`clawfence hardening report: ${report.title}`)];
  for (const s of report.summary) out.push(`  ${s}`);
  const p = report.provenance;
  out.push(
    '',
    `image ${p.image}${p.imageDigest === undefined ? '' : ` (${p.imageDigest})`}; ${p.engine} ${p.engineVersion}, ${p.runtime} ${p.runtimeVersion}, kernel ${p.kernel}`,
  );
  if (report.probes !== undefined) {
    const m = report.probes;
    const t = new Table({ head: ['probe', 'syscall', ...m.columns.map((col) => col.id)], style: opts.color ? {} : PLAIN });
    for (const row of m.rows) {
      t.push([
        row.probe.id,
        `${row.probe.syscall}${row.probe.abi === 'x86_64' ? '' : ` (${row.probe.abi})`}`,
        ...row.cells.map((cell) => paintVerdict(c, cell.verdict, shortCell(cell))),
      ]);
    }
    t.push(['counts', '', ...m.columns.map((col) => VERDICTS.map((v) => `${v} ${m.counts[col.id]?.[v] ?? 0}`).join('\n'))]);
    out.push('', t.toString());
    out.push(...m.columns.map((col) => `  ${col.id}: ${col.title} — ${col.source}`));
  }
  if (report.footprint !== undefined && report.footprint.length > 0) {
    const t = new Table({ head: ['ABI', 'recorded', 'allowed', "Docker's default", 'total'], style: opts.color ? {} : PLAIN });
    for (const f of report.footprint) t.push([f.abi, String(f.recorded), String(f.allowed), String(f.dockerDefault), String(f.total)]);
    out.push('', t.toString());
  }
  if (report.map !== undefined) {
    const m = report.map;
    out.push(
      '',
      `syscall map (${m.abi}, ${m.cells.length} syscalls): profile allows ${allowedCount(m.counts.profile)} (${m.counts.profile['dangerous-allowed']} dangerous), ${m.dockerDefaultTitle} allows ${allowedCount(m.counts.dockerDefault)} (${m.counts.dockerDefault['dangerous-allowed']} dangerous)`,
    );
  }
  out.push('', `findings: ${report.findings.length}`);
  return `${out.join('\n')}\n`;
}
