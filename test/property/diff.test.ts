// Properties of diffProfiles on random profiles: a profile does not differ from itself or from its
// normal form, and the diff agrees with the evaluator call by call — every call the two profiles
// decide differently lies in a reported change with those two outcomes, and no call they decide
// alike does.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ARCH_INFO, type Arch } from '../../src/syscalls/arch.js';
import { syscallNumber } from '../../src/syscalls/table.js';
import { diffConcrete, diffProfiles, formatDiff, type ArgRange, type DiffResult } from '../../src/diff/index.js';
import { decide, type Decision } from '../../src/evaluator/evaluate.js';
import { normalizeProfile } from '../../src/profile/normalize.js';
import { resolveProfile, type HostContext } from '../../src/profile/resolve.js';
import { call, host, pairOf, redundantProfile, smallProfile as profile } from '../support/arbitraries.js';

const profilePair = pairOf(profile);

const RUNS = 200;
const U32 = 0xffffffffn;

function outcome(d: { action: string; errno?: number }): string {
  return d.errno === undefined ? d.action : `${d.action} ${d.errno}`;
}

function contains(r: ArgRange, args: readonly bigint[], abi: Arch): boolean {
  const raw = args[r.index] ?? 0n;
  const v = ARCH_INFO[abi].bits === 32 ? raw & U32 : raw;
  if (v < r.lo || v > r.hi) return false;
  if (r.words !== undefined) {
    const hi = v >> 32n;
    const lo = v & U32;
    if (hi < r.words.hi[0] || hi > r.words.hi[1] || lo < r.words.lo[0] || lo > r.words.lo[1]) return false;
  }
  return r.masks.every((m) => {
    const x = v & m.mask;
    return { eq: x === m.value, ne: x !== m.value, lt: x < m.value, le: x <= m.value, gt: x > m.value, ge: x >= m.value }[m.op];
  });
}

/** What the diff says about one call: the two outcomes, or undefined for "no difference". */
function reported(d: DiffResult, abi: Arch, name: string, args: readonly bigint[]): { a: string; b: string; approximate: boolean } | undefined {
  const ad = d.abis.find((x) => x.abi === abi);
  if (ad === undefined) return undefined;
  const g = ad.unruled.find((u) => u.syscalls.includes(name));
  if (g !== undefined) return { a: outcome(g.a), b: outcome(g.b), approximate: false };
  const s = ad.syscalls.find((x) => x.name === name);
  if (s === undefined) return ad.sampled.includes(name) ? { a: '?', b: '?', approximate: true } : undefined;
  if (s.approximate) return { a: '?', b: '?', approximate: true };
  const hits = s.changes.filter((c) => c.args.every((r) => contains(r, args, abi)));
  assert.ok(hits.length <= 1, `${name}: ${hits.length} changes contain the call; changes must be disjoint`);
  const c = hits[0];
  return c === undefined ? undefined : { a: outcome(c.a), b: outcome(c.b), approximate: false };
}

