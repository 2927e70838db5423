// Properties of normalizeProfile and of the Docker JSON writer/reader on random valid profiles:
// normalizing is idempotent and never changes a decision; print → parse gives the profile back.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decide } from '../../src/evaluator/evaluate.js';
import { parseDockerProfile, printDockerProfile } from '../../src/formats/docker.js';
import { normalizeProfile } from '../../src/profile/normalize.js';
import { resolveProfile } from '../../src/profile/resolve.js';
import type { Profile } from '../../src/profile/model.js';
import { call, host, profile, redundantProfile } from '../support/arbitraries.js';

const RUNS = 300;

function roundTrip(p: Profile): Profile {
  const r = parseDockerProfile(printDockerProfile(p));
  assert.ok(r.ok, `printed profile does not parse: ${JSON.stringify(r.issues)}`);
  return r.value;
}

test('normalizeProfile is idempotent', () => {
  fc.assert(
    fc.property(twin, ([p, r]) => {
      assert.deepEqual(normalizeProfile(normalizeProfile(p)), normalizeProfile(p));
      const n = normalizeProfile(r);
      assert.deepEqual(normalizeProfile(n), n);
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

test('normalizeProfile does not mutate its input', () => {
  fc.assert(
    fc.property(profile, (p) => {
      const before = structuredClone(p);
      normalizeProfile(p);
      assert.deepEqual(p, before);
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

/** A random profile and the same profile written redundantly. */
const twin = profile.chain((p) => redundantProfile(p).map((r) => [p, r] as const));

test('normalizeProfile keeps every decision on random calls and hosts', () => {
  fc.assert(
    fc.property(twin, host, fc.array(call, { minLength: 1, maxLength: 25 }), ([p, r], h, calls) => {
      const a = resolveProfile(p, h);
      const b = resolveProfile(normalizeProfile(r), h);
      for (const c of calls) {
        const da = decide(a, c.abi, c.name, c.args);
        const db = decide(b, c.abi, c.name, c.args);
        assert.deepEqual([db.action, db.errno], [da.action, da.errno], `${c.abi} ${c.name}(${c.args.join(', ')})`);
      }
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

test('parse(print(p)) equals p', () => {
  fc.assert(
    fc.property(profile, (p) => {
      assert.deepEqual(roundTrip(p), p);
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

test('parse(print(normalize(p))) equals normalize(p), and printing is deterministic', () => {
  fc.assert(
    fc.property(twin, ([, r]) => {
      const n = normalizeProfile(r);
      assert.deepEqual(roundTrip(n), n);
      assert.equal(printDockerProfile(roundTrip(n)), printDockerProfile(n));
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});
