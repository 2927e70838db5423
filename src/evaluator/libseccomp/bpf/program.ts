// The whole seccomp program libseccomp generates for a filter collection, ported from
// src/gen_bpf.c (_gen_bpf_syscall, _gen_bpf_syscalls with its priority or binary-tree ordering,
// _gen_bpf_arch, _gen_bpf_build_bpf): the list of blocks, the pass that pulls every jump target
// in after its first jumper and repairs the accumulator only for that first jumper, and the
// final instruction list. Long-jump splitting is left out: it does not change what runs.

import { ARCH_INFO, type Arch } from '../../../syscalls/arch.js';
import {
  ACC_UNDEF,
  BPF,
  HSH,
  K,
  NO,
  OFFSET_ARCH,
  OFFSET_NR,
  blkAlloc,
  blkAppend,
  genAction,
  genChain,
  hshAdd,
  hshFindOnce,
  insn,
  newState,
  type Blk,
  type GenState,
  type Insn,
} from './blocks.js';
import type { SysEntry } from '../db.js';

const X32_SYSCALL_BIT = 0x40000000;
const SYSCALLS_PER_NODE = 4;

/** One ABI's filter db as the generator needs it. */
export interface ArchDb {
  abi: Arch;
  entries: ReadonlyMap<number, SysEntry>;
}

/** A flat BPF instruction; jt/jf are relative offsets (not limited to 255 here). */
export interface FlatInsn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

interface Sorted {
  sys: SysEntry;
  priPrv: Sorted | null;
  priNxt: Sorted | null;
}

/** _sys_priority_sort / _sys_num_sort: insertion into one list, highest key first. */
function sortInto(list: { head: Sorted | null; tail: Sorted | null }, entries: readonly SysEntry[], key: (s: SysEntry) => number): void {
  for (const sys of entries) {
    const s: Sorted = { sys, priPrv: null, priNxt: null };
    if (list.head === null) {
      list.head = s;
      list.tail = s;
      continue;
    }
    let b: Sorted = list.head;
    while (b.priNxt !== null && key(s.sys) <= key(b.sys)) b = b.priNxt;
    if (key(s.sys) > key(b.sys)) {
      s.priPrv = b.priPrv;
      s.priNxt = b;
      if (b === list.head) {
        list.head.priPrv = s;
        list.head = s;
      } else {
        (s.priPrv as Sorted).priNxt = s;
        b.priPrv = s;
      }
    } else {
      s.priPrv = list.tail;
      (list.tail as Sorted).priNxt = s;
      list.tail = s;
    }
  }
}

/** The db's syscall list (sorted by number as libseccomp's unsigned compare does). */
function dbList(db: ArchDb): SysEntry[] {
  return [...db.entries.values()].sort((a, b) => (a.nr >>> 0) - (b.nr >>> 0));
}

function skipSyscall(s: SysEntry): boolean {
  return s.nr < 0;
}

/** _gen_bpf_insert: appends the instruction (to `existing` or a new block) and links it before *next. */
function genInsert(st: GenState, i: Insn, nextRef: { v: Blk | null }, existing: Blk | null): Blk {
  const b = blkAppend(existing, i);
  b.next = nextRef.v;
  if (nextRef.v !== null) nextRef.v.prev = b;
  nextRef.v = b;
  return hshAdd(st, b, true);
}

function bintreeLevels(count: number): number {
  if (count === 0) return 0;
  let i = 2;
  let max = SYSCALLS_PER_NODE * 2;
  while (max < count) {
    max <<= 1;
    i++;
  }
  return i;
}

/** _gen_bpf_syscall: `jeq nr` into the syscall's argument tree, else the next syscall. */
function genSyscall(st: GenState, sys: SysEntry, nxtHash: number, accReset: boolean): Blk {
  let blkS = blkAlloc();
  let aState = { ...ACC_UNDEF };
  if (accReset) {
    blkS = blkAppend(blkS, insn(BPF.LD_W_ABS, NO, NO, K(OFFSET_NR)));
    aState = { off: OFFSET_NR, mask: 0xffffffff };
    blkS.accStart = { ...ACC_UNDEF };
    blkS.accEnd = { off: OFFSET_NR, mask: 0xffffffff };
  } else {
    blkS.accStart = { off: OFFSET_NR, mask: 0xffffffff };
    blkS.accEnd = { off: OFFSET_NR, mask: 0xffffffff };
  }
  const blkC = genChain(st, sys, sys.chains, HSH(st.defHsh), aState);
  blkAppend(blkS, insn(BPF.JEQ_K, HSH(blkC.hash), HSH(nxtHash), K(sys.nr)));
  return hshAdd(st, blkS, true);
}

