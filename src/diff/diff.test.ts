import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { argClasses, diffConcrete, diffProfiles, formatDiff, type AbiDiff, type DiffResult, type SyscallDiff } from './index.js';
import { parseDockerProfile } from '../formats/docker.js';
import { emptyFilter, type ArgCondition, type Profile, type Rule } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';

const U64_MAX = (1n << 64n) - 1n;
const U32 = 0xffffffffn;

function docker(): Profile {
  const r = parseDockerProfile(readFileSync(new URL('../../data/reference/docker-default.json', import.meta.url), 'utf8'));
  assert.ok(r.ok);
  return r.value;
}

function rule(names: string[], over: Partial<Rule> = {}): Rule {
  return { names, action: 'allow', args: [], includes: emptyFilter(), excludes: emptyFilter(), ...over };
}

function prof(syscalls: Rule[], over: Partial<Profile> = {}): Profile {
  return { defaultAction: 'errno', defaultErrnoRet: 1, architectures: ['x86_64'], archMap: [], flags: [], syscalls, ...over };
}

const c = (index: number, op: ArgCondition['op'], value: bigint, valueTwo = 0n): ArgCondition => ({ index, op, value, valueTwo });

function abi(d: DiffResult, name: string): AbiDiff {
  const a = d.abis.find((x) => x.abi === name);
  assert.ok(a !== undefined, `no ${name} in the diff`);
  return a;
}

function sys(a: AbiDiff, name: string): SyscallDiff {
  const s = a.syscalls.find((x) => x.name === name);
  assert.ok(s !== undefined, `${name} is not reported on ${a.abi}`);
  return s;
}

const host = { native: 'x86_64' as const, caps: [] };

test('argClasses cuts a word at every constant and splits it by every mask', () => {
  assert.deepEqual(
    argClasses({ cmps: [38n], masks: [] }).classes.map((k) => [k.lo, k.hi, k.example]),
    [
      [0n, 37n, 0n],
      [38n, 38n, 38n],
      [39n, U32, 39n],
    ],
  );
  // (word & mask) against the value: equal (2) or above (4); below is impossible for 0.
  const m = argClasses({ cmps: [], masks: [{ mask: 0x7e020000n, value: 0n }] }).classes;
  assert.deepEqual(
    m.map((k) => [k.facts, k.example]),
    [
      [[2], 0n],
      [[4], 0x20000n],
    ],
  );
  // A constant and a mask on one word: only the combinations that some value has — below 3 and
  // at 3 the masked byte is below 53; above 3 it can be below (1), equal (2) or above (4).
  const both = argClasses({ cmps: [3n], masks: [{ mask: 0xffn, value: 53n }] }).classes;
  assert.deepEqual(
    both.map((k) => [k.lo, k.hi, k.facts[0], k.example]),
    [
      [0n, 2n, 1, 0n],
      [3n, 3n, 1, 3n],
      [4n, U32, 1, 4n],
      [4n, U32, 2, 53n],
      [4n, U32, 4, 54n],
    ],
  );
});

test("Docker's default does not differ from itself", () => {
  const p = docker();
  const d = diffProfiles(p, p, host);
  assert.ok(d.isEmpty);
  assert.deepEqual(
    d.abis.map((a) => a.abi),
    ['x86_64', 'x86', 'x32'],
  );
});

