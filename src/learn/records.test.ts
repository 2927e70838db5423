// The kernel-log parser, on lines captured on the development VM (kernel 6.18, Docker 20.10.24,
// runc 1.1.5, no auditd): dmesg, /dev/kmsg, and the printk rate limit's "callbacks suppressed".
// The audit.log and journalctl lines are the same record in those tools' framing (no auditd or
// journald runs on that VM), the hex comm is audit's encoding of a name with a space.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abiOf, auditFields, decodeCode, parseKernelLog } from './records.js';
import { fullRatelimitWindows } from './learn.js';
import { parseTimeSpec } from './since.js';

// Captured with `dmesg` after `docker run` of a profile logging mkdir and getppid, with a static i386 binary.
const DMESG = [
  '[13374.516507] kauditd_printk_skb: 582 callbacks suppressed',
  '[13374.516512] audit: type=1326 audit(1796317977.393:1140): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=26386 comm="runc:[2:INIT]" exe="/" sig=0 arch=c000003e syscall=257 compat=0 ip=0x40828e code=0x7ffc0000',
  '[13831.272224] audit: type=1326 audit(1796318434.149:1436): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=12984 comm="mkdir" exe="/usr/bin/mkdir" sig=0 arch=c000003e syscall=83 compat=0 ip=0x7ff1de361f37 code=0x7ffc0000',
  '[13831.274141] audit: type=1326 audit(1796318434.149:1437): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=12985 comm="g32" exe="/g32" sig=0 arch=40000003 syscall=64 compat=1 ip=0xf7f355e9 code=0x7ffc0000',
].join('\n');

// The same calls read from /dev/kmsg (priority, sequence, usec, flags).
const KMSG = [
  '5,589,13831270346,-;audit: type=1326 audit(1796318434.149:1435): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=12958 comm="sh" exe="/usr/bin/dash" sig=0 arch=c000003e syscall=110 compat=0 ip=0x7f77d07304f7 code=0x7ffc0000',
  '5,590,13831272224,-;audit: type=1326 audit(1796318434.149:1436): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=12984 comm="mkdir" exe="/usr/bin/mkdir" sig=0 arch=c000003e syscall=83 compat=0 ip=0x7ff1de361f37 code=0x7ffc0000',
  '5,594,13831274141,-;audit: type=1326 audit(1796318434.149:1437): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=12985 comm="g32" exe="/g32" sig=0 arch=40000003 syscall=64 compat=1 ip=0xf7f355e9 code=0x7ffc0000',
].join('\n');

