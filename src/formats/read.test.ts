// Loading profiles: format detection (Docker/OCI JSON, OCI config.json, SeccompProfile YAML/JSON),
// located errors for JSON and YAML alike, and fuzzed malformed input that must only ever produce
// the documented bad-input error with a location.

import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { ClawfenceError } from '../errors.js';
import type { Issue } from '../source/issues.js';
import { loadProfile, parseProfileText } from './read.js';

const REF = new URL('../../data/reference/', import.meta.url);
const dockerText = readFileSync(new URL('docker-default.json', REF), 'utf8');
const spoText = readFileSync(new URL('spo-seccompprofile-example.yaml', REF), 'utf8');

/** 1-based line of the first line of `text` that contains `needle` after line `after`. */
function lineOf(text: string, needle: string, after = 0): number {
  const i = text.split('\n').findIndex((l, n) => n >= after && l.includes(needle));
  assert.ok(i >= 0, `'${needle}' not in text`);
  return i + 1;
}

function failsWith(text: string, name: string, check: (e: ClawfenceError & { issues: Issue[] }) => void, opts?: { name?: string }): void {
  assert.throws(
    () => parseProfileText(text, name, opts),
    (e: unknown) => {
      assert.ok(e instanceof ClawfenceError, String(e));
      check(e as ClawfenceError & { issues: Issue[] });
      return true;
    },
  );
}

test("Docker's and Podman's reference profiles load as docker format with no errors", () => {
  for (const f of ['docker-default.json', 'podman-default.json', 'podman-default.container-libs.json']) {
    const p = loadProfile(new URL(f, REF).pathname);
    assert.equal(p.format, 'docker', f);
    assert.equal(p.root, '$');
    assert.ok(
      p.issues.every((i) => i.severity === 'warning'),
      f,
    );
  }
  const d = loadProfile(new URL('docker-default.json', REF).pathname);
  assert.equal(d.profile.syscalls.length, 33);
  const socketRule = lineOf(dockerText, '"socket"');
  assert.equal(d.locate('$.syscalls[2].names[0]')?.line, socketRule);
});

test('a full OCI runtime config is read through its linux.seccomp, with absolute paths', () => {
  const seccomp = JSON.parse(dockerText) as unknown;
  const config = JSON.stringify({ ociVersion: '1.2.0', process: { args: ['sh'] }, root: { path: 'rootfs' }, linux: { namespaces: [], seccomp } }, null, 2);
  const p = parseProfileText(config, 'config.json');
  assert.equal(p.format, 'oci-config');
  assert.equal(p.root, '$.linux.seccomp');
  assert.deepEqual(p.profile, parseProfileText(dockerText, 'd.json').profile);
  const at = p.locate('$.syscalls[2]');
  assert.deepEqual(p.locate('$.linux.seccomp.syscalls[2]'), at, 'relative and absolute paths agree');
  assert.ok(at !== undefined && config.split('\n')[at.line - 1]?.includes('{'));
  const bad = config.replace('"SCMP_ACT_ERRNO"', '"SCMP_ACT_ERRNOO"');
  failsWith(bad, 'config.json', (e) => {
    assert.match(e.message, /^config\.json:\d+:\d+ at \$\.linux\.seccomp\.defaultAction: error: unknown action 'SCMP_ACT_ERRNOO'/);
    assert.match(e.message, /did you mean 'SCMP_ACT_ERRNO'/);
  });
  failsWith(JSON.stringify({ ociVersion: '1.2.0', linux: { namespaces: [] } }), 'config.json', (e) => {
    assert.equal(e.code, 'bad-input');
    assert.match(e.message, /at \$\.linux: error: .*no linux\.seccomp/);
  });
});

