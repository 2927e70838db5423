// The report's three renderings: JSON round-trips the model, the terminal table shows every probe
// and column, the HTML page escapes the model's strings and references nothing outside itself.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFixtureReport } from '../../test/support/report-fixture.js';
import { escapeHtml, renderReportHtml } from './render-html.js';
import { renderReportJson } from './render-json.js';
import { renderReportTerminal } from './render-terminal.js';

describe('report renderers', () => {
  const report = buildFixtureReport();

  it('JSON is the model, stable and newline-terminated', () => {
    const text = renderReportJson(report);
    assert.ok(text.endsWith('}\n'));
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(report)));
    assert.equal(renderReportJson(buildFixtureReport()), text);
  });

  it('the terminal table has a row per probe, a column per configuration, and no colour when not asked', () => {
    const text = renderReportTerminal(report, { color: false });
    assert.doesNotMatch(text, /\x1b\[/);
    for (const row of report.probes?.rows ?? []) assert.match(text, new RegExp(row.probe.id));
    for (const col of report.probes?.columns ?? []) assert.ok(text.includes(col.title), col.title);
    assert.match(text, /findings: 1/);
    assert.match(renderReportTerminal(report, { color: true }), /\x1b\[3[12]m/);
  });

  it("escapes '<script>' in the title and in every other string", () => {
    const evil = buildFixtureReport({ title: '<script>alert(1)</script> & "x"' });
    evil.findings[0] = { id: 'x', severity: 'high', title: '<img src=x onerror=alert(1)>', message: "it's <b>bold</b>" };
    const html = renderReportHtml(evil);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /<b>bold/);
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;x&#34;'));
    assert.equal(escapeHtml(`<>&"'`), '&#60;&#62;&#38;&#34;&#39;');
  });

  it('references no http:// or https:// resource and loads no script', () => {
    const html = renderReportHtml(report);
    assert.doesNotMatch(html, /(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    assert.doesNotMatch(html, /https?:\/\//i);
    assert.doesNotMatch(html, /<script|<link|@import|url\(/i);
  });

  it('has one map cell per syscall on each side and the counts as data-attributes', () => {
    const html = renderReportHtml(report);
    const map = report.map;
    assert.ok(map !== undefined);
    assert.equal(html.match(/class="cell /g)?.length, map.cells.length * 2);
    assert.ok(html.includes(`data-count="profile-denied">${map.counts.profile.denied}<`));
    assert.ok(html.includes(`data-verdict-count="profile:seccomp">${report.probes?.counts['profile']?.seccomp}<`));
    assert.ok(html.includes('title="brk (12): allowed, benign"'));
  });
});
