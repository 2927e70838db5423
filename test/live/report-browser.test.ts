// The hardening report's HTML page in a real browser (Debian's chromium, driven by playwright-core):
// it loads from a file:// URL with every network request refused, logs no error, requests nothing
// outside itself, shows the numbers the JSON holds, and draws one map cell per syscall of the ABI.
// Checked on the fixture and on a real `clawfence probe` report. Leaves screenshots in
// test-artifacts/ (report.png: the real one).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderReportHtml } from '../../src/report/render-html.js';
import { renderReportJson } from '../../src/report/render-json.js';
import type { HardeningReport } from '../../src/report/model.js';
import { MAP_STATES, allowedCount } from '../../src/report/syscall-map.js';
import { syscallsOf } from '../../src/syscalls/table.js';
import { buildFixtureReport } from '../support/report-fixture.js';
import { runCli } from '../support/cli.js';
import { BASE_IMAGE, engineEnv } from '../support/live.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** A real report: `clawfence probe` with the flask golden profile in the base image (the battery
 * against the engine), read back from the HTML and JSON files it wrote. */
function realReport(): { html: string; json: string } {
  const out = mkdtempSync(join(tmpdir(), 'clawfence-real-report-'));
  const html = join(out, 'r.html');
  const json = join(out, 'r.json');
  const r = runCli(['probe', '--profile', 'test/fixtures/generated/flask.exact.json', '--html', html, '--report', json, '--', 'docker', 'run', BASE_IMAGE], {
    env: engineEnv() as Record<string, string>,
    timeoutMs: 600_000,
  });
  assert.ok(existsSync(html) && existsSync(json), r.stderr);
  return { html: readFileSync(html, 'utf8'), json: readFileSync(json, 'utf8') };
}

for (const [which, source] of [
  [
    'the fixture',
    (): { html: string; json: string } => {
      const report = buildFixtureReport();
      return { html: renderReportHtml(report), json: renderReportJson(report) };
    },
  ],
  ['a real `clawfence probe` report', realReport],
] as const)
  describe(`report page in chromium (${which})`, () => {
    let browser: Browser;
    let page: Page;
    let dir: string;
    const errors: string[] = [];
    const failed: string[] = [];
    const blocked: string[] = [];
    let json: HardeningReport;

    before(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (scripts/setup-host.sh installs it)`);
      const made = source();
      json = JSON.parse(made.json) as HardeningReport;
      dir = mkdtempSync(join(tmpdir(), 'clawfence-report-'));
      const file = join(dir, 'report.html');
      writeFileSync(file, made.html);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
      page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText ?? '?'}`));
      await page.route('**', async (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) await route.continue();
        else {
          blocked.push(url);
          await route.abort();
        }
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    });

    after(async () => {
      await browser?.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('loads with no console or page errors and requests nothing outside the file', () => {
      assert.deepEqual(errors, []);
      assert.deepEqual(blocked, []);
      assert.deepEqual(failed, []);
    });

    it("shows the JSON's numbers", async () => {
      const shown = async (sel: string): Promise<number> => {
        const t = await page.locator(sel).textContent();
        assert.ok(t !== null, `${sel} is on the page`);
        return Number(t);
      };
      const map = json.map;
      const probes = json.probes;
      assert.ok(map !== undefined && probes !== undefined);
      for (const s of MAP_STATES) {
        assert.equal(await shown(`[data-count="profile-${s}"]`), map.counts.profile[s], s);
        assert.equal(await shown(`[data-count="docker-${s}"]`), map.counts.dockerDefault[s], s);
      }
      assert.equal(await shown('[data-count="profile-allowed-total"]'), allowedCount(map.counts.profile));
      assert.equal(await shown('[data-count="docker-allowed-total"]'), allowedCount(map.counts.dockerDefault));
      assert.equal(await shown('[data-count="map-total"]'), map.cells.length);
      assert.equal(await shown('[data-count="findings"]'), json.findings.length);
      for (const f of json.footprint ?? []) {
        assert.equal(await shown(`[data-count="footprint-${f.abi}-recorded"]`), f.recorded);
        assert.equal(await shown(`[data-count="footprint-${f.abi}-allowed"]`), f.allowed);
        assert.equal(await shown(`[data-count="footprint-${f.abi}-docker"]`), f.dockerDefault);
        assert.equal(await shown(`[data-count="footprint-${f.abi}-total"]`), f.total);
      }
      for (const col of probes.columns) {
        for (const v of ['reached', 'kernel', 'seccomp', 'inconclusive'] as const) {
          assert.equal(await shown(`[data-verdict-count="${col.id}:${v}"]`), probes.counts[col.id]?.[v], `${col.id}:${v}`);
          // The count agrees with the cells the page draws in that column.
          assert.equal(await page.locator(`td[data-column="${col.id}"][data-verdict="${v}"]`).count(), probes.counts[col.id]?.[v]);
        }
      }
    });

    it('draws one visible map cell per syscall of the ABI on each side', async () => {
      const map = json.map;
      assert.ok(map !== undefined);
      const total = syscallsOf('x86_64').length;
      for (const side of ['profile', 'dockerDefault']) {
        const cells = page.locator(`[data-map="${side}"] .cell`);
        assert.equal(await cells.count(), total);
        const box = await cells.first().boundingBox();
        assert.ok(box !== null && box.width >= 4 && box.height >= 4, `cells are drawn (${JSON.stringify(box)})`);
        for (const s of MAP_STATES) {
          const side2 = side === 'profile' ? 'profile' : 'dockerDefault';
          assert.equal(await page.locator(`[data-map="${side}"] .cell[data-state="${s}"]`).count(), map.counts[side2][s]);
        }
      }
      assert.equal(await page.locator('[data-map="profile"] [data-syscall="brk"]').getAttribute('title'), 'brk (12): allowed, benign');
    });

    it('saves a screenshot', async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = join(ARTIFACTS, which === 'the fixture' ? 'report-fixture.png' : 'report.png');
      await page.screenshot({ path: file, fullPage: true });
      assert.ok(existsSync(file));
    });
  });
