// runtimeAllowance over (footprints, calibrations): a fitting calibration's set, minus what was
// recorded, each marked with its frequency and file; the rt_sigreturn fallback for runc footprints
// no calibration fits; nothing for crun without one. And through generateProfile: the rule comments,
// the stats, and that a calibrated call is not reported as a widening.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Footprint } from '../footprint/model.js';
import { CALIBRATION_SCHEMA_VERSION, type RuntimeCalibration } from '../footprint/runtime-calibration.js';
import { generateProfile } from './generate.js';
import { runtimeAllowance } from './runtime-allowance.js';
import { recording, RUNC_AFTER_FILTER } from '../../test/support/test-footprints.js';

const FILE = '/var/cache/clawfence/runtime/docker-runc-1.1.5.json';

function calibration(syscalls: Record<string, number>, o: Partial<RuntimeCalibration> = {}): RuntimeCalibration {
  return {
    schemaVersion: CALIBRATION_SCHEMA_VERSION,
    runtime: { name: 'runc', version: '1.1.5' },
    engine: { name: 'docker', version: '20.10.24' },
    kernel: '6.1.0',
    arch: 'x86_64',
    runs: 30,
    load: { kind: 'busy-loop', workers: 2, cpus: 2 },
    workload: { argv: ['docker', 'run', '--rm', '--network', 'none', 'debian:bookworm-slim', 'true'] },
    recorder: { name: 'ebpf', version: '1' },
    syscalls: { x86_64: syscalls },
    clawfence: '0.1.0',
    createdAt: '2025-01-02T00:00:00.000Z',
    file: FILE,
    ...o,
  };
}

/** The runc calls a single recording made: futex (and rt_sigreturn) missing, as under load. */
const LUCKY = RUNC_AFTER_FILTER.filter((n) => n !== 'futex');
const CALIBRATED = { ...Object.fromEntries(RUNC_AFTER_FILTER.map((n) => [n, 30])), futex: 30, rt_sigreturn: 7, nanosleep: 1 };

function fp(runtime: readonly string[] = LUCKY, engine?: NonNullable<Footprint['provenance']>['engine']): Footprint {
  const f = recording({ workload: 'w', runtime, tool: ['read', 'write', 'exit_group'] });
  if (engine !== undefined) f.provenance = { ...f.provenance, engine };
  return f;
}

function recorded(f: Footprint): Set<string> {
  return new Set(Object.keys(f.syscalls.x86_64 ?? {}));
}

