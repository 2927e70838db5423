// What the engine delivers: Docker before 23.0 drops defaultErrnoRet and flags; runc before 1.1.15
// has no -ENOSYS stub on ABIs the profile does not list.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDockerProfile } from '../formats/docker.js';
import type { Profile } from '../profile/model.js';
import { deliveredProfile, listedArches, parseVersion, runtimeGap } from './engine-delivery.js';

function profile(json: object): Profile {
  const r = parseDockerProfile(JSON.stringify(json));
  assert.ok(r.ok);
  return r.value;
}

const podmanLike = profile({
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 38,
  flags: ['SECCOMP_FILTER_FLAG_LOG'],
  architectures: ['SCMP_ARCH_X86_64'],
  syscalls: [],
});

describe('deliveredProfile', () => {
  it('Docker 20.10 drops defaultErrnoRet and flags, and says so', () => {
    const d = deliveredProfile(podmanLike, { serverVersion: '20.10.24+dfsg1' });
    assert.equal(d.profile.defaultErrnoRet, undefined);
    assert.deepEqual(d.profile.flags, []);
    assert.equal(d.changes.length, 2);
    assert.match(d.changes[0] ?? '', /defaultErrnoRet 38/);
  });

  it('Docker 23 and later deliver the profile as written', () => {
    for (const v of ['23.0.0', '28.2.2', 'v27.5.1']) {
      const d = deliveredProfile(podmanLike, { serverVersion: v });
      assert.equal(d.profile, podmanLike);
      assert.deepEqual(d.changes, []);
    }
  });

  it('a profile without those fields arrives unchanged on 20.10', () => {
    const p = profile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] });
    assert.deepEqual(deliveredProfile(p, { serverVersion: '20.10.24' }).changes, []);
  });
});

describe('runtimeGap', () => {
  const noArches = profile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ALLOW' }] });
  it('runc 1.1.5 has no stub on an unlisted native ABI', () => {
    assert.match(runtimeGap(noArches, 'x86_64', 'x86_64', { source: 'enosys-stub' }, { runcVersion: '1.1.5+ds1' }) ?? '', /only on listed ABIs/);
    assert.equal(runtimeGap(noArches, 'x86_64', 'x86_64', { source: 'default' }, { runcVersion: '1.1.5+ds1' }), undefined);
    assert.equal(runtimeGap(noArches, 'x86_64', 'x86_64', { source: 'enosys-stub' }, { runcVersion: '1.1.15' }), undefined);
  });
  it('a listed ABI (directly or through archMap) has the stub in every version', () => {
    const mapped = profile({
      defaultAction: 'SCMP_ACT_ERRNO',
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
      syscalls: [],
    });
    assert.deepEqual(listedArches(mapped, 'x86_64'), ['x86_64', 'x86']);
    assert.equal(runtimeGap(mapped, 'x86_64', 'x86', { source: 'enosys-stub' }, { runcVersion: '1.1.5' }), undefined);
  });
  it('parses engine version strings', () => {
    assert.deepEqual(parseVersion('20.10.24+dfsg1'), [20, 10, 24]);
    assert.deepEqual(parseVersion('v1.1.5'), [1, 1, 5]);
    assert.equal(parseVersion('dev'), undefined);
  });
});
