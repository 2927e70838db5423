// OCI export: resolving Docker's includes/excludes and archMap for one host, checked against the
// counts in data/reference/SOURCES.md, and the runtime-spec object reading back the same.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DOCKER_DEFAULT_CAPS } from './shared/vocabulary.js';
import { parseProfileText } from './read.js';
import type { Profile } from '../profile/model.js';
import { exportOciProfile, isOciConfig } from './oci.js';
import { flattenForHost, restrictiveness } from './shared/host.js';
import { parseLocatedJson } from '../source/located-json.js';

const docker = parseProfileText(readFileSync(new URL('../../data/reference/docker-default.json', import.meta.url), 'utf8'), 'docker-default.json').profile;
const allNames = (p: Profile): Set<string> => new Set(p.syscalls.filter((r) => r.action === 'allow').flatMap((r) => r.names));

test("Docker's default on amd64 without capabilities keeps 14 of its 33 rules (SOURCES.md)", () => {
  const { profile, lost } = flattenForHost(docker, { native: 'x86_64', caps: [], kernel: '6.8' });
  assert.equal(profile.syscalls.length, 14);
  assert.deepEqual(profile.architectures, ['x86_64', 'x86', 'x32'], 'the amd64 archMap entry with its x86 and x32 sub-ABIs');
  assert.deepEqual(profile.archMap, []);
  assert.ok(
    profile.syscalls.every(
      (r) => r.includes.caps.length === 0 && r.excludes.caps.length === 0 && r.includes.arches.length === 0 && r.excludes.arches.length === 0,
    ),
  );
  assert.equal(lost.filter((l) => / dropped — /.test(l)).length, 33 - 14);
  assert.ok(lost.some((l) => /^archMap: resolved for x86_64 .*SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32; entries for aarch64/.test(l)));
  assert.ok(lost.some((l) => /^syscalls\[18\] \(clone\): kept unconditionally — .*excludes caps CAP_SYS_ADMIN/.test(l)));
});

test('capabilities and kernel version change what survives, as SOURCES.md lists', () => {
  const none = allNames(flattenForHost(docker, { native: 'x86_64', caps: [], kernel: '6.8' }).profile);
  const withDefaults = allNames(flattenForHost(docker, { native: 'x86_64', caps: DOCKER_DEFAULT_CAPS, kernel: '6.8' }).profile);
  assert.deepEqual(
    [...withDefaults].filter((n) => !none.has(n)),
    ['chroot'],
  );
  const old = allNames(flattenForHost(docker, { native: 'x86_64', caps: [], kernel: '4.4' }).profile);
  assert.deepEqual([...none].filter((n) => !old.has(n)).sort(), ['process_vm_readv', 'process_vm_writev', 'ptrace']);
  const arm = flattenForHost(docker, { native: 'aarch64', caps: [], kernel: '6.8' }).profile;
  assert.deepEqual(arm.architectures, ['aarch64', 'arm']);
  assert.ok(allNames(arm).has('arm_fadvise64_64'), 'the arm64-only rule survives on arm64');
});

test('the OCI object reads back as the flattened profile, without comments', () => {
  const host = { native: 'x86_64' as const, caps: [] as string[], kernel: '6.8' };
  const r = exportOciProfile(docker, host);
  const parsed = JSON.parse(r.text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed).sort(), ['architectures', 'defaultAction', 'defaultErrnoRet', 'syscalls']);
  assert.ok(!r.text.includes('includes') && !r.text.includes('archMap') && !r.text.includes('comment'));
  const back = parseProfileText(r.text, 'seccomp.json').profile;
  const flat = flattenForHost(docker, host).profile;
  assert.deepEqual(back, { ...flat, syscalls: flat.syscalls.map(({ comment: _c, ...rest }) => rest) });
  assert.deepEqual(r.lost, flattenForHost(docker, host).lost);
  assert.ok(r.notes.length === 0 || /comment/.test(r.notes[0] ?? ''));
  const inConfig = JSON.stringify({ ociVersion: '1.2.0', linux: { seccomp: parsed } });
  assert.deepEqual(parseProfileText(inConfig, 'config.json').profile, back);
});

test('a profile without host conditions exports with nothing lost', () => {
  const plain: Profile = {
    defaultAction: 'errno',
    defaultErrnoRet: 38,
    architectures: ['x86_64', 'aarch64'],
    archMap: [],
    flags: ['SECCOMP_FILTER_FLAG_LOG'],
    syscalls: [{ names: ['read'], action: 'allow', args: [], includes: { caps: [], arches: [] }, excludes: { caps: [], arches: [] }, comment: 'why' }],
  };
  const r = exportOciProfile(plain, { native: 'x86_64', caps: [] });
  assert.deepEqual(r.lost, []);
  assert.deepEqual(r.notes, ['1 rule comment dropped: the runtime spec has no comment field']);
  assert.deepEqual(parseProfileText(r.text, 'p.json').profile.architectures, ['x86_64', 'aarch64'], 'a plain list stays as written');
});

test('runtime configs are told apart from bare profiles; action order follows the kernel', () => {
  const tree = (o: unknown): NonNullable<ReturnType<typeof parseLocatedJson>['tree']> =>
    parseLocatedJson(JSON.stringify(o)).tree as NonNullable<ReturnType<typeof parseLocatedJson>['tree']>;
  assert.ok(isOciConfig(tree({ ociVersion: '1.0.0', linux: {} })));
  assert.ok(!isOciConfig(tree({ defaultAction: 'SCMP_ACT_ALLOW' })));
  assert.ok(!isOciConfig(tree([1])));
  assert.ok(
    restrictiveness('kill_process') > restrictiveness('errno') &&
      restrictiveness('errno') > restrictiveness('log') &&
      restrictiveness('log') > restrictiveness('allow'),
  );
});
