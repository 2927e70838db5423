// Live: --timeout ends a run that does not finish (a workload that hangs, or runc init hanging on a
// call the profile kills): its containers are removed, record writes nothing, verify fails saying
// why and still runs its complain pass, detached containers included. And verify names the errno
// the engine really delivers.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { BASE_IMAGE, docker, engineEnv, leftovers, requireLiveHost } from '../support/live.js';

const DOCKER_DEFAULT = new URL('../../data/reference/docker-default.json', import.meta.url).pathname;

function env(): Record<string, string> {
  return engineEnv() as Record<string, string>;
}

describe('--timeout against the real engine', () => {
  before(() => requireLiveHost());

  it('record: removes the container and writes nothing when the run takes longer, attached or detached', () => {
    for (const detach of [[], ['-d']]) {
      const out = join(mkdtempSync(join(tmpdir(), 'cf-timeout-')), 'fp.json');
      const started = Date.now();
      const r = runCli(['record', '--timeout', '3', '-o', out, '--', 'docker', 'run', '--rm', ...detach, '--network', 'none', BASE_IMAGE, 'sleep', '60'], {
        env: env(),
      });
      const seconds = (Date.now() - started) / 1000;
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^clawfence: the workload \(nothing was recorded\) did not finish within 3 s: its containers were removed$/m);
      assert.match(r.stderr, /hint: raise --timeout/);
      assert.ok(seconds < 30, `ended by the timeout, not by sleep 60 (${seconds.toFixed(1)} s)`);
      assert.ok(!existsSync(out), 'no footprint');
      assert.deepEqual(leftovers(), { containers: '', recorders: [], cgroups: [] }, `nothing left (${detach.join('') || 'attached'})`);
    }
  });

  it('verify: a run that takes longer fails with the reason, and the complain pass is bounded too', () => {
    const r = runCli(['verify', '--timeout', '3', '--profile', DOCKER_DEFAULT, '--', 'docker', 'run', '--rm', '--network', 'none', BASE_IMAGE, 'sleep', '60'], {
      env: env(),
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /verify: FAIL — did not finish within 3 s \(its containers were removed\); the complain pass did not finish either/);
    assert.deepEqual(leftovers(), { containers: '', recorders: [], cgroups: [] });
  });

  it('verify: a run that ends in time passes as before', () => {
    const r = runCli(['verify', '--timeout', '60', '--profile', DOCKER_DEFAULT, '--', 'docker', 'run', '--rm', '--network', 'none', BASE_IMAGE, 'true'], {
      env: env(),
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('refuses a timeout that is not a number of seconds', () => {
    for (const cmd of ['record', 'verify', 'profile']) {
      const r = runCli([cmd, '--timeout', '10s', ...(cmd === 'verify' ? ['--profile', DOCKER_DEFAULT] : []), '--', 'docker', 'run', BASE_IMAGE, 'true'], {
        env: env(),
      });
      assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /^error: option '--timeout <seconds>' argument '10s' is invalid\. Give a whole number of seconds/m, cmd);
    }
  });
});

describe('verify reports what the engine really enforced', () => {
  before(() => requireLiveHost());

  it('names the errno the engine delivers: Docker before 23.0 drops defaultErrnoRet (EPERM instead)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-errno-'));
    const run = ['docker', 'run', '--rm', '--network', 'none', BASE_IMAGE, 'sh', '-c', 'echo hello'];
    const fp = join(dir, 'fp.json');
    assert.equal(runCli(['record', '-o', fp, '--', ...run], { env: env() }).code, 0);
    const prof = join(dir, 'p.json');
    const g = runCli(['generate', fp, '--default-errno', '38', '-o', prof], { env: env() });
    assert.equal(g.code, 0, g.stderr);
    const p = JSON.parse(readFileSync(prof, 'utf8')) as { syscalls: { names: string[] }[] };
    p.syscalls = p.syscalls.filter((r) => !r.names.includes('write'));
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, JSON.stringify(p));
    const r = runCli(['verify', '--profile', cut, '--expect-stdout', 'hello', '--', ...run], { env: env() });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const major = Number(docker(['version', '--format', '{{.Server.Version}}']).trim().split('.')[0]);
    const errno = major < 23 ? 1 : 38;
    assert.match(r.stdout + r.stderr, new RegExp(`denied: write on x86_64 \\(errno ${errno}\\)`), `Docker ${major}`);
  });
});
