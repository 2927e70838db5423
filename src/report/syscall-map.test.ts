// The syscall map: one cell per syscall of the ABI, states as the evaluator's surface decides
// them, counts that add up, Docker's default as the generator's stats count it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOCKER_DEFAULT_NAME, loadDockerDefault } from '../catalog/reference.js';
import { dockerDefaultCounts } from '../generator/stats.js';
import { syscallsOf } from '../syscalls/table.js';
import { fixtureProfile } from '../../test/support/report-fixture.js';
import { MAP_STATES, allowedCount, buildSyscallMap } from './syscall-map.js';

describe('buildSyscallMap', () => {
  const docker = loadDockerDefault();
  const profile = fixtureProfile();
  for (const abi of ['x86_64', 'x86', 'x32'] as const) {
    it(`has one cell per ${abi} syscall and counts that add up to the ABI's total`, () => {
      const m = buildSyscallMap(profile, docker, { abi, generalised: new Set(), dockerDefaultTitle: DOCKER_DEFAULT_NAME });
      const names = syscallsOf(abi);
      assert.equal(m.cells.length, names.length);
      assert.deepEqual(
        m.cells.map((c) => c.name),
        names,
      );
      for (const side of ['profile', 'dockerDefault'] as const) {
        assert.equal(
          MAP_STATES.reduce((n, s) => n + m.counts[side][s], 0),
          names.length,
        );
        for (const s of MAP_STATES) assert.equal(m.counts[side][s], m.cells.filter((c) => c[side] === s).length);
      }
    });
  }

  it('shows what the flask profile allows as allowed and the rest as denied', () => {
    const m = buildSyscallMap(profile, docker, { abi: 'x86_64', generalised: new Set(), dockerDefaultTitle: DOCKER_DEFAULT_NAME });
    const by = new Map(m.cells.map((c) => [c.name, c]));
    assert.equal(by.get('brk')?.profile, 'allowed');
    assert.equal(by.get('brk')?.nr, 12);
    assert.equal(by.get('brk')?.tier, 'benign');
    assert.equal(by.get('kexec_load')?.profile, 'denied');
    assert.equal(by.get('kexec_load')?.dockerDefault, 'denied');
    // mount is allowed nowhere by the flask profile; Docker's default (without CAP_SYS_ADMIN) denies it too.
    assert.equal(by.get('mount')?.profile, 'denied');
    assert.equal(by.get('read')?.dockerDefault, 'allowed');
  });

  it('marks a generalised allowed syscall as generalised and leaves a denied one denied', () => {
    const m = buildSyscallMap(profile, docker, { abi: 'x86_64', generalised: new Set(['brk', 'kexec_load']), dockerDefaultTitle: DOCKER_DEFAULT_NAME });
    const by = new Map(m.cells.map((c) => [c.name, c]));
    assert.equal(by.get('brk')?.profile, 'generalised');
    assert.equal(by.get('brk')?.dockerDefault, 'allowed');
    assert.equal(by.get('kexec_load')?.profile, 'denied');
  });

  it("counts Docker's default as the generator's stats do", () => {
    const m = buildSyscallMap(profile, docker, { abi: 'x86_64', generalised: new Set(), dockerDefaultTitle: DOCKER_DEFAULT_NAME });
    assert.equal(allowedCount(m.counts.dockerDefault), dockerDefaultCounts('x86_64').get('x86_64'));
    assert.ok(m.counts.dockerDefault['dangerous-allowed'] > 0, "Docker's default allows some dangerous-tier syscalls (ptrace, personality…)");
  });
});
