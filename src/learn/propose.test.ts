// Attribution and the proposal: records of a log-tier profile become allow rules of an enforcing
// profile (as the evaluator decides), catalogued syscalls are refused unless justified, catalogued
// values stay denied although the log carries no arguments, and what is not attributed is counted.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { widerThanDefault } from '../diff/doors.js';
import { decide } from '../evaluator/evaluate.js';
import { generateProfile } from '../generator/generate.js';
import { parseJustification } from '../generator/justify.js';
import type { Profile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { syscallNumber } from '../syscalls/table.js';
import { recording, RUNC_AFTER_FILTER } from '../../test/support/test-footprints.js';
import { attribute, cgroupNamesContainer } from './attribute.js';
import { learnFromLog } from './learn.js';
import { propose } from './propose.js';
import type { SeccompRecord } from './records.js';

const T0 = Date.parse('2026-12-03T17:00:00Z');

function rec(syscall: string, o: Partial<SeccompRecord> = {}): SeccompRecord {
  return {
    line: 1,
    timeMs: T0 + 1000,
    serial: 1,
    pid: 100,
    comm: 'curl',
    exe: '/usr/bin/curl',
    abi: 'x86_64',
    auditArch: 0xc000003e,
    nr: syscallNumber('x86_64', syscall) ?? -1,
    syscall,
    action: 'log',
    code: 0x7ffc0000,
    ...o,
  };
}

function args(index: number, v: bigint): bigint[] {
  const a = [0n, 0n, 0n, 0n, 0n, 0n];
  a[index] = v;
  return a;
}

const tool = recording({ workload: 'usage', runtime: RUNC_AFTER_FILTER, tool: ['read', 'write', 'exit_group'] });
const logTier = generateProfile([tool], { unrecorded: 'log' }).profile;
const exact = generateProfile([tool]).profile;
const cp = (p: Profile) => resolveProfile(p, { native: 'x86_64', caps: [] });

describe('propose', () => {
  const records = [
    rec('mkdirat'),
    rec('mkdirat', { timeMs: T0 + 2000 }),
    rec('socket'),
    rec('clone', { exe: '/usr/bin/bash', comm: 'bash' }),
    rec('personality'),
  ];
  const p = propose(logTier, records, { native: 'x86_64', source: 'dmesg' });
  const after = cp(p.profile);

  it('gives the profile its deny-by-default back, without the tier’s rules', () => {
    assert.equal(p.profile.defaultAction, 'errno');
    assert.equal(p.profile.defaultErrnoRet, 1);
    assert.deepEqual(p.base.syscalls, exact.syscalls);
    assert.ok(!p.profile.syscalls.some((r) => r.comment?.includes('log tier:')));
    assert.equal(decide(after, 'x86_64', 'renameat2', args(0, 0n)).action, 'errno', 'what was not learned stays denied');
  });

  it('allows the learned calls, each with a comment saying where it was learned', () => {
    assert.equal(decide(after, 'x86_64', 'mkdirat', args(0, 0n)).action, 'allow');
    const r = p.profile.syscalls.find((x) => x.names[0] === 'mkdirat');
    assert.match(
      r?.comment ?? '',
      /^mkdirat — learned from the kernel log \(dmesg\): 2 calls on x86_64 by \/usr\/bin\/curl 2× between 2026-12-03T17:00:01Z and 2026-12-03T17:00:02Z/,
    );
    assert.deepEqual(
      p.learned.map((l) => l.syscall),
      ['clone', 'mkdirat', 'personality', 'socket'],
    );
  });

  it('keeps the catalogued values denied although the log has no arguments', () => {
    assert.equal(decide(after, 'x86_64', 'clone', args(0, 0x3d0f00n)).action, 'allow', 'a thread');
    assert.equal(decide(after, 'x86_64', 'clone', args(0, 0x10000000n | 17n)).action, 'errno', 'CLONE_NEWUSER');
    const sock = (f: bigint, t: bigint, p = 0n) => decide(after, 'x86_64', 'socket', [f, t, p, 0n, 0n, 0n]).action;
    for (const f of [2n, 10n, 1n]) assert.equal(sock(f, 1n | 0o2000000n), 'allow', `family ${f}`);
    for (const f of [17n, 40n, 38n]) assert.equal(sock(f, 1n), 'errno', `family ${f}`);
    assert.equal(sock(2n, 3n, 1n), 'errno', 'a raw IPv4 socket stays denied');
    assert.equal(sock(16n, 3n, 0n), 'allow', 'NETLINK_ROUTE');
    assert.equal(sock(16n, 3n, 12n), 'errno', 'NETLINK_NETFILTER stays denied');
    assert.equal(decide(after, 'x86_64', 'personality', args(0, 0n)).action, 'allow');
    assert.equal(decide(after, 'x86_64', 'personality', args(0, 0xffffffffn)).action, 'allow');
    assert.equal(decide(after, 'x86_64', 'personality', args(0, 0x0400000n)).action, 'errno', 'READ_IMPLIES_EXEC');
    assert.deepEqual(p.wider, []);
    assert.deepEqual(widerThanDefault(p.profile, { native: 'x86_64' }), []);
  });

  it('refuses a catalogued syscall in the log, and allows it only when justified', () => {
    const withKeyctl = [...records, rec('keyctl', { action: 'errno', code: 0x50000 }), rec('keyctl', { action: 'errno', code: 0x50000 })];
    const refused = propose(logTier, withKeyctl, { native: 'x86_64', source: 'dmesg' });
    assert.deepEqual(
      refused.refusals.map((r) => [r.syscall, r.count, r.by]),
      [['keyctl', 2, ['/usr/bin/curl']]],
    );
    assert.equal(decide(cp(refused.profile), 'x86_64', 'keyctl', args(0, 0n)).action, 'errno');
    const js = [parseJustification('keyctl:the tool stores its token in the session keyring')];
    const allowed = propose(logTier, withKeyctl, { native: 'x86_64', source: 'dmesg', justifications: js });
    assert.deepEqual(allowed.refusals, []);
    assert.equal(decide(cp(allowed.profile), 'x86_64', 'keyctl', args(0, 0n)).action, 'allow');
    assert.match(allowed.profile.syscalls.find((r) => r.names[0] === 'keyctl')?.comment ?? '', /justification: the tool stores its token/);
  });

  it('with --unrecorded log, writes the next round in the log tier', () => {
    const r = learnFromLog(logTier, '', { native: 'x86_64', source: 'dmesg', unrecorded: 'log' });
    assert.equal(r.profile.defaultAction, 'log');
    assert.equal(r.enforcing.defaultAction, 'errno');
    assert.deepEqual(r.profile.syscalls, logTier.syscalls);
  });
});

describe('attribute', () => {
  const profile = cp(logTier);
  it('counts what it sets aside, with the reason', () => {
    const records = [
      rec('mkdirat', { timeMs: T0 - 1 }),
      rec('mkdirat'),
      rec('read'), // allowed outright: a LOG record of it came from another filter
      rec('mkdirat', { pid: 200 }),
      rec('mkdirat', { pid: 300 }),
      rec('mkdirat', { exe: '/usr/bin/other', comm: 'other', pid: 100 }),
      rec('mkdirat', { action: 'trap', code: 0x30000 }),
    ];
    const id = 'a'.repeat(64);
    const cgroups: Record<number, string> = { 100: `0::/system.slice/docker-${id}.scope`, 200: `0::/system.slice/docker-${'b'.repeat(64)}.scope` };
    const a = attribute(records, { profile, sinceMs: T0, container: { id: id.slice(0, 12), cgroupOf: (pid) => cgroups[pid] }, exes: ['/usr/bin/curl'] });
    assert.equal(a.records.length, 1);
    assert.deepEqual(Object.fromEntries(a.notAttributed.map((n) => [n.reason, n.count])), {
      'before-since': 1,
      'not-this-profile': 1,
      'other-container': 1,
      'pid-gone': 1,
      'other-process': 1,
      'runtime-action': 1,
    });
    const gone = attribute([rec('mkdirat', { pid: 300 })], { profile, container: { id, cgroupOf: () => undefined, includeGone: true } });
    assert.equal(gone.records.length, 1);
  });

  it('matches docker and podman cgroup paths by id prefix', () => {
    const id = '0123456789abcdef'.repeat(4);
    assert.ok(cgroupNamesContainer(`12:pids:/docker/${id}\n`, id.slice(0, 12)));
    assert.ok(cgroupNamesContainer(`0::/machine.slice/libpod-${id}.scope/container`, id));
    assert.ok(!cgroupNamesContainer(`0::/docker/${id}`, 'fedcba987654'));
    assert.ok(!cgroupNamesContainer(`0::/docker/${id}`, 'short'));
  });
});
