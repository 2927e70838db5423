// Properties of normalizeProfile and of the Docker JSON writer/reader on random valid profiles:
// normalizing is idempotent and never changes a decision; print → parse gives the profile back.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decide } from '../../src/evaluator/evaluate.js';
import { parseDockerProfile, printDockerProfile } from '../../src/formats/docker.js';
import { normalizeProfile } from '../../src/profile/normalize.js';
import { resolveProfile, type HostContext } from '../../src/profile/resolve.js';
import type { ArgCondition, ConcreteProfile, Profile, Rule } from '../../src/profile/model.js';
import type { Arch } from '../../src/syscalls/arch.js';
import { call, host, multiplexedCall, multiplexedProfile, profile, redundantProfile } from '../support/arbitraries.js';

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
  fc.assert(
    fc.property(multiplexedProfile, (p) => {
      assert.deepEqual(normalizeProfile(normalizeProfile(p)), normalizeProfile(p));
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

/** decide() as the property compares it: verdict, and whether the runtime refuses the profile. */
function verdict(cp: ConcreteProfile, c: { abi: Arch; name: string; args: bigint[] }): [string, number | undefined, boolean] {
  const d = decide(cp, c.abi, c.name, c.args);
  return [d.action, d.errno, d.conflicts !== undefined];
}

test('normalizeProfile keeps every decision on random calls and hosts', () => {
  fc.assert(
    fc.property(twin, host, fc.array(call, { minLength: 1, maxLength: 25 }), ([p, r], h, calls) => {
      const a = resolveProfile(p, h);
      const b = resolveProfile(r, h);
      const n = resolveProfile(normalizeProfile(r), h);
      for (const c of calls) {
        const label = `${c.abi} ${c.name}(${c.args.join(', ')})`;
        // what normalizing claims: the normalized profile means what its input means
        assert.deepEqual(verdict(n, c), verdict(b, c), `normalizeProfile changed ${label}`);
        // what the generator claims: the redundant writing means what the profile means
        assert.deepEqual(verdict(b, c), verdict(a, c), `redundantProfile changed ${label}`);
      }
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

test('normalizeProfile keeps every decision where rule names share a multiplexer (i386 socketcall, ipc)', () => {
  fc.assert(
    fc.property(multiplexedProfile, fc.array(multiplexedCall, { minLength: 1, maxLength: 25 }), (p, calls) => {
      const h: HostContext = { native: 'x86_64', caps: [] };
      const a = resolveProfile({ ...p, architectures: ['x86_64', 'x86'], archMap: [] }, h);
      const n = resolveProfile(normalizeProfile({ ...p, architectures: ['x86_64', 'x86'], archMap: [] }), h);
      for (const c of calls) assert.deepEqual(verdict(n, c), verdict(a, c), `${c.abi} ${c.name}(${c.args.join(', ')})`);
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

const cond = (index: number, op: ArgCondition['op'], value: bigint): ArgCondition => ({ index, op, value, valueTwo: 0n });
const rule = (names: string[], action: Rule['action'], args: ArgCondition[], errnoRet?: number): Rule => ({
  names,
  action,
  ...(errnoRet === undefined ? {} : { errnoRet }),
  args,
  includes: { caps: [], arches: [] },
  excludes: { caps: [], arches: [] },
});

test("regression (seed 1846358970): normalizing keeps the order of a split rule's conditions", () => {
  // The shrunk counterexample. The TRACE rule has two conditions on arg0, so runc adds one rule
  // per condition in this order; normalizeProfile used to sort them (lt before ge), and
  // libseccomp 2.5 builds another filter for that order (evaluator case E133/E134, checked
  // against real libseccomp): prctl(0x10000000, 0) got TRACE before and KILL_PROCESS after.
  const readNe0 = rule(['read'], 'allow', [cond(0, 'ne', 0n)]);
  const both = rule(['prctl', 'read'], 'allow', [cond(0, 'gt', 0n), cond(1, 'ne', 0n)]);
  const readAll = rule(['read'], 'allow', []);
  const trace = rule(['prctl'], 'trace', [cond(0, 'ge', 0x100000001n), cond(0, 'lt', 0n)]);
  const p: Profile = {
    defaultAction: 'kill_process',
    architectures: [],
    archMap: [{ architecture: 'x86_64', subArchitectures: [] }],
    flags: [],
    listenerPath: '/run/agent.sock',
    syscalls: [readNe0, readNe0, both, readAll, trace],
  };
  const r: Profile = { ...p, syscalls: [readNe0, readNe0, both, both, readAll, readAll, trace] };
  const h: HostContext = { native: 'x86_64', caps: [] };
  const args = [0x10000000n, 0n, 0n, 0n, 0n, 0n];
  const n = normalizeProfile(r);
  assert.deepEqual(n.syscalls.at(-1)?.args, trace.args);
  const da = decide(resolveProfile(p, h), 'x86_64', 'prctl', args);
  const db = decide(resolveProfile(n, h), 'x86_64', 'prctl', args);
  assert.deepEqual([da.action, da.errno], ['trace', 1]);
  assert.deepEqual([db.action, db.errno], [da.action, da.errno]);
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
