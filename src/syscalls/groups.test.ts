// Syscall groups: every member is a syscall clawfence knows, nesting expands, summaries partition,
// and (where systemd is installed) the data matches `systemd-analyze syscall-filter`.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { ClawfenceError } from '../errors.js';
import { describeGroups, GROUPS, groupMembers, groupsOf, isGroup, summarizeGroups } from './groups.js';
import { isKnownSyscall, knownSyscallNames } from './table.js';

test('every group member is a syscall name in the syscall table', () => {
  for (const g of GROUPS) {
    const members = groupMembers(g);
    assert.ok(members.length > 0, g);
    const unknown = members.filter((m) => !isKnownSyscall(m));
    assert.deepEqual(unknown, [], `${g} has names libseccomp does not know`);
  }
});

test('composite groups include their parts; look-ups take names with or without @', () => {
  const service = new Set(groupMembers('@system-service'));
  for (const part of ['@basic-io', '@file-system', '@network-io', '@default']) {
    for (const m of groupMembers(part)) assert.ok(service.has(m), `${m} of ${part} missing from @system-service`);
  }
  assert.ok(groupMembers('privileged').includes('chown'), '@privileged includes @chown');
  assert.ok(groupMembers('@privileged').includes('reboot'), '@privileged includes @reboot');
  assert.deepEqual(groupMembers('mount'), groupMembers('@mount'));
  assert.ok(groupsOf('socket').includes('@network-io'));
  assert.ok(groupsOf('mount').includes('@mount'));
  assert.ok(!groupsOf('mount').includes('@system-service'), 'systemd keeps @mount out of @system-service');
  assert.deepEqual(groupsOf('no_such_syscall'), []);
  assert.ok(isGroup('@clock') && isGroup('clock') && !isGroup('@clocks'));
});

test('an unknown group is bad input with a suggestion', () => {
  assert.throws(
    () => groupMembers('@netwrk-io'),
    (e: unknown) => e instanceof ClawfenceError && e.code === 'bad-input' && /@network-io/.test(e.hint ?? ''),
  );
});

test('summaries partition the names: each once, in its most specific group, the rest under other', () => {
  const names = ['read', 'write', 'openat', 'socket', 'connect', 'mount', 'setuid', 'kexec_load', 'not_a_syscall'];
  const s = summarizeGroups(names);
  const all = [...s.groups.flatMap((g) => g.names), ...s.other].sort();
  assert.deepEqual(all, [...names].sort());
  const home = Object.fromEntries(s.groups.flatMap((g) => g.names.map((n) => [n, g.group])));
  assert.equal(home['read'], '@basic-io');
  assert.equal(home['socket'], '@network-io');
  assert.equal(home['setuid'], '@setuid', 'the specific group, not @privileged');
  assert.equal(home['kexec_load'], '@reboot');
  assert.deepEqual(s.other, ['not_a_syscall']);
  assert.equal(describeGroups(['read', 'write', 'socket', 'zzz_unknown']), '@basic-io (2), @network-io (1), other: zzz_unknown');
  assert.equal(describeGroups(['a1', 'a2', 'a3'], { maxOther: 2 }), 'other: a1, a2, +1 more');
  assert.equal(describeGroups([]), '');
  fc.assert(
    fc.property(fc.subarray([...knownSyscallNames()], { maxLength: 60 }), (ns) => {
      const x = summarizeGroups(ns);
      const flat = [...x.groups.flatMap((g) => g.names), ...x.other];
      return flat.length === new Set(ns).size && new Set(flat).size === flat.length;
    }),
    { numRuns: 200 },
  );
});

function installedSystemdVersion(): string | undefined {
  try {
    return /systemd (\d+)/.exec(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' }))?.[1];
  } catch {
    return undefined;
  }
}

test('membership equals systemd-analyze syscall-filter of systemd 252', (t) => {
  const v = installedSystemdVersion();
  if (v !== '252') {
    t.skip(`SKIPPED: needs systemd 252's systemd-analyze (found ${v ?? 'none'}); the data was taken from 252`);
    return;
  }
  const out = execFileSync('systemd-analyze', ['syscall-filter', '--no-pager'], { encoding: 'utf8' });
  const live = new Map<string, string[]>();
  let cur: string | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('@')) {
      cur = line.trim();
      live.set(cur, []);
    } else if (cur !== undefined && /^ {4}[^#\s]/.test(line)) {
      live.get(cur)?.push(line.trim());
    } else if (line.trim() === '') {
      cur = undefined;
    }
  }
  for (const g of GROUPS) {
    const direct = live.get(g);
    assert.ok(direct !== undefined, `systemd has no ${g}`);
    const expanded = new Set(direct.flatMap((m) => (m.startsWith('@') ? groupMembers(m) : [m])));
    assert.deepEqual(groupMembers(g), [...expanded].sort(), g);
  }
});