test('a file with several SeccompProfiles needs a name, and the error lists them', () => {
  failsWith(spoText, 'spo.yaml', (e) => {
    assert.match(e.message, /4 SeccompProfiles: profile-block-all, profile-complain-unsafe, profile-allow-unsafe, profile-complain-block-high-risk/);
    assert.match(e.message, /--select/);
  });
  failsWith(spoText, 'spo.yaml', (e) => assert.match(e.message, /no SeccompProfile named 'nope'.*it holds: profile-block-all/), { name: 'nope' });
  const p = parseProfileText(spoText, 'spo.yaml', { name: 'profile-complain-block-high-risk' });
  assert.equal(p.format, 'k8s');
  assert.equal(p.name, 'profile-complain-block-high-risk');
  assert.equal(p.root, '$.spec');
  assert.equal(p.profile.defaultAction, 'log');
  assert.deepEqual(p.profile.architectures, ['x86_64']);
  assert.deepEqual(
    p.profile.syscalls.map((r) => r.action),
    ['allow', 'errno'],
  );
  assert.equal(p.profile.syscalls[1]?.names.length, 50);
  const start = lineOf(spoText, 'profile-complain-block-high-risk');
  assert.deepEqual(p.locate('$.syscalls[1].names[2]'), { line: lineOf(spoText, '- bpf', start), column: 7 });
  assert.equal(parseProfileText(spoText, 'spo.yaml', { name: 'profile-allow-unsafe' }).profile.defaultAction, 'allow');
});

test('YAML problems are located on the YAML line, JSON-path and all', () => {
  const text = [
    'apiVersion: security-profiles-operator.x-k8s.io/v1',
    'kind: SeccompProfile',
    'metadata:',
    '  name: demo',
    'spec:',
    '  defaultAction: SCMP_ACT_ERRNO',
    '  syscalls:',
    '    - action: SCMP_ACT_ALLOW',
    '      names: [read, wirte]',
    '    - action: SCMP_ACT_ALOW',
    '      names: [write]',
    '',
  ].join('\n');
  failsWith(text, 'demo.yaml', (e) => {
    assert.equal(e.message.split('\n').length, 1, 'one line');
    assert.match(
      e.message,
      /^demo\.yaml:9:21 at \$\.spec\.syscalls\[0\]\.names\[1\]: error: unknown syscall 'wirte' \(did you mean 'write'\?\) \(\+1 more error\)$/,
    );
    const second = e.issues.find((i) => i.code === 'unknown-value');
    assert.deepEqual([second?.line, second?.column, second?.path], [10, 15, '$.spec.syscalls[1].action']);
    assert.match(second?.hint ?? '', /SCMP_ACT_ALLOW/);
  });
  failsWith('apiVersion: v1\nkind: [\n', 'broken.yaml', (e) => {
    assert.equal(e.code, 'bad-input');
    assert.match(e.message, /^broken\.yaml:\d+:\d+ at \$: error: invalid YAML/);
  });
  failsWith('a: 1\na: 2\n', 'dup.yaml', (e) => assert.match(e.message, /dup\.yaml:2:1 at \$: error: invalid YAML: Map keys must be unique/));
  failsWith('{"defaultAction": "SCMP_ACT_ERRNO",}', 'trailing.json', (e) => assert.match(e.message, /^trailing\.json:1:\d+ at \$: error: invalid JSON/));
  failsWith('', 'empty.yaml', (e) => assert.match(e.message, /empty\.yaml:1:1 at \$: error: the file holds no profile/));
  failsWith('kind: Deployment\napiVersion: apps/v1\n', 'deploy.yaml', (e) => assert.match(e.message, /no SeccompProfile .*found kind Deployment/));
});

