// The kernel's 4096-instruction limit: the count (libseccomp's program + runc's -ENOSYS stub), the
// audit finding at and past the limit. test/live/program-limit.test.ts checks the count against the
// kernel.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditProfile } from '../audit/audit.js';
import { aroundTheLimit, sizeOf } from '../../test/support/limit-profiles.js';
import { readFileSync } from 'node:fs';
import { parseDockerProfile } from '../formats/docker.js';
import { KERNEL_MAX_INSNS, programSize } from './program-size.js';
import { resolveProfile } from '../profile/resolve.js';

describe('program size', () => {
  it("counts runc's stub per audit arch: x86_64 with x32 shares one section, x86 has its own", () => {
    const r = parseDockerProfile(readFileSync(new URL('../../data/reference/docker-default.json', import.meta.url), 'utf8'));
    assert.ok(r.ok);
    const cp = resolveProfile(r.value, { native: 'x86_64', caps: [] });
    const runc = programSize(cp);
    // load arch, ja, 2-insn tail; x86_64+x32: jeq, load nr, jset, 2×jgt, ja; x86: jeq, load nr, jgt, ja.
    assert.equal(runc.stub, 4 + 6 + 4);
    assert.equal(programSize(cp, { runtime: 'crun' }).stub, 0);
    assert.equal(runc.total, runc.libseccomp + runc.stub);
    assert.equal(runc.limit, KERNEL_MAX_INSNS);
  });

  it('finds the largest profile that fits, and the audit reports the next one as refused', () => {
    const { under, over, underSize, overSize } = aroundTheLimit();
    assert.ok(underSize.total <= 4096 && underSize.total > 4096 - 8, `under: ${underSize.total}`);
    assert.ok(overSize.total > 4096, `over: ${overSize.total}`);
    const find = (p: typeof under) => auditProfile(p, { native: 'x86_64' }).findings.filter((f) => f.id === 'CF035');
    const atLimit = find(under);
    assert.equal(atLimit.length, 1);
    assert.equal(atLimit[0]?.severity, 'low', 'within 10% of the limit: a warning');
    const past = find(over);
    assert.equal(past.length, 1);
    assert.equal(past[0]?.severity, 'high');
    assert.match(past[0]?.message ?? '', /refuses it/);
  });

  it('a small profile gets no finding', () => {
    const r = parseDockerProfile('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}]}');
    assert.ok(r.ok);
    assert.ok(sizeOf(r.value).total < 50);
    assert.deepEqual(
      auditProfile(r.value, { native: 'x86_64' }).findings.filter((f) => f.id === 'CF035'),
      [],
    );
  });
});
