// The results table: cells, verdict texts, Markdown escaping, and the whole Markdown page.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS } from '../../bench/lib/args.js';
import type { BenchResults, Row } from '../../bench/lib/model.js';
import { HEAD, markdownTable, renderMarkdown, renderTable, resultText, rowCells } from '../../bench/lib/render.js';

const pass: Row = {
  id: 'B1.micro.ebpf.loop',
  bench: 'B1',
  what: 'clawfence record --recorder ebpf / plain docker run',
  workload: 'micro: 1M getppid',
  metric: 'loop time',
  ratio: { median: 1.234, min: 1.1, max: 1.5, n: 7 },
  target: '≤ 1.30×',
  verdict: 'pass',
  detail: '+48 ns/call',
  memory: 'node 57 MB',
};
const fail: Row = { ...pass, id: 'x', verdict: 'fail', ratio: { median: 1.62, min: 1.5, max: 1.9, n: 7 } };
const na: Row = { id: 'B4.vault', bench: 'B4', what: 'vault check', workload: '—', metric: 'wall', verdict: 'n/a', detail: 'vault gate not built' };
const err: Row = {
  id: 'B3',
  bench: 'B3',
  what: 'profile / plain',
  workload: 'Flask',
  metric: 'wall',
  target: '≤ 3.00×',
  verdict: 'error',
  error: 'clawfence profile: exit 2: no engine',
};

describe('bench table', () => {
  it('one cell per column, ratios with min–max and rounds', () => {
    const cells = rowCells(pass);
    assert.equal(cells.length, HEAD.length);
    assert.deepEqual(cells.slice(4, 10), ['1.23×', '1.10×–1.50×', '7', '≤ 1.30×', 'PASS: +48 ns/call', 'node 57 MB']);
  });

  it('says pass, fail, not applicable and error plainly', () => {
    assert.equal(resultText(pass), 'PASS: +48 ns/call');
    const { detail: _detail, ...bare } = fail;
    assert.equal(resultText(bare), 'FAIL');
    assert.equal(resultText(na), 'not applicable: vault gate not built');
    assert.equal(resultText(err), 'ERROR: clawfence profile: exit 2: no engine');
    assert.deepEqual(rowCells(na).slice(4, 8), ['—', '—', '—', '—']);
  });

  it('escapes pipes in Markdown cells', () => {
    const md = markdownTable([{ ...pass, workload: 'clone(CLONE_NEWUSER|SIGCHLD)' }]);
    const lines = md.split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines[2]?.includes('clone(CLONE_NEWUSER\\|SIGCHLD)'));
    // Every row has as many unescaped separators as the header.
    const seps = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    assert.equal(seps(lines[2] ?? ''), seps(lines[0] ?? ''));
  });

  it('the terminal table shows every row and paints only the verdict', () => {
    const t = renderTable([pass, fail, na, err], (v, s) => (v === 'fail' ? `<${s}>` : s));
    assert.match(t, /PASS: \+48 ns\/call/);
    assert.match(t, /<FAIL/);
    assert.match(t, /not applicable/);
    assert.match(t, /ERROR/);
  });

  it('the Markdown page has the machine, the table, the notes and how to reproduce', () => {
    const res: BenchResults = {
      schema: 'clawfence-bench/1',
      startedAt: '2025-01-01T00:00:00.000Z',
      seconds: 512.4,
      complete: true,
      config: DEFAULTS,
      machine: {
        cores: 2,
        cpuModel: 'AMD EPYC',
        memoryGiB: 24,
        kernel: '6.18.44',
        node: 'v20.20.2',
        docker: {
          server: '20.10.24',
          client: '28.2.2',
          runc: '1.1.5',
          containerd: '1.6.20',
          cgroup: 'v1 (cgroupfs)',
          host: 'unix:///run/clawfence/docker.sock',
          seccompDefault: 'built-in',
        },
        strace: { host: '6.1', image: '6.1' },
        clawfence: { version: '0.1.0', commit: 'abc123' },
        bpfJit: 'on',
        time: '/usr/bin/time present',
        loadAverage: { start: [1, 1, 1], end: [2, 2, 2] },
      },
      rows: [pass, na],
      notes: ['**Ratio** = A/B of one round.'],
    };
    const md = renderMarkdown(res);
    assert.match(md, /^# clawfence benchmarks/);
    assert.match(md, /Complete run, 2025-01-01T00:00:00.000Z, 512 s in all/);
    assert.match(md, /Docker engine 20\.10\.24 \(client 28\.2\.2\), runc 1\.1\.5/);
    assert.match(md, /clawfence 0\.1\.0, commit abc123/);
    assert.match(md, /\| B1 \| clawfence record --recorder ebpf \/ plain docker run \|/);
    assert.match(md, /- \*\*Ratio\*\* = A\/B of one round\./);
    assert.match(md, /npm run bench/);
    assert.equal(renderMarkdown(res), md, 'deterministic');
    assert.doesNotMatch(md, /# this run/);
    const partial = renderMarkdown({ ...res, complete: false, config: { ...DEFAULTS, only: ['B2'], rounds: 21, out: 'b2-args' } });
    assert.match(partial, /Partial run \(B2; 21 rounds\)/);
    assert.match(partial, /^npm run bench -- --only B2 --rounds 21 --out b2-args +# this run$/m);
  });
});
