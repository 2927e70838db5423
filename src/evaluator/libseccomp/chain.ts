// libseccomp's argument-chain nodes: how one rule's conditions become a chain of 32-bit
// comparisons (src/db.c _db_rule_gen_64, _db_rule_gen_32) and how nodes on one level of the
// tree are ordered and matched (__db_chain_arg_priority, __db_chain_op_priority, _db_chain_lt,
// _db_chain_eq). Written from the C sources' behaviour; see docs/evaluator.md.

import { ClawfenceError } from '../../errors.js';
import type { ArgCondition, Op } from '../../profile/model.js';

const U64 = (1n << 64n) - 1n;
const U32 = 0xffffffffn;

/** The comparison a node makes on one 32-bit word: (word & mask) OP datum. */
export type NodeOp = 'eq' | 'masked_eq' | 'gt' | 'ge';

/** One node of a syscall's argument tree (struct db_arg_chain_tree). */
export interface ChainNode {
  arg: number;
  /** True for the high 32-bit word of a 64-bit argument. */
  hi: boolean;
  op: NodeOp;
  /** The rule's operator, which orders nodes on a level. */
  opOrig: Op;
  mask: number;
  datum: number;
  datumFull: bigint;
  actTFlag: boolean;
  actFFlag: boolean;
  actT: number;
  actF: number;
  /** Which rule add set actT / actF (clawfence's bookkeeping, not libseccomp's). */
  srcT: number;
  srcF: number;
  lvlPrv: ChainNode | null;
  lvlNxt: ChainNode | null;
  nxtT: ChainNode | null;
  nxtF: ChainNode | null;
  refcnt: number;
  freed: boolean;
}

/** One argument condition as libseccomp's db keeps it (struct db_api_arg). */
export interface DbArg {
  index: number;
  op: Op;
  mask: bigint;
  datum: bigint;
}

/** A rule's chain before it is merged: the head node (null: unconditional), its action and size. */
export interface NewChain {
  head: ChainNode | null;
  action: number;
  src: number;
  /** Nodes generated (s_new->node_cnt): 2 per EQ/NE/MASKED_EQ, 3 per LT/LE/GT/GE on 64-bit; 1 on 32-bit. */
  nodeCnt: number;
}

/** runc/libseccomp's reading of an ArgCondition: masked_eq takes (mask, datum) = (value, valueTwo). */
export function toDbArg(c: ArgCondition): DbArg {
  if (c.op === 'masked_eq') return { index: c.index, op: c.op, mask: BigInt.asUintN(64, c.value), datum: BigInt.asUintN(64, c.valueTwo) };
  return { index: c.index, op: c.op, mask: U64, datum: BigInt.asUintN(64, c.value) };
}

function argPriority(n: ChainNode): number {
  return (n.arg << 1) + (n.hi ? 1 : 0);
}

function opPriority(op: Op): number {
  if (op === 'masked_eq' || op === 'eq' || op === 'ne') return 3;
  if (op === 'le' || op === 'lt') return 2;
  return 1;
}

/** _db_chain_lt: the order of nodes on a level (a level lists its greatest node first). */
export function chainLt(a: ChainNode, b: ChainNode): boolean {
  const pa = argPriority(a);
  const pb = argPriority(b);
  if (pa !== pb) return pa < pb;
  const oa = opPriority(a.opOrig);
  const ob = opPriority(b.opOrig);
  if (oa !== ob) return oa < ob;
  if (a.opOrig === 'le' || a.opOrig === 'lt') return a.datum > b.datum;
  return a.datum < b.datum;
}

/** _db_chain_eq: two nodes make the same comparison. */
export function chainEq(a: ChainNode, b: ChainNode): boolean {
  return argPriority(a) === argPriority(b) && a.op === b.op && a.datum === b.datum && a.mask === b.mask;
}

export function isLeaf(n: ChainNode): boolean {
  return n.nxtT === null && n.nxtF === null;
}

export function isZombie(n: ChainNode): boolean {
  return isLeaf(n) && !n.actTFlag && !n.actFFlag;
}

function newNode(arg: number, hi: boolean, op: NodeOp, opOrig: Op, mask: bigint, datum: bigint, datumFull: bigint): ChainNode {
  const m = Number(mask & U32);
  return {
    arg,
    hi,
    op,
    opOrig,
    mask: m,
    datum: (Number(datum & U32) & m) >>> 0,
    datumFull,
    actTFlag: false,
    actFFlag: false,
    actT: 0,
    actF: 0,
    srcT: -1,
    srcF: -1,
    lvlPrv: null,
    lvlNxt: null,
    nxtT: null,
    nxtF: null,
    refcnt: 0,
    freed: false,
  };
}

/**
 * libseccomp would never return: one of its loops over a level list (or its level cleanup) does
 * not end, because _db_tree_add linked a node into a level twice and made the list circular.
 * compileFilter turns it into a conflict (the runtime hangs while loading the profile).
 */
export class LibseccompHang extends ClawfenceError {
  /** The libseccomp function that would spin. */
  readonly where: string;

  constructor(where: string) {
    super('internal', `libseccomp loops forever in ${where}`, { hint: 'this profile makes libseccomp hang; clawfence reports it as a conflict' });
    this.name = 'LibseccompHang';
    this.where = where;
  }
}

/** More steps along one level than any real level has nodes: the list is circular. */
const SPIN_LIMIT = 1 << 20;

/** A step counter for one loop over a level; throws LibseccompHang when the loop would not end. */
export function spinGuard(where: string): () => void {
  let steps = 0;
  return () => {
    if (++steps > SPIN_LIMIT) throw new LibseccompHang(where);
  };
}