test('allowing AF_ALG in socket() shows as socket(arg0=38) on every x86 ABI, and only there', () => {
  const a = docker();
  const b = structuredClone(a);
  const r = b.syscalls.find((x) => x.names.includes('socket') && x.args[0]?.op === 'lt');
  assert.ok(r !== undefined);
  (r.args[0] as ArgCondition).value = 39n; // arg0 < 39 instead of < 38
  const d = diffProfiles(a, b, host);
  assert.equal(d.isEmpty, false);
  for (const name of ['x86_64', 'x86', 'x32']) {
    const x = abi(d, name);
    assert.deepEqual(x.unruled, [], name);
    assert.deepEqual(
      x.syscalls.map((s) => s.name),
      ['socket'],
      name,
    );
    const s = sys(x, 'socket');
    assert.equal(s.changes.length, 1);
    const ch = s.changes[0];
    assert.ok(ch !== undefined);
    assert.deepEqual(
      ch.args.map((g) => [g.index, g.lo, g.hi, g.masks.length]),
      [[0, 38n, 38n, 0]],
    );
    assert.deepEqual([ch.a.action, ch.a.errno, ch.b.action], ['errno', 1, 'allow']);
  }
  const describe = (s: string, i: number, v: bigint): string | undefined => (s === 'socket' && i === 0 && v === 38n ? 'AF_ALG' : undefined);
  assert.equal(diffProfiles(a, b, { ...host, describe }).abis[0]?.syscalls[0]?.changes[0]?.args[0]?.label, 'AF_ALG');
  const text = formatDiff(d, { describe });
  assert.ok(text.includes('  socket(arg0=38 AF_ALG): A errno EPERM (default) → B allow (rule #2)'), text.join('\n'));
});

test('CAP_SYS_ADMIN: clone with namespace flags, mount and unshare become allowed', () => {
  const p = docker();
  const without = resolveProfile(p, host);
  const withAdmin = resolveProfile(p, { ...host, caps: ['CAP_SYS_ADMIN'] });
  const d = diffConcrete(without, withAdmin, 'x86_64');
  const x = abi(d, 'x86_64');
  const clone = sys(x, 'clone');
  assert.equal(clone.changes.length, 1);
  const ch = clone.changes[0];
  assert.ok(ch !== undefined);
  assert.deepEqual(ch.args, [{ index: 0, lo: 0n, hi: U64_MAX, masks: [{ mask: 0x7e020000n, value: 0n, op: 'ne' }], example: 0x20000n }]);
  assert.deepEqual([ch.a.action, ch.a.errno, ch.b.action], ['errno', 1, 'allow']);
  for (const name of ['mount', 'unshare', 'setns']) {
    const s = sys(x, name);
    assert.deepEqual(
      s.changes.map((k) => [k.args.length, k.a.action, k.b.action]),
      [[0, 'errno', 'allow']],
      name,
    );
  }
  assert.ok(formatDiff(d).includes('  clone(arg0&0x7e020000!=0): A errno EPERM (default) → B allow (rule #17)'), formatDiff(d).join('\n'));
});

test('a 32-bit compare against a full-width one differs only where the upper word is not zero, and only on 64-bit ABIs', () => {
  const a = prof([rule(['ioctl'], { args: [c(1, 'eq', 0x5401n)] })], { architectures: ['x86_64', 'x86'] });
  const b = prof([rule(['ioctl'], { args: [c(1, 'masked_eq', U32, 0x5401n)] })], { architectures: ['x86_64', 'x86'] });
  const d = diffProfiles(a, b, host);
  assert.ok(abi(d, 'x86').isEmpty);
  const s = sys(abi(d, 'x86_64'), 'ioctl');
  assert.deepEqual(
    s.changes.map((k) => [k.args.map((g) => [g.index, g.words]), k.a.action, k.b.action]),
    [[[[1, { hi: [1n, U32], lo: [0x5401n, 0x5401n] }]], 'errno', 'allow']],
  );
  assert.equal(s.changes[0]?.args[0]?.example, 0x100005401n);
});

test('an ABI only one profile lists: everything there meets the bad-arch action on the other side', () => {
  const rules = [rule(['read', 'write', 'openat'])];
  const d = diffProfiles(prof(rules, { architectures: ['x86_64', 'x86'] }), prof(rules), host);
  assert.deepEqual(
    d.abis.map((a) => [a.abi, a.inA, a.inB, a.isEmpty]),
    [
      ['x86_64', true, true, true],
      ['x86', true, false, false],
    ],
  );
  const x86 = abi(d, 'x86');
  const all = [...x86.unruled.flatMap((g) => g.syscalls), ...x86.syscalls.map((s) => s.name)];
  assert.ok(all.includes('read') && all.includes('mount') && all.includes('socketcall'));
  for (const g of x86.unruled) assert.deepEqual([g.b.action, g.b.by], ['kill_thread', ['bad-arch']]);
  assert.deepEqual(
    sys(x86, 'read').changes.map((k) => [k.a.action, k.b.action]),
    [['allow', 'kill_thread']],
  );
});

