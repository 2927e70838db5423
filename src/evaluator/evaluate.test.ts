// Unit tests for decide()/conflicts(): the shape of a decision and its explanations. The verdicts
// themselves are proven against libseccomp in test/oracle/ and test/evaluator-cases.test.ts.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ClawfenceError } from '../errors.js';
import { syscallsOf } from '../syscalls/table.js';
import { compiledFilter, conflicts, decide, decideOutcome } from './evaluate.js';
import { decodeProfile } from '../formats/shared/decode.js';
import { parseLocatedJson } from '../source/located-json.js';
import type { ArgCondition, ConcreteProfile, ConcreteRule } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';

function docker(caps: string[] = []): ConcreteProfile {
  const { tree } = parseLocatedJson(readFileSync(new URL('../../data/reference/docker-default.json', import.meta.url), 'utf8'));
  assert.ok(tree);
  const r = decodeProfile(tree);
  assert.ok(r.ok);
  return resolveProfile(r.value, { native: 'x86_64', caps });
}

function rule(source: number, names: string[], action: ConcreteRule['action'], args: ArgCondition[] = [], errnoRet?: number): ConcreteRule {
  return { names, action, args, source, ...(errnoRet === undefined ? {} : { errnoRet }) };
}

function profile(rules: ConcreteRule[], over: Partial<ConcreteProfile> = {}): ConcreteProfile {
  return { defaultAction: 'allow', architectures: ['x86_64', 'x86'], flags: [], rules, ...over };
}

const eq = (index: number, value: bigint): ArgCondition => ({ index, op: 'eq', value, valueTwo: 0n });