test('SeccompProfiles in JSON, in a List, with comments, and operator-only fields', () => {
  const obj = {
    apiVersion: 'security-profiles-operator.x-k8s.io/v1',
    kind: 'SeccompProfile',
    metadata: { name: 'j' },
    spec: { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ action: 'SCMP_ACT_ALLOW', names: ['read'] }] },
  };
  const j = parseProfileText(JSON.stringify(obj, null, 2), 'sp.json');
  assert.equal(j.format, 'k8s');
  assert.deepEqual(j.profile.syscalls[0]?.names, ['read']);
  const list = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: security-profiles-operator.x-k8s.io/v1\n    kind: SeccompProfile\n    metadata: {name: in-list}\n    spec:\n      defaultAction: SCMP_ACT_KILL_PROCESS\n`;
  const l = parseProfileText(list, 'list.yaml');
  assert.equal(l.name, 'in-list');
  assert.equal(l.profile.defaultAction, 'kill_process');
  const commented = [
    'apiVersion: security-profiles-operator.x-k8s.io/v1beta1',
    'kind: SeccompProfile',
    'metadata: {name: c}',
    'spec:',
    '  baseProfileName: runc-v1.2',
    '  state: Disabled',
    '  defaultAction: SCMP_ACT_ERRNO',
    '  defaultErrnoRet: 38',
    '  architectures: [SCMP_ARCH_X86_64, SCMP_ARCH_LOONGARCH64]',
    '  syscalls:',
    '    # the basics',
    '    - action: SCMP_ACT_ALLOW',
    '      names: [read]',
    '    # two lines',
    '    # of comment',
    '    - action: SCMP_ACT_ERRNO',
    '      errnoRet: 38',
    '      names: [clone3]',
    '',
  ].join('\n');
  const c = parseProfileText(commented, 'c.yaml');
  assert.deepEqual(
    c.profile.syscalls.map((r) => r.comment),
    ['the basics', 'two lines\nof comment'],
  );
  assert.equal(c.profile.defaultErrnoRet, 38);
  const codes = c.issues.map((i) => `${i.code}@${i.line}`);
  for (const want of ['api-version@1', 'base-profile@5', 'profile-disabled@6', 'not-in-crd@8', 'not-in-crd@9'])
    assert.ok(codes.includes(want), `${want} in ${codes.join(' ')}`);
});

test('a Docker profile written as YAML reads like the JSON', () => {
  const y =
    'defaultAction: SCMP_ACT_ERRNO\nsyscalls:\n  - names: [read, write]\n    action: SCMP_ACT_ALLOW\n    args:\n      - {index: 0, value: 0x7e020000, valueTwo: 18446744073709551615, op: SCMP_CMP_MASKED_EQ}\n';
  const p = parseProfileText(y, 'p.yaml');
  assert.equal(p.format, 'docker');
  assert.deepEqual(p.profile.syscalls[0]?.args[0], { index: 0, op: 'masked_eq', value: 0x7e020000n, valueTwo: (1n << 64n) - 1n });
  failsWith(
    'defaultAction: SCMP_ACT_ERRNO\nsyscalls:\n  - names: [read]\n    action: SCMP_ACT_ALLOW\n    args: [{index: 0, value: -1, op: SCMP_CMP_EQ}]\n',
    'neg.yaml',
    (e) => {
      assert.match(e.message, /neg\.yaml:5:30 at \$\.syscalls\[0\]\.args\[0\]\.value: error: value must be a non-negative integer, found -1/);
    },
  );
});

test('missing files and directories are reported with what to do', () => {
  assert.throws(
    () => loadProfile('/nonexistent/profile.json'),
    (e: unknown) =>
      e instanceof ClawfenceError && e.code === 'not-found' && /no such file: \/nonexistent\/profile\.json/.test(e.message) && (e.hint ?? '') !== '',
  );
  const dir = mkdtempSync(join(tmpdir(), 'clawfence-load-'));
  try {
    assert.throws(
      () => loadProfile(dir),
      (e: unknown) => e instanceof ClawfenceError && e.code === 'bad-input' && /directory/.test(e.message),
    );
    const f = join(dir, 'p.json');
    writeFileSync(f, dockerText);
    assert.equal(loadProfile(f).file, f);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Random edits of a valid text: deletions, insertions from a syntax-heavy alphabet, duplications. */
function mutated(base: string): fc.Arbitrary<string> {
  const chunk = fc.string({ unit: fc.constantFrom(...'{}[]:,"\'-#&*!|>\n 0123456789xSCMP_abc\\\t'.split('')), maxLength: 8 });
  const edit = fc.tuple(fc.nat(base.length), fc.nat(12), fc.oneof(chunk, fc.constant('')));
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let s = base;
    for (const [at, del, ins] of edits) {
      const i = at % (s.length + 1);
      s = s.slice(0, i) + ins + s.slice(i + del);
    }
    return s;
  });
}

function onlyLocatedErrors(text: string): boolean {
  try {
    parseProfileText(text, 'fuzz');
    return true;
  } catch (e) {
    if (!(e instanceof ClawfenceError) || e.code !== 'bad-input') throw e;
    const issues = (e as ClawfenceError & { issues?: Issue[] }).issues ?? [];
    const errors = issues.filter((i) => i.severity === 'error');
    assert.ok(errors.length > 0, `no error issues for ${JSON.stringify(text)}`);
    for (const i of errors) {
      assert.ok((i.line ?? 0) >= 1 && (i.column ?? 0) >= 1, `unlocated issue ${JSON.stringify(i)}`);
      assert.ok(i.path.startsWith('$'), i.path);
    }
    assert.ok(!e.message.includes('\n') && /^fuzz:\d+:\d+ at \$/.test(e.message), e.message);
    return true;
  }
}

const smallJson = JSON.stringify(
  {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
    ],
  },
  null,
  1,
);
const smallYaml = [
  'apiVersion: security-profiles-operator.x-k8s.io/v1',
  'kind: SeccompProfile',
  'metadata:',
  '  name: f',
  'spec:',
  '  defaultAction: SCMP_ACT_ERRNO',
  '  architectures: [SCMP_ARCH_X86_64]',
  '  syscalls:',
  '    # c',
  '    - action: SCMP_ACT_ALLOW',
  '      names: [read, write]',
  '    - action: SCMP_ACT_ERRNO',
  '      errnoRet: 38',
  '      names: [clone3]',
  '      args: [{index: 0, value: 1, op: SCMP_CMP_EQ}]',
  '',
].join('\n');

test('10,000 fuzzed JSON profiles produce only located bad-input errors', () => {
  fc.assert(fc.property(mutated(smallJson), onlyLocatedErrors), { numRuns: 10_000 });
});

test('10,000 fuzzed SeccompProfile YAML documents produce only located bad-input errors', () => {
  fc.assert(fc.property(mutated(smallYaml), onlyLocatedErrors), { numRuns: 10_000 });
});

test('10,000 fuzzed OCI runtime configs produce only located bad-input errors', () => {
  const config = JSON.stringify({ ociVersion: '1.2.0', linux: { seccomp: JSON.parse(smallJson) as unknown } }, null, 1);
  fc.assert(fc.property(mutated(config), onlyLocatedErrors), { numRuns: 10_000 });
});

test('messages stay on one line and are located even for odd input found by fuzzing', () => {
  failsWith('{"defaultActio\\n": "SCMP_ACT_ERRNO"}', 'nl.json', (e) => {
    assert.ok(!e.message.includes('\n'), e.message);
    assert.match(e.message, /defaultActio\\n/);
  });
  failsWith('{"defaultAction": null}', 'null.json', (e) => assert.match(e.message, /^null\.json:1:19 at \$\.defaultAction: error: defaultAction is empty/));
  failsWith(
    'apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata: {name: f}\nspec:\n  defaultAction: &anchor\n',
    'anchor.yaml',
    (e) => assert.match(e.message, /^anchor\.yaml:5:\d+ at \$\.spec\.defaultAction: error: defaultAction is empty/),
  );
});
