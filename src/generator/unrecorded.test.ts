// The log tier (--unrecorded log): unrecorded non-dangerous calls get SCMP_ACT_LOG, every
// catalogued dangerous syscall and value is still denied (as the evaluator decides), audit finds
// no door wider than Docker's default, and deny (the default) is byte-identical to no option.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditProfile } from '../audit/index.js';
import { dangerousValues } from '../catalog/dangerous-values.js';
import { RISK_CATALOG } from '../catalog/dangerous.js';
import { widerThanDefault } from '../diff/doors.js';
import { decide } from '../evaluator/evaluate.js';
import { printDockerProfile } from '../formats/docker.js';
import type { ConcreteProfile, Profile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { syscallsOf } from '../syscalls/table.js';
import { flaskFootprints, recording, RUNC_AFTER_FILTER } from '../../test/support/test-footprints.js';
import { generateProfile, type GenerateOptions } from './generate.js';
import { parseJustification } from './justify.js';
import { isLogTierRule, LOG_FLAG } from './unrecorded.js';

function concrete(p: Profile): ConcreteProfile {
  return resolveProfile(p, { native: 'x86_64', caps: [] });
}

function lets(a: string): boolean {
  return a === 'allow' || a === 'log';
}

function args(index: number, v: bigint): bigint[] {
  const a = [0n, 0n, 0n, 0n, 0n, 0n];
  a[index] = v;
  return a;
}

/** Single bits of a mask. */
function bits(mask: bigint): bigint[] {
  const out: bigint[] = [];
  for (let b = 1n; b <= mask; b <<= 1n) if ((mask & b) !== 0n) out.push(b);
  return out;
}

/** Every catalogued dangerous call, as (syscall, args) probes: each syscall of the risk catalog
 * with zero arguments (clone/unshare: with each namespace bit), each dangerous value alone and
 * with other bits set. */
function dangerousProbes(): { syscall: string; args: bigint[]; what: string }[] {
  const byValue = new Set(dangerousValues().map((d) => d.syscall));
  const out = RISK_CATALOG.filter((e) => !byValue.has(e.syscall)).map((e) => ({ syscall: e.syscall, args: args(0, 0n), what: e.syscall }));
  for (const d of dangerousValues()) {
    const vs =
      d.kind === 'mask'
        ? bits(d.value).flatMap((b) => [b, b | 0x11n, b | 0x00100000n])
        : [d.value, d.value | 0x1_00000000n, ...(d.mask === 0xffffffffn ? [] : [d.value | 0o2000000n])];
    for (const v of vs) {
      const a = args(d.index, v);
      for (const w of d.when) a[w.index] = w.value;
      out.push({ syscall: d.syscall, args: a, what: `${d.syscall} arg${d.index}=0x${v.toString(16)} (${d.when.map((w) => `${w.name}, `).join('')}${d.name})` });
    }
  }
  return out;
}

/** A tool that used clone (threads), socket (AF_INET), unshare(0) and personality(0), on x86_64. */
function busyTool(): ReturnType<typeof recording> {
  return recording({
    workload: 'busy',
    runtime: RUNC_AFTER_FILTER,
    tool: ['clone', 'socket', 'unshare', 'personality', 'socketpair', 'connect', 'exit_group'],
    args: {
      clone: { index: 0, values: [0x3d0f00n] },
      socket: { index: 0, values: [2n] },
      unshare: { index: 0, values: [0x200n] }, // CLONE_FS
      personality: { index: 0, values: [0n] },
      socketpair: { index: 0, values: [1n] },
    },
  });
}

const CASES: { name: string; fps: () => ReturnType<typeof recording>[]; opts?: GenerateOptions }[] = [
  { name: 'the Flask fixtures', fps: flaskFootprints },
  { name: 'a tool with clone, socket, unshare, personality', fps: () => [busyTool()] },
  { name: 'a tool that never cloned (clone3 unrecorded, clone not allowed)', fps: () => [recording({ workload: 'w', tool: ['read', 'write', 'exit_group'] })] },
  { name: 'the kill default', fps: () => [busyTool()], opts: { defaultAction: 'kill_process' } },
];

describe('--unrecorded log', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const deny = generateProfile(c.fps(), c.opts);
      const log = generateProfile(c.fps(), { ...c.opts, unrecorded: 'log' });
      const cp = concrete(log.profile);

      it('logs what the recording did not show and keeps every recorded allow rule', () => {
        assert.equal(log.profile.defaultAction, 'log');
        assert.equal(log.profile.defaultErrnoRet, undefined);
        const kept = log.profile.syscalls.filter((r) => !isLogTierRule(r));
        assert.deepEqual(kept, deny.profile.syscalls);
        // An unrecorded, uncatalogued call is logged (and so allowed).
        for (const n of ['mkdirat', 'renameat2', 'fsync', 'inotify_init1']) assert.equal(decide(cp, 'x86_64', n, args(0, 0n)).action, 'log', n);
      });

      it('denies every catalogued dangerous syscall and value the deny tier denies, with the same denial', () => {
        const wanted = c.opts?.defaultAction ?? 'errno';
        const known = new Set(syscallsOf('x86_64'));
        const denyCp = concrete(deny.profile);
        for (const p of dangerousProbes()) {
          if (!known.has(p.syscall)) continue;
          // What the recording itself allows (a family rule from a footprint without combinations
          // lets AF_INET/SOCK_RAW through) the log tier cannot take back: it must only add no more.
          if (lets(decide(denyCp, 'x86_64', p.syscall, p.args).action)) continue;
          const d = decide(cp, 'x86_64', p.syscall, p.args);
          assert.ok(!lets(d.action), `${p.what} is ${d.action}`);
          if (p.syscall === 'clone3') assert.deepEqual([d.action, d.errno], ['errno', 38], 'clone3 stays ENOSYS');
          else assert.equal(d.action, wanted, p.what);
          if (wanted === 'errno' && p.syscall !== 'clone3') assert.equal(d.errno, 1, p.what);
        }
      });

      it('opens no catalogued door wider than Docker’s default, and audit agrees', () => {
        assert.deepEqual(log.wider, []);
        assert.deepEqual(widerThanDefault(log.profile, { native: 'x86_64' }), []);
        const findings = auditProfile(log.profile, { native: 'x86_64', caps: [] }).findings;
        assert.deepEqual(
          findings.filter((f) => f.id === 'CF060').map((f) => f.message),
          [],
        );
        // …and the check can fail: the same profile without the tier's rules is wider.
        const bare = { ...log.profile, syscalls: log.profile.syscalls.filter((r) => !isLogTierRule(r)) };
        assert.ok(auditProfile(bare, { native: 'x86_64', caps: [] }).findings.some((f) => f.id === 'CF060'));
      });

      it('still lets through what the recording used', () => {
        for (const n of ['read', 'write', 'exit_group']) assert.ok(lets(decide(cp, 'x86_64', n, args(0, 0n)).action), n);
      });
    });
  }

  it('lets a thread-creating clone and an uncatalogued socket family through (logged) when the recording had none', () => {
    const cp = concrete(generateProfile([recording({ workload: 'w', tool: ['read', 'exit_group'] })], { unrecorded: 'log' }).profile);
    assert.equal(decide(cp, 'x86_64', 'clone', args(0, 0x3d0f00n)).action, 'log');
    assert.equal(decide(cp, 'x86_64', 'socket', args(0, 16n)).action, 'log', 'AF_NETLINK is not catalogued: logged');
    assert.equal(decide(cp, 'x86_64', 'socket', args(0, 17n)).action, 'errno', 'AF_PACKET is');
  });

  it('keeps the values the catalog never counts working (personality(0xffffffff) reads the persona)', () => {
    for (const fps of [[busyTool()], [recording({ workload: 'w', tool: ['read', 'exit_group'] })]]) {
      const cp = concrete(generateProfile(fps, { unrecorded: 'log' }).profile);
      assert.ok(lets(decide(cp, 'x86_64', 'personality', args(0, 0xffffffffn)).action));
      assert.equal(decide(cp, 'x86_64', 'personality', args(0, 0x0400000n)).action, 'errno', 'READ_IMPLIES_EXEC');
    }
  });

  it('keeps a justified value open and denies the rest', () => {
    const fp = busyTool();
    fp.syscalls.x86_64!['unshare']!.args = [{ index: 0, values: [{ value: String(0x10000000), count: 1 }] }];
    const js = [parseJustification('unshare=CLONE_NEWUSER:"bwrap builds its sandbox"')];
    const r = generateProfile([fp], { unrecorded: 'log', justifications: js });
    const cp = concrete(r.profile);
    assert.ok(lets(decide(cp, 'x86_64', 'unshare', args(0, 0x10000000n)).action), 'the justified value');
    assert.equal(decide(cp, 'x86_64', 'unshare', args(0, 0x10000000n | 0x40000000n)).action, 'errno', 'with CLONE_NEWNET too');
    assert.equal(decide(cp, 'x86_64', 'unshare', args(0, 0x40000000n)).action, 'errno', 'CLONE_NEWNET alone');
  });

  it('deny is today’s behaviour, byte for byte', () => {
    for (const c of CASES) {
      const a = printDockerProfile(generateProfile(c.fps(), c.opts).profile);
      const b = printDockerProfile(generateProfile(c.fps(), { ...c.opts, unrecorded: 'deny' }).profile);
      assert.equal(b, a, c.name);
    }
  });

  it('adds SECCOMP_FILTER_FLAG_LOG only when asked', () => {
    assert.deepEqual(generateProfile([busyTool()], { unrecorded: 'log' }).profile.flags, []);
    const flagged = generateProfile([busyTool()], { unrecorded: 'log', logDenied: true }).profile;
    assert.deepEqual(flagged.flags, [LOG_FLAG]);
    assert.match(printDockerProfile(flagged), /"flags": \[\s*"SECCOMP_FILTER_FLAG_LOG"\s*\]/);
    assert.match(printDockerProfile(flagged), /"defaultAction": "SCMP_ACT_LOG"/);
  });
});
