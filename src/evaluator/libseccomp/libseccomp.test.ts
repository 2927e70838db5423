// Unit tests for the libseccomp port underneath the evaluator: chain generation, level order,
// the db merge rules, runc's plan, and the generated program on a tiny filter. The whole port is
// checked instruction-for-instruction against the real library in test/oracle/.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scmpAction } from './actions.js';
import { ruleTargets } from './abi.js';
import { runProgram } from './bpf/run.js';
import { BPF } from './bpf/blocks.js';
import { generateProgram } from './bpf/program.js';
import { chainLt, generateChain32, generateChain64, LibseccompHang, toDbArg, type ChainNode } from './chain.js';
import { addRule, evaluateEntry, splitArgs, type SysEntry } from './db.js';
import { EEXIST } from './tree.js';
import { planRuncAdds } from '../runc.js';
import type { ArgCondition, Op } from '../../profile/model.js';

const cond = (index: number, op: Op, value: bigint, valueTwo = 0n): ArgCondition => ({ index, op, value, valueTwo });
const ALLOW = scmpAction('allow', undefined);
const E = (n: number): number => scmpAction('errno', n);
const MERGE = { fixedFalseMerge: false };

function entryFor(rules: { args: ArgCondition[]; action: number }[], bits: 32 | 64 = 64): { entries: Map<number, SysEntry>; rcs: number[] } {
  const entries = new Map<number, SysEntry>();
  const rcs = rules.map((r, src) => addRule(entries, { nr: 1, args: r.args.map(toDbArg), action: r.action, src }, bits, MERGE));
  return { entries, rcs };
}

function verdict(e: Map<number, SysEntry>, args: bigint[]): number | undefined {
  const s = e.get(1);
  return s === undefined ? undefined : evaluateEntry(s, splitArgs(args))?.action;
}

describe('chain generation', () => {
  it('splits a 64-bit GT into high GT, high EQ and low GT nodes', () => {
    const c = generateChain64([toDbArg(cond(0, 'gt', 0x100000005n))], ALLOW, 0);
    const hiGt = c.head as ChainNode;
    assert.deepEqual([hiGt.hi, hiGt.op, hiGt.datum, hiGt.actTFlag], [true, 'gt', 1, true]);
    const hiEq = hiGt.nxtF as ChainNode;
    const lo = hiEq.nxtT as ChainNode;
    assert.deepEqual([hiEq.op, lo.hi, lo.op, lo.datum, lo.actTFlag], ['eq', false, 'gt', 5, true]);
    assert.equal(c.nodeCnt, 3);
  });

  it('rewrites NE/LT/LE into EQ/GE/GT on the false branch for 32-bit ABIs and truncates the datum', () => {
    const c = generateChain32([toDbArg(cond(0, 'lt', 0x100000007n))], ALLOW, 0);
    const n = c.head as ChainNode;
    assert.deepEqual([n.op, n.datum, n.actTFlag, n.actFFlag], ['ge', 7, false, true]);
  });

  it('drops a MASKED_EQ whose mask has no bits in a word, and masks the datum', () => {
    assert.equal(generateChain64([toDbArg(cond(0, 'masked_eq', 0n, 5n))], ALLOW, 0).head, null);
    assert.equal(generateChain32([toDbArg(cond(0, 'masked_eq', 0xffffffff00000000n, 0n))], ALLOW, 0).head, null);
    const c = generateChain64([toDbArg(cond(0, 'masked_eq', 0xf0n, 0x13n))], ALLOW, 0);
    assert.equal((c.head?.nxtT as ChainNode).datum, 0x10);
  });

  it('orders a level: high words before low, EQ before LT/LE before GT/GE, LT by ascending datum', () => {
    const node = (args: ArgCondition): ChainNode => generateChain64([toDbArg(args)], ALLOW, 0).head as ChainNode;
    assert.ok(chainLt(node(cond(0, 'gt', 5n)), node(cond(0, 'eq', 5n))));
    assert.ok(chainLt(node(cond(0, 'ge', 5n)), node(cond(0, 'le', 5n))));
    assert.ok(chainLt(node(cond(0, 'eq', 5n)), node(cond(1, 'gt', 0n))));
    const lo = (c: ArgCondition): ChainNode => generateChain32([toDbArg(c)], ALLOW, 0).head as ChainNode;
    assert.ok(chainLt(lo(cond(0, 'lt', 9n)), lo(cond(0, 'lt', 3n))), 'the smaller LT datum sorts first');
  });
});

