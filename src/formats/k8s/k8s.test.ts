// Kubernetes SeccompProfile export: round trips through loadProfile, and every field the CRD cannot
// hold reported — and narrowed, never widened — rule by rule.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { syscallsOf } from '../../syscalls/table.js';
import { parseProfileText } from '../read.js';
import type { Action, ArgCondition, Profile, Rule } from '../../profile/model.js';
import { exportK8sProfile, isKubernetesName } from './write.js';
import { flattenForHost } from '../shared/host.js';

const HOST = { native: 'x86_64' as const, caps: [] as string[], kernel: '6.8' };
const docker = parseProfileText(readFileSync(new URL('../../../data/reference/docker-default.json', import.meta.url), 'utf8'), 'd.json').profile;

function rule(names: string[], action: Action, extra: Partial<Rule> = {}): Rule {
  return { names, action, args: [], includes: { caps: [], arches: [] }, excludes: { caps: [], arches: [] }, ...extra };
}

function profile(syscalls: Rule[], extra: Partial<Profile> = {}): Profile {
  return { defaultAction: 'errno', architectures: ['x86_64'], archMap: [], flags: [], syscalls, ...extra };
}

/** The CRD has no defaultErrnoRet; EPERM (1) is what runtimes use without one. */
function withoutDefaultErrno(p: Profile): Profile {
  const { defaultErrnoRet, ...rest } = p;
  return defaultErrnoRet === undefined || defaultErrnoRet === 1 ? rest : p;
}

test("Docker's default, resolved for amd64, goes to a SeccompProfile and back unchanged", () => {
  const r = exportK8sProfile(docker, { host: HOST, name: 'docker-default' });
  const flat = flattenForHost(docker, HOST);
  assert.deepEqual(r.lost, flat.lost, 'only the host resolution is lost');
  const back = parseProfileText(r.text, 'docker-default.yaml');
  assert.equal(back.format, 'k8s');
  assert.equal(back.name, 'docker-default');
  assert.deepEqual(withoutDefaultErrno(back.profile), withoutDefaultErrno(flat.profile));
  assert.ok(
    back.issues.every((i) => i.severity === 'warning' && i.code === 'syscall-not-on-abi'),
    JSON.stringify(back.issues.filter((i) => i.code !== 'syscall-not-on-abi')),
  );
  const obj = parseYaml(r.text, { intAsBigInt: true }) as { apiVersion: string; kind: string; spec: Record<string, unknown> };
  assert.equal(obj.apiVersion, 'security-profiles-operator.x-k8s.io/v1');
  assert.equal(obj.kind, 'SeccompProfile');
  assert.deepEqual(Object.keys(obj.spec).sort(), ['architectures', 'defaultAction', 'syscalls']);
  assert.equal(exportK8sProfile(docker, { host: HOST, name: 'docker-default' }).text, r.text, 'deterministic');
});

const X86_64 = syscallsOf('x86_64');
const ACTIONS: Action[] = ['allow', 'errno', 'kill_process', 'kill_thread', 'trap', 'log', 'trace'];
const commentLine = fc
  .string({ unit: fc.constantFrom(...'abc xyz:#-_.,()!?0123456789'.split('')), minLength: 1, maxLength: 20 })
  .map((s) => s.trim())
  .filter((s) => s !== '');
const arg: fc.Arbitrary<ArgCondition> = fc
  .record({
    index: fc.integer({ min: 0, max: 5 }),
    op: fc.constantFrom('ne', 'lt', 'le', 'eq', 'ge', 'gt', 'masked_eq'),
    value: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
    valueTwo: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
  })
  .map((a) => ({ index: a.index, op: a.op, value: a.value, valueTwo: a.valueTwo }));
const ruleArb: fc.Arbitrary<Rule> = fc
  .record({
    names: fc.uniqueArray(fc.constantFrom(...X86_64), { minLength: 1, maxLength: 5 }),
    action: fc.constantFrom(...ACTIONS),
    errno: fc.option(fc.integer({ min: 1, max: 4095 }), { nil: undefined }),
    args: fc.array(arg, { maxLength: 3 }),
    comment: fc.option(
      fc.array(commentLine, { minLength: 1, maxLength: 2 }).map((l) => l.join('\n')),
      { nil: undefined },
    ),
  })
  .map((r) =>
    rule(r.names, r.action, {
      args: r.args,
      ...(r.errno !== undefined && (r.action === 'errno' || r.action === 'trace') ? { errnoRet: r.errno } : {}),
      ...(r.comment === undefined ? {} : { comment: r.comment }),
    }),
  );