describe('runtimeAllowance', () => {
  it("allows a fitting calibration's set minus what was recorded, each with its frequency and file", () => {
    const f = fp();
    const a = runtimeAllowance([f], recorded(f), [calibration(CALIBRATED)]);
    assert.deepEqual(
      a.map((x) => x.syscall),
      ['futex', 'nanosleep', 'rt_sigreturn'],
    );
    for (const x of a) assert.equal(x.runtime, 'runc 1.1.5');
    assert.equal(a.find((x) => x.syscall === 'rt_sigreturn')?.why, `seen in 7 of 30 calibration starts under load, ${FILE}`);
    assert.equal(a.find((x) => x.syscall === 'nanosleep')?.why, `seen in 1 of 30 calibration starts under load, ${FILE}`);
  });

  it("adds nothing a recording has: those rules carry the recording's evidence", () => {
    const f = fp([...RUNC_AFTER_FILTER, 'rt_sigreturn', 'nanosleep']);
    assert.deepEqual(runtimeAllowance([f], recorded(f), [calibration(CALIBRATED)]), []);
  });

  it('falls back to rt_sigreturn for runc when no calibration exists', () => {
    const f = fp();
    const a = runtimeAllowance([f], recorded(f));
    assert.deepEqual(
      a.map((x) => [x.syscall, x.runtime]),
      [['rt_sigreturn', 'runc']],
    );
    assert.match(a[0]?.why ?? '', /exit 139/);
  });

  it('uses a calibration only for the runtime it measured: engine, runtime name, version and ABI', () => {
    const f = fp();
    const cases: [string, RuntimeCalibration][] = [
      ['another runc version', calibration(CALIBRATED, { runtime: { name: 'runc', version: '1.2.0' } })],
      ['another engine', calibration(CALIBRATED, { engine: { name: 'podman' } })],
      ['another runtime', calibration(CALIBRATED, { runtime: { name: 'crun', version: '1.1.5' } })],
      ['another host ABI', calibration({ futex: 30 }, { arch: 'aarch64', syscalls: { aarch64: { futex: 30 } } })],
    ];
    for (const [what, c] of cases) {
      assert.deepEqual(
        runtimeAllowance([f], recorded(f), [c]).map((x) => `${x.syscall} ${x.runtime}`),
        ['rt_sigreturn runc'],
        what,
      );
    }
  });

  it("needs the runtime's version in the footprint: an older footprint gets the fallback", () => {
    const f = fp(LUCKY, { name: 'docker', version: '20.10.24', runtime: 'runc' });
    assert.deepEqual(
      runtimeAllowance([f], recorded(f), [calibration(CALIBRATED)]).map((x) => x.syscall),
      ['rt_sigreturn'],
    );
  });

  it('keeps rt_sigreturn for a calibrated runc whose calibration did not see it (rare: 30 starts can miss it), saying so', () => {
    const f = fp();
    const { rt_sigreturn: _r, ...without } = CALIBRATED;
    const a = runtimeAllowance([f], recorded(f), [calibration(without)]);
    assert.deepEqual(
      a.map((x) => `${x.syscall} ${x.runtime}`),
      ['futex runc 1.1.5', 'nanosleep runc 1.1.5', 'rt_sigreturn runc 1.1.5'],
    );
    assert.match(
      a[2]?.why ?? '',
      new RegExp(`^not seen in the 30 calibration starts \\(${FILE.replace(/[.+]/g, '\\$&')}\\), allowed for runc whatever a calibration saw: .*exit 139`),
    );
  });

  it('mixes: a calibrated footprint gets its set, an uncalibrated runc one adds the fallback', () => {
    const cal = fp();
    const old = fp(LUCKY, { name: 'docker', runtime: 'runc', runtimeVersion: '1.0.0' });
    const { rt_sigreturn: _r, ...without } = CALIBRATED;
    const a = runtimeAllowance([cal, old], recorded(cal), [calibration(without)]);
    assert.deepEqual(
      a.map((x) => `${x.syscall} ${x.runtime}`),
      ['futex runc 1.1.5', 'nanosleep runc 1.1.5', 'rt_sigreturn runc'],
    );
  });

  it('calibrates crun too, and adds nothing for it without a calibration', () => {
    const crun = fp(['execve'], { name: 'podman', runtime: 'crun', runtimeVersion: '1.8.1' });
    for (const u of Object.values(crun.syscalls.x86_64 ?? {})) if (u.firstBy !== undefined) u.firstBy = { ...u.firstBy, comm: 'crun' };
    assert.deepEqual(runtimeAllowance([crun], recorded(crun)), []);
    const c = calibration({ execve: 10, close_range: 2 }, { engine: { name: 'podman' }, runtime: { name: 'crun', version: '1.8.1' }, runs: 10 });
    assert.deepEqual(
      runtimeAllowance([crun], recorded(crun), [c]).map((x) => `${x.syscall} ${x.runtime}: ${x.why}`),
      [`close_range crun 1.8.1: seen in 2 of 10 calibration starts under load, ${FILE}`],
    );
  });

  it("allows only the calibration's native ABI", () => {
    const f = fp();
    const c = calibration(CALIBRATED, { syscalls: { x86_64: { futex: 30 }, x86: { sigreturn: 3 } } });
    assert.deepEqual(
      runtimeAllowance([f], recorded(f), [c]).map((x) => x.syscall),
      ['futex', 'rt_sigreturn'],
      "x86 sigreturn is not added (rt_sigreturn is runc's floor)",
    );
  });

  it('names when a calibration not read from a file was made', () => {
    const f = fp();
    const { file: _f, ...c } = calibration({ futex: 4 });
    assert.equal(
      runtimeAllowance([f], recorded(f), [c])[0]?.why,
      'seen in 4 of 30 calibration starts under load, the calibration of docker runc 1.1.5 made 2025-01-02T00:00:00.000Z',
    );
  });
});

describe('generateProfile with a runtime calibration', () => {
  it("allows the calibrated calls the recording missed, marked as the runtime's in their comments", () => {
    const f = fp();
    const { profile, stats } = generateProfile([f], { runtimeCalibrations: [calibration(CALIBRATED)] });
    assert.deepEqual(stats.runtimeAllowance, ['futex', 'nanosleep', 'rt_sigreturn']);
    const comment = (n: string): string => profile.syscalls.find((r) => r.names.includes(n))?.comment ?? '';
    assert.equal(
      comment('futex'),
      `futex — not recorded: allowed for the container runtime (runc 1.1.5): seen in 30 of 30 calibration starts under load, ${FILE}`,
    );
    assert.equal(
      comment('rt_sigreturn'),
      `rt_sigreturn — not recorded: allowed for the container runtime (runc 1.1.5): seen in 7 of 30 calibration starts under load, ${FILE}`,
    );
    assert.deepEqual(stats.widened, [], 'the calibrated calls are expected: no unexplained widening');
  });

  it('is the same profile as before without a calibration', () => {
    const f = fp();
    assert.deepEqual(generateProfile([f], { runtimeCalibrations: [] }).profile, generateProfile([f]).profile);
  });
});