describe('db_rule_add', () => {
  it('keeps the first unconditional rule and drops later ones', () => {
    const { entries, rcs } = entryFor([
      { args: [], action: E(91) },
      { args: [], action: E(92) },
    ]);
    assert.deepEqual(rcs, [0, 0]);
    assert.equal(verdict(entries, []), E(91));
  });

  it('clears conditional chains when an unconditional rule arrives', () => {
    const { entries } = entryFor([
      { args: [cond(0, 'eq', 1n)], action: E(91) },
      { args: [], action: E(92) },
    ]);
    assert.equal(entries.get(1)?.chains, null);
    assert.equal(verdict(entries, [1n]), E(92));
  });

  it('refuses identical conditions with different actions (-EEXIST)', () => {
    assert.deepEqual(
      entryFor([
        { args: [cond(0, 'eq', 1n)], action: E(91) },
        { args: [cond(0, 'eq', 1n)], action: E(92) },
      ]).rcs,
      [0, EEXIST],
    );
    assert.deepEqual(
      entryFor(
        [
          { args: [cond(0, 'eq', 1n)], action: E(91) },
          { args: [cond(0, 'eq', 1n)], action: E(92) },
        ],
        32,
      ).rcs,
      [0, EEXIST],
    );
  });

  it('prunes a longer chain when a shorter one with the same action arrives', () => {
    const { entries } = entryFor([
      { args: [cond(0, 'eq', 1n), cond(1, 'eq', 2n)], action: E(91) },
      { args: [cond(0, 'eq', 1n)], action: E(91) },
    ]);
    assert.equal(verdict(entries, [1n, 5n]), E(91));
    assert.equal(entries.get(1)?.nodeCnt, 2);
  });

  it('ignores a longer chain when a shorter one with another action exists', () => {
    const { entries, rcs } = entryFor([
      { args: [cond(0, 'eq', 1n)], action: E(92) },
      { args: [cond(0, 'eq', 1n), cond(1, 'eq', 2n)], action: E(91) },
    ]);
    assert.deepEqual(rcs, [0, 0]);
    assert.equal(verdict(entries, [1n, 2n]), E(92));
  });

  it("shares a level between rules: rule 0's later condition is reached on rule 1's path", () => {
    // rule 0: arg0 <= 0 && arg1 != 0; rule 1: arg0 < 6 && arg1 > 0. Both arg0 chains point their
    // "holds" branches at one level, so merging rule 1 puts rule 0's arg1 != 0 under arg0 < 6 too.
    const { entries, rcs } = entryFor([
      { args: [cond(0, 'le', 0n), cond(1, 'ne', 0n)], action: E(1) },
      { args: [cond(0, 'lt', 6n), cond(1, 'gt', 0n)], action: E(95) },
    ]);
    assert.deepEqual(rcs, [0, 0]);
    const s = entries.get(1) as SysEntry;
    const words = splitArgs([5n, 1n]);
    assert.deepEqual(evaluateEntry(s, words), { action: E(1), src: 0 }, 'arg0 = 5 fails rule 0, yet its verdict is reached');
    assert.deepEqual(
      evaluateEntry(s, words, (v) => v.src !== 0),
      { action: E(95), src: 1 },
      'passing over it reaches rule 1',
    );
    assert.deepEqual(evaluateEntry(s, splitArgs([0n, 1n])), { action: E(1), src: 0 });
    assert.equal(verdict(entries, [6n, 1n]), undefined);
  });

  it('detects the circular level libseccomp loops on forever instead of hanging', () => {
    // rule 1's arg2 node hangs from both "arg0 <= 7" branches; _db_tree_add inserts it before
    // rule 0's arg1 node twice, and the second insert links it to itself
    const rules = [
      { args: [cond(0, 'le', 7n), cond(1, 'eq', 5n)], action: E(91) },
      { args: [cond(0, 'le', 7n), cond(2, 'eq', 7n)], action: E(92) },
    ];
    assert.throws(
      () => entryFor(rules),
      (e: unknown) => e instanceof LibseccompHang && e.where === '_db_level_clean',
    );
    assert.deepEqual(entryFor([rules[1] as (typeof rules)[0], rules[0] as (typeof rules)[0]]).rcs, [0, 0], 'the other order is fine');
  });
});

describe("runc's plan and libseccomp's targets", () => {
  it('skips default-action rules and unknown names, splits repeated argument indexes', () => {
    const plan = planRuncAdds({
      defaultAction: 'errno',
      architectures: ['x86_64'],
      flags: [],
      rules: [
        { names: ['read', 'nosuchcall'], action: 'errno', errnoRet: 1, args: [], source: 0 },
        { names: ['getpriority'], action: 'allow', args: [cond(1, 'ge', 5n), cond(1, 'le', 9n), cond(0, 'eq', 0n)], source: 1 },
      ],
    });
    assert.deepEqual(
      plan.skips.map((s) => [s.name, s.reason]),
      [
        ['read', 'default-action'],
        ['nosuchcall', 'default-action'],
      ],
    );
    assert.deepEqual(
      plan.adds.map((a) => [a.name, a.conds.length, a.split]),
      [
        ['getpriority', 1, true],
        ['getpriority', 1, true],
        ['getpriority', 1, true],
      ],
    );
  });

  it('lands i386 socket rules on socketcall and on the direct syscall', () => {
    assert.deepEqual(ruleTargets('x86', 'socket'), [{ nr: 102, via: { multiplexer: 'socketcall', call: 1 } }, { nr: 359 }]);
    assert.deepEqual(ruleTargets('x86', 'semop'), [{ nr: 117, via: { multiplexer: 'ipc', call: 1 } }]);
    assert.deepEqual(ruleTargets('x86_64', 'socket'), [{ nr: 41 }]);
    assert.deepEqual(ruleTargets('x86_64', 'socketcall'), []);
  });
});

describe('generated program', () => {
  it('checks the ABI, rejects x32 numbers and dispatches on the syscall', () => {
    const entries = new Map<number, SysEntry>();
    addRule(entries, { nr: 39, args: [], action: ALLOW, src: 0 }, 64, MERGE);
    const prog = generateProgram([{ abi: 'x86_64', entries }], E(1), 0, 1);
    assert.equal(prog[0]?.code, BPF.LD_W_ABS);
    const words = splitArgs([]);
    assert.equal(runProgram(prog, { nr: 39, arch: 0xc000003e, words }), ALLOW);
    assert.equal(runProgram(prog, { nr: 40, arch: 0xc000003e, words }), E(1));
    assert.equal(runProgram(prog, { nr: 0x40000027, arch: 0xc000003e, words }), 0, 'x32 number: bad arch');
    assert.equal(runProgram(prog, { nr: 39, arch: 0x40000003, words }), 0, 'i386: bad arch');
  });
});
