// Fuzzes every reader of untrusted text with 10,000 malformed inputs each, grown from valid
// documents (Docker's and Podman's profiles, random valid profiles, OCI configs, Kubernetes
// SeccompProfiles in JSON and YAML, footprints). Each input must come back as the documented
// result: a located issue list ($-path, line and column ≥ 1 inside the text, one-line message,
// no internal error text), or a ClawfenceError 'bad-input' carrying such issues — never a crash.
// An input that parses must print and parse back to the same profile.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments, stringify as yamlStringify } from 'yaml';
import { ClawfenceError } from '../../src/errors.js';
import { parseFootprint } from '../../src/footprint/parse.js';
import { parseDockerProfile, printDockerProfile } from '../../src/formats/docker.js';
import type { Issue } from '../../src/source/issues.js';
import { parseProfileText } from '../../src/formats/read.js';
import type { Profile } from '../../src/profile/model.js';
import { malformed, profile, toTree, treeValue, type JTree } from '../support/arbitraries.js';

const RUNS = 10_000;
const INTERNAL = /\bat .+:\d+:\d+|TypeError|RangeError|ReferenceError|SyntaxError:|Cannot read propert|is not a function|Maximum call stack|\[object Object\]/;

function reference(name: string): string {
  return readFileSync(new URL(`../../data/reference/${name}`, import.meta.url), 'utf8');
}

type Json = Record<string, unknown> & { syscalls: Record<string, unknown>[] };
const references = ['docker-default.json', 'podman-default.json', 'podman-default.container-libs.json'].map((n) => JSON.parse(reference(n)) as Json);

/** A few neighbouring rules of a reference profile, each naming at most eight syscalls: every
 * key the real profiles use, in documents small enough to fuzz quickly. */
const referenceSlice: fc.Arbitrary<JTree> = fc.tuple(fc.constantFrom(...references), fc.nat(), fc.integer({ min: 0, max: 6 })).map(([p, at, n]) => {
  const start = at % p.syscalls.length;
  const syscalls = p.syscalls
    .slice(start, start + n)
    .map((r) => ({ ...r, ...(Array.isArray(r['names']) ? { names: (r['names'] as unknown[]).slice(0, 8) } : {}) }));
  return toTree({ ...p, syscalls });
});

const wholeReferences: fc.Arbitrary<JTree> = fc.constantFrom(...references.map(toTree));
const smallProfiles: fc.Arbitrary<JTree> = fc.oneof(
  referenceSlice,
  profile.map((p) => toTree(JSON.parse(printDockerProfile(p)))),
);

/** Valid profiles as trees: slices of the reference profiles, random profiles, and now and then
 * a whole reference profile (they are large, so slow to fuzz). */
const profileTrees: fc.Arbitrary<JTree> = fc.oneof({ weight: 1, arbitrary: wholeReferences }, { weight: 16, arbitrary: smallProfiles });

function oneLine(s: string, what: string, input: string): void {
  assert.ok(!/[\n\r\u2028\u2029]/.test(s), `${what} spans lines: ${JSON.stringify(s)} for input ${JSON.stringify(input.slice(0, 300))}`);
  assert.ok(!INTERNAL.test(s), `${what} shows internal error text: ${JSON.stringify(s)} for input ${JSON.stringify(input.slice(0, 300))}`);
}

function checkIssues(issues: readonly Issue[], text: string): void {
  const lines = text.split('\n');
  for (const i of issues) {
    assert.ok(i.severity === 'error' || i.severity === 'warning', `severity ${i.severity}`);
    assert.ok(typeof i.code === 'string' && i.code.length > 0, 'issue without a code');
    assert.ok(i.path.startsWith('$'), `path ${i.path} does not start with $`);
    assert.ok(
      Number.isInteger(i.line) && (i.line as number) >= 1 && (i.line as number) <= lines.length,
      `line ${i.line} of ${lines.length} (${i.code} ${i.message})`,
    );
    const len = (lines[(i.line as number) - 1] as string).length;
    assert.ok(
      Number.isInteger(i.column) && (i.column as number) >= 1 && (i.column as number) <= len + 1,
      `column ${i.column} on a line of ${len} (${i.code} ${i.message})`,
    );
    oneLine(i.message, 'message', text);
    if (i.hint !== undefined) oneLine(i.hint, 'hint', text);
  }
}

function checkRoundTrip(p: Profile): void {
  const again = parseDockerProfile(printDockerProfile(p));
  assert.ok(again.ok, `accepted profile does not print and parse back: ${JSON.stringify(again.issues)}`);
  assert.deepEqual(again.value, p);
}

/** Runs a parser on one input and checks its result; a throw must be a bad-input ClawfenceError
 * carrying located issues. */
function expectDocumented<T>(text: string, run: () => T, check: (result: T) => void): void {
  let result: T;
  try {
    result = run();
  } catch (e) {
    if (!(e instanceof ClawfenceError)) assert.fail(`crash (${(e as Error).name}: ${(e as Error).message}) on input ${JSON.stringify(text.slice(0, 300))}`);
    assert.equal(e.code, 'bad-input', e.message);
    oneLine(e.message, 'error message', text);
    const issues = (e as ClawfenceError & { issues?: Issue[] }).issues;
    assert.ok(issues !== undefined && issues.some((i) => i.severity === 'error'), `error without located issues: ${e.message}`);
    checkIssues(issues, text);
    return;
  }
  check(result);
}