const profileArb: fc.Arbitrary<Profile> = fc
  .record({
    defaultAction: fc.constantFrom(...ACTIONS),
    architectures: fc.subarray(['x86_64', 'x86', 'x32', 'aarch64', 'arm', 'riscv64'] as const),
    flags: fc.subarray(['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW']),
    syscalls: fc.array(ruleArb, { maxLength: 6 }),
  })
  .map((p) => profile(p.syscalls, { defaultAction: p.defaultAction, architectures: [...p.architectures], flags: p.flags }));

test('any profile the CRD can hold survives export and load exactly (property)', () => {
  fc.assert(
    fc.property(profileArb, (p) => {
      const r = exportK8sProfile(p, { host: HOST, name: 'prop' });
      assert.deepEqual(r.lost, []);
      const back = parseProfileText(r.text, 'prop.yaml').profile;
      assert.deepEqual(back, p);
    }),
    { numRuns: 300 },
  );
});

test('what the CRD cannot hold is listed and narrowed', () => {
  const big = 1n << 63n;
  const p = profile(
    [
      rule(['read'], 'allow', { args: [{ index: 0, op: 'eq', value: big, valueTwo: 0n }] }),
      rule(['write'], 'allow'),
      rule(['openat'], 'errno', { errnoRet: 0 }),
      rule(['clone3'], 'errno', { errnoRet: 38 }),
    ],
    { defaultErrnoRet: 38, architectures: ['x86_64', 'loongarch64'] },
  );
  const r = exportK8sProfile(p, { host: HOST, name: 'lossy' });
  assert.equal(r.lost.length, 4, r.lost.join('\n'));
  assert.match(r.lost.join('\n'), /defaultErrnoRet 38 \(ENOSYS\): the CRD has no defaultErrnoRet/);
  assert.match(r.lost.join('\n'), /SCMP_ARCH_LOONGARCH64 is not in the CRD's enum/);
  assert.match(r.lost.join('\n'), /syscalls\[0\] \(read\): condition arg0 SCMP_CMP_EQ 9223372036854775808 cannot be written.*rule dropped/);
  assert.match(r.lost.join('\n'), /syscalls\[2\] \(openat\): errnoRet 0/);
  const back = parseProfileText(r.text, 'lossy.yaml').profile;
  assert.deepEqual(
    back.syscalls.map((x) => x.names[0]),
    ['write', 'openat', 'clone3'],
    'the allow rule that cannot be written is gone (stricter)',
  );
  assert.deepEqual(back.architectures, ['x86_64']);
  assert.equal(back.syscalls[1]?.errnoRet, undefined);

  const denyBig = profile(
    [
      rule(['socket'], 'errno', {
        errnoRet: 1,
        args: [
          { index: 0, op: 'masked_eq', value: 0xffffffff00000000n, valueTwo: 0n },
          { index: 0, op: 'eq', value: 40n, valueTwo: 0n },
        ],
      }),
    ],
    { defaultAction: 'allow' },
  );
  const d = exportK8sProfile(denyBig, { host: HOST, name: 'deny' });
  assert.match(d.lost[0] ?? '', /condition dropped, so the errno rule covers more calls/);
  assert.deepEqual(
    parseProfileText(d.text, 'deny.yaml').profile.syscalls[0]?.args,
    [{ index: 0, op: 'eq', value: 40n, valueTwo: 0n }],
    'the deny rule keeps what it can and applies more widely',
  );
});

test('listener paths outside the operator directory are a note; names are checked', () => {
  const p = profile([rule(['read'], 'notify')], { listenerPath: '/run/agent.sock' });
  const r = exportK8sProfile(p, { host: HOST, name: 'n' });
  assert.deepEqual(r.lost, []);
  assert.match(r.notes[0] ?? '', /listenerPath '\/run\/agent\.sock' is not under \/var\/run\/security-profiles-operator\//);
  assert.ok(isKubernetesName('docker-default') && isKubernetesName('a.b-c'));
  assert.ok(!isKubernetesName('Docker') && !isKubernetesName('-x') && !isKubernetesName('a_b') && !isKubernetesName(''));
});
