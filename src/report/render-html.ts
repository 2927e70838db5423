// The hardening report as one self-contained HTML page (docs/report.md): inline CSS, CSS-grid
// syscall maps, no scripts, no external URLs. Every string from the model is escaped. Numbers
// carry data-attributes (data-count, data-verdict-count) so a test can compare them to the JSON.

import { VERDICTS, type Verdict } from '../battery/model.js';
import type { HardeningReport, MapCell, MapState, SyscallMap } from './model.js';
import { MAP_STATES, allowedCount } from './syscall-map.js';

/** Text and attribute values: & < > " ' all become entities. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
const e = escapeHtml;

const STATE_COLOR: Record<MapState, string> = {
  denied: '#e5e7eb',
  allowed: '#3b82f6',
  conditional: '#93c5fd',
  generalised: '#a855f7',
  'dangerous-allowed': '#dc2626',
};
const VERDICT_CLASS: Record<Verdict, string> = { reached: 'v-reached', kernel: 'v-kernel', seccomp: 'v-seccomp', inconclusive: 'v-inconclusive' };

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111827;margin:0;background:#f9fafb}
main{max-width:1180px;margin:0 auto;padding:24px 32px;background:#fff}
header{border-bottom:3px solid #111827;padding-bottom:12px;margin-bottom:16px}
header .tool{font-size:12px;letter-spacing:.12em;text-transform:uppercase;color:#6b7280}
h1{margin:4px 0 8px;font-size:26px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d1d5db;padding-bottom:4px}
.verdict{background:#f3f4f6;border-left:4px solid #111827;padding:8px 14px;margin:0}
.verdict li{margin:2px 0}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid #d1d5db;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,monospace}
.maps{display:grid;grid-template-columns:1fr 1fr;gap:24px}
.map{display:grid;grid-template-columns:repeat(24,1fr);gap:2px}
.cell{aspect-ratio:1;border-radius:2px}
.cell.t-dangerous{outline:1px solid #7f1d1d;outline-offset:-1px}
.legend{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0;font-size:12px}
.legend span.sw{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:middle;margin-right:4px}
.v-reached{background:#fecaca}.v-kernel{background:#fde68a}.v-seccomp{background:#bbf7d0}.v-inconclusive{background:#e5e7eb}
.probe-group th{background:#e5e7eb;text-align:left}
.muted{color:#6b7280}
${MAP_STATES.map((s) => `.s-${s}{background:${STATE_COLOR[s]}}`).join('')}
`;

function row(label: string, value: string | undefined): string {
  return value === undefined ? '' : `<tr><th>${e(label)}</th><td><code>${e(value)}</code></td></tr>`;
}

function mapGrid(m: SyscallMap, side: 'profile' | 'dockerDefault', title: string): string {
  const cells = m.cells
    .map((c: MapCell) => {
      const s = c[side];
      return `<div class="cell s-${s} t-${c.tier}" data-syscall="${e(c.name)}" data-state="${s}" title="${e(`${c.name} (${c.nr}): ${s}, ${c.tier}`)}"></div>`;
    })
    .join('');
  const counts = MAP_STATES.map((s) => `${e(s)} <b data-count="${side === 'profile' ? 'profile' : 'docker'}-${s}">${m.counts[side][s]}</b>`).join(' · ');
  return `<div><h3>${e(title)}</h3><p class="muted">lets through <b data-count="${side === 'profile' ? 'profile' : 'docker'}-allowed-total">${allowedCount(m.counts[side])}</b> of ${m.cells.length}: ${counts}</p><div class="map" data-map="${side}">${cells}</div></div>`;
}

function legend(): string {
  return `<div class="legend">${MAP_STATES.map((s) => `<span><span class="sw s-${s}"></span>${e(s)}</span>`).join('')}<span class="muted">outlined: dangerous tier</span></div>`;
}

export function renderReportHtml(r: HardeningReport): string {
  const p = r.provenance;
  const parts: string[] = [];
  parts.push(
    `<header><div class="tool">clawfence · hardening report · ${e(r.schema)}</div><h1>${e(r.title)}</h1>`,
    `<ul class="verdict">${r.summary.map((s) => `<li>${e(s)}</li>`).join('')}</ul></header>`,
  );
  parts.push(
    '<h2>Provenance</h2><table>',
    row('Image', p.image),
    row('Image digest', p.imageDigest),
    row('Profile', p.profilePath),
    row('Profile digest', p.profileDigest),
    row('Engine', `${p.engine} ${p.engineVersion}`),
    row('Runtime', `${p.runtime} ${p.runtimeVersion}`),
    row('libseccomp', p.libseccompVersion),
    row('Kernel', p.kernel),
    row('Recorder', p.recorder),
    row('Workloads', p.workloads.join(', ')),
    row('clawfence', p.clawfenceVersion),
    row('Generated', p.generatedAt),
    '</table>',
  );
  if (r.footprint !== undefined && r.footprint.length > 0) {
    parts.push(
      '<h2>Footprint</h2><table><tr><th>ABI</th><th>recorded</th><th>allowed by the profile</th><th>allowed by Docker’s default</th><th>syscalls on the ABI</th></tr>',
    );
    for (const f of r.footprint) {
      const a = e(f.abi);
      parts.push(
        `<tr><td>${a}</td><td class="num" data-count="footprint-${a}-recorded">${f.recorded}</td><td class="num" data-count="footprint-${a}-allowed">${f.allowed}</td><td class="num" data-count="footprint-${a}-docker">${f.dockerDefault}</td><td class="num" data-count="footprint-${a}-total">${f.total}</td></tr>`,
      );
    }
    parts.push('</table>');
  }
  if (r.map !== undefined) {
    const m = r.map;
    parts.push(
      `<h2>Syscall map (${e(m.abi)}, <span data-count="map-total">${m.cells.length}</span> syscalls)</h2>`,
      legend(),
      `<div class="maps">${mapGrid(m, 'profile', 'This profile')}${mapGrid(m, 'dockerDefault', m.dockerDefaultTitle)}</div>`,
    );
  }
  if (r.probes !== undefined) {
    const m = r.probes;
    parts.push('<h2>Probe matrix</h2>');
    parts.push(`<p>${e(m.method)}</p>`);
    if (m.runOptions.length > 0) parts.push(`<p class="muted">Run options: <code>${e(m.runOptions.join(' '))}</code>; marker errno ${m.markerErrno}.</p>`);
    parts.push(`<div class="legend">${VERDICTS.map((v) => `<span><span class="sw ${VERDICT_CLASS[v]}"></span>${v}</span>`).join('')}</div>`);
    parts.push(`<table><tr><th>probe</th><th>syscall</th>${m.columns.map((c) => `<th title="${e(c.source)}">${e(c.title)}</th>`).join('')}</tr>`);
    const groups = new Map<string, typeof m.rows>();
    for (const row of m.rows) {
      const g = row.probe.id.split('-')[0] ?? row.probe.id;
      groups.set(g, [...(groups.get(g) ?? []), row]);
    }
    for (const [g, rows] of groups) {
      parts.push(`<tr class="probe-group"><th colspan="${m.columns.length + 2}">${e(g)}</th></tr>`);
      for (const row of rows) {
        const pr = row.probe;
        parts.push(
          `<tr data-probe="${e(pr.id)}"><td><b>${e(pr.door)}</b><br><code class="muted">${e(pr.id)}</code></td><td><code>${e(pr.syscall)}</code> <span class="muted">${e(pr.abi)}</span><br><span class="muted">${e(pr.args)}</span>${row.recorded === true ? '<br><i>recorded</i>' : ''}</td>`,
          ...row.cells.map(
            (cell, i) =>
              `<td class="${VERDICT_CLASS[cell.verdict]}" data-column="${e(m.columns[i]?.id ?? '')}" data-verdict="${cell.verdict}"><b>${cell.verdict}</b><br>${e(cell.detail)}</td>`,
          ),
          '</tr>',
        );
      }
    }
    parts.push(
      `<tr><th colspan="2">counts</th>${m.columns
        .map((c) => `<td>${VERDICTS.map((v) => `${v} <b data-verdict-count="${e(c.id)}:${v}">${m.counts[c.id]?.[v] ?? 0}</b>`).join('<br>')}</td>`)
        .join('')}</tr></table>`,
    );
  }
  parts.push(`<h2>Findings (<span data-count="findings">${r.findings.length}</span>)</h2>`);
  if (r.findings.length === 0) parts.push('<p class="muted">No findings.</p>');
  else {
    parts.push('<table><tr><th>severity</th><th>id</th><th>finding</th><th>syscall</th></tr>');
    for (const f of r.findings)
      parts.push(
        `<tr><td>${e(f.severity)}</td><td><code>${e(f.id)}</code></td><td><b>${e(f.title)}</b><br>${e(f.message)}</td><td>${e(f.syscall ?? '')}</td></tr>`,
      );
    parts.push('</table>');
  }
  parts.push('<h2>Coverage</h2>');
  parts.push(r.coverage.length === 0 ? '<p class="muted">No coverage notes.</p>' : `<ul>${r.coverage.map((c) => `<li>${e(c)}</li>`).join('')}</ul>`);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(`clawfence report: ${r.title}`)}</title><style>${CSS}</style></head><body><main>${parts.join('\n')}</main></body></html>\n`;
}