describe('parseKernelLog', () => {
  it('reads dmesg records: time, pid, comm, exe, ABI, syscall name, action', () => {
    const { records, suppressions, unreadable } = parseKernelLog(DMESG);
    assert.deepEqual(unreadable, []);
    assert.equal(records.length, 3);
    const [runc, mkdir, g32] = records;
    assert.deepEqual(
      { t: runc?.timeMs, serial: runc?.serial, pid: runc?.pid, comm: runc?.comm, exe: runc?.exe, abi: runc?.abi, syscall: runc?.syscall, action: runc?.action },
      { t: 1796317977393, serial: 1140, pid: 26386, comm: 'runc:[2:INIT]', exe: '/', abi: 'x86_64', syscall: 'openat', action: 'log' },
    );
    assert.equal(mkdir?.syscall, 'mkdir');
    assert.equal(mkdir?.line, 3);
    assert.deepEqual([g32?.abi, g32?.nr, g32?.syscall], ['x86', 64, 'getppid']);
    assert.equal(suppressions.length, 1);
    assert.deepEqual([suppressions[0]?.kind, suppressions[0]?.count, suppressions[0]?.line], ['callbacks-suppressed', 582, 1]);
    // Its wall time comes from the records' offset between audit stamp and dmesg seconds.
    assert.ok(Math.abs((suppressions[0]?.timeMs ?? 0) - 1796317977393) < 50, String(suppressions[0]?.timeMs));
  });

  it('reads /dev/kmsg lines and reports a gap in the sequence numbers as lost messages', () => {
    const { records, suppressions } = parseKernelLog(KMSG);
    assert.deepEqual(
      records.map((r) => r.syscall),
      ['getppid', 'mkdir', 'getppid'],
    );
    assert.deepEqual(
      suppressions.map((s) => [s.kind, s.count, s.line]),
      [['kmsg-gap', 3, 3]],
    );
  });

  it('reads the journal and auditd framings of the same record', () => {
    const journal =
      '2026-12-03T17:20:34+0000 vm kernel: audit: type=1326 audit(1796318434.149:1436): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=12984 comm="mkdir" exe="/usr/bin/mkdir" sig=0 arch=c000003e syscall=83 compat=0 ip=0x7ff1de361f37 code=0x7ffc0000';
    // code=0x50000: the kernel logs an errno denial's action without the errno (captured with a
    // program that installs its own SECCOMP_FILTER_FLAG_LOG filter: test/fixtures/programs/log-denied-keyctl.c).
    const audit =
      'type=SECCOMP msg=audit(1796318434.149:1436): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=unconfined pid=12984 comm="mkdir" exe="/usr/bin/mkdir" sig=0 arch=c000003e syscall=83 compat=0 ip=0x7ff1de361f37 code=0x50000\x1dAUID="unset" UID="root"';
    const j = parseKernelLog(journal).records[0];
    const a = parseKernelLog(audit).records[0];
    assert.deepEqual([j?.syscall, j?.pid, j?.action], ['mkdir', 12984, 'log']);
    assert.deepEqual([a?.syscall, a?.action, a?.errno], ['mkdir', 'errno', undefined]);
  });

  it('decodes hex-encoded names and x32 numbers, and counts what it cannot read', () => {
    const t = [
      'audit: type=1326 audit(1796318434.149:9): pid=7 comm=6D7920746F6F6C exe="/x" sig=0 arch=c000003e syscall=1073741825 compat=0 ip=0x1 code=0x80000000',
      'audit: type=1326 audit(1796318434.149:10): pid=7 comm="x" arch=c000003e code=0x7ffc0000',
      'audit: type=1326 audit(1796318434.149:11): pid=8 comm="y" exe="/y" sig=0 arch=deadbeef syscall=1 compat=0 ip=0x1 code=0x7ffc0000',
    ].join('\n');
    const r = parseKernelLog(t);
    assert.deepEqual([r.records[0]?.comm, r.records[0]?.abi, r.records[0]?.syscall, r.records[0]?.action], ['my tool', 'x32', 'write', 'kill_process']);
    assert.deepEqual(r.unreadable, [2]);
    assert.deepEqual([r.records[1]?.abi, r.records[1]?.syscall], [undefined, undefined]);
  });

  it('knows the audit subsystem’s own drop messages and ignores other subsystems’ rate limits', () => {
    const t = [
      '[  10.1] audit: rate limit exceeded',
      '[  10.2] audit: audit_lost=17 audit_rate_limit=0 audit_backlog_limit=64',
      '[  10.3] audit: backlog limit exceeded',
      '[  10.4] audit: kauditd hold queue overflow',
      '[  10.5] net_ratelimit: 3 callbacks suppressed',
      '[  10.6] audit_log_start: 4 callbacks suppressed',
    ].join('\n');
    assert.deepEqual(
      parseKernelLog(t).suppressions.map((s) => [s.kind, s.count]),
      [
        ['rate-limit-exceeded', undefined],
        ['audit-lost', 17],
        ['backlog-limit', undefined],
        ['hold-queue-overflow', undefined],
        ['callbacks-suppressed', 4],
      ],
    );
  });
});

describe('codes, ABIs, fields', () => {
  it('decodes every seccomp action', () => {
    assert.deepEqual(decodeCode(0x7ffc0000), { action: 'log', data: 0 });
    assert.deepEqual(decodeCode(0x00050026), { action: 'errno', data: 38 });
    assert.equal(decodeCode(0x80000000).action, 'kill_process');
    assert.equal(decodeCode(0).action, 'kill_thread');
    assert.equal(decodeCode(0x7fc00000).action, 'notify');
    assert.equal(decodeCode(0x12340000).action, 'unknown');
  });
  it('maps AUDIT_ARCH values', () => {
    assert.deepEqual(abiOf(0xc000003e, 59), { abi: 'x86_64', nr: 59 });
    assert.deepEqual(abiOf(0xc000003e, 0x40000000 + 59), { abi: 'x32', nr: 0x40000000 + 59 });
    assert.deepEqual(abiOf(0x40000003, 11), { abi: 'x86', nr: 11 });
    assert.deepEqual(abiOf(0xc00000b7, 221), { abi: 'aarch64', nr: 221 });
  });
  it('keeps the first of repeated keys and quoted values with spaces', () => {
    const f = auditFields('pid=1 comm="a b" pid=2 exe=2F62696E2F7368');
    assert.deepEqual([f.get('pid'), f.get('comm'), f.get('exe')], ['1', 'a b', '/bin/sh']);
  });
});

describe('rate-limit windows and times', () => {
  it('flags the printk windows that reached the burst', () => {
    const t = [0, 100, 200, 300, 5200, 5300, 20000];
    assert.deepEqual(fullRatelimitWindows(t, { intervalMs: 5000, burst: 4 }), [{ startMs: 0, records: 4 }]);
    assert.deepEqual(fullRatelimitWindows(t, { intervalMs: 5000, burst: 5 }), []);
    assert.deepEqual(fullRatelimitWindows(t, { intervalMs: 0, burst: 1 }), [], 'interval 0: no rate limit');
  });
  it('parses --since', () => {
    const now = Date.parse('2026-12-03T17:00:00Z');
    assert.equal(parseTimeSpec('15m', now), now - 15 * 60_000);
    assert.equal(parseTimeSpec('2026-12-03T16:00:00Z', now), now - 3_600_000);
    assert.equal(parseTimeSpec('@1796317977.5', now), 1796317977500);
    assert.throws(() => parseTimeSpec('yesterday', now), /--since "yesterday": not a time/);
  });
});
