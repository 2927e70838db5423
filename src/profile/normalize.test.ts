import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseDockerProfile } from '../formats/docker.js';
import { emptyFilter, type ArgCondition, type Profile, type Rule } from './model.js';
import { normalizeProfile } from './normalize.js';
import { diffProfiles } from '../diff/index.js';
import { decide } from '../evaluator/evaluate.js';
import { resolveProfile } from './resolve.js';

function rule(names: string[], over: Partial<Rule> = {}): Rule {
  return { names, action: 'allow', args: [], includes: emptyFilter(), excludes: emptyFilter(), ...over };
}

function prof(syscalls: Rule[], over: Partial<Profile> = {}): Profile {
  return { defaultAction: 'errno', architectures: ['x86_64'], archMap: [], flags: [], syscalls, ...over };
}

const c = (index: number, op: ArgCondition['op'], value: bigint, valueTwo = 0n): ArgCondition => ({ index, op, value, valueTwo });

function docker(): Profile {
  const r = parseDockerProfile(readFileSync(new URL('../../data/reference/docker-default.json', import.meta.url), 'utf8'));
  assert.ok(r.ok);
  return r.value;
}

test('sorts and dedupes names, caps, arches, flags and ABIs; keeps every condition, sorted', () => {
  const p = prof(
    [
      rule(['write', 'read', 'write'], {
        args: [c(2, 'eq', 5n), c(1, 'masked_eq', 0xffn, 3n), c(0, 'eq', 1n)],
        includes: { caps: ['CAP_SYS_ADMIN', 'CAP_BPF', 'CAP_SYS_ADMIN'], arches: ['x86', 'amd64'] },
        excludes: { caps: [], arches: ['x32', 'x32'], minKernel: '5.8' },
      }),
    ],
    { architectures: ['x32', 'x86_64', 'x86', 'x32'], flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG'] },
  );
  const n = normalizeProfile(p);
  assert.deepEqual(n.architectures, ['x86_64', 'x86', 'x32']);
  assert.deepEqual(n.flags, ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_TSYNC']);
  const r = n.syscalls[0] as Rule;
  assert.deepEqual(r.names, ['read', 'write']);
  assert.deepEqual(r.args, [c(0, 'eq', 1n), c(1, 'masked_eq', 0xffn, 3n), c(2, 'eq', 5n)]);
  assert.deepEqual(r.includes, { caps: ['CAP_BPF', 'CAP_SYS_ADMIN'], arches: ['amd64', 'x86'] });
  assert.deepEqual(r.excludes, { caps: [], arches: ['x32'], minKernel: '5.8' });
});

test('keeps the conditions of a rule runc splits as written, duplicates too', () => {
  // Two conditions on one index: runc adds one rule per condition, in this order.
  const args = [c(2, 'eq', 5n), c(0, 'masked_eq', 0xffn, 3n), c(0, 'eq', 1n), c(0, 'eq', 1n)];
  const n = normalizeProfile(prof([rule(['read'], { args })]));
  assert.deepEqual((n.syscalls[0] as Rule).args, args);
  assert.deepEqual(normalizeProfile(n), n);
});

test('does not reorder split conditions: libseccomp 2.5 builds a different filter for the other order', () => {
  // Checked against real libseccomp 2.5.4 (test/oracle): after an allow rule on prctl, for
  // prctl(0x10000000) the written order gives TRACE (gen_bpf.c compares the wrong 32-bit word),
  // the other order the default action. Neither condition holds, so neither is "right".
  const written = [c(0, 'ge', 0x100000001n), c(0, 'lt', 0n)];
  const before = rule(['prctl'], { args: [c(0, 'gt', 0n), c(1, 'ne', 0n)] });
  const p = prof([before, rule(['prctl'], { action: 'trace', errnoRet: 1, args: written })], { defaultAction: 'kill_process' });
  const call = [0x10000000n, 0n, 0n, 0n, 0n, 0n];
  const host = { native: 'x86_64' as const, caps: [] };
  assert.deepEqual((normalizeProfile(p).syscalls[1] as Rule).args, written);
  assert.equal(decide(resolveProfile(p, host), 'x86_64', 'prctl', call).action, 'trace');
  assert.equal(decide(resolveProfile(normalizeProfile(p), host), 'x86_64', 'prctl', call).action, 'trace');
  const swapped = { ...p, syscalls: [before, { ...(p.syscalls[1] as Rule), args: [...written].reverse() }] };
  assert.equal(decide(resolveProfile(swapped, host), 'x86_64', 'prctl', call).action, 'kill_process');
});

test('names that share a multiplexer keep their written order and repeats, in the places sorting gives them', () => {
  const n = normalizeProfile(prof([rule(['write', 'socketcall', 'read', 'socket', 'read', 'shmget']), rule(['close'], { action: 'trap' })]));
  // socketcall and socket meet in socketcall's tree on i386: socketcall stays first
  assert.deepEqual(n.syscalls[0]?.names, ['read', 'shmget', 'socketcall', 'socket', 'write']);
  assert.deepEqual(normalizeProfile(n), n);
  // one member alone shares with nothing: sorted and deduped as usual
  assert.deepEqual(normalizeProfile(prof([rule(['socket', 'read', 'socket'])])).syscalls[0]?.names, ['read', 'socket']);
});

test('does not reorder names that share a multiplexer: the sorted order is refused on i386 (EEXIST)', () => {
  const p = prof([rule(['socket'], { action: 'errno' }), rule(['socketcall', 'socket'], { action: 'errno', errnoRet: 95 })], {
    defaultAction: 'allow',
    architectures: ['x86_64', 'x86'],
  });
  const n = normalizeProfile(p);
  assert.deepEqual(n.syscalls[1]?.names, ['socketcall', 'socket']);
  const host = { native: 'x86_64' as const, caps: [] };
  assert.equal(decide(resolveProfile(n, host), 'x86', 'socketcall', [1n, 0n]).conflicts, undefined);
  const sorted = { ...p, syscalls: [p.syscalls[0] as Rule, { ...(p.syscalls[1] as Rule), names: ['socket', 'socketcall'] }] };
  assert.ok(decide(resolveProfile(sorted, host), 'x86', 'socketcall', [1n, 0n]).conflicts !== undefined);
});

test('a rule runc splits keeps repeated names (each repeats its adds); its names are still sorted', () => {
  const args = [c(0, 'le', 255n), c(0, 'le', 0x6187n)];
  assert.deepEqual(normalizeProfile(prof([rule(['kill', 'clone', 'kill'], { args })])).syscalls[0]?.names, ['clone', 'kill', 'kill']);
  assert.deepEqual(normalizeProfile(prof([rule(['kill', 'clone', 'kill'], { args: [c(0, 'le', 255n)] })])).syscalls[0]?.names, ['clone', 'kill']);
});

test('merges neighbouring unconditional rules that differ only in names', () => {
  const n = normalizeProfile(prof([rule(['write']), rule(['read', 'write']), rule(['close']), rule(['exit'], { action: 'errno', errnoRet: 38 })]));
  assert.deepEqual(
    n.syscalls.map((r) => r.names),
    [['close', 'read', 'write'], ['exit']],
  );
});

test('does not merge rules that differ in action, errno, comment, filters or conditions, nor distant ones', () => {
  const cases: [Rule, Rule][] = [
    [rule(['read'], { action: 'errno', errnoRet: 1 }), rule(['write'], { action: 'errno' })],
    [rule(['read']), rule(['write'], { comment: 'why' })],
    [rule(['read']), rule(['write'], { includes: { caps: ['CAP_SYS_ADMIN'], arches: [] } })],
    [rule(['read']), rule(['write'], { excludes: { caps: [], arches: [], minKernel: '5.8' } })],
    [rule(['read'], { args: [c(0, 'eq', 1n)] }), rule(['write'], { args: [c(0, 'eq', 2n)] })],
    [rule(['read'], { args: [c(0, 'eq', 1n)] }), rule(['write'])],
  ];
  for (const [x, y] of cases)
    assert.equal(
      normalizeProfile(prof([x, y])).syscalls.length,
      2,
      JSON.stringify([x, y], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)),
    );
  assert.equal(normalizeProfile(prof([rule(['read']), rule(['close'], { action: 'trap' }), rule(['write'])])).syscalls.length, 3);
});

test('merges conditional rules only when their names are disjoint', () => {
  const args = [c(1, 'masked_eq', 0x7e020000n, 0n)];
  const merged = normalizeProfile(prof([rule(['clone'], { args }), rule(['unshare'], { args })]));
  assert.deepEqual(
    merged.syscalls.map((r) => r.names),
    [['clone', 'unshare']],
  );
  const kept = normalizeProfile(prof([rule(['clone'], { args }), rule(['clone', 'unshare'], { args })]));
  assert.equal(kept.syscalls.length, 2);
});

test('keeps rule order, which decides between rules for one syscall', () => {
  const p = prof([rule(['read'], { action: 'errno', errnoRet: 13 }), rule(['read'])]);
  assert.deepEqual(
    normalizeProfile(p).syscalls.map((r) => r.action),
    ['errno', 'allow'],
  );
});

test('keeps archMap entries for one ABI in their order (moby uses the first) and sorts sub-ABIs', () => {
  const p = prof([], {
    architectures: [],
    archMap: [
      { architecture: 'x86_64', subArchitectures: ['x32', 'x86'] },
      { architecture: 'aarch64', subArchitectures: ['arm'] },
      { architecture: 'x86_64', subArchitectures: [] },
    ],
  });
  assert.deepEqual(normalizeProfile(p).archMap, [
    { architecture: 'x86_64', subArchitectures: ['x86', 'x32'] },
    { architecture: 'x86_64', subArchitectures: [] },
    { architecture: 'aarch64', subArchitectures: ['arm'] },
  ]);
});

test("Docker's default profile: normalizing keeps every rule's names and is idempotent", () => {
  const p = docker();
  const n = normalizeProfile(p);
  assert.deepEqual(normalizeProfile(n), n);
  const names = (q: Profile): string[] => [...new Set(q.syscalls.flatMap((r) => r.names))].sort();
  assert.deepEqual(names(n), names(p));
  assert.ok(n.syscalls.length <= p.syscalls.length);
});

test("Docker's and Podman's defaults mean the same after normalizing, with and without CAP_SYS_ADMIN", () => {
  for (const name of ['docker-default.json', 'podman-default.json']) {
    const r = parseDockerProfile(readFileSync(new URL(`../../data/reference/${name}`, import.meta.url), 'utf8'));
    assert.ok(r.ok);
    for (const caps of [[], ['CAP_SYS_ADMIN']]) {
      const d = diffProfiles(r.value, normalizeProfile(r.value), { native: 'x86_64', caps });
      assert.ok(d.isEmpty, `${name} ${caps.join()}`);
    }
  }
});
