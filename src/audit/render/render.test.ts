// The three renderings of an audit report: table (colour on request), JSON (fixed order,
// deterministic) and SARIF 2.1.0 (structure, levels, positions in the profile file).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Table from 'cli-table3';
import fc from 'fast-check';
import pc from 'picocolors';
import { parseDockerProfile } from '../../formats/docker.js';
import { parseLocatedJson } from '../../source/located-json.js';
import { auditProfile } from '../audit.js';
import type { AuditReport } from '../model.js';
import { AUDIT_RULES } from '../rules.js';
import { renderAuditJson } from './json.js';
import { locatorFromTree } from '../../source/located-json.js';
import { renderAuditSarif, sarifLevel } from './sarif.js';
import { lineBreak, plainTable, renderAuditTable } from './table.js';

const FILE = 'data/reference/docker-default.json';
const TEXT = readFileSync(new URL(`../../../${FILE}`, import.meta.url), 'utf8');
const parsed = parseDockerProfile(TEXT);
assert.ok(parsed.ok);
const docker = parsed.value;
const report = auditProfile(docker, { native: 'x86_64', caps: [], reference: docker });
const ESC = '\u001b[';

describe('table', () => {
  it('has no escape sequences without colour and has them with colour', () => {
    const plain = renderAuditTable(report, { color: false, file: FILE });
    assert.ok(!plain.includes(ESC));
    assert.ok(renderAuditTable(report, { color: true, file: FILE }).includes(ESC));
  });

  it('shows the findings, the counts next to Docker and the dangerous names by category', () => {
    const t = renderAuditTable(report, { color: false, file: FILE });
    assert.match(t, /CF010/);
    assert.match(t, /ptrace is allowed/);
    assert.match(t, /Docker's default/);
    assert.match(t, /introspection: 3 \(process_vm_readv, process_vm_writev, ptrace\)/);
    assert.match(t, new RegExp(`${report.summary.total} findings: 0 critical, ${report.summary.bySeverity.high} high`));
  });

  it('says a profile has no findings beyond the counts, and still counts CF040 in the summary', () => {
    const small = parseDockerProfile(
      JSON.stringify({
        defaultAction: 'SCMP_ACT_ERRNO',
        architectures: ['SCMP_ARCH_X86_64'],
        syscalls: [{ names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' }],
      }),
    );
    assert.ok(small.ok);
    const r = auditProfile(small.value, { native: 'x86_64', caps: [], reference: docker });
    assert.deepEqual(
      r.findings.map((f) => f.id),
      ['CF040'],
    );
    const t = renderAuditTable(r, { color: false });
    assert.match(t, /^No findings besides CF040, the syscall counts below\.$/m);
    assert.match(t, /^1 finding: 0 critical, 0 high, 0 medium, 0 low, 1 info$/m);
  });

  it('breaks a wrapped cell with lineBreak() exactly as cli-table3 breaks it at a newline', () => {
    const word = fc.stringMatching(/^[a-z$.[\]0-9_(),:'-]{1,30}$/);
    const text = fc.array(word, { minLength: 1, maxLength: 40 }).map((ws) => ws.join(' '));
    fc.assert(
      fc.property(text, text, fc.integer({ min: 12, max: 80 }), fc.boolean(), (message, at, width, color) => {
        const c = pc.createColors(color);
        const draw = (cell: string): string => {
          const t = new Table({ colWidths: [width], wordWrap: true, style: { head: [], border: [] } });
          t.push([cell]);
          return t.toString();
        };
        assert.equal(draw(`${message}${lineBreak(width)}${c.dim(at)}`), draw(`${message}\n${c.dim(at)}`));
      }),
      { numRuns: 300 },
    );
  });

  it('draws plain ASCII tables exactly as cli-table3 does (word wrap, truncation, padding, box)', () => {
    const word = fc.oneof({ weight: 6, arbitrary: fc.stringMatching(/^[!-~]{1,12}$/) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{20,40}$/) });
    const space = fc.constantFrom(' ', ' ', ' ', '  ', '   ');
    const cell = fc.tuple(fc.constantFrom('', '', ' ', '  '), fc.array(fc.tuple(word, space), { maxLength: 12 }), fc.boolean()).map(([lead, ws, trim]) => {
      const t = lead + ws.map(([w, s]) => w + s).join('');
      return trim ? t.trimEnd() : t;
    });
    const withBreak = fc.tuple(cell, fc.option(cell, { nil: undefined })).map(([a, b]) => (b === undefined ? a : `${a}\n${b}`));
    const table = fc.integer({ min: 1, max: 4 }).chain((n) =>
      fc.record({
        widths: fc.array(fc.integer({ min: 5, max: 60 }), { minLength: n, maxLength: n }),
        rows: fc.array(fc.array(withBreak, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 6 }),
      }),
    );
    fc.assert(
      fc.property(table, ({ widths, rows }) => {
        const t = new Table({ head: rows[0] ?? [], colWidths: widths, wordWrap: true, style: { head: [], border: [] } });
        for (const r of rows.slice(1)) t.push(r);
        assert.equal(plainTable(rows, widths), t.toString());
      }),
      { numRuns: 200 },
    );
  });

  it('draws the plain findings table as cli-table3 draws it', () => {
    // é is one column wide like e, but sends the table through cli-table3.
    const withE = (ch: string): AuditReport => ({
      ...report,
      findings: report.findings.map((f, i) => (i === 0 ? { ...f, message: `${f.message} caf${ch}` } : f)),
    });
    const drawn = renderAuditTable(withE('\u00e9'), { color: false, file: FILE, width: 100 });
    assert.equal(drawn.replace('caf\u00e9', 'cafe'), renderAuditTable(withE('e'), { color: false, file: FILE, width: 100 }));
  });
});

describe('JSON', () => {
  it('is deterministic and has a fixed key order', () => {
    const a = renderAuditJson(report);
    const again = renderAuditJson(auditProfile(docker, { native: 'x86_64', caps: [], reference: docker }));
    assert.equal(a, again);
    const o = JSON.parse(a) as Record<string, unknown>;
    assert.deepEqual(Object.keys(o), [
      'schemaVersion',
      'native',
      'caps',
      'abis',
      'defaultAction',
      'defaultErrnoRet',
      'reference',
      'counts',
      'summary',
      'findings',
    ]);
    const findings = o['findings'] as Record<string, unknown>[];
    assert.equal(findings.length, report.findings.length);
    for (const f of findings) {
      const keys = Object.keys(f);
      const order = ['id', 'severity', 'category', 'message', 'syscall', 'abi', 'rule', 'path', 'syscalls'];
      assert.deepEqual(
        keys,
        order.filter((k) => keys.includes(k)),
      );
    }
    assert.deepEqual(Object.keys(o['counts'] as object), report.abis);
  });
});

describe('SARIF', () => {
  const tree = parseLocatedJson(TEXT).tree;
  assert.ok(tree);
  const sarif = JSON.parse(renderAuditSarif(report, { artifactUri: FILE, locate: locatorFromTree(tree), toolVersion: '0.0.0-test' })) as {
    $schema: string;
    version: string;
    runs: {
      tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } };
      results: Record<string, unknown>[];
    }[];
  };

  it('is SARIF 2.1.0 with a schema and one run whose driver lists every audit rule', () => {
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-schema-2\.1\.0\.json$/);
    assert.equal(sarif.runs.length, 1);
    const rules = sarif.runs[0]?.tool.driver.rules ?? [];
    assert.equal(sarif.runs[0]?.tool.driver.name, 'clawfence');
    assert.deepEqual(
      rules.map((r) => r.id),
      AUDIT_RULES.map((r) => r.id),
    );
    assert.equal(new Set(rules.map((r) => r.id)).size, rules.length);
    for (const r of rules) assert.ok(r.shortDescription.text.length > 0);
  });

  it('has one result per finding with ruleId, ruleIndex, level and message', () => {
    const results = sarif.runs[0]?.results ?? [];
    assert.equal(results.length, report.findings.length);
    const rules = sarif.runs[0]?.tool.driver.rules ?? [];
    results.forEach((res, i) => {
      const f = report.findings[i];
      assert.ok(f);
      assert.equal(res['ruleId'], f.id);
      assert.equal(rules[res['ruleIndex'] as number]?.id, f.id);
      assert.equal(res['level'], sarifLevel(f.severity));
      assert.equal((res['message'] as { text: string }).text, f.message);
    });
    assert.deepEqual(
      [sarifLevel('critical'), sarifLevel('high'), sarifLevel('medium'), sarifLevel('low'), sarifLevel('info')],
      ['error', 'error', 'warning', 'note', 'note'],
    );
  });

  it('points a result at the line and column of the syscall name in the profile file', () => {
    const results = sarif.runs[0]?.results ?? [];
    const i = report.findings.findIndex((f) => f.syscall === 'ptrace' && f.id === 'CF010');
    const loc = (
      results[i]?.['locations'] as { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[]
    )[0];
    assert.ok(loc);
    assert.equal(loc.physicalLocation.artifactLocation.uri, FILE);
    const { startLine, startColumn } = loc.physicalLocation.region;
    const line = TEXT.split('\n')[startLine - 1] ?? '';
    assert.equal(line.slice(startColumn - 1, startColumn - 1 + '"ptrace"'.length), '"ptrace"');
  });

  it('falls back to the nearest located ancestor of a path', () => {
    const out = JSON.parse(renderAuditSarif(report, { artifactUri: FILE, locate: (p) => (p === '$' ? { line: 1, column: 1 } : undefined) })) as typeof sarif;
    const res = out.runs[0]?.results.find((r) => r['ruleId'] === 'CF010');
    const region = (res?.['locations'] as { physicalLocation: { region?: { startLine: number } } }[])[0]?.physicalLocation.region;
    assert.deepEqual(region, { startLine: 1, startColumn: 1 });
  });
});
