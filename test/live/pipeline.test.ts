// record → generate → verify against the real engine, on the bundled example tools: every workload
// passes under its generated profile, the profile allows only what was recorded, removing a
// needed syscall makes verify name it, output is deterministic, Ctrl-C leaves nothing behind.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeSurface } from '../../src/audit/index.js';
import { loadFootprint } from '../../src/footprint/parse.js';
import { usedSyscalls } from '../../src/footprint/model.js';
import { parseCalibration } from '../../src/footprint/runtime-calibration.js';
import { loadProfile } from '../../src/formats/read.js';
import { resolveProfile } from '../../src/profile/resolve.js';
import { BIN, runCli } from '../support/cli.js';
import { docker, engineEnv, leftoverCgroups, processesNamed, RECORDER_PROCESS, requireLiveHost } from '../support/live.js';

const EXAMPLES = ['flask-tool', 'node-tool', 'shell-tool'];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'cf-pipe-'));
}

const env = (): Record<string, string> => engineEnv() as Record<string, string>;

describe('profile: record → generate → verify on the examples', () => {
  before(() => {
    requireLiveHost();
    // profile calibrates the runtime first when the host's cache has none: do it here, where it
    // may take longer than one CLI call of these tests is given (a no-op once cached).
    const c = spawnSync(process.execPath, [BIN, 'calibrate'], { env: { ...env(), NO_COLOR: '1' }, encoding: 'utf8', timeout: 600_000 });
    assert.equal(c.status, 0, c.stdout + c.stderr);
  });

  for (const ex of EXAMPLES) {
    it(`${ex}: every workload passes under its generated profile, which allows exactly what was recorded (and runc's allowance)`, () => {
      const d = tmp();
      const out = join(d, 'profile.json');
      const fpOut = join(d, 'footprint.json');
      // --generalize exact: this test is about the recording itself (generalisation: generalize.test.ts, the robustness bench).
      const r = runCli(['profile', '--workloads', `examples/${ex}/workloads.json`, '-o', out, '--footprint', fpOut, '--repeat', '2', '--generalize', 'exact'], {
        env: env(),
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /verified: (\d+)\/\1 workloads pass/);
      const fp = loadFootprint(fpOut).footprint;
      const profile = loadProfile(out).profile;
      const surface = computeSurface(resolveProfile(profile, { native: 'x86_64', caps: [] }));
      // Exactly the recording, plus what the runtime's calibration saw that no run recorded (profile
      // calibrates when the host has none), or rt_sigreturn for an uncalibrated runc
      // (src/generator/runtime-allowance.ts), each such rule saying so.
      const addedRules = profile.syscalls.filter((rule) => /^\S+ — not recorded: allowed for the container runtime \(runc[ )]/.test(rule.comment ?? ''));
      for (const rule of addedRules) {
        const name = rule.names[0] ?? '';
        const cal = /\(runc \S+\): seen in \d+ of \d+ calibration starts under load, (\S+)$/.exec(rule.comment ?? '');
        if (cal === null) assert.equal(name, 'rt_sigreturn', `uncalibrated, only rt_sigreturn may be added: ${rule.comment ?? ''}`);
        else assert.ok(name in (parseCalibration(readFileSync(cal[1] ?? '', 'utf8'), cal[1] ?? '').syscalls.x86_64 ?? {}), `${name} is in ${cal[1] ?? ''}`);
      }
      assert.match(r.stdout, /runtime calibration: docker runc \S+, \d+ starts under load: \S+\.json/, 'profile names the calibration it used');
      const added = addedRules.flatMap((rule) => rule.names);
      for (const [abi, s] of surface) {
        // clone3 is answered with ENOSYS (its flags cannot be filtered) and clone, without
        // CLONE_NEW* bits, is what libc falls back to: added when only clone3 was recorded.
        const used = usedSyscalls(fp, abi);
        const expected: Set<string> = new Set([...used, ...(abi === 'x86_64' ? added : []), ...(used.has('clone3') ? ['clone'] : [])]);
        expected.delete('clone3');
        assert.deepEqual(
          [...s.allowed].sort(),
          [...expected].sort(),
          `${ex} ${abi}: allowed set equals the recorded set (+ ${added.join(', ') || 'nothing'} for runc; clone3 → ENOSYS)`,
        );
      }
      const x64 = surface.get('x86_64')?.allowed.length ?? 0;
      assert.ok(x64 > 20 && x64 < 100, `${ex}: ${x64} x86_64 syscalls allowed (Docker's default: 308)`);
      process.stdout.write(`# ${ex}: ${x64} of 385 x86_64 syscalls allowed\n`);
    });
  }

  it('verify fails and names the syscall when a needed one is removed', () => {
    const d = tmp();
    const out = join(d, 'profile.json');
    const made = runCli(['profile', '--workloads', 'examples/flask-tool/workloads.json', '-o', out, '--repeat', '2'], { env: env() });
    assert.equal(made.code, 0, made.stdout + made.stderr);
    const p = JSON.parse(readFileSync(out, 'utf8')) as { syscalls: { names: string[] }[] };
    p.syscalls = p.syscalls.filter((r) => !r.names.includes('connect'));
    const broken = join(d, 'broken.json');
    writeFileSync(broken, JSON.stringify(p));
    const server = spawn(process.execPath, ['scripts/example-server.mjs', '--port', '18380', '--for', '60'], { stdio: 'ignore' });
    try {
      const r = runCli(
        ['verify', '--profile', broken, '--', 'docker', 'run', '--rm', '--network', 'host', 'clawfence-example/flask-tool:latest', 'process_request'],
        { env: env() },
      );
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /verify: FAIL/);
      assert.match(r.stderr, /denied: connect on x86_64/);
      assert.match(r.stderr, /by process_request/);
    } finally {
      server.kill();
    }
  });

  it('generate is byte-identical for the same footprints in any order', () => {
    const d = tmp();
    const a = join(d, 'a.json');
    const b = join(d, 'b.json');
    const runs = ['known', 'other'].map((n) => {
      const f = join(d, `${n}.fp.json`);
      assert.equal(
        runCli(['record', '-o', f, '--', 'docker', 'run', '--rm', '--network', 'none', 'debian:bookworm-slim', n === 'known' ? 'true' : 'ls'], { env: env() })
          .code,
        0,
      );
      return f;
    });
    assert.equal(runCli(['generate', runs[0] ?? '', runs[1] ?? '', '-o', a]).code, 0);
    assert.equal(runCli(['generate', runs[1] ?? '', runs[0] ?? '', '-o', b]).code, 0);
    assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
    const again = runCli(['generate', runs[0] ?? '', '-o', a]);
    assert.equal(again.code, 2, 'no overwrite without --force');
  });

  for (const verb of ['verify', 'profile'] as const) {
    it(`Ctrl-C during ${verb} leaves no container, tracer, cgroup or output`, async () => {
      const d = tmp();
      const out = join(d, 'out.json');
      const profile = join(d, 'allow.json');
      writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] }));
      const args =
        verb === 'verify'
          ? ['verify', '--profile', profile, '--complain', '--', 'docker', 'run', '--rm', '--network', 'none', 'debian:bookworm-slim', 'sleep', '30']
          : ['profile', '-o', out, '--', 'docker', 'run', '--rm', '--network', 'none', 'debian:bookworm-slim', 'sleep', '30'];
      const child = spawn(process.execPath, [BIN, ...args], { env: engineEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (x: Buffer) => {
        stderr += x.toString();
      });
      const deadline = Date.now() + 30_000;
      while (!docker(['ps', '-q', '--filter', 'label=clawfence.run']).trim() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('close', r));
      assert.equal(code, 130, stderr);
      assert.equal(docker(['ps', '-aq', '--filter', 'label=clawfence.run']).trim(), '', 'no container left');
      assert.ok(!existsSync(out), 'no partial output');
      assert.deepEqual(processesNamed(RECORDER_PROCESS), [], 'no recorder left');
      assert.deepEqual(leftoverCgroups(), [], 'no cgroup left');
    });
  }
});