/** _gen_bpf_syscalls: every syscall's blocks, prepended to the list; returns (blocks added, levels). */
function genSyscalls(st: GenState, db: ArchDb, secondary: ArchDb | undefined, optimize: 1 | 2, abi: Arch): { added: number; levels: number } {
  st.bHead = null;
  st.bTail = null;
  st.bNew = null;
  const list = { head: null as Sorted | null, tail: null as Sorted | null };
  const key = optimize === 2 ? (s: SysEntry) => s.nr >>> 0 : (s: SysEntry) => s.priority >>> 0;
  sortInto(list, dbList(db), key);
  if (secondary !== undefined) sortInto(list, dbList(secondary), key);
  let levels = 0;
  let emptyCnt = 0;
  const hashes: number[] = [];
  const nums: number[] = [];
  if (optimize === 2) {
    let count = 0;
    for (let s = list.tail; s !== null; s = s.priPrv) if (!skipSyscall(s.sys)) count++;
    levels = bintreeLevels(count);
    if (levels > 0) {
      emptyCnt = ((SYSCALLS_PER_NODE * 2) << (levels - 1)) - count;
      for (let i = 0; i < levels; i++) {
        hashes.push(-1);
        nums.push(-1);
      }
    }
  }
  let accReset = !((abi === 'x86_64' || abi === 'x32') && secondary === undefined);
  if (levels > 0) accReset = false;
  let added = 0;
  let count = 0;
  const headRef = {
    get v() {
      return st.bHead;
    },
    set v(b: Blk | null) {
      st.bHead = b;
    },
  };
  for (let s = list.tail; s !== null; s = s.priPrv) {
    if (skipSyscall(s.sys)) continue;
    const nxt = levels > 0 && (count + emptyCnt) % SYSCALLS_PER_NODE === 0 ? st.defHsh : st.bHead === null ? st.defHsh : st.bHead.hash;
    st.bNew = genSyscall(st, s.sys, nxt, s === list.head ? accReset : false);
    st.bNew.prev = null;
    st.bNew.next = st.bHead;
    if (st.bTail !== null) {
      (st.bHead as Blk).prev = st.bNew;
      st.bHead = st.bNew;
    } else {
      st.bHead = st.bNew;
      st.bTail = st.bHead;
    }
    if (st.bTail.next !== null) st.bTail = st.bTail.next;
    added++;
    count++;
    if (levels > 0) {
      // _gen_bpf_bintree: at the end of a node, the "if nr > X" jumps of the levels below
      const total = count + emptyCnt;
      for (let i = levels - 1; i >= 0; i--) {
        const level = SYSCALLS_PER_NODE << i;
        if (total % level !== 0) continue;
        nums[i] = s.sys.nr >>> 0;
        hashes[i] = st.bNew.hash;
        let bBintree: Blk | null = null;
        let j = 0;
        for (; j < i; j++) {
          if (nums[j] === -1 || hashes[j] === -1) continue;
          const jt = HSH(bBintree === null ? st.bNew.hash : bBintree.hash);
          bBintree = genInsert(st, insn(BPF.JGT_K, jt, HSH(hashes[j] as number), K(nums[j] as number)), headRef, null);
          added++;
        }
        if (bBintree !== null) hashes[j] = bBintree.hash;
        break;
      }
    }
  }
  return { added, levels };
}

/** _gen_bpf_arch: the ABI check, the x86_64/x32 split and the syscall dispatch of one ABI. */
function genArch(st: GenState, db: ArchDb, secondary: ArchDb | undefined, optimize: 1 | 2): Blk {
  const abi = db.abi;
  st.bits = ARCH_INFO[abi].bits;
  const { added, levels } = genSyscalls(st, db, secondary, optimize, abi);
  let blkCnt = added;
  const headRef = {
    get v() {
      return st.bHead;
    },
    set v(b: Blk | null) {
      st.bHead = b;
    },
  };
  if (levels > 0) {
    blkCnt++;
    const b = genInsert(st, insn(BPF.LD_W_ABS, NO, NO, K(OFFSET_NR)), headRef, null);
    b.accStart = { ...ACC_UNDEF };
    b.accEnd = { off: OFFSET_NR, mask: 0xffffffff };
  }
  const headOrDefault = (): number => (st.bHead !== null ? st.bHead.hash : st.defHsh);
  if ((abi === 'x86_64' || abi === 'x32') && secondary === undefined) {
    st.bNew = blkAppend(null, insn(BPF.LD_W_ABS, NO, NO, K(OFFSET_NR)));
    st.bNew.accEnd = { off: OFFSET_NR, mask: 0xffffffff };
    let last: Insn;
    if (abi === 'x86_64') {
      blkAppend(st.bNew, insn(BPF.JGE_K, NO, HSH(headOrDefault()), K(X32_SYSCALL_BIT)));
      last = insn(BPF.JEQ_K, HSH(headOrDefault()), HSH(st.badArchHsh), K(0xffffffff));
    } else {
      last = insn(BPF.JGE_K, HSH(headOrDefault()), HSH(st.badArchHsh), K(X32_SYSCALL_BIT));
    }
    blkCnt++;
    st.bNew = genInsert(st, last, headRef, st.bNew);
  }
  const check = insn(BPF.JEQ_K, HSH(headOrDefault()), { t: 'nxt', n: blkCnt++ }, K(ARCH_INFO[abi].auditArch));
  st.bNew = genInsert(st, check, headRef, null);
  return st.bHead as Blk;
}

