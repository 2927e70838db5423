// Live: the kernel's 4096-instruction limit against the count in src/evaluator/program-size.ts.
// The kernel's own count of the loaded filter is read with PTRACE_SECCOMP_GET_FILTER
// (test/fixtures/programs/seccomp-filter-length.c). Profiles are Docker's default plus k rules
// `personality(arg0 == 0x1000+i)`; --cap-drop ALL matches the count's "no capabilities" host.
// Measured on Docker 20.10.24 / runc 1.1.5 / libseccomp 2.5.4: the count is conservative (runc
// 1.1.5 does not turn on libseccomp's binary tree, the evaluator models runc that does), so the
// audit warns before the kernel refuses — these tests hold that, and find the kernel's real edge.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { auditProfile } from '../../src/audit/audit.js';
import { parseDockerProfile, printDockerProfile } from '../../src/formats/docker.js';
import type { Profile } from '../../src/profile/model.js';
import { aroundTheLimit, sizeOf, withExtraRules } from '../support/limit-profiles.js';
import { BASE_IMAGE, buildProgram, engineEnv, requireLiveHost } from '../support/live.js';

interface Loaded {
  loaded: boolean;
  length?: number;
  stderr: string;
}

describe('the kernel and the instruction count', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-limit-'));
  let tool = '';
  let base: Profile;
  before(() => {
    requireLiveHost();
    tool = buildProgram('seccomp-filter-length');
    const r = parseDockerProfile(readFileSync(new URL('../../data/reference/docker-default.json', import.meta.url), 'utf8'));
    if (!r.ok) throw new Error('docker-default.json does not parse');
    base = r.value;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts a container under the profile and reads the kernel's length of its filter. */
  const load = (p: Profile): Loaded => {
    const file = join(dir, 'profile.json');
    writeFileSync(file, printDockerProfile(p));
    const run = spawnSync(
      'docker',
      ['run', '-d', '--rm', '--network', 'none', '--cap-drop', 'ALL', '--security-opt', `seccomp=${file}`, BASE_IMAGE, 'sleep', '60'],
      { env: engineEnv(), encoding: 'utf8', timeout: 60_000 },
    );
    const id = run.stdout.trim();
    if (run.status !== 0) {
      if (id !== '') spawnSync('docker', ['rm', '-f', id], { env: engineEnv() });
      return { loaded: false, stderr: run.stderr };
    }
    try {
      const pid = spawnSync('docker', ['inspect', '-f', '{{.State.Pid}}', id], { env: engineEnv(), encoding: 'utf8' }).stdout.trim();
      const out = spawnSync(tool, [pid], { encoding: 'utf8' });
      const m = /filter 0: (\d+)/.exec(out.stdout);
      assert.ok(m, `no filter length for pid ${pid}: ${out.stderr}`);
      return { loaded: true, length: Number(m[1]), stderr: '' };
    } finally {
      spawnSync('docker', ['rm', '-f', id], { env: engineEnv() });
    }
  };

  it('counts at least what the kernel holds for Docker’s default (the count is conservative)', () => {
    const real = load(base);
    assert.ok(real.loaded, real.stderr);
    const est = sizeOf(base).total;
    assert.ok(est >= (real.length ?? 0), `estimate ${est} < kernel ${real.length}`);
    assert.ok(est <= (real.length ?? 0) * 1.3, `estimate ${est} is more than 30% above the kernel's ${real.length}`);
  });

  it('the kernel refuses the first profile past 4096 instructions, and the audit is not silent on it', () => {
    // Upward from where the count reaches the limit: the largest k the kernel still loads.
    let lo = aroundTheLimit().k;
    let hi = lo + 1024;
    assert.ok(load(withExtraRules(base, lo)).loaded, 'the kernel refused a profile the count says fits');
    assert.equal(load(withExtraRules(base, hi)).loaded, false, `k=${hi} still loads: widen the search`);
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (load(withExtraRules(base, mid)).loaded) lo = mid;
      else hi = mid;
    }
    const edge = load(withExtraRules(base, lo));
    assert.ok(edge.loaded && edge.length !== undefined && edge.length <= 4096 && edge.length > 4090, `kernel length at the edge: ${edge.length}`);
    const refused = load(withExtraRules(base, hi));
    assert.equal(refused.loaded, false);
    assert.match(refused.stderr, /invalid argument/i, refused.stderr);
    const findings = auditProfile(withExtraRules(base, hi), { native: 'x86_64' }).findings.filter((f) => f.id === 'CF035');
    assert.equal(findings.length, 1, 'the audit says nothing about a profile the kernel refuses');
    assert.equal(findings[0]?.severity, 'high');
  });
});
