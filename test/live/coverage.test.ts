// Live: `clawfence profile --coverage` on the examples' workloads (flask-tool and shell-tool, whole
// and with only some of their workloads; plus a workload on the shell-tool image whose runs
// alternate between two paths through a counter on a mounted directory). The single-workload and
// unstable syscalls are computed here again from the per-run footprints (--run-footprints), and the
// executables checked against the image itself: every path a run exec'd, resolved by the
// container's own readlink -f, is listed as run and not as never run; an executable of the image
// that no workload runs is listed as never run.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Footprint } from '../../src/footprint/model.js';
import type { CoverageReport } from '../../src/pipeline/coverage.js';
import { BIN, runCli } from '../support/cli.js';
import { docker, engineEnv, requireLiveHost } from '../support/live.js';

const env = (): Record<string, string> => engineEnv() as Record<string, string>;

interface Run {
  workload: string;
  run: number;
  fp: Footprint;
}

/** The runs as --run-footprints wrote them ("NN-name.runK.json"; the name is in the footprint). */
function readRuns(dir: string): Run[] {
  return readdirSync(dir)
    .sort()
    .map((f) => {
      const fp = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Footprint;
      return { workload: fp.workloads?.[0]?.name ?? '', run: Number(/\.run(\d+)\.json$/.exec(f)?.[1]), fp };
    });
}

/** "abi/name" of the calls the tool itself made in a run (count > 0, not the runtime's only). */
function calls(fp: Footprint): Set<string> {
  const out = new Set<string>();
  for (const [abi, uses] of Object.entries(fp.syscalls))
    for (const [n, u] of Object.entries(uses ?? {})) if (u.count > 0 && u.runtime !== true) out.add(`${abi}/${n}`);
  return out;
}

function expectedSingle(runs: Run[]): string[] {
  const by = new Map<string, Set<string>>();
  for (const r of runs) for (const k of calls(r.fp)) by.set(k, new Set([...(by.get(k) ?? []), r.workload]));
  const workloads = new Set(runs.map((r) => r.workload));
  if (workloads.size < 2) return [];
  return [...by].filter(([, ws]) => ws.size === 1).map(([k, ws]) => `${[...ws][0] ?? ''} ${k}`);
}

function expectedUnstable(runs: Run[]): string[] {
  const out: string[] = [];
  for (const w of new Set(runs.map((r) => r.workload))) {
    const mine = runs.filter((r) => r.workload === w);
    const all = new Set(mine.flatMap((r) => [...calls(r.fp)]));
    for (const k of all) {
      const seen = mine.filter((r) => calls(r.fp).has(k)).map((r) => r.run);
      if (seen.length < mine.length) out.push(`${w} ${k} ${seen.join(',')}/${mine.length}`);
    }
  }
  return out;
}

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

/** What readlink -f says of a path inside the image (the container's own resolution). */
function realPath(image: string, path: string): string {
  return docker(['run', '--rm', '--network', 'none', '--entrypoint', '/usr/bin/readlink', image, '-f', path]).trim();
}

