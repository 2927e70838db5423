import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { failed, passed, type DoctorCheck } from '../model.js';
import { checkRecording } from './recording.js';

const IDS = ['btf', 'tracefs', 'cgroup2', 'privileges', 'recorder', 'recorder-toolchain', 'strace'] as const;

function checks(failing: readonly string[]): DoctorCheck[] {
  return IDS.map((id) => (failing.includes(id) ? failed(id, id, 'no', 'fix it') : passed(id, id, 'yes')));
}

describe('doctor: which recorder can run', () => {
  it('is eBPF when its prerequisites hold (a built binary or the toolchain to build it)', () => {
    assert.match(checkRecording(checks([])).detail, /^eBPF recorder ready$/);
    assert.match(checkRecording(checks(['recorder'])).detail, /can be built/);
    assert.match(checkRecording(checks(['strace'])).detail, /^eBPF/);
  });

  it("falls back to ptrace when only eBPF's own needs fail, naming them", () => {
    const c = checkRecording(checks(['btf', 'tracefs']));
    assert.equal(c.ok, true);
    assert.match(c.detail, /^ptrace fallback .*eBPF needs btf, tracefs$/);
  });

  it('fails, naming every missing piece once, when neither can run', () => {
    const c = checkRecording(checks(['btf', 'strace']));
    assert.equal(c.ok, false);
    assert.match(c.detail, /eBPF needs btf; ptrace needs strace/);
    assert.equal(c.fix, 'fix the btf, strace check(s) above');
    const noCgroup = checkRecording(checks(['cgroup2']));
    assert.equal(noCgroup.ok, false, 'both recorders need cgroup v2');
    assert.equal(noCgroup.fix, 'fix the cgroup2 check(s) above');
  });
});
