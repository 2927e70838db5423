// "Never wider than Docker's default on a catalogued door": the comparison finds syscall-level doors
// (mount) and value-level ones (socket AF_VSOCK through a name-only socket rule, clone with
// CLONE_NEWUSER), ignores what is harmless where Docker denies it (unshare without namespace flags)
// and differences only in the upper half of an int argument, and the audit reports each as CF060.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditProfile } from '../audit/audit.js';
import { loadDockerDefault } from '../catalog/reference.js';
import { parseDockerProfile } from '../formats/docker.js';
import type { Profile } from '../profile/model.js';
import { widerThanDefault } from './doors.js';

function profile(rules: unknown[]): Profile {
  const r = parseDockerProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: rules }));
  assert.ok(r.ok, JSON.stringify(r.issues));
  return r.value;
}
const allow = (names: string[], args: unknown[] = []) => ({ names, action: 'SCMP_ACT_ALLOW', args });
const m32 = (v: number) => ({ index: 0, value: 0xffffffff, valueTwo: v, op: 'SCMP_CMP_MASKED_EQ' });

describe("wider than Docker's default", () => {
  it("is nothing for Docker's default itself", () => {
    assert.deepEqual(widerThanDefault(loadDockerDefault(), { native: 'x86_64' }), []);
  });

  it('finds mount, a name-only socket (AF_VSOCK) and clone without the namespace mask', () => {
    const w = widerThanDefault(profile([allow(['read', 'mount', 'socket', 'clone'])]), { native: 'x86_64' });
    const got = w.map((x) => `${x.syscall}${x.where === '' ? '' : ` ${x.where}`}`).sort();
    assert.ok(got.includes('mount'), got.join('; '));
    assert.ok(got.includes('socket arg0 = AF_VSOCK'), got.join('; '));
    assert.ok(got.includes('clone arg0 = CLONE_NEWUSER'), got.join('; '));
    assert.equal(
      got.some((g) => g.startsWith('socket arg0 = AF_INET')),
      false,
    );
  });

  it('ignores harmless calls Docker denies and upper-half differences of int arguments', () => {
    const p = profile([
      allow(['unshare'], [{ index: 0, value: 0x7e020080, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]),
      allow(['socket'], [m32(2)]),
      allow(['personality'], [m32(0)]),
    ]);
    assert.deepEqual(widerThanDefault(p, { native: 'x86_64' }), []);
  });

  it('is reported by the audit as CF060', () => {
    const f = auditProfile(profile([allow(['read', 'keyctl'])]), { native: 'x86_64' }).findings.filter((x) => x.id === 'CF060');
    assert.deepEqual(
      f.map((x) => x.syscall),
      ['keyctl'],
    );
    assert.equal(f[0]?.severity, 'high');
    assert.match(f[0]?.message ?? '', /keyctl on x86_64: allowed here, denied by Docker default/);
  });
});
