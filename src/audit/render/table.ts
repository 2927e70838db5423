// The audit report for a terminal: a findings table, allowed counts per ABI next to the
// reference, dangerous syscalls by category and a one-line summary. Colour only when asked.

import Table from 'cli-table3';
import pc from 'picocolors';
import { RISK_CATEGORIES, SEVERITIES, type AuditReport, type Severity } from '../model.js';

export interface TableOptions {
  /** Colour the output (the CLI passes false for NO_COLOR or a non-TTY). */
  color: boolean;
  /** The profile file, for the heading. */
  file?: string;
  /** Terminal width to wrap messages to (default 120). */
  width?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

function paintSeverity(c: Colors, s: Severity): string {
  switch (s) {
    case 'critical': return c.bold(c.red(s));
    case 'high': return c.red(s);
    case 'medium': return c.yellow(s);
    case 'low': return c.cyan(s);
    case 'info': return c.dim(s);
  }
}

const PLAIN = { head: [] as string[], border: [] as string[] };

function findingsTable(r: AuditReport, c: Colors, width: number): string {
  const rows = r.findings.filter((f) => f.id !== 'CF040');
  if (rows.length === 0) return 'No findings.';
  const fixed = [10, 7, 23];
  const message = Math.max(40, width - fixed.reduce((a, b) => a + b, 0) - 5);
  const t = new Table({
    head: ['SEVERITY', 'ID', 'CATEGORY', 'FINDING'].map((h) => c.bold(h)),
    colWidths: [...fixed, message],
    wordWrap: true,
    style: PLAIN,
  });
  for (const f of rows) {
    const where = [f.path, f.abi].filter((x) => x !== undefined).join(' on ');
    t.push([paintSeverity(c, f.severity), f.id, f.category, where === '' ? f.message : `${f.message}\n${c.dim(`at ${where}`)}`]);
  }
  return t.toString();
}

function countsTable(r: AuditReport, c: Colors): string {
  const withRef = r.reference !== undefined;
  const t = new Table({
    head: ['ABI', 'allowed', 'conditional', 'total', ...(withRef ? [r.reference ?? ''] : [])].map((h) => c.bold(h)),
    colAligns: ['left', 'right', 'right', 'right', 'right'],
    style: PLAIN,
  });
  for (const abi of r.abis) {
    const n = r.counts[abi];
    if (n === undefined) continue;
    t.push([abi, n.allowed, n.conditional, n.total, ...(withRef ? [n.referenceAllowed ?? 0] : [])]);
  }
  return t.toString();
}

function dangerousLine(r: AuditReport): string {
  return RISK_CATEGORIES.map((cat) => {
    const names = r.summary.dangerous[cat];
    return `  ${cat}: ${names.length}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
  }).join('\n');
}

export function renderAuditTable(r: AuditReport, o: TableOptions): string {
  const c = pc.createColors(o.color);
  const caps = r.caps.length === 0 ? 'none' : r.caps.join(',');
  const head = `${c.bold('clawfence audit')}${o.file === undefined ? '' : ` ${o.file}`}: host ${r.native}, filter ABIs ${r.abis.join(', ')}, caps ${caps}, kernel ${r.kernel ?? 'any'}`;
  const s = r.summary;
  const counts = SEVERITIES.map((sev) => `${s.bySeverity[sev]} ${sev}`).join(', ');
  return [
    head,
    findingsTable(r, c, o.width ?? 120),
    'Allowed syscalls per ABI:',
    countsTable(r, c),
    'Dangerous syscalls allowed, by category:',
    dangerousLine(r),
    `${s.total} finding${s.total === 1 ? '' : 's'}: ${counts}`,
  ].join('\n') + '\n';
}
