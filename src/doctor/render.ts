// Renders a doctor report for the terminal: one line per check, the fix under each failing one.

import type { DoctorReport } from './model.js';

export interface RenderOptions {
  /** Wraps a mark in colour (e.g. picocolors' green/red/yellow); identity by default. */
  paint?: { ok: (s: string) => string; error: (s: string) => string; warning: (s: string) => string };
}

export function formatDoctorReport(report: DoctorReport, opts: RenderOptions = {}): string {
  const id = (s: string): string => s;
  const paint = opts.paint ?? { ok: id, error: id, warning: id };
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const lines: string[] = [];
  for (const c of report.checks) {
    const mark = c.ok ? paint.ok('ok  ') : c.severity === 'error' ? paint.error('FAIL') : paint.warning('warn');
    lines.push(`${mark} ${c.title.padEnd(width)}  ${c.detail}`);
    if (!c.ok && c.fix !== undefined) lines.push(`     ${''.padEnd(width)}  fix: ${c.fix}`);
  }
  const failing = report.checks.filter((c) => !c.ok);
  const errors = failing.filter((c) => c.severity === 'error').length;
  lines.push(
    failing.length === 0
      ? 'all checks passed'
      : `${errors} problem(s) and ${failing.length - errors} warning(s)${errors === 0 ? ': clawfence can run' : ': clawfence cannot run its main job until they are fixed'}`,
  );
  return `${lines.join('\n')}\n`;
}
