// Generalisation: exact reproduces the profiles generated before levels existed byte for byte
// (test/fixtures/generated, written by the commit before --generalize); every level adds only
// non-dangerous calls without argument rules, each rule saying why, and is counted; levels nest;
// ENOSYS answers are denials; the data file is checked where it is loaded.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { riskOf } from '../catalog/dangerous.js';
import { tierOf } from '../catalog/syscall-risk.js';
import { decide } from '../evaluator/evaluate.js';
import { printDockerProfile } from '../formats/docker.js';
import { loadFootprint } from '../footprint/parse.js';
import { resolveProfile } from '../profile/resolve.js';
import { computeSurface } from '../evaluator/surface.js';
import { widerThanDefault } from '../diff/doors.js';
import { generateProfile } from './generate.js';
import { GENERALIZE_LEVELS, generalize, generalizeData, neverAdded, parseGeneralizeData } from './generalize.js';
import { describeStats } from './summary.js';

const fps = ['flask-1', 'flask-2'].map((f) => loadFootprint(`test/fixtures/footprints/${f}.json`).footprint);

function allowedSet(level: (typeof GENERALIZE_LEVELS)[number]): Set<string> {
  const p = generateProfile(fps, { generalize: level }).profile;
  return new Set(computeSurface(resolveProfile(p, { native: 'x86_64', caps: [] })).get('x86_64')?.allowed ?? []);
}