describe('decide: explanations', () => {
  const cp = docker();

  it("names Docker's masked clone rule when CLONE_NEWUSER is denied", () => {
    const d = decide(cp, 'x86_64', 'clone', [0x10000000n | 17n]);
    assert.equal(d.action, 'errno');
    assert.equal(d.errno, 1);
    assert.equal(d.source, 'default');
    assert.match(d.why, /default action ERRNO EPERM \(1\)/);
    const r18 = d.considered.find((c) => c.rule === 18);
    assert.ok(r18);
    assert.equal(r18.status, 'no-match');
    assert.deepEqual(r18.failed, { index: 0, op: 'masked_eq', value: 0x7e020000n, valueTwo: 0n });
    assert.match(r18.why, /rule #18 \(clone, arg0 & 0x7e020000 == 0x0\) did not match: arg0 & 0x7e020000 = 0x10000000/);
  });

  it('credits the matching rule and the conditions that held', () => {
    const d = decide(cp, 'x86_64', 'clone', [17n]);
    assert.equal(d.action, 'allow');
    assert.equal(d.rule, 18);
    assert.deepEqual(d.conditions, [{ index: 0, op: 'masked_eq', value: 0x7e020000n, valueTwo: 0n }]);
    assert.deepEqual(d.syscall, { name: 'clone', nr: 56 });
    assert.equal(d.considered.length, 0);
  });

  it('evaluates a number like the name', () => {
    const byName = decide(cp, 'x86_64', 'socket', [40n, 1n, 0n]);
    const byNr = decide(cp, 'x86_64', 41, [40n, 1n, 0n]);
    assert.deepEqual({ ...byNr, why: '' }, { ...byName, why: '' });
  });

  it('explains the 32-bit argument caveat when only the upper bits differ', () => {
    const d = decide(cp, 'x86_64', 'personality', [0xffffffff00000008n]);
    assert.equal(d.action, 'errno');
    const r6 = d.considered.find((c) => c.rule === 6);
    assert.match(r6?.why ?? '', /upper 32 bits differ.*MASKED_EQ 0xffffffff/);
  });

  it('says how socketcall rules are rewritten on i386', () => {
    const p = profile([rule(0, ['socket'], 'errno', [{ index: 0, op: 'ne', value: 40n, valueTwo: 0n }], 97)]);
    const d = decide(p, 'x86', 'socketcall', [1n, 0n]);
    assert.equal(d.errno, 97);
    assert.deepEqual(d.conditions, [eq(0, 1n)]);
    assert.match(d.why, /through socketcall\(call 1\) on x86, where libseccomp replaces any arg0 condition with arg0 == 1/);
  });

  it('reports rules runc skips because their action is the default', () => {
    const p = profile([rule(0, ['getpriority'], 'allow'), rule(1, ['getpriority'], 'errno', [eq(1, 7n)], 91)]);
    const d = decide(p, 'x86_64', 'getpriority', [0n, 7n]);
    assert.equal(d.rule, 1);
    assert.deepEqual(
      d.considered.map((c) => [c.rule, c.status]),
      [[0, 'skipped']],
    );
  });

  it('reports rules shadowed by an earlier unconditional rule', () => {
    const p = profile([rule(0, ['getpriority'], 'errno', [], 92), rule(1, ['getpriority'], 'errno', [eq(1, 7n)], 91)]);
    const d = decide(p, 'x86_64', 'getpriority', [0n, 7n]);
    assert.equal(d.rule, 0);
    assert.equal(d.considered[0]?.status, 'shadowed');
    assert.match(d.considered[0]?.why ?? '', /earlier unconditional rule \(#0\)/);
  });

  it('marks the runc split of two conditions on one argument', () => {
    const p = profile([
      rule(
        0,
        ['getpriority'],
        'errno',
        [
          { index: 1, op: 'ge', value: 5n, valueTwo: 0n },
          { index: 1, op: 'le', value: 10n, valueTwo: 0n },
        ],
        91,
      ),
    ]);
    assert.equal(decide(p, 'x86_64', 'getpriority', [0n, 20n]).errno, 91, 'OR, not AND');
  });

  it('reports when the generated BPF disagrees with the rule tree', () => {
    const p = profile(
      [
        rule(
          0,
          ['getpriority'],
          'errno',
          [
            { index: 1, op: 'ge', value: 1n << 32n, valueTwo: 0n },
            { index: 1, op: 'le', value: 0n, valueTwo: 0n },
          ],
          91,
        ),
      ],
      { architectures: ['x86_64'] },
    );
    const d = decide(p, 'x86_64', 'getpriority', [0n, 1n]);
    assert.equal(d.errno, 91);
    assert.deepEqual(d.intended, { action: 'allow' });
    assert.equal(d.conditions, undefined, 'no condition of the rule held');
    assert.match(d.why, /repairs the accumulator only for the first jump/);
    assert.equal(decide(p, 'x86_64', 'getpriority', [0n, 0n]).intended, undefined);
  });

  it('never credits a rule whose conditions fail: a verdict reached through a level libseccomp shares between rules', () => {
    const p = profile(
      [
        rule(0, ['getpriority'], 'errno', [
          { index: 0, op: 'le', value: 0n, valueTwo: 0n },
          { index: 1, op: 'ne', value: 0n, valueTwo: 0n },
        ]),
        rule(
          1,
          ['getpriority'],
          'errno',
          [
            { index: 0, op: 'lt', value: 6n, valueTwo: 0n },
            { index: 1, op: 'gt', value: 0n, valueTwo: 0n },
          ],
          95,
        ),
      ],
      { architectures: ['x86_64'] },
    );
    const d = decide(p, 'x86_64', 'getpriority', [5n, 1n]);
    assert.deepEqual([d.action, d.errno, d.source, d.rule], ['errno', 1, 'rule', 0], 'what the filter (and the kernel) does');
    assert.equal(d.conditions, undefined, 'arg0 <= 0 does not hold for 5');
    assert.deepEqual(d.intended, { action: 'errno', errno: 95, rule: 1 });
    assert.match(d.why, /does not match \(arg0 = 0x5\)/);
    assert.match(d.why, /shares one level between rules/);
    assert.deepEqual(
      d.considered.map((c) => [c.rule, c.status]),
      [[1, 'shadowed']],
    );
    const both = decide(p, 'x86_64', 'getpriority', [0n, 1n]);
    assert.deepEqual([both.errno, both.rule, both.intended], [1, 0, undefined], 'both rules match: tree order, no quirk');
    assert.equal(both.conditions?.length, 2);
    assert.equal(decide(p, 'x86_64', 'getpriority', [6n, 1n]).source, 'default');
  });

  it('reports a profile on which libseccomp loops forever as a conflict, and still answers', () => {
    const p = profile(
      [
        rule(0, ['getpriority'], 'errno', [{ index: 0, op: 'le', value: 7n, valueTwo: 0n }, eq(1, 5n)], 91),
        rule(1, ['getpriority'], 'errno', [{ index: 0, op: 'le', value: 7n, valueTwo: 0n }, eq(2, 7n)], 92),
      ],
      { architectures: ['x86_64'] },
    );
    const found = conflicts(p);
    assert.deepEqual(
      found.map((c) => [c.kind, c.rule, c.abi, c.with]),
      [['hang', 1, 'x86_64', [0]]],
    );
    assert.match(found[0]?.message ?? '', /loop forever in _db_level_clean/);
    const d = decide(p, 'x86_64', 'getpriority', [0n, 5n]);
    assert.deepEqual([d.errno, d.rule], [91, 0], 'the filter without the rule libseccomp never finishes adding');
    assert.equal(d.conflicts?.[0]?.kind, 'hang');
    assert.equal(decide(p, 'x86_64', 'getpriority', [0n, 0n, 7n]).source, 'default');
  });

  it('treats arguments as unsigned 64-bit values', () => {
    const p = profile([rule(0, ['getpriority'], 'errno', [eq(1, (1n << 64n) - 1n)], 91)]);
    assert.equal(decide(p, 'x86_64', 'getpriority', [0n, -1n]).errno, 91);
  });
});

describe('decide: ABIs and the runtime', () => {
  it('kills on an ABI the filter does not list, and says why for x32', () => {
    const p = profile([rule(0, ['getpriority'], 'errno', [], 91)], { architectures: ['x86_64'] });
    const d = decide(p, 'x32', 'getpid');
    assert.equal(d.action, 'kill_thread');
    assert.equal(d.source, 'bad-arch');
    assert.match(d.why, /0x40000000 bit/);
  });

  it("applies runc's -ENOSYS stub above the highest named syscall, and crun does not", () => {
    const p = profile([rule(0, ['getpriority'], 'allow')], { defaultAction: 'errno' });
    const runc = decide(p, 'x86_64', 'getrandom');
    assert.equal(runc.source, 'enosys-stub');
    assert.equal(runc.errno, 38);
    assert.match(runc.why, /above the highest syscall the profile names on x86_64 \(140\)/);
    const crun = decide(p, 'x86_64', 'getrandom', [], { runtime: 'crun' });
    assert.deepEqual([crun.source, crun.errno], ['default', 1]);
    assert.equal(decide(p, 'x86_64', 'getuid').source, 'default', 'below the bound');
    assert.equal(decide(profile([rule(0, ['getpriority'], 'errno')]), 'x86_64', 'getrandom').source, 'default', 'no stub for an allow default');
  });

  it('follows libseccomp 2.6.1 when asked (2.6.0 behaves like 2.5)', () => {
    const lt = (v: bigint): ArgCondition => ({ index: 1, op: 'lt', value: v, valueTwo: 0n });
    const p = profile([rule(0, ['getpriority'], 'errno', [lt(0x100000005n)], 91), rule(1, ['getpriority'], 'errno', [lt(0x100000003n)], 92)]);
    assert.equal(decide(p, 'x86_64', 'getpriority', [0n, 4n]).errno, 91);
    assert.equal(decide(p, 'x86_64', 'getpriority', [0n, 4n], { libseccomp: '2.6.1' }).errno, 92);
    assert.equal(decide(p, 'x86_64', 'getpriority', [0n, 4n], { libseccomp: '2.6.0' }).errno, 91);
  });

  it('refuses a name that does not exist on the ABI, with where it does', () => {
    assert.throws(
      () => decide(docker(), 'x86_64', 'socketcall'),
      (e: unknown) => e instanceof ClawfenceError && e.code === 'bad-input' && /x86/.test(e.hint ?? ''),
    );
  });
});

describe('decideOutcome', () => {
  it("is decide() without why and considered, key for key, on every syscall of Docker's default", () => {
    const cp = docker();
    for (const abi of ['x86_64', 'x86', 'x32', 'aarch64'] as const) {
      for (const name of syscallsOf(abi)) {
        for (const args of [[], [0x10000000n | 17n, 1n], [(1n << 64n) - 1n, 40n, 2n]]) {
          const { why: _why, considered: _considered, ...outcome } = decide(cp, abi, name, args);
          assert.deepEqual(Object.entries(decideOutcome(cp, abi, name, args)), Object.entries(outcome), `${abi} ${name}`);
        }
      }
    }
  });
});

describe('conflicts', () => {
  it('finds the -EEXIST collision and names the earlier rule', () => {
    const p = profile([rule(0, ['getpriority'], 'errno', [eq(1, 7n)], 91), rule(1, ['getpriority'], 'errno', [eq(1, 7n)], 92)]);
    const [c] = conflicts(p);
    assert.ok(c);
    assert.equal(c.kind, 'eexist');
    assert.equal(c.rule, 1);
    assert.deepEqual(c.with, [0]);
    assert.match(c.message, /-EEXIST/);
    const d = decide(p, 'x86_64', 'getpriority', [0n, 7n]);
    assert.equal(d.conflicts?.length, 2, 'x86_64 and x86 both refuse it');
    assert.equal(d.errno, 91, 'decided as if the refused add were rolled back');
    assert.equal(d.considered[0]?.status, 'refused');
    assert.equal(conflicts(p, 'x86').length, 1);
  });

  it('finds socket rules that collide only through i386 socketcall', () => {
    const rules = [rule(0, ['socket'], 'errno', [eq(0, 40n)], 1), rule(1, ['socket'], 'allow', [{ index: 0, op: 'ne', value: 16n, valueTwo: 0n }])];
    assert.deepEqual(conflicts(profile(rules, { defaultAction: 'errno', defaultErrnoRet: 38, architectures: ['x86_64'] })), []);
    const withX86 = conflicts(profile(rules, { defaultAction: 'errno', defaultErrnoRet: 38 }));
    assert.deepEqual(
      withX86.map((c) => [c.rule, c.abi, c.syscall]),
      [[1, 'x86', 'socketcall']],
    );
  });

  it('lists what runc refuses outright', () => {
    assert.match(conflicts(profile([], { defaultAction: 'notify' }))[0]?.message ?? '', /default action/);
    assert.match(conflicts(profile([rule(3, ['write'], 'notify')]))[0]?.message ?? '', /write/);
  });
});

describe('compiledFilter', () => {
  it('is cached per profile object and options', () => {
    const p = profile([rule(0, ['getpriority'], 'errno')]);
    assert.equal(compiledFilter(p), compiledFilter(p));
    assert.notEqual(compiledFilter(p), compiledFilter(p, { runtime: 'crun' }));
  });
});
