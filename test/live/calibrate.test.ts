// The runtime calibration against the real engine: `clawfence calibrate` records N starts of a
// trivial container under CPU load and caches the runtime's calls with their provenance; and the
// bar of issue "Safe by construction" item 6: a profile built from ONE recording of a trivial
// container, with the calibration, lets the container start 50 times out of 50 under CPU load.
// What a profile without the calibration does, from a recording that lacks runc's futex, is
// measured and printed, not asserted (it depends on timing).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { join } from 'node:path';
import { parseCalibration, type RuntimeCalibration } from '../../src/footprint/runtime-calibration.js';
import { startCpuLoad } from '../../src/recorder/cpu-load.js';
import { BIN, ROOT, type CliResult } from '../support/cli.js';
import { BASE_IMAGE, docker, engineEnv, record, requireLiveHost, tmp } from '../support/live.js';

/** The issue's workload: a trivial container whose runc calls vary with timing. */
const DD = ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=300000'];
const STARTS = 50;

const base = tmp('cf-calib-');
after(() => rmSync(base, { recursive: true, force: true }));

/** The built CLI with a given runtime cache (long timeout: a calibration takes a while under load). */
function cli(args: string[], cache: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...engineEnv(), NO_COLOR: '1', CLAWFENCE_RUNTIME_CACHE: cache },
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** runc's version as the engine reports it (docker version: Server.Components). */
function runcVersion(): string {
  return docker(['version', '--format', '{{range .Server.Components}}{{if eq .Name "runc"}}{{.Version}}{{end}}{{end}}']).trim();
}

/** The busy-loop workers' processes still alive (cpu-load.ts's code in their command line). */
function loadWorkers(): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('while (Date.now() < end)');
      } catch {
        return false;
      }
    });
}

function readCal(file: string): RuntimeCalibration {
  return parseCalibration(readFileSync(file, 'utf8'), file);
}

let seq = 0;

/** Starts the trivial container `n` times under CPU load with this profile; the exits seen. */
async function startsUnderLoad(profile: string, n: number): Promise<{ ok: number; exits: Map<string, number>; seconds: number }> {
  const load = await startCpuLoad({ maxMs: n * 20_000 + 30_000 });
  const exits = new Map<string, number>();
  let ok = 0;
  const t0 = Date.now();
  try {
    for (let i = 0; i < n; i++) {
      const name = `cf-calib-${process.pid}-${++seq}`;
      const r = spawnSync('docker', ['run', '--rm', '--name', name, '--network', 'none', '--security-opt', `seccomp=${profile}`, BASE_IMAGE, ...DD], {
        env: engineEnv(),
        encoding: 'utf8',
        timeout: 60_000,
      });
      if (r.status === 0) ok++;
      else {
        spawnSync('docker', ['rm', '-f', name], { env: engineEnv(), stdio: 'ignore' });
        const lines = (r.stderr || '').trim().split('\n');
        const why = lines.find((l) => l.startsWith('docker:')) ?? lines.slice(-1)[0] ?? '';
        const key = `exit ${r.status ?? r.signal ?? '?'}: ${why}`.slice(0, 200);
        exits.set(key, (exits.get(key) ?? 0) + 1);
      }
    }
  } finally {
    await load.stop();
  }
  return { ok, exits, seconds: (Date.now() - t0) / 1000 };
}

function describeStarts(r: { ok: number; exits: Map<string, number>; seconds: number }, n: number): string {
  return `${r.ok} of ${n} started and exited 0 (${r.seconds.toFixed(1)} s)${[...r.exits].map(([k, c]) => `; ${c}× ${k}`).join('')}`;
}

