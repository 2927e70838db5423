// libseccomp's BPF instruction blocks and the generation of one syscall's argument tree into
// them (src/gen_bpf.c: struct bpf_blk, _hsh_add, _gen_bpf_action, _gen_bpf_node,
// _gen_bpf_chain_lvl_res, _gen_bpf_chain). Ported because the generated code has its own
// behaviour: blocks are deduplicated by content and each block assumes an accumulator state,
// which is only repaired for the first block that jumps to it (see libseccomp-bpf.ts).

import { levelStart, spinGuard, type ChainNode } from '../chain.js';

export const BPF = {
  LD_W_ABS: 0x20,
  ALU_AND_K: 0x54,
  JA: 0x05,
  JEQ_K: 0x15,
  JGT_K: 0x25,
  JGE_K: 0x35,
  JSET_K: 0x45,
  RET_K: 0x06,
} as const;

export const OFFSET_NR = 0;
export const OFFSET_ARCH = 4;
const MASK_MAX = 0xffffffff;

/** Where a jump goes before the program is laid out (enum bpf_jump_type). */
export type Jump =
  { t: 'none' } | { t: 'k'; k: number } | { t: 'nxt'; n: number } | { t: 'db'; node: ChainNode } | { t: 'blk'; blk: Blk } | { t: 'hsh'; h: number };

export interface Insn {
  op: number;
  jt: Jump;
  jf: Jump;
  k: Jump;
}

/** What the accumulator holds: the word at `off`, AND-ed with `mask` (-1: unknown). */
export interface Acc {
  off: number;
  mask: number;
}

export const ACC_UNDEF: Acc = { off: -1, mask: MASK_MAX };

export interface Blk {
  insns: Insn[];
  accStart: Acc;
  accEnd: Acc;
  flagHash: boolean;
  flagDup: boolean;
  hash: number;
  prev: Blk | null;
  next: Blk | null;
  lvlPrv: Blk | null;
  lvlNxt: Blk | null;
}

interface Bucket {
  blk: Blk;
  found: boolean;
}

/** The generator's state (struct bpf_state): the block hash table and the list being built. */
export interface GenState {
  byHash: Map<number, Bucket>;
  byContent: Map<string, number>;
  defHsh: number;
  badArchHsh: number;
  /** Word size of the ABI being generated (arg offsets). */
  bits: 32 | 64;
  bHead: Blk | null;
  bTail: Blk | null;
  bNew: Blk | null;
}

export function newState(): GenState {
  return { byHash: new Map(), byContent: new Map(), defHsh: -1, badArchHsh: -1, bits: 64, bHead: null, bTail: null, bNew: null };
}

export function blkAlloc(): Blk {
  return {
    insns: [],
    accStart: { ...ACC_UNDEF },
    accEnd: { ...ACC_UNDEF },
    flagHash: false,
    flagDup: false,
    hash: -1,
    prev: null,
    next: null,
    lvlPrv: null,
    lvlNxt: null,
  };
}

export const NO: Jump = { t: 'none' };
export const K = (k: number): Jump => ({ t: 'k', k: k >>> 0 });
export const HSH = (h: number): Jump => ({ t: 'hsh', h });

export function insn(op: number, jt: Jump, jf: Jump, k: Jump): Insn {
  return { op, jt, jf, k };
}

/** _blk_append: adds an instruction (allocating the block when null). */
export function blkAppend(blk: Blk | null, i: Insn): Blk {
  const b = blk ?? blkAlloc();
  b.insns.push(i);
  return b;
}

function jumpKey(j: Jump): string {
  switch (j.t) {
    case 'none':
      return '-';
    case 'k':
      return `k${j.k}`;
    case 'nxt':
      return `n${j.n}`;
    case 'hsh':
      return `h${j.h}`;
    default:
      throw new Error(`libseccomp-bpf: unresolved ${j.t} jump at hashing time`);
  }
}

function contentKey(b: Blk): string {
  const body = b.insns.map((i) => `${i.op}:${jumpKey(i.jt)}:${jumpKey(i.jf)}:${jumpKey(i.k)}`).join(';');
  return `${b.accStart.off},${b.accStart.mask},${b.accEnd.off},${b.accEnd.mask}|${body}`;
}

/**
 * _hsh_add: enters a block in the hash table. An identical block already there is returned in
 * its place, unless `found` (a block already placed in the program list), which stays a
 * duplicate with the same hash.
 */
export function hshAdd(st: GenState, blk: Blk, found: boolean): Blk {
  if (blk.flagHash) return blk;
  const key = contentKey(blk);
  const h = st.byContent.get(key);
  blk.flagHash = true;
  if (h === undefined) {
    const nh = st.byContent.size;
    st.byContent.set(key, nh);
    blk.hash = nh;
    st.byHash.set(nh, { blk, found });
    return blk;
  }
  blk.hash = h;
  if (found) {
    blk.flagDup = true;
    return blk;
  }
  return (st.byHash.get(h) as Bucket).blk;
}