/** The first node of `n`'s level (the `while (x->lvl_prv)` rewind libseccomp starts its loops with). */
export function levelStart(n: ChainNode, where: string): ChainNode {
  const tick = spinGuard(where);
  let c = n;
  while (c.lvlPrv !== null) {
    tick();
    c = c.lvlPrv;
  }
  return c;
}

/** _db_node_get: takes a reference. */
export function nodeGet(n: ChainNode | null): ChainNode | null {
  if (n !== null) n.refcnt++;
  return n;
}

function ordered(args: readonly DbArg[]): DbArg[] {
  return [...args].sort((a, b) => a.index - b.index);
}

/** A masked_eq whose mask has no bits in this word compares nothing there. */
function needsWord(a: DbArg, hi: boolean): boolean {
  if (a.op !== 'masked_eq') return true;
  return ((hi ? a.mask >> 32n : a.mask) & U32) !== 0n;
}

/** _db_rule_gen_64: each condition becomes hi/lo word comparisons (three nodes for LT/LE/GT/GE). */
export function generateChain64(args: readonly DbArg[], action: number, src: number): NewChain {
  let head: ChainNode | null = null;
  let prev: [ChainNode, ChainNode, ChainNode | null] | undefined;
  let prevOp: Op = 'eq';
  let nodeCnt = 0;
  for (const a of ordered(args)) {
    if (!needsWord(a, true) && !needsWord(a, false)) continue;
    nodeCnt += a.op === 'eq' || a.op === 'ne' || a.op === 'masked_eq' ? 2 : 3;
    const hiMask = a.mask >> 32n;
    const hiDatum = a.datum >> 32n;
    let cur: [ChainNode, ChainNode, ChainNode | null];
    if (a.op === 'gt' || a.op === 'ge' || a.op === 'lt' || a.op === 'le') {
      const loOp: NodeOp = a.op === 'gt' || a.op === 'le' ? 'gt' : 'ge';
      cur = [
        newNode(a.index, true, 'gt', a.op, hiMask, hiDatum, a.datum),
        newNode(a.index, true, 'eq', a.op, hiMask, hiDatum, a.datum),
        newNode(a.index, false, loOp, a.op, a.mask, a.datum, a.datum),
      ];
      cur[0].nxtF = nodeGet(cur[1]);
      cur[1].nxtT = nodeGet(cur[2]);
    } else {
      const op: NodeOp = a.op === 'masked_eq' ? 'masked_eq' : 'eq';
      cur = [newNode(a.index, true, op, a.op, hiMask, hiDatum, a.datum), newNode(a.index, false, op, a.op, a.mask, a.datum, a.datum), null];
      cur[0].nxtT = nodeGet(cur[1]);
    }
    if (prev === undefined) {
      head = nodeGet(cur[0]);
    } else if (prevOp === 'gt' || prevOp === 'ge') {
      prev[0].nxtT = nodeGet(cur[0]);
      (prev[2] as ChainNode).nxtT = nodeGet(cur[0]);
    } else if (prevOp === 'eq' || prevOp === 'masked_eq') {
      prev[1].nxtT = nodeGet(cur[0]);
    } else if (prevOp === 'le' || prevOp === 'lt') {
      prev[1].nxtF = nodeGet(cur[0]);
      (prev[2] as ChainNode).nxtF = nodeGet(cur[0]);
    } else {
      prev[0].nxtF = nodeGet(cur[0]);
      prev[1].nxtF = nodeGet(cur[0]);
    }
    prev = cur;
    prevOp = a.op;
  }
  if (prev !== undefined) {
    const setT = (n: ChainNode): void => {
      n.actTFlag = true;
      n.actT = action;
      n.srcT = src;
    };
    const setF = (n: ChainNode): void => {
      n.actFFlag = true;
      n.actF = action;
      n.srcF = src;
    };
    if (prevOp === 'gt' || prevOp === 'ge') {
      setT(prev[0]);
      setT(prev[2] as ChainNode);
    } else if (prevOp === 'le' || prevOp === 'lt') {
      setF(prev[1]);
      setF(prev[2] as ChainNode);
    } else if (prevOp === 'eq' || prevOp === 'masked_eq') setT(prev[1]);
    else {
      setF(prev[0]);
      setF(prev[1]);
    }
  }
  return { head, action, src, nodeCnt };
}

/** _db_rule_gen_32: one node per condition on the low word; NE/LT/LE become EQ/GE/GT on the false branch. */
export function generateChain32(args: readonly DbArg[], action: number, src: number): NewChain {
  let head: ChainNode | null = null;
  let prev: ChainNode | undefined;
  let onTrue = true;
  let nodeCnt = 0;
  for (const a of ordered(args)) {
    if (!needsWord(a, false)) continue;
    nodeCnt++;
    const op: NodeOp = a.op === 'ne' ? 'eq' : a.op === 'lt' ? 'ge' : a.op === 'le' ? 'gt' : a.op;
    const n = newNode(a.index, false, op, a.op, a.mask, a.datum, a.datum);
    if (prev === undefined) head = nodeGet(n);
    else if (onTrue) prev.nxtT = nodeGet(n);
    else prev.nxtF = nodeGet(n);
    onTrue = !(a.op === 'ne' || a.op === 'lt' || a.op === 'le');
    prev = n;
  }
  if (prev !== undefined) {
    if (onTrue) {
      prev.actTFlag = true;
      prev.actT = action;
      prev.srcT = src;
    } else {
      prev.actFFlag = true;
      prev.actF = action;
      prev.srcF = src;
    }
  }
  return { head, action, src, nodeCnt };
}