function profile(workloadsFile: string, repeat: number): { cov: CoverageReport; runs: Run[]; stdout: string } {
  const d = mkdtempSync(join(tmpdir(), 'cf-cov-'));
  const r = runCli(
    [
      'profile',
      '--workloads',
      workloadsFile,
      '-o',
      join(d, 'p.json'),
      '--coverage',
      join(d, 'cov.json'),
      '--run-footprints',
      join(d, 'runs'),
      '--repeat',
      String(repeat),
    ],
    { env: env() },
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const cov = JSON.parse(readFileSync(join(d, 'cov.json'), 'utf8')) as CoverageReport;
  return { cov, runs: readRuns(join(d, 'runs')), stdout: r.stdout };
}

function checkSyscalls(cov: CoverageReport, runs: Run[], repeat: number): void {
  assert.equal(runs.length, cov.workloads.length * repeat, 'one footprint per run');
  assert.deepEqual(sorted(cov.singleWorkload.map((s) => `${s.workload} ${s.abi}/${s.syscall}`)), sorted(expectedSingle(runs)), 'single-workload syscalls');
  assert.deepEqual(
    sorted(cov.unstable.map((u) => `${u.workload} ${u.abi}/${u.syscall} ${u.seenIn.join(',')}/${u.runs}`)),
    sorted(expectedUnstable(runs)),
    'unstable syscalls',
  );
}

function checkExecutables(cov: CoverageReport, runs: Run[], image: string, notRun: string): void {
  const img = cov.images.find((i) => i.image === image);
  assert.equal(img?.status, 'listed', JSON.stringify(img));
  const never = new Set(img.neverRun ?? []);
  const ran = new Set((img.ran ?? []).map((x) => x.path));
  const execd = new Set(runs.flatMap((r) => (r.fp.executables ?? []).map((e) => e.path)));
  assert.ok(execd.size > 0, 'the runs exec something');
  for (const p of execd) {
    if (p.startsWith('/m/')) continue; // mounted from the host, not the image's
    const real = realPath(image, p);
    assert.ok(ran.has(real), `${p} (${real} in the image) ran`);
    assert.ok(!never.has(real), `${p} (${real}) is not listed as never run`);
  }
  assert.equal(
    spawnSync('docker', ['run', '--rm', '--network', 'none', '--entrypoint', '/usr/bin/test', image, '-x', notRun], { env: env() }).status,
    0,
    `${notRun} is an executable of ${image}`,
  );
  assert.ok(never.has(realPath(image, notRun)), `${notRun}, which no workload runs, is listed as never run`);
}

describe('profile --coverage on the examples', () => {
  before(() => {
    requireLiveHost();
    const c = spawnSync(process.execPath, [BIN, 'calibrate'], { env: { ...env(), NO_COLOR: '1' }, encoding: 'utf8', timeout: 600_000 });
    assert.equal(c.status, 0, c.stdout + c.stderr);
  });

  for (const ex of ['flask-tool', 'shell-tool']) {
    it(`${ex}: the report's single-workload and unstable syscalls are the per-run footprints', and never-run executables are the image's`, () => {
      const { cov, runs, stdout } = profile(`examples/${ex}/workloads.json`, 2);
      checkSyscalls(cov, runs, 2);
      checkExecutables(cov, runs, `clawfence-example/${ex}:latest`, '/usr/bin/apt-get');
      assert.match(stdout, /^coverage: 3 workloads × 2 runs/m);
      process.stdout.write(
        `# ${ex}: ${cov.singleWorkload.length} single-workload, ${cov.unstable.length} unstable, ${cov.images[0]?.neverRun?.length} of ${cov.images[0]?.executables} executables never run\n`,
      );
    });
  }

  it('flask-tool with two of its workloads: the network calls only process_request makes are named, with a step that says why', () => {
    const d = mkdtempSync(join(tmpdir(), 'cf-cov-w-'));
    const all = JSON.parse(readFileSync('examples/flask-tool/workloads.json', 'utf8')) as { workloads: { name: string }[] };
    const file = join(d, 'workloads.json');
    writeFileSync(file, JSON.stringify({ workloads: all.workloads.filter((w) => w.name === 'process_request' || w.name === 'process_request-validate') }));
    const { cov, runs } = profile(file, 2);
    checkSyscalls(cov, runs, 2);
    const mine = cov.singleWorkload.filter((s) => s.workload === 'process_request').map((s) => s.syscall);
    assert.ok(mine.includes('connect'), `connect is process_request's only: ${mine.join(' ')}`);
    assert.ok(
      cov.next.some((n) => /connect.* seen only in process_request: other paths that use the network may need/.test(n)),
      cov.next.join('\n'),
    );
  });

  it('a workload whose runs alternate between two paths: what only some runs made is unstable, and the step says to repeat it', () => {
    const d = mkdtempSync(join(tmpdir(), 'cf-cov-alt-'));
    const state = join(d, 'state');
    spawnSync('mkdir', ['-m', '0777', state]);
    const image = 'clawfence-example/shell-tool:latest';
    // Odd runs make a directory and remove it (mkdir, rmdir); even runs do not.
    const script = 'n=$(cat /s/n 2>/dev/null || echo 0); echo $((n+1)) > /s/n; if [ $((n % 2)) -eq 0 ]; then mkdir /tmp/d && rmdir /tmp/d; fi; echo ok';
    const file = join(d, 'workloads.json');
    writeFileSync(
      file,
      JSON.stringify({
        workloads: [
          {
            name: 'alternate',
            argv: ['docker', 'run', '--rm', '--network', 'none', '-v', `${state}:/s`, '--entrypoint', '/bin/bash', image, '-c', script],
            expectStdout: '^ok\\n$',
          },
          { name: 'latest-usage', argv: ['docker', 'run', '--rm', '--network', 'none', image, 'release-check', 'frobnicate'], expectExit: 2 },
        ],
      }),
    );
    const { cov, runs } = profile(file, 3);
    checkSyscalls(cov, runs, 3);
    const alt = cov.unstable.filter((u) => u.workload === 'alternate');
    for (const n of ['mkdir', 'rmdir'])
      assert.deepEqual(
        alt.find((u) => u.syscall === n),
        { abi: 'x86_64', syscall: n, workload: 'alternate', seenIn: [1, 3], runs: 3 },
        `${n}: runs 1 and 3 of 3`,
      );
    assert.ok(
      cov.next.some((s) => /mkdir \(2 of 3\).* seen in only some of the 3 runs of alternate: record it with --repeat 6/.test(s)),
      cov.next.join('\n'),
    );
    checkExecutables(cov, runs, image, '/usr/bin/jq');
  });
});
