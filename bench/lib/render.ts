// The results as a terminal table (cli-table3) and as Markdown (bench/results/*.md). Pure: the
// same results give the same text (test/bench/render.test.ts).

import Table from 'cli-table3';
import { commandLine } from './args.js';
import type { BenchResults, MachineFacts, Row } from './model.js';
import { formatRatio } from './stats.js';

export const HEAD = ['Bench', 'A / B', 'Workload', 'Metric', 'Ratio (median)', 'Min–max', 'Rounds', 'Target', 'Result', 'Peak memory'];

/** The text of the Result column: the verdict, then the figure it rests on. */
export function resultText(r: Row): string {
  const v = r.verdict === 'pass' ? 'PASS' : r.verdict === 'fail' ? 'FAIL' : r.verdict === 'error' ? 'ERROR' : r.verdict === 'n/a' ? 'not applicable' : 'info';
  const extra = r.verdict === 'error' ? r.error : r.detail;
  return extra === undefined || extra === '' ? v : `${v}: ${extra}`;
}

/** The cells of one row, in HEAD's order. */
export function rowCells(r: Row): string[] {
  const s = r.ratio;
  return [
    r.bench,
    r.what,
    r.workload,
    r.metric,
    s === undefined ? '—' : formatRatio(s.median),
    s === undefined ? '—' : `${formatRatio(s.min)}–${formatRatio(s.max)}`,
    s === undefined ? '—' : String(s.n),
    r.target ?? '—',
    resultText(r),
    r.memory ?? '—',
  ];
}

/** The table for a terminal; `paint` colours the verdict (identity when colour is off). */
export function renderTable(rows: readonly Row[], paint: (verdict: Row['verdict'], text: string) => string = (_v, t) => t): string {
  const t = new Table({
    head: HEAD,
    colWidths: [12, 30, 22, 11, 10, 15, 8, 14, 26, 20],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    const cells = rowCells(r);
    cells[8] = paint(r.verdict, cells[8] ?? '');
    t.push(cells);
  }
  return t.toString();
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${rowCells(r).map(mdCell).join(' | ')} |`);
  return lines.join('\n');
}

export function machineLines(m: MachineFacts): string[] {
  return [
    `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, kernel ${m.kernel}, BPF JIT ${m.bpfJit}`,
    `Node.js ${m.node}; Docker engine ${m.docker.server} (client ${m.docker.client}), runc ${m.docker.runc}, containerd ${m.docker.containerd}, cgroup ${m.docker.cgroup}, seccomp default: ${m.docker.seccompDefault}, at ${m.docker.host}`,
    `strace ${m.strace.host} on the host (ptrace recorder), ${m.strace.image} in the bench image (strace -f rows); time(1): ${m.time}`,
    `clawfence ${m.clawfence.version}, commit ${m.clawfence.commit}`,
    `load average at start ${m.loadAverage.start.map((x) => x.toFixed(2)).join(' ')}, at end ${m.loadAverage.end.map((x) => x.toFixed(2)).join(' ')}`,
  ];
}

export function renderMarkdown(res: BenchResults): string {
  const c = res.config;
  const scope = res.complete ? 'Complete run' : `Partial run (${c.only.join(', ')}; ${c.rounds} round${c.rounds === 1 ? '' : 's'})`;
  const out = [
    '# clawfence benchmarks',
    '',
    `${scope}, ${res.startedAt}, ${Math.round(res.seconds)} s in all. Every figure is a ratio of two things measured side by side in the same run (A and B alternated, ${c.warmup} warm-up round${c.warmup === 1 ? '' : 's'} discarded, then ${c.rounds} round${c.rounds === 1 ? '' : 's'}; ${c.slowRounds} for the slow rows): the median of the per-round ratios A/B, with their min and max.`,
    '',
    '## Machine',
    '',
    ...machineLines(res.machine).map((l) => `- ${l}`),
    '',
    '## Results',
    '',
    markdownTable(res.rows),
    '',
    '## Notes',
    '',
    ...res.notes.map((n) => `- ${n}`),
    '',
    '## Reproduce',
    '',
    '```sh',
    `npm run bench                               # everything${res.complete ? ` (${Math.max(1, Math.round(res.seconds / 60))} min for this run)` : ''}`,
    'npm run bench -- --rounds 3 --only B1,B5    # a quick look (written to bench/results/partial.*)',
    ...(res.complete && res.config.out === undefined
      ? []
      : [`npm run bench -- ${commandLine(c)}${' '.repeat(Math.max(1, 28 - commandLine(c).length))}# this run`]),
    '```',
    '',
  ];
  return out.join('\n');
}
