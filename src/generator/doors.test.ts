// A recording is evidence, not permission: a hostile recording (unshare/clone with CLONE_NEWUSER,
// clone3, mount, keyctl, add_key, personality(READ_IMPLIES_EXEC), AF_PACKET/AF_VSOCK/AF_ALG
// sockets beside honest AF_INET/AF_UNIX ones) gives a profile that keeps every one of them shut,
// names each, and is nowhere wider than Docker's default; justifications let exactly the justified
// value through; the --args levels add rules only where they say.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../evaluator/evaluate.js';
import type { ConcreteProfile, Profile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { widerThanDefault } from '../diff/doors.js';
import { generateProfile } from './generate.js';
import { parseJustification, parseJustificationFile } from './justify.js';
import { recording, RUNC_AFTER_FILTER } from '../../test/support/test-footprints.js';

const AF_UNIX = 1n,
  AF_INET = 2n,
  AF_INET6 = 10n,
  AF_PACKET = 17n,
  AF_ALG = 38n,
  AF_VSOCK = 40n;
const CLONE_NEWUSER = 0x10000000n,
  SIGCHLD = 17n,
  THREAD = 0x3d0f00n;
const READ_IMPLIES_EXEC = 0x0400000n;
const TOOL = { comm: 'hostile-tool', exe: '/usr/local/bin/hostile-tool' };

function hostile() {
  return recording({
    workload: 'work',
    runtime: RUNC_AFTER_FILTER,
    by: TOOL,
    tool: ['read', 'write', 'openat', 'close', 'exit_group', 'socket', 'clone', 'clone3', 'unshare', 'mount', 'keyctl', 'add_key', 'personality', 'wait4'],
    args: {
      socket: { index: 0, values: [AF_UNIX, AF_INET, AF_PACKET, AF_VSOCK, AF_ALG] },
      clone: { index: 0, values: [THREAD, CLONE_NEWUSER | SIGCHLD] },
      unshare: { index: 0, values: [CLONE_NEWUSER] },
      personality: { index: 0, values: [READ_IMPLIES_EXEC, 0n, 0xffffffffn] },
      keyctl: { index: 0, values: [0n] },
    },
  });
}

function cp(p: Profile): ConcreteProfile {
  return resolveProfile(p, { native: 'x86_64', caps: [] });
}

function allowed(p: Profile, name: string, ...args: bigint[]): boolean {
  const a = decide(cp(p), 'x86_64', name, [...args, 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6)).action;
  return a === 'allow' || a === 'log';
}

describe('a recording is evidence, not permission', () => {
  const r = generateProfile([hostile()]);

  it('keeps every catalogued door the recording went through shut, and names each with the process', () => {
    for (const name of ['mount', 'keyctl', 'add_key']) assert.equal(allowed(r.profile, name), false, name);
    assert.equal(allowed(r.profile, 'unshare', CLONE_NEWUSER), false);
    assert.equal(allowed(r.profile, 'clone', CLONE_NEWUSER | SIGCHLD), false);
    assert.equal(decide(cp(r.profile), 'x86_64', 'clone3').errno, 38, 'clone3 answers ENOSYS');
    assert.equal(allowed(r.profile, 'personality', READ_IMPLIES_EXEC), false);
    for (const af of [AF_PACKET, AF_VSOCK, AF_ALG]) assert.equal(allowed(r.profile, 'socket', af, 1n), false, `socket ${af}`);
    const refused = r.refusals.map((x) => (x.value === undefined ? x.syscall : `${x.syscall}=${x.value.label}`)).sort();
    assert.deepEqual(refused, [
      'add_key',
      'clone=CLONE_NEWUSER|SIGCHLD (0x10000011)',
      'keyctl',
      'mount',
      'personality=PER_LINUX|READ_IMPLIES_EXEC (0x400000)',
      'socket=AF_ALG (38)',
      'socket=AF_PACKET (17)',
      'socket=AF_VSOCK (40)',
      'unshare=CLONE_NEWUSER (0x10000000)',
    ]);
    for (const x of r.refusals) {
      assert.equal(x.firstBy?.comm, 'hostile-tool');
      assert.deepEqual(x.workloads, ['work']);
      assert.ok(x.count > 0 && x.reason.length > 10);
    }
    assert.match(
      r.stats.refused.join('\n'),
      /denied socket with arg0 = AF_PACKET \(17\): 3 calls on x86_64 first by hostile-tool \(\/usr\/local\/bin\/hostile-tool\), workload work — AF_PACKET: raw link-layer/,
    );
  });

  it('keeps the honest work: the families, personas and clone flags it used without danger', () => {
    for (const af of [AF_UNIX, AF_INET]) assert.ok(allowed(r.profile, 'socket', af, 1n), `socket ${af}`);
    assert.equal(allowed(r.profile, 'socket', AF_INET6, 1n), false, 'a family never recorded');
    assert.ok(allowed(r.profile, 'clone', THREAD));
    assert.ok(allowed(r.profile, 'personality', 0xffffffffn) && allowed(r.profile, 'personality', 0n));
    assert.ok(allowed(r.profile, 'socket', AF_INET | 0xdead00000000n, 1n), 'the upper half of an int argument is ignored');
    for (const name of ['read', 'write', 'wait4']) assert.ok(allowed(r.profile, name));
  });

  it("is nowhere wider than Docker's default on a catalogued door", () => {
    assert.deepEqual(r.wider, []);
    assert.deepEqual(widerThanDefault(r.profile, { native: 'x86_64' }), []);
  });

  it('lets exactly a justified value through, with the reason in the rule comment', () => {
    const js = [parseJustification('unshare=CLONE_NEWUSER:bubblewrap builds its sandbox'), parseJustification('socket=AF_PACKET:dhcp client')];
    const j = generateProfile([hostile()], { justifications: js });
    assert.ok(allowed(j.profile, 'unshare', CLONE_NEWUSER));
    assert.equal(allowed(j.profile, 'unshare', CLONE_NEWUSER | 0x00020000n), false, 'CLONE_NEWNS was not recorded: not allowed');
    assert.ok(allowed(j.profile, 'socket', AF_PACKET, 3n));
    assert.equal(allowed(j.profile, 'socket', AF_VSOCK, 1n), false);
    assert.ok(j.profile.syscalls.some((x) => x.names[0] === 'unshare' && /justified: bubblewrap builds its sandbox/.test(x.comment ?? '')));
    assert.deepEqual(
      j.refusals.map((x) => x.syscall).filter((n) => n === 'unshare'),
      [],
    );
    assert.deepEqual(j.wider, [], 'a justified door is not reported as wider');
    assert.match(j.stats.justified.join('\n'), /unshare=CLONE_NEWUSER: bubblewrap/);
  });

  it('a justified dangerous syscall gets only its recorded values', () => {
    const j = generateProfile([hostile()], { justifications: [parseJustification('keyctl:session keyring lookups')] });
    assert.ok(allowed(j.profile, 'keyctl', 0n));
    assert.equal(allowed(j.profile, 'keyctl', 6n), false, 'KEYCTL_CLEAR was never recorded');
  });

  it('reads justifications from the command line and from files, and refuses bad ones in one line', () => {
    assert.deepEqual(parseJustification('clone3:glibc threads').value, undefined);
    assert.equal(parseJustification('unshare=CLONE_NEWUSER|CLONE_NEWNS:x').value?.value, CLONE_NEWUSER | 0x00020000n);
    assert.equal(parseJustificationFile('# why\n\nmount:fuse\n', 'j.txt').length, 1);
    assert.throws(() => parseJustification('mount'), /needs a reason after ':'/);
    assert.throws(() => parseJustification('mout:x'), /unknown syscall 'mout'/);
    assert.throws(() => parseJustification('read=3:x'), /no argument rule for read/);
    assert.throws(() => parseJustificationFile('mount\n', 'j.txt'), /j\.txt:1:/);
  });

  it('adds argument rules by level: none has only the floor, strict narrows the hot syscalls too', () => {
    const fp = recording({
      workload: 'w',
      tool: ['read', 'ioctl', 'prctl', 'socket', 'exit_group'],
      args: { ioctl: { index: 1, values: [0x5401n] }, prctl: { index: 0, values: [15n] }, socket: { index: 0, values: [AF_INET] } },
    });
    const at = (args: 'none' | 'safe' | 'strict') => generateProfile([fp], { args }).profile;
    assert.ok(allowed(at('none'), 'ioctl', 0n, 0x5402n) && allowed(at('none'), 'prctl', 22n));
    assert.equal(allowed(at('none'), 'socket', AF_INET6), false, 'socket is on the floor');
    assert.equal(allowed(at('safe'), 'prctl', 22n), false);
    assert.ok(allowed(at('safe'), 'prctl', 15n) && allowed(at('safe'), 'ioctl', 0n, 0x5402n));
    assert.equal(allowed(at('strict'), 'ioctl', 0n, 0x5402n), false);
    assert.ok(allowed(at('strict'), 'ioctl', 0n, 0x5401n));
  });
});