test(`Docker/OCI JSON parser: ${RUNS} malformed profiles`, () => {
  fc.assert(
    fc.property(malformed(profileTrees), (text) => {
      expectDocumented(
        text,
        () => parseDockerProfile(text),
        (r) => {
          checkIssues(r.issues, text);
          if (r.ok) checkRoundTrip(r.value);
          else
            assert.ok(
              r.issues.some((i) => i.severity === 'error'),
              'refused without an error',
            );
        },
      );
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

const wrappers: ((p: JTree) => JTree)[] = [
  (p) => p,
  (p) => ({
    t: 'obj',
    entries: [
      ['ociVersion', { t: 'raw', s: '"1.0.2"' }],
      ['linux', { t: 'obj', entries: [['seccomp', p]] }],
    ],
  }),
  (p) => ({
    t: 'obj',
    entries: [
      ['apiVersion', { t: 'raw', s: '"security-profiles-operator.x-k8s.io/v1"' }],
      ['kind', { t: 'raw', s: '"SeccompProfile"' }],
      ['metadata', { t: 'obj', entries: [['name', { t: 'raw', s: '"fuzz"' }]] }],
      ['spec', p],
    ],
  }),
];

function yamlText(t: JTree, indent: boolean): string {
  return yamlStringify(treeValue(t), { indent: indent ? 2 : 4, lineWidth: 0 });
}

test(`profile loader (Docker JSON, OCI config, SeccompProfile JSON/YAML): ${RUNS} malformed files`, () => {
  const spo = parseAllDocuments(reference('spo-seccompprofile-example.yaml')).map((d) => toTree(d.toJS()));
  const wrapped = (base: fc.Arbitrary<JTree>): fc.Arbitrary<JTree> => fc.tuple(base, fc.constantFrom(...wrappers)).map(([p, w]) => w(p));
  const trees = fc.oneof(wrapped(smallProfiles), fc.constantFrom(...spo));
  const inputs = fc.oneof(
    { weight: 8, arbitrary: malformed(trees) },
    { weight: 8, arbitrary: malformed(trees, yamlText) },
    { weight: 1, arbitrary: malformed(wrapped(wholeReferences)) }, // YAML this large is slow to parse
  );
  fc.assert(
    fc.property(inputs, fc.constantFrom('profile.json', 'profile.yaml'), (text, file) => {
      expectDocumented(
        text,
        () => parseProfileText(text, file),
        (r) => {
          checkIssues(r.issues, text);
          checkRoundTrip(r.profile);
        },
      );
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

test(`footprint parser: ${RUNS} malformed footprints`, () => {
  const footprints = fc
    .record({
      arch: fc.constantFrom('x86_64', 'aarch64', 'x86'),
      syscalls: fc.dictionary(
        fc.constantFrom('x86_64', 'x86', 'x32', 'aarch64'),
        fc.dictionary(fc.constantFrom('read', 'write', 'openat', 'mmap', 'clone', 'socketcall', 'futex'), fc.record({ count: fc.nat({ max: 1000 }) })),
      ),
    })
    .map((f) => toTree({ schemaVersion: 1, ...f }));
  fc.assert(
    fc.property(malformed(footprints), (text) => {
      expectDocumented(
        text,
        () => parseFootprint(text),
        (r) => {
          checkIssues(r.issues, text);
          if (!r.ok)
            assert.ok(
              r.issues.some((i) => i.severity === 'error'),
              'refused without an error',
            );
        },
      );
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

/** Inputs that once broke a reader (each is the smallest case of its kind the fuzzers found). */
const HAND_PICKED: [string, string][] = [
  ['errno name inherited from Object.prototype', '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "__proto__"}'],
  ['action inherited from Object.prototype', '{"defaultAction": "__proto__"}'],
  ['action named like an Object method', '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "toString"}]}'],
  [
    'op named like an Object method',
    '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "op": "hasOwnProperty"}]}]}',
  ],
  ['newline inside a value', '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["re\\nad"], "action": "SCMP_ACT_ERRNO"}]}'],
  ['line separator inside a key', '{"defaultAction": "SCMP_ACT_ALLOW", "a\u2028b": 1}'],
  ['nesting 10,000 deep', `{"defaultAction": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`],
];

const READERS: [string, (text: string) => void][] = [
  [
    'Docker JSON parser',
    (text) =>
      expectDocumented(
        text,
        () => parseDockerProfile(text),
        (r) => {
          checkIssues(r.issues, text);
          assert.equal(r.ok, false, 'accepted');
        },
      ),
  ],
  [
    'profile loader',
    (text) =>
      expectDocumented(
        text,
        () => parseProfileText(text, 'p.json'),
        () => assert.fail('accepted'),
      ),
  ],
  [
    'footprint parser',
    (text) =>
      expectDocumented(
        text,
        () => parseFootprint(text),
        (r) => checkIssues(r.issues, text),
      ),
  ],
];

for (const [what, text] of HAND_PICKED) {
  for (const [reader, run] of READERS) test(`${reader}, hand-picked: ${what}`, () => run(text));
}

test('profile loader, hand-picked: YAML nesting 10,000 deep', () => {
  const yaml = `defaultAction: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
  expectDocumented(
    yaml,
    () => parseProfileText(yaml, 'p.yaml'),
    () => assert.fail('accepted'),
  );
});