/** The accumulator repair and placement pass of _gen_bpf_build_bpf. */
function pullTargets(st: GenState, tailStart: Blk): void {
  let tail = tailStart;
  let it: Blk | null = tail;
  while (it !== null) {
    let jmp: Blk | undefined;
    for (let idx = it.insns.length - 1; idx >= 0 && jmp === undefined; idx--) {
      const i = it.insns[idx] as Insn;
      if (i.jt.t === 'hsh') jmp = hshFindOnce(st, i.jt.h);
      if (jmp === undefined && i.jf.t === 'hsh') jmp = hshFindOnce(st, i.jf.h);
      if (jmp === undefined && i.k.t === 'hsh') jmp = hshFindOnce(st, i.k.h);
      if (jmp === undefined) continue;
      const start = jmp.accStart;
      if (start.off !== -1 && !(it.accEnd.off === start.off && it.accEnd.mask === start.mask)) {
        if (start.mask !== 0xffffffff) jmp.insns.unshift(insn(BPF.ALU_AND_K, NO, NO, K(start.mask)));
        jmp.insns.unshift(insn(BPF.LD_W_ABS, NO, NO, K(start.off)));
        jmp.accStart = { ...ACC_UNDEF };
      }
      jmp.prev = it;
      jmp.next = it.next;
      it.next = jmp;
      if (jmp.next !== null) jmp.next.prev = jmp;
    }
    if (jmp !== undefined) {
      while (tail.next !== null) tail = tail.next;
      it = tail;
    } else {
      it = it.prev;
    }
  }
}

function flatten(head: Blk): FlatInsn[] {
  const blocks: Blk[] = [];
  for (let b: Blk | null = head; b !== null; b = b.next) blocks.push(b);
  const start: number[] = [];
  // The positions of each hash in the list, in order (a duplicate block shares its original's hash).
  const positions = new Map<number, number[]>();
  let pc = 0;
  blocks.forEach((b, bi) => {
    start.push(pc);
    pc += b.insns.length;
    const list = positions.get(b.hash);
    if (list === undefined) positions.set(b.hash, [bi]);
    else list.push(bi);
  });
  const out: FlatInsn[] = [];
  blocks.forEach((b, bi) => {
    b.insns.forEach((i, ii) => {
      const here = (start[bi] as number) + ii;
      const target = (j: Insn['jt']): number => {
        if (j.t === 'none') return 0;
        if (j.t !== 'hsh') throw new Error(`libseccomp-bpf: unresolved ${j.t} jump`);
        // the first block with that hash after this one
        const t = positions.get(j.h)?.find((p) => p > bi);
        if (t === undefined) throw new Error('libseccomp-bpf: backward jump (libseccomp would fail with -EFAULT)');
        return (start[t] as number) - (here + 1);
      };
      out.push({ code: i.op, jt: target(i.jt), jf: target(i.jf), k: i.k.t === 'k' ? i.k.k : 0 });
    });
  });
  return out;
}

/**
 * _gen_bpf_build_bpf: the program for the filter's ABIs (in the order runc adds them, native
 * first), with libseccomp's default and bad-arch actions. optimize 2 is the binary tree runc
 * turns on for profiles with more than 32 (rule, name) pairs.
 */
export function generateProgram(dbs: readonly ArchDb[], defaultAction: number, badArchAction: number, optimize: 1 | 2): FlatInsn[] {
  const st = newState();
  const badArch = hshAdd(st, genAction(null, badArchAction), true);
  st.badArchHsh = badArch.hash;
  st.defHsh = hshAdd(st, genAction(null, defaultAction), false).hash;
  const head = hshAdd(st, blkAppend(null, insn(BPF.LD_W_ABS, NO, NO, K(OFFSET_ARCH))), true);
  head.accEnd = { off: OFFSET_ARCH, mask: 0xffffffff };
  let tail = head;
  const i64 = dbs.findIndex((d) => d.abi === 'x86_64');
  const i32 = dbs.findIndex((d) => d.abi === 'x32');
  dbs.forEach((db, iter) => {
    let secondary: ArchDb | undefined;
    if (iter === i64) {
      if (i32 > iter) secondary = dbs[i32];
      else if (i32 >= 0) return;
    } else if (iter === i32) {
      if (i64 > iter) secondary = dbs[i64];
      else if (i64 >= 0) return;
    }
    const b = genArch(st, db, secondary, optimize);
    b.prev = tail;
    tail.next = b;
    tail = b;
    while (tail.next !== null) tail = tail.next;
  });
  badArch.prev = tail;
  badArch.next = null;
  tail.next = badArch;
  tail = badArch;
  for (let b: Blk | null = head; b !== null && b.next !== null; b = b.next) {
    for (const i of b.insns) {
      for (const side of ['jt', 'jf'] as const) {
        const j = i[side];
        if (j.t !== 'nxt') continue;
        let t: Blk | null = b.next;
        for (let n = j.n; t !== null && n > 0; n--) t = t.next;
        if (t === null) throw new Error('libseccomp-bpf: top-level jump past the end');
        i[side] = HSH(t.hash);
      }
    }
  }
  pullTargets(st, tail);
  return flatten(head);
}
