// A recording that used a sub-ABI (a 32-bit x86 helper in an x86_64 image): the filter loads x86
// too, and since a rule's names apply to every ABI the filter loads, each ABI lets through the
// names recorded on the others where they exist, plus socketcall for recorded socket calls on x86.
// The generator must state exactly that widening — checked here against the evaluator, with the
// expected sets computed from the syscall tables, not from the generator's own code.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../evaluator/evaluate.js';
import type { ConcreteProfile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { syscallNumber, syscallsOf } from '../syscalls/table.js';
import { generateProfile } from './generate.js';
import { describeStats } from './summary.js';
import { flaskFootprints, PYTHON_GET, PYTHON_POST, RUNC_AFTER_FILTER, RUNC_ALLOWANCE, shuffled, withAbi } from '../../test/support/test-footprints.js';
import { describeWidening } from './widening.js';

const HELPER = { comm: 'hello32', exe: '/usr/local/bin/hello32' };
/** The 32-bit helper's calls: mmap2/_llseek exist only on x86; nanosleep is not used natively. */
const X86_CALLS = ['_llseek', 'connect', 'exit_group', 'mmap2', 'nanosleep', 'read', 'socket', 'write'];
const X86_64_CALLS = new Set([...RUNC_AFTER_FILTER, ...PYTHON_GET, ...PYTHON_POST]);
/** What the native ABI allows: the recording and runc's allowance. */
const X86_64_ALLOWED = new Set([...X86_64_CALLS, ...RUNC_ALLOWANCE]);

/** socket carries an argument rule (the recorded AF_INET); other calls are asked with zeros. */
function permits(
  cp: ConcreteProfile,
  abi: 'x86_64' | 'x86',
  name: string,
  args: bigint[] = name === 'socket' ? [2n, 1n, 0n, 0n, 0n, 0n] : [0n, 0n, 0n, 0n, 0n, 0n],
): boolean {
  const a = decide(cp, abi, name, args).action;
  return a === 'allow' || a === 'log';
}

describe('generate with a used sub-ABI', () => {
  const [get, post] = flaskFootprints() as [ReturnType<typeof flaskFootprints>[number], ReturnType<typeof flaskFootprints>[number]];
  const fps = [withAbi(get, 'x86', X86_CALLS, HELPER, 'get'), post];
  const r = generateProfile(fps);
  const cp = resolveProfile(r.profile, { native: 'x86_64', caps: [] });

  it('loads x86 after the native ABI, and still not x32', () => {
    assert.deepEqual(r.profile.architectures, ['x86_64', 'x86']);
    assert.equal(decide(cp, 'x32', 'read').source, 'bad-arch');
  });

  it('allows on x86 exactly its recording plus the native names that exist there, and says so', () => {
    const expected = new Set([...X86_CALLS, ...[...X86_64_ALLOWED].filter((n) => syscallNumber('x86', n) !== undefined)]);
    const socketcallOnly = 'socketcall'; // allowed only for the recorded socket calls, checked below
    const got = syscallsOf('x86').filter((n) => n !== socketcallOnly && permits(cp, 'x86', n));
    assert.deepEqual(got.sort(), [...expected].sort());
    const stated = r.stats.widened.filter((w) => w.abi === 'x86' && w.kind === 'other-abi').map((w) => w.syscall);
    assert.deepEqual(stated.sort(), [...expected].filter((n) => !X86_CALLS.includes(n)).sort());
    const setuid = r.stats.widened.find((w) => w.abi === 'x86' && w.syscall === 'setuid');
    assert.ok(setuid !== undefined);
    assert.equal(describeWidening(setuid), 'x86: also allows setuid because x86_64 needs it (a rule applies to every ABI the filter loads)');
    assert.match(
      r.profile.syscalls.find((x) => x.names[0] === 'setuid')?.comment ?? '',
      /; also allowed on x86, where it was not recorded: a rule applies to every ABI the filter loads$/,
    );
  });

  it('states that socketcall is allowed on x86 for exactly the recorded socket calls', () => {
    const SYS = {
      socket: 1,
      bind: 2,
      connect: 3,
      listen: 4,
      accept: 5,
      getsockname: 6,
      getpeername: 7,
      socketpair: 8,
      sendto: 11,
      recvfrom: 12,
      shutdown: 13,
      setsockopt: 14,
      getsockopt: 15,
      sendmsg: 16,
      recvmsg: 17,
      accept4: 18,
    };
    const recordedAnywhere = new Set([...X86_64_CALLS, ...X86_CALLS]);
    for (const [name, call] of Object.entries(SYS)) {
      assert.equal(permits(cp, 'x86', 'socketcall', [BigInt(call), 0n, 0n, 0n, 0n, 0n]), recordedAnywhere.has(name), `socketcall(${call}) ${name}`);
    }
    const w = r.stats.widened.find((x) => x.abi === 'x86' && x.syscall === 'socketcall');
    assert.ok(w?.kind === 'multiplexer');
    assert.deepEqual(
      w.members.map((m) => m.name).sort(),
      Object.keys(SYS)
        .filter((n) => recordedAnywhere.has(n))
        .sort(),
    );
    assert.match(
      r.profile.syscalls.find((x) => x.names[0] === 'socket')?.comment ?? '',
      /on x86 libseccomp also allows socketcall\(1\), the multiplexed form of socket/,
    );
  });

  it('states the widening of the native ABI by names only the sub-ABI recorded', () => {
    const nativeExtra = X86_CALLS.filter((n) => !X86_64_CALLS.has(n) && syscallNumber('x86_64', n) !== undefined);
    assert.deepEqual(nativeExtra, ['nanosleep'], 'the fixture has exactly one such name');
    assert.ok(permits(cp, 'x86_64', 'nanosleep'));
    assert.equal(permits(cp, 'x86_64', 'bind'), false);
    assert.deepEqual(
      r.stats.widened.filter((w) => w.abi === 'x86_64'),
      [{ abi: 'x86_64', syscall: 'nanosleep', kind: 'other-abi', because: ['x86'] }],
    );
    assert.equal(
      r.profile.syscalls.find((x) => x.names[0] === 'nanosleep')?.comment,
      'nanosleep — x86: 2 calls, first by hello32 (/usr/local/bin/hello32), workload get; also allowed on x86_64, where it was not recorded: a rule applies to every ABI the filter loads',
    );
    assert.equal(
      r.profile.syscalls.find((x) => x.names[0] === 'mmap2')?.comment,
      'mmap2 — x86: 2 calls, first by hello32 (/usr/local/bin/hello32), workload get',
      'mmap2 does not exist on x86_64',
    );
  });

  it('leaves nothing unexplained or missing, and counts match the evaluator', () => {
    assert.deepEqual(
      r.stats.widened.filter((w) => w.kind === 'unexplained'),
      [],
    );
    assert.deepEqual(r.stats.gaps, []);
    const x86 = r.stats.perAbi.find((a) => a.abi === 'x86');
    assert.ok(x86 !== undefined);
    assert.equal(x86.recorded, X86_CALLS.length);
    assert.equal(
      x86.allowed,
      syscallsOf('x86').filter((n) => (n === 'socketcall' ? permits(cp, 'x86', n, [1n, 0n, 0n, 0n, 0n, 0n]) : permits(cp, 'x86', n))).length,
    );
    assert.equal(x86.allowed, x86.recorded + x86.widened.length);
    assert.match(describeStats(r.stats).join('\n'), /^x86: also allows .*setuid.* because x86_64 needs them/m);
  });

  it('is deterministic with the sub-ABI too', () => {
    const want = JSON.stringify(r.profile, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    for (let seed = 1; seed <= 3; seed++) {
      const again = generateProfile(shuffled(fps, seed)).profile;
      assert.equal(
        JSON.stringify(again, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
        want,
      );
    }
  });
});
