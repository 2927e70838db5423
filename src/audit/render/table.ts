// The audit report for a terminal: a findings table, allowed counts per ABI next to the
// reference, dangerous syscalls by category and a one-line summary. Colour only when asked.

import Table from 'cli-table3';
import pc from 'picocolors';
import { RISK_CATEGORIES, SEVERITIES, type AuditReport, type Finding, type Severity } from '../model.js';
import { describeTierCounts } from '../../catalog/syscall-risk.js';

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
    case 'critical':
      return c.bold(c.red(s));
    case 'high':
      return c.red(s);
    case 'medium':
      return c.yellow(s);
    case 'low':
      return c.cyan(s);
    case 'info':
      return c.dim(s);
  }
}

const PLAIN = { head: [] as string[], border: [] as string[] };

/**
 * Starts a new line inside a word-wrapped cell of `width` columns. cli-table3 measures a cell's
 * whole content again for every line it draws, and for content holding a newline it does so one
 * character at a time (quadratic: tens of milliseconds for Docker's default). A run of
 * spaces wider than the column makes its word wrap break the line exactly as a newline would.
 */
export function lineBreak(width: number): string {
  return ' '.repeat(width + 1);
}

/** Printable ASCII (and our own line breaks): one column per character. */
const PLAIN_TEXT = /^[\x20-\x7e\n]*$/;

/** cli-table3's word wrap (utils.wordWrap) of one line of text one column per character wide. */
function wrapPlain(text: string, width: number): string[] {
  const lines: string[] = [];
  const split = text.split(/(\s+)/g);
  let line: string[] = [];
  let length = 0;
  let space: string | undefined;
  for (let i = 0; i < split.length; i += 2) {
    const word = split[i] ?? '';
    const next = length + word.length + (length > 0 && space !== undefined ? space.length : 0);
    if (next > width) {
      if (length !== 0) lines.push(line.join(''));
      line = [word];
      length = word.length;
    } else {
      line.push(space ?? '', word);
      length = next;
    }
    space = split[i + 1];
  }
  if (length > 0) lines.push(line.join(''));
  return lines;
}

/**
 * A table exactly as cli-table3 draws one with fixed column widths, word wrap and its default box
 * and padding, for printable ASCII text (the first row is the header). cli-table3 measures each
 * cell again with Unicode's width tables for every line it draws, which makes a table of many
 * findings cost tens of milliseconds; text with colour or other characters still goes through it
 * (a test keeps the two the same).
 */
export function plainTable(rows: readonly (readonly string[])[], widths: readonly number[]): string {
  const rule = (left: string, mid: string, right: string): string => `${left}${widths.map((w) => '─'.repeat(w)).join(mid)}${right}`;
  const inner = widths.map((w) => w - 2); // one space of padding on each side
  const out: string[] = [];
  rows.forEach((cells, y) => {
    out.push(y === 0 ? rule('┌', '┬', '┐') : rule('├', '┼', '┤'));
    const lines = cells.map((cell, x) => cell.split('\n').flatMap((part) => wrapPlain(part, inner[x] as number)));
    const height = Math.max(1, ...lines.map((l) => l.length));
    for (let i = 0; i < height; i++) {
      const drawn = lines.map((l, x) => {
        const w = inner[x] as number;
        const text = l[i];
        if (text === undefined) return ' '.repeat(w + 2);
        return ` ${(text.length > w ? `${text.slice(0, w - 1)}…` : text).padEnd(w)} `;
      });
      out.push(`│${drawn.join('│')}│`);
    }
  });
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}

const HEAD = ['SEVERITY', 'ID', 'CATEGORY', 'FINDING'];

function findingsTable(r: AuditReport, c: Colors, color: boolean, width: number): string {
  const rows = r.findings.filter((f) => f.id !== 'CF040');
  if (rows.length === 0) return 'No findings besides CF040, the syscall counts below.';
  const fixed = [10, 7, 23];
  const message = Math.max(40, width - fixed.reduce((a, b) => a + b, 0) - 5);
  const where = (f: Finding): string => [f.path, f.abi].filter((x) => x !== undefined).join(' on ');
  if (!color) {
    const cells = [
      HEAD,
      ...rows.map((f) => {
        const at = where(f);
        return [f.severity, f.id, f.category, at === '' ? f.message : `${f.message}\nat ${at}`];
      }),
    ];
    if (cells.every((row) => row.every((cell) => PLAIN_TEXT.test(cell)))) return plainTable(cells, [...fixed, message]);
  }
  const t = new Table({
    head: HEAD.map((h) => c.bold(h)),
    colWidths: [...fixed, message],
    wordWrap: true,
    style: PLAIN,
  });
  for (const f of rows) {
    const at = where(f);
    t.push([paintSeverity(c, f.severity), f.id, f.category, at === '' ? f.message : `${f.message}${lineBreak(message)}${c.dim(`at ${at}`)}`]);
  }
  return t.toString();
}

function countsTable(r: AuditReport, c: Colors): string {
  const withRef = r.reference !== undefined;
  const t = new Table({
    head: ['ABI', 'allowed', 'by risk tier', 'conditional', 'total', ...(withRef ? [r.reference ?? ''] : [])].map((h) => c.bold(h)),
    colAligns: ['left', 'right', 'left', 'right', 'right', 'right'],
    style: PLAIN,
  });
  for (const abi of r.abis) {
    const n = r.counts[abi];
    if (n === undefined) continue;
    t.push([abi, n.allowed, describeTierCounts(n.tiers), n.conditional, n.total, ...(withRef ? [n.referenceAllowed ?? 0] : [])]);
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
  return (
    [
      head,
      findingsTable(r, c, o.color, o.width ?? 120),
      'Allowed syscalls per ABI:',
      countsTable(r, c),
      'Dangerous syscalls allowed, by category:',
      dangerousLine(r),
      `${s.total} finding${s.total === 1 ? '' : 's'}: ${counts}`,
    ].join('\n') + '\n'
  );
}