describe('generalisation', () => {
  it('--generalize exact reproduces the profiles of the version before levels, byte for byte', () => {
    for (const [name, files] of [
      ['flask', ['flask-1', 'flask-2']],
      ['flask-i386', ['flask-i386']],
    ] as const) {
      const input = files.map((f) => loadFootprint(`test/fixtures/footprints/${f}.json`).footprint);
      const got = printDockerProfile(generateProfile(input, { labels: [...files], generalize: 'exact' }).profile);
      assert.equal(got, readFileSync(`test/fixtures/generated/${name}.exact.json`, 'utf8'), name);
    }
  });

  it('levels nest, and each adds something for a real recording', () => {
    const sets = GENERALIZE_LEVELS.map(allowedSet);
    for (let i = 1; i < sets.length; i++) {
      const [lo, hi] = [sets[i - 1] as Set<string>, sets[i] as Set<string>];
      for (const n of lo) assert.ok(hi.has(n), `${GENERALIZE_LEVELS[i]} keeps ${n}`);
      assert.ok(hi.size > lo.size, `${GENERALIZE_LEVELS[i]} adds to ${GENERALIZE_LEVELS[i - 1]} (${lo.size} → ${hi.size})`);
    }
  });

  it('never adds a dangerous call or one with argument rules, and opens no door wider than Docker’s default', () => {
    for (const level of GENERALIZE_LEVELS) {
      const r = generateProfile(fps, { generalize: level });
      for (const a of r.stats.generalized.added) {
        if (a.syscall === 'clone') {
          // Only ever with Docker's namespace mask: no CLONE_NEW* bit.
          const rules = r.profile.syscalls.filter((x) => x.names.includes('clone') && x.action === 'allow');
          assert.ok(rules.length > 0 && rules.every((x) => x.args.length === 1 && x.args[0]?.value === 0x7e020000n && x.args[0].valueTwo === 0n), level);
          continue;
        }
        assert.equal(riskOf(a.syscall), undefined, `${level}: ${a.syscall} is dangerous`);
        assert.notEqual(tierOf(a.syscall), 'dangerous', `${level}: ${a.syscall}`);
        assert.equal(neverAdded(a.syscall, 'safe'), undefined, `${level}: ${a.syscall}`);
      }
      assert.deepEqual(widerThanDefault(r.profile, { native: 'x86_64' }), [], level);
      assert.deepEqual(
        r.stats.widened.filter((w) => w.kind === 'unexplained'),
        [],
        `${level}: every allowed call is recorded or generalised`,
      );
    }
    // The data itself: nothing in an allowed set is dangerous; a dangerous name in it would be a data bug.
    const d = generalizeData();
    const allowedNames = [...d.neverDeny.syscalls, ...d.companions.flatMap((g) => g.syscalls), ...d.lowRisk.syscalls, ...d.families.flatMap((f) => f.syscalls)];
    assert.deepEqual(
      allowedNames.filter((n) => riskOf(n) !== undefined),
      [],
    );
    // "Low-risk" means the risk catalog's benign tier, not a second opinion.
    assert.deepEqual(
      d.lowRisk.syscalls.filter((n) => tierOf(n) !== 'benign'),
      [],
    );
  });

  it('says why in every added rule and counts it in the summary', () => {
    const r = generateProfile(fps, { generalize: 'families' });
    const g = r.stats.generalized;
    assert.ok(g.added.length > 5);
    for (const a of g.added) {
      const rule = r.profile.syscalls.find((x) => x.names[0] === a.syscall && x.action === 'allow');
      assert.match(rule?.comment ?? '', new RegExp(`^${a.syscall} — not recorded, generalised \\(--generalize families\\): .{10,}`), a.syscall);
    }
    const exit = g.added.find((a) => a.syscall === 'exit');
    assert.equal(exit?.kind, 'never-deny', 'a thread exit is never denied');
    const lines = describeStats(r.stats).join('\n');
    const x = r.stats.perAbi.find((a) => a.abi === 'x86_64');
    assert.match(lines, new RegExp(`x86_64: ${x?.allowed} of 385 syscalls allowed \\(${x?.recorded} recorded \\+ ${x?.generalized} generalised`));
    assert.match(lines, /generalised \(--generalize families\): \d+ not recorded \(.*never-deny.*\), each rule saying why; \d+ answered with ENOSYS/);
  });

  it('adds companions only of what was recorded, and families only where the recording shows the activity', () => {
    const has = (level: 'companions' | 'families', recorded: string[], name: string) =>
      generalize(level, new Set(recorded), ['x86_64'], 'safe').added.some((a) => a.syscall === name);
    assert.ok(has('companions', ['openat'], 'open') && has('companions', ['openat'], 'creat'));
    assert.equal(has('companions', ['openat'], 'openat2'), false, 'a call with a libc fallback is answered ENOSYS, not allowed');
    assert.equal(has('companions', ['read'], 'open'), false);
    assert.ok(has('families', ['renameat'], 'fsync'), 'file mutation');
    assert.equal(has('families', ['read', 'write'], 'fsync'), false, 'no mutation recorded');
    assert.ok(
      generalize('broad', new Set(['read']), ['x86_64'], 'safe').added.some((a) => a.syscall === 'fsync'),
      'broad adds every family',
    );
    assert.equal(has('families', ['connect'], 'socket'), false, 'socket has argument rules: never added name-only');
    assert.equal(has('families', ['execve'], 'clone'), false, 'clone is never an addition by name');
    assert.equal(generalize('families', new Set(['execve']), ['x86_64'], 'safe').clone, undefined, 'every container execs: no process family');
    assert.match(generalize('families', new Set(['wait4']), ['x86_64'], 'safe').clone ?? '', /without CLONE_NEW\* bits/);
    const forked = generateProfile([fps[0] as (typeof fps)[number]], { generalize: 'broad' });
    const cp = resolveProfile(forked.profile, { native: 'x86_64', caps: [] });
    assert.equal(decide(cp, 'x86_64', 'clone', [0x01200011n, 0n, 0n, 0n, 0n, 0n]).action, 'allow', 'a fork-like clone');
    assert.notEqual(decide(cp, 'x86_64', 'clone', [0x10000011n, 0n, 0n, 0n, 0n, 0n]).action, 'allow', 'never CLONE_NEWUSER');
    assert.equal(decide(cp, 'x86_64', 'clone3').errno, 38);
    assert.equal(
      generalize('families', new Set(['openat']), ['x86_64'], 'strict').added.some((a) => a.syscall === 'fcntl'),
      false,
      'fcntl has rules at strict',
    );
    assert.ok(has('families', ['openat'], 'fcntl'), 'and is name-only at safe');
  });

  it('answers the newer entry points with ENOSYS unless they are allowed: still a denial', () => {
    const r = generateProfile(fps, { generalize: 'companions' });
    const cp = resolveProfile(r.profile, { native: 'x86_64', caps: [] });
    for (const n of r.stats.generalized.enosys) {
      const d = decide(cp, 'x86_64', n);
      assert.equal(d.action, 'errno', n);
      assert.equal(d.errno, 38, n);
    }
    assert.ok(r.stats.generalized.enosys.includes('copy_file_range'), 'coreutils falls back to read/write on ENOSYS');
    assert.equal(
      r.stats.generalized.enosys.includes('statx') || r.stats.perAbi[0]?.recorded === undefined,
      !generalize('companions', new Set(['newfstatat']), ['x86_64'], 'safe').added.some((a) => a.syscall === 'statx'),
      'statx (glibc falls back to fstatat) is answered ENOSYS, never added as a companion',
    );
    const exact = resolveProfile(generateProfile(fps).profile, { native: 'x86_64', caps: [] });
    assert.equal(decide(exact, 'x86_64', 'io_uring_setup').errno, 1, 'exact keeps the default errno');
  });

  it('refuses damaged data in one line naming the place', () => {
    const base = JSON.parse(readFileSync('data/catalog/generalize.json', 'utf8')) as Record<string, unknown>;
    const bad = (patch: Record<string, unknown>) => JSON.stringify({ ...base, ...patch });
    assert.throws(() => parseGeneralizeData(bad({ lowRisk: { reason: 'x', syscalls: ['getpidd'] } })), /\$\.lowRisk\.syscalls\[0\]: unknown syscall "getpidd"/);
    assert.throws(
      () => parseGeneralizeData(bad({ families: [{ name: 'f', reason: '', trigger: ['read'], syscalls: ['read'] }] })),
      /\$\.families\[0\]\.reason: needs a reason/,
    );
    assert.throws(() => parseGeneralizeData(bad({ companions: 'open' })), /\$\.companions: must be a list/);
  });
});
