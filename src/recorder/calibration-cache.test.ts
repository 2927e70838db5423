// The runtime calibration's cache and model: the file name per engine/runtime/version, an atomic
// write that refuses to replace without force, reading back (absent → undefined; broken or another
// runtime's → bad-input with the fix), the lookup for footprints, and tallying runs.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ClawfenceError } from '../errors.js';
import { CALIBRATION_SCHEMA_VERSION, parseCalibration, type RuntimeCalibration } from '../footprint/runtime-calibration.js';
import { calibrationFileName, calibrationsFor, readCalibration, runtimeCacheDir, writeCalibration } from './calibration-cache.js';
import { calibrationArgv, runtimeCalls, tallyRuns } from './calibrate.js';
import type { RawRecording } from './recorder.js';
import { runtimeVersionOf } from './record.js';
import { recording } from '../../test/support/test-footprints.js';

const dir = mkdtempSync(join(tmpdir(), 'cf-calib-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ID = { engine: 'docker', runtime: 'runc', version: '1.1.5+ds1' };

function calibration(o: Partial<RuntimeCalibration> = {}): RuntimeCalibration {
  return {
    schemaVersion: CALIBRATION_SCHEMA_VERSION,
    runtime: { name: 'runc', version: '1.1.5+ds1' },
    engine: { name: 'docker', version: '20.10.24+dfsg1', host: 'unix:///run/clawfence/docker.sock' },
    kernel: '6.18.44',
    arch: 'x86_64',
    runs: 10,
    load: { kind: 'busy-loop', workers: 2, cpus: 2 },
    workload: { argv: calibrationArgv(['docker']), image: { ref: 'debian:bookworm-slim', id: 'sha256:00' } },
    recorder: { name: 'ebpf', version: '1' },
    syscalls: { x86_64: { rt_sigreturn: 3, futex: 10, execve: 10 } },
    clawfence: '0.1.0',
    createdAt: '2025-01-02T00:00:00.000Z',
    seconds: 21.5,
    ...o,
  };
}

function badInput(f: () => unknown, message: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof ClawfenceError && e.code === 'bad-input' && message.test(e.message) && /calibrate --force/.test(e.hint ?? ''));
}

describe('runtime calibration cache', () => {
  it('names one file per engine, runtime and version', () => {
    assert.equal(calibrationFileName(ID), 'docker-runc-1.1.5+ds1.json');
    assert.equal(calibrationFileName({ engine: 'podman', runtime: 'crun', version: '1.8/../x y' }), 'podman-crun-1.8_.._x_y.json');
    assert.equal(runtimeCacheDir({}), '/var/cache/clawfence/runtime');
    assert.equal(runtimeCacheDir({ CLAWFENCE_RUNTIME_CACHE: '/tmp/x' }), '/tmp/x');
  });

  it('writes atomically, sorted, without the file it was read from; reads it back; refuses to replace it unforced', () => {
    const d = join(dir, 'new', 'runtime');
    assert.equal(readCalibration(ID, d), undefined, 'nothing cached yet');
    const path = writeCalibration({ ...calibration(), file: '/elsewhere' }, { dir: d });
    assert.equal(path, join(d, 'docker-runc-1.1.5+ds1.json'));
    const text = readFileSync(path, 'utf8');
    assert.doesNotMatch(text, /elsewhere/);
    assert.ok(text.indexOf('"execve"') < text.indexOf('"futex"') && text.indexOf('"futex"') < text.indexOf('"rt_sigreturn"'), 'syscalls sorted');
    assert.deepEqual(readCalibration(ID, d), { ...calibration(), file: path });
    assert.throws(
      () => writeCalibration(calibration({ runs: 12 }), { dir: d }),
      (e: unknown) => e instanceof ClawfenceError && e.code === 'exists',
    );
    writeCalibration(calibration({ runs: 12 }), { dir: d, force: true });
    assert.equal(readCalibration(ID, d)?.runs, 12);
    assert.deepEqual(readdirSync(d), ['docker-runc-1.1.5+ds1.json'], 'no temporary file left');
  });

  it("refuses a broken file or another runtime's, saying how to recalibrate", () => {
    const d = join(dir, 'broken');
    writeCalibration(calibration(), { dir: d });
    const path = join(d, calibrationFileName(ID));
    writeFileSync(path, '{"schemaVersion": 1');
    badInput(() => readCalibration(ID, d), /is not a runtime calibration: not JSON/);
    writeFileSync(path, JSON.stringify(calibration({ runtime: { name: 'runc', version: '1.2.0' } })));
    badInput(() => readCalibration(ID, d), /calibrates docker runc 1\.2\.0, not docker runc 1\.1\.5\+ds1/);
  });

  it('checks every field and names each problem', () => {
    const ok = JSON.stringify(calibration());
    assert.equal(parseCalibration(ok, 'f').runs, 10);
    const broken = { ...calibration(), runs: 0, arch: 'vax', syscalls: { x86_64: { futex: 11, no_such_call: 1 }, pdp11: {} } } as unknown;
    badInput(
      () => parseCalibration(JSON.stringify(broken), 'f.json'),
      /^f\.json is not a runtime calibration: arch is not an ABI clawfence knows; runs is not a positive whole number; syscalls\.x86_64\.no_such_call: no such syscall on x86_64; syscalls\.pdp11: not an ABI/,
    );
    const counts = { ...calibration(), syscalls: { x86_64: { futex: 11, no_such_call: 1, rt_sigreturn: 0 }, pdp11: {} } };
    for (const want of [
      /futex: 11 is not a count of runs from 1 to 10/,
      /no_such_call: no such syscall on x86_64/,
      /rt_sigreturn: 0 is not/,
      /syscalls\.pdp11: not an ABI/,
    ]) {
      badInput(() => parseCalibration(JSON.stringify(counts), 'f'), want);
    }
    badInput(() => parseCalibration(JSON.stringify({ ...calibration(), schemaVersion: 2 }), 'f'), /schemaVersion is not 1/);
    badInput(() => parseCalibration('[]', 'f'), /not a JSON object/);
  });

  it("finds the calibrations of the footprints' runtimes, and which are missing", () => {
    const d = join(dir, 'lookup');
    writeCalibration(calibration(), { dir: d });
    const fp = (engine: NonNullable<NonNullable<ReturnType<typeof recording>['provenance']>['engine']>) => {
      const f = recording({ workload: 'w', tool: ['read'] });
      f.provenance = { ...f.provenance, engine };
      return f;
    };
    const here = fp({ name: 'docker', runtime: 'runc', runtimeVersion: '1.1.5+ds1' });
    const other = fp({ name: 'docker', runtime: 'runc', runtimeVersion: '1.2.0' });
    const unversioned = fp({ name: 'docker', runtime: 'runc' });
    const r = calibrationsFor([here, here, other, unversioned], d);
    assert.deepEqual(
      r.calibrations.map((c) => c.file),
      [join(d, 'docker-runc-1.1.5+ds1.json')],
    );
    assert.deepEqual(r.missing, [{ engine: 'docker', runtime: 'runc', version: '1.2.0' }]);
  });
});

describe('tallying a calibration', () => {
  const raw = (calls: [string, number, boolean][]): RawRecording => ({
    recorder: 'ebpf',
    version: '1',
    args: [],
    lost: { outOfRange: 0, firstSeen: 0, args: 0 },
    syscalls: calls.map(([abi, nr, runtime]) => ({
      abi: abi as 'x86_64',
      nr,
      count: 1,
      runtime,
      comm: runtime ? 'runc:[2:INIT]' : 'true',
      exe: '',
      pid: 1,
      ts: 0,
    })),
  });

  it("counts the runtime's own calls per start, also those the tool makes too", () => {
    // x86_64: 202 futex, 15 rt_sigreturn, 59 execve, 0 read; 9999 has no name.
    const runs = [
      runtimeCalls(
        raw([
          ['x86_64', 202, true],
          ['x86_64', 59, true],
          ['x86_64', 0, true],
          ['x86_64', 0, false],
        ]),
      ),
      runtimeCalls(
        raw([
          ['x86_64', 202, true],
          ['x86_64', 15, true],
          ['x86_64', 59, true],
          ['x86_64', 9999, true],
        ]),
      ),
      runtimeCalls(
        raw([
          ['x86_64', 59, true],
          ['x86_64', 202, false],
        ]),
      ),
    ];
    assert.deepEqual(tallyRuns(runs), { x86_64: { futex: 2, execve: 3, read: 1, rt_sigreturn: 1 } });
  });
});

describe('the runtime version the engine names', () => {
  it("reads podman's OCIRuntime.Version (first line)", () => {
    assert.equal(runtimeVersionOf('runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\nspec: 1.0.2-dev'), '1.1.5+ds1');
    assert.equal(runtimeVersionOf('crun version 1.8.1\ncommit: f8a096be060b22ccd3d5f3ebe44108517fbf6c30'), '1.8.1');
    assert.equal(runtimeVersionOf(''), undefined);
    assert.equal(runtimeVersionOf('commit: abc\nversion 1'), undefined);
  });
});