describe("calibrate: the container runtime's own calls, measured under load", () => {
  before(() => requireLiveHost());

  it('calibrates 10 starts into the cache with its provenance; a second call uses the cache', () => {
    const cache = join(base, 'small');
    const t0 = Date.now();
    const r = cli(['calibrate', '--runs', '10', '--json'], cache);
    const seconds = (Date.now() - t0) / 1000;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /calibrating docker runc \S+: 10 starts of `docker run --rm --network none debian:bookworm-slim true` under CPU load/);
    const version = runcVersion();
    const file = join(cache, `docker-runc-${version}.json`);
    assert.ok(existsSync(file), `${file} written`);
    assert.deepEqual(readdirSync(cache), [`docker-runc-${version}.json`], 'nothing else, no temporary file');
    const c = readCal(file);
    assert.equal((JSON.parse(r.stdout) as RuntimeCalibration).file, file, '--json names the cache file');
    assert.deepEqual(c.runtime, { name: 'runc', version });
    assert.equal(c.engine.name, 'docker');
    assert.equal(c.engine.version, docker(['version', '--format', '{{.Server.Version}}']).trim());
    assert.equal(c.kernel, release());
    assert.equal(c.arch, 'x86_64');
    assert.equal(c.runs, 10);
    assert.deepEqual(c.load, { kind: 'busy-loop', workers: availableParallelism(), cpus: availableParallelism() });
    assert.deepEqual(c.workload.argv, ['docker', 'run', '--rm', '--network', 'none', BASE_IMAGE, 'true']);
    assert.equal(c.workload.image?.ref, BASE_IMAGE);
    assert.equal(c.recorder.name, 'ebpf');
    assert.equal(c.clawfence, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    assert.ok(Date.now() - Date.parse(c.createdAt) < 10 * 60_000, `createdAt ${c.createdAt} is now`);
    const x64 = c.syscalls.x86_64 ?? {};
    // runc's init execs the tool in every start; it sets its capabilities and ids after the filter (no-new-privileges off).
    for (const n of ['execve', 'capset', 'prctl', 'setuid']) assert.equal(x64[n], 10, `${n} in every start`);
    assert.ok(Object.values(x64).every((k) => k >= 1 && k <= 10));
    process.stdout.write(
      `# calibration (10 starts, ${seconds.toFixed(1)} s): ${Object.entries(x64)
        .map(([n, k]) => `${n} ${k}`)
        .join(', ')}\n`,
    );

    const mtime = statSync(file).mtimeMs;
    const again = cli(['calibrate', '--runs', '10'], cache);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /\(cached; recalibrate with --force\)/);
    assert.doesNotMatch(again.stderr, /calibrating/);
    assert.equal(statSync(file).mtimeMs, mtime, 'the cache file is left as it is');

    // (Containers, recorders and cgroups are not checked here: another live run may share the engine.)
    assert.deepEqual(loadWorkers(), [], 'no busy loop outlives the calibration');
  });

  it(`the bar: a profile from ONE recording of a trivial container, with the calibration, starts ${STARTS} of ${STARTS} times under load`, async () => {
    const cache = join(base, 'full');
    const cal = cli(['calibrate'], cache);
    assert.equal(cal.code, 0, cal.stdout + cal.stderr);
    const file = join(cache, `docker-runc-${runcVersion()}.json`);
    const c = readCal(file);
    process.stdout.write(
      `# calibration (${c.runs} starts, ${c.seconds ?? '?'} s, ${c.load.workers} busy loops on ${c.load.cpus} CPUs): ${Object.entries(c.syscalls.x86_64 ?? {})
        .map(([n, k]) => `${n} ${k}/${c.runs}`)
        .join(', ')}\n`,
    );

    const fpFile = join(base, 'dd.json');
    const rec = record({ engine: 'docker', cmd: DD, out: fpFile });
    assert.equal(rec.code, 0, rec.stderr);
    const profile = join(base, 'dd.seccomp.json');
    const gen = cli(['generate', fpFile, '-o', profile], cache);
    assert.equal(gen.code, 0, gen.stderr);
    assert.match(gen.stderr, new RegExp(`runtime calibration: docker runc \\S+, ${c.runs} starts under load: ${file.replace(/[.+]/g, '\\$&')}`));
    const rules = (JSON.parse(readFileSync(profile, 'utf8')) as { syscalls: { names: string[]; comment?: string }[] }).syscalls;
    const added = rules.filter((r) => / — not recorded: allowed for the container runtime /.test(r.comment ?? ''));
    // Calibrated, not the fallback (rt_sigreturn is kept for runc when the calibration missed it).
    for (const r of added)
      assert.match(
        r.comment ?? '',
        new RegExp(
          `^\\S+ — not recorded: allowed for the container runtime \\(runc \\S+\\): (seen in \\d+ of ${c.runs} calibration starts under load, |not seen in the ${c.runs} calibration starts )`,
        ),
      );
    const allowed = new Set(rules.flatMap((r) => r.names));
    for (const n of Object.keys(c.syscalls.x86_64 ?? {})) assert.ok(allowed.has(n), `${n} (calibrated) is allowed`);
    process.stdout.write(
      `# one recording of dd: added for the runtime: ${added.map((r) => r.comment ?? '').join(' | ') || 'nothing (the recording had every calibrated call)'}\n`,
    );

    const r = await startsUnderLoad(profile, STARTS);
    process.stdout.write(`# with the calibration: ${describeStarts(r, STARTS)}\n`);
    assert.equal(r.ok, STARTS, describeStarts(r, STARTS));
    assert.deepEqual(loadWorkers(), [], 'no busy loop outlives the starts');
  });

  it('measures (does not assert) a profile without the calibration, from a recording that lacks futex', async () => {
    const empty = join(base, 'no-cache');
    // Look for a recording under load that lacks runc's futex, as the issue saw (3 of 12).
    const tries = 12;
    let lacking: string | undefined;
    let seen = 0;
    const load = await startCpuLoad({ maxMs: tries * 20_000 + 30_000 });
    try {
      for (let i = 1; i <= tries && lacking === undefined; i++) {
        const out = join(base, `dd-try-${i}.json`);
        const rec = record({ engine: 'docker', cmd: DD, out });
        assert.equal(rec.code, 0, rec.stderr);
        seen = i;
        if (rec.fp.syscalls.x86_64?.['futex'] === undefined) lacking = out;
      }
    } finally {
      await load.stop();
    }
    let natural = true;
    if (lacking === undefined) {
      // Not reproduced here: take one recording and drop futex, as such a recording would be.
      natural = false;
      const fp = JSON.parse(readFileSync(join(base, `dd-try-${seen}.json`), 'utf8')) as { syscalls: { x86_64: Record<string, unknown> } };
      delete fp.syscalls.x86_64['futex'];
      lacking = join(base, 'dd-without-futex.json');
      writeFileSync(lacking, JSON.stringify(fp));
    }
    process.stdout.write(
      `# recordings under load lacking futex: ${natural ? `found one in ${seen} tries` : `none in ${seen} tries; futex removed from one by hand`}\n`,
    );
    const profile = join(base, 'dd-uncalibrated.seccomp.json');
    const gen = cli(['generate', lacking, '-o', profile], empty);
    assert.equal(gen.code, 0, gen.stderr);
    assert.match(gen.stderr, /no runtime calibration of docker runc/);
    const without = await startsUnderLoad(profile, STARTS);
    process.stdout.write(`# without the calibration, futex unrecorded: ${describeStarts(without, STARTS)}\n`);
    const withCal = join(base, 'dd-recalibrated.seccomp.json');
    const gen2 = cli(['generate', lacking, '-o', withCal], join(base, 'full'));
    assert.equal(gen2.code, 0, gen2.stderr);
    const fixed = await startsUnderLoad(withCal, STARTS);
    process.stdout.write(`# the same recording with the calibration: ${describeStarts(fixed, STARTS)}\n`);
    assert.deepEqual(loadWorkers(), []);
  });
});