/** _hsh_find_once: the block with this hash, the first time only. */
export function hshFindOnce(st: GenState, h: number): Blk | undefined {
  const b = st.byHash.get(h);
  if (b === undefined || b.found) return undefined;
  b.found = true;
  return b.blk;
}

/** _gen_bpf_action: a block returning the action. */
export function genAction(blk: Blk | null, action: number): Blk {
  return blkAppend(blk, insn(BPF.RET_K, NO, NO, K(action)));
}

function genActionHsh(st: GenState, action: number): Blk {
  return hshAdd(st, genAction(null, action), false);
}

/** Offset of an argument word in seccomp_data (little-endian layout; only compared for equality). */
export function argOffset(arg: number, hi: boolean): number {
  return 16 + 8 * arg + (hi ? 4 : 0);
}

/** _gen_bpf_node: one comparison, loading/masking the accumulator unless it already holds the word. */
function genNode(st: GenState, node: ChainNode, acc: Acc): Blk {
  const blk = blkAlloc();
  blk.accStart = { ...acc };
  const actT = node.actTFlag ? genActionHsh(st, node.actT).hash : -1;
  const actF = node.actFFlag ? genActionHsh(st, node.actF).hash : -1;
  const off = argOffset(node.arg, node.hi);
  const mask = node.mask >>> 0;
  if (off !== acc.off || (mask & acc.mask) >>> 0 !== mask) {
    acc.off = off;
    acc.mask = MASK_MAX;
    blkAppend(blk, insn(BPF.LD_W_ABS, NO, NO, K(off)));
    blk.accStart = { ...ACC_UNDEF };
  }
  if (mask !== acc.mask) {
    acc.mask = mask;
    blkAppend(blk, insn(BPF.ALU_AND_K, NO, NO, K(mask)));
  }
  blk.accEnd = { ...acc };
  const op = node.op === 'gt' ? BPF.JGT_K : node.op === 'ge' ? BPF.JGE_K : BPF.JEQ_K;
  const jt: Jump = node.nxtT !== null ? { t: 'db', node: node.nxtT } : node.actTFlag ? HSH(actT) : { t: 'nxt', n: 0 };
  const jf: Jump = node.nxtF !== null ? { t: 'db', node: node.nxtF } : node.actFFlag ? HSH(actF) : { t: 'nxt', n: 0 };
  blkAppend(blk, insn(op, jt, jf, K(node.datum)));
  return blk;
}

/** The part of a syscall entry the generator reads. */
export interface SysChains {
  chains: ChainNode | null;
  action: number;
}

/** _gen_bpf_chain_lvl_res: turns a level block's pointer jumps into hash jumps, then hashes it. */
function levelResolve(st: GenState, sys: SysChains, blk: Blk, nxtJump: Jump): Blk {
  if (blk.flagHash) return blk;
  for (const i of blk.insns) {
    for (const side of ['jt', 'jf'] as const) {
      const j = i[side];
      if (j.t === 'blk') i[side] = HSH(levelResolve(st, sys, j.blk, nxtJump).hash);
      else if (j.t === 'db') i[side] = HSH(genChain(st, sys, j.node, nxtJump, blk.accEnd).hash);
    }
  }
  return hshAdd(st, blk, false);
}

/**
 * _gen_bpf_chain: the blocks of one level of the tree (or the unconditional action). A branch
 * with no target falls through to the next node of the level, and the last node's to `nxtJump`.
 */
export function genChain(st: GenState, sys: SysChains, chain: ChainNode | null, nxtJump: Jump, aState: Acc): Blk {
  const acc: Acc = { ...aState };
  let bHead: Blk;
  let bTail: Blk;
  if (chain === null) {
    bHead = genAction(null, sys.action);
    bTail = bHead;
  } else {
    let c: ChainNode | null = levelStart(chain, '_gen_bpf_chain');
    bHead = genNode(st, c, acc);
    bTail = bHead;
    const tick = spinGuard('_gen_bpf_chain');
    for (c = c.lvlNxt; c !== null; c = c.lvlNxt) {
      tick();
      const b = genNode(st, c, acc);
      b.lvlPrv = bTail;
      bTail.lvlNxt = b;
      bTail = b;
    }
    for (let b: Blk | null = bHead; b !== null; b = b.lvlNxt) {
      const next = b.lvlNxt;
      for (const i of b.insns) {
        for (const side of ['jt', 'jf'] as const) {
          const j = i[side];
          if (j.t !== 'nxt') continue;
          if (j.n !== 0) throw new Error('libseccomp-bpf: unexpected level jump');
          i[side] = next === null ? { ...nxtJump } : { t: 'blk', blk: next };
        }
      }
    }
  }
  let b: Blk | null = bTail;
  while (b !== null) {
    const prev: Blk | null = b.lvlPrv;
    const next: Blk | null = b.lvlNxt;
    const r = levelResolve(st, sys, b, next === null ? nxtJump : { t: 'blk', blk: next });
    if (prev !== null) prev.lvlNxt = r;
    r.lvlPrv = prev;
    r.lvlNxt = next;
    if (next !== null) next.lvlPrv = r;
    if (r.lvlPrv === null) bHead = r;
    b = prev;
  }
  return bHead;
}