function checkAgainstDecide(
  d: DiffResult,
  a: ReturnType<typeof resolveProfile>,
  b: ReturnType<typeof resolveProfile>,
  calls: { abi: Arch; name: string; args: bigint[] }[],
): void {
  // Where the diff only sampled, every example it gives is a call the two decide as it says.
  for (const ad of d.abis) {
    for (const s of ad.syscalls.filter((x) => x.approximate)) {
      for (const ch of s.changes) {
        const args = [0n, 0n, 0n, 0n, 0n, 0n];
        for (const r of ch.args) args[r.index] = r.lo;
        const got = [outcome(decide(a, ad.abi, s.name, args)), outcome(decide(b, ad.abi, s.name, args))];
        assert.deepEqual(got, [outcome(ch.a), outcome(ch.b)], `${ad.abi} ${s.name}(${args.join(', ')}) example`);
      }
    }
  }
  for (const c of calls) {
    if (syscallNumber(c.abi, c.name) === undefined) continue;
    const da: Decision = decide(a, c.abi, c.name, c.args);
    const db: Decision = decide(b, c.abi, c.name, c.args);
    const r = reported(d, c.abi, c.name, c.args);
    const where = (): string => `${c.abi} ${c.name}(${c.args.map((x) => `0x${x.toString(16)}`).join(', ')})\n${formatDiff(d).join('\n')}`;
    if (outcome(da) === outcome(db)) {
      if (r !== undefined && !r.approximate) assert.fail(`decide agrees (${outcome(da)}) but the diff reports ${JSON.stringify(r)}: ${where()}`);
    } else {
      if (r === undefined) assert.fail(`decide differs (${outcome(da)} vs ${outcome(db)}) but the diff reports nothing: ${where()}`);
      if (!r.approximate && (r.a !== outcome(da) || r.b !== outcome(db)))
        assert.fail(`diff reports ${r.a} → ${r.b}, decide says ${outcome(da)} → ${outcome(db)}: ${where()}`);
    }
  }
}

test('diff(p, p) is empty', () => {
  fc.assert(
    fc.property(profile, host, (p, h) => {
      const d = diffProfiles(p, p, h);
      assert.ok(d.isEmpty, formatDiff(d).join('\n'));
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

test('diff(p, normalize(p)) is empty, also for p written redundantly', () => {
  fc.assert(
    fc.property(
      profile.chain((p) => redundantProfile(p)),
      host,
      (p, h) => {
        const d = diffProfiles(p, normalizeProfile(p), h);
        assert.ok(d.isEmpty, formatDiff(d).join('\n'));
      },
    ),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

test('diff agrees with decide on random calls', () => {
  fc.assert(
    fc.property(profilePair, host, fc.array(call, { minLength: 10, maxLength: 30 }), ([pa, pb], h, calls) => {
      const a = resolveProfile(pa, h);
      const b = resolveProfile(pb, h);
      checkAgainstDecide(diffConcrete(a, b, h.native), a, b, calls);
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

test('diff agrees with decide across hosts (same profile, different capabilities and kernels)', () => {
  fc.assert(
    fc.property(profile, host, host, fc.array(call, { minLength: 10, maxLength: 30 }), (p, ha, hb, calls) => {
      const a = resolveProfile(p, ha);
      const b = resolveProfile(p, { ...hb, native: ha.native } satisfies HostContext);
      checkAgainstDecide(diffConcrete(a, b, ha.native), a, b, calls);
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

test('diff is symmetric: swapping A and B swaps every outcome', () => {
  fc.assert(
    fc.property(profilePair, host, ([pa, pb], h) => {
      const ab = diffProfiles(pa, pb, h);
      const ba = diffProfiles(pb, pa, h);
      assert.equal(ab.isEmpty, ba.isEmpty);
      for (const x of ab.abis) {
        const y = ba.abis.find((z) => z.abi === x.abi);
        assert.ok(y !== undefined);
        assert.deepEqual(
          y.syscalls.map((s) => s.name),
          x.syscalls.map((s) => s.name),
        );
        assert.deepEqual(y.unruled.flatMap((g) => g.syscalls).sort(), x.unruled.flatMap((g) => g.syscalls).sort());
        const lines = (r: typeof x, swap: boolean): string[] =>
          r.syscalls
            .filter((s) => !s.approximate)
            .flatMap((s) =>
              s.changes.map((c) => {
                const [p, q] = swap ? [c.b, c.a] : [c.a, c.b];
                return `${s.name}(${c.args.map((g) => `${g.index}:${g.lo}-${g.hi}:${JSON.stringify(g.words ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v))}:${g.masks.map((m) => `${m.mask}${m.op}${m.value}`).join()}`).join(' ')}) ${outcome(p)} > ${outcome(q)}`;
              }),
            )
            .sort();
        assert.deepEqual(lines(y, true), lines(x, false));
      }
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});