test('a different default action shows as groups of syscalls no rule decides', () => {
  const rules = [rule(['read', 'write', 'openat'])];
  const { defaultErrnoRet: _e, ...killing } = prof(rules);
  const d = diffProfiles(prof(rules), { ...killing, defaultAction: 'kill_process' }, host);
  const x = abi(d, 'x86_64');
  assert.deepEqual(x.syscalls, []);
  const g = x.unruled.find((u) => u.syscalls.includes('mount')); // mount (165) is below openat (257)
  assert.ok(g !== undefined);
  assert.deepEqual([g.a.action, g.a.errno, g.b.action], ['errno', 1, 'kill_process']);
  assert.ok(!x.unruled.some((u) => u.syscalls.includes('read')));
});

test('the diff names rules by their index in each profile and orders everything deterministically', () => {
  const a = prof([rule(['kill'], { action: 'errno', errnoRet: 1 }), rule(['personality'], { args: [c(0, 'eq', 8n)] })]);
  const b = prof([rule(['personality'], { args: [c(0, 'eq', 0n)] }), rule(['kill'])]);
  const d = diffProfiles(a, b, host);
  assert.deepEqual(formatDiff(d), [
    'x86_64:',
    '  kill: A errno EPERM (default) → B allow (rule #1)',
    '  personality(arg0=0): A errno EPERM (default) → B allow (rule #0)',
    '  personality(arg0=8): A allow (rule #1) → B errno EPERM (default)',
  ]);
  assert.deepEqual(formatDiff(diffProfiles(a, b, host)), formatDiff(d));
});

test('too many argument classes: the diff samples and says so', () => {
  const args = [0, 1, 2, 3, 4, 5].flatMap((i) => [c(i, 'eq', 5n), c(i, 'gt', 100n)]);
  const a = prof([
    rule(['prctl'], { args: args.filter((_, k) => k % 2 === 0) }),
    rule(['prctl'], { args: args.filter((_, k) => k % 2 === 1), action: 'trap' }),
  ]);
  const b = prof([rule(['prctl'], { args: args.filter((_, k) => k % 2 === 0), action: 'log' })]);
  const d = diffProfiles(a, b, { ...host, maxPoints: 64 });
  const x = abi(d, 'x86_64');
  const s = sys(x, 'prctl');
  assert.equal(s.approximate, true);
  assert.deepEqual(x.sampled, ['prctl']);
  // Examples are single calls; each one really differs.
  assert.ok(s.changes.length > 0 && s.changes.every((k) => k.args.every((g) => g.lo === g.hi)));
  assert.ok(
    formatDiff(d).every((l) => !l.startsWith('  prctl') || l.endsWith('[for example]')),
    formatDiff(d).join('\n'),
  );
});

test('flags and listener differences count', () => {
  const d = diffProfiles(prof([], { flags: ['SECCOMP_FILTER_FLAG_LOG'] }), prof([], { listenerPath: '/run/a.sock' }), host);
  assert.equal(d.isEmpty, false);
  assert.deepEqual(d.flags, { onlyA: ['SECCOMP_FILTER_FLAG_LOG'], onlyB: [] });
  assert.deepEqual(d.listener, [{ field: 'listenerPath', b: '/run/a.sock' }]);
});

test('a filter the runtime refuses to load differs from one it loads', () => {
  const ok = prof([rule(['read'], { args: [c(0, 'eq', 1n)] })]);
  const clash = prof([rule(['read'], { args: [c(0, 'eq', 1n)] }), rule(['read'], { args: [c(0, 'eq', 1n)], action: 'trap' })]);
  const d = diffProfiles(ok, clash, host);
  assert.deepEqual([d.conflicts.a.length, d.conflicts.b.length > 0], [0, true]);
  assert.equal(d.isEmpty, false);
  assert.ok(
    formatDiff(d).some((l) => l.startsWith('B would not load')),
    formatDiff(d).join('\n'),
  );
  assert.ok(diffProfiles(clash, clash, host).isEmpty);
});
