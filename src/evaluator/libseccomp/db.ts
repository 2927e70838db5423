// One syscall's entry in libseccomp's filter db (struct db_sys_list): adding a rule to it the way
// db_rule_add does (unconditional rules, pruning, merging, -EEXIST), and evaluating the entry the
// way the BPF that gen_bpf.c emits for it does (_gen_bpf_chain: try each node of a level in order;
// a branch with no verdict falls through to the next node, then to the parent level's next node).

import { generateChain32, generateChain64, type ChainNode, type DbArg } from './chain.js';
import { M_REDUNDANT, prune, treeAdd, treePut, type MergeOptions, type Slot } from './tree.js';

export interface SysEntry {
  nr: number;
  /** The argument tree; null when the syscall's verdict is unconditional. */
  chains: ChainNode | null;
  /** The unconditional action (meaningful when chains is null). */
  action: number;
  /** The rule add that set `action`. */
  src: number;
  /** Tree size as libseccomp counts it (unsigned 32-bit). */
  nodeCnt: number;
  /** BPF ordering priority: 0xffff - nodeCnt (fewer nodes first), unsigned 32-bit. */
  priority: number;
}

/** One seccomp_rule_add as it reaches one ABI's db: syscall number, conditions, action. */
export interface DbRule {
  nr: number;
  args: readonly DbArg[];
  action: number;
  /** clawfence's id for the rule add, carried into the tree to explain verdicts. */
  src: number;
}

const PRI_MASK_CHAIN = 0xffff;

function chainsSlot(s: SysEntry): Slot {
  return {
    get v() {
      return s.chains;
    },
    set v(x: ChainNode | null) {
      s.chains = x;
    },
  };
}

function updatePriority(s: SysEntry): void {
  s.priority = ((s.priority & ~PRI_MASK_CHAIN) | ((PRI_MASK_CHAIN - s.nodeCnt) >>> 0)) >>> 0;
}

/**
 * db_rule_add for one syscall: returns 0, or -EEXIST when libseccomp refuses the rule (runc then
 * refuses the whole profile). `entries` is updated in place; on -EEXIST it may be left half-merged
 * (libseccomp's transaction rolls it back; callers rebuild).
 */
export function addRule(entries: Map<number, SysEntry>, rule: DbRule, bits: 32 | 64, opts: MergeOptions): number {
  const chain = bits === 64 ? generateChain64(rule.args, rule.action, rule.src) : generateChain32(rule.args, rule.action, rule.src);
  const s = entries.get(rule.nr);
  if (s === undefined) {
    entries.set(rule.nr, {
      nr: rule.nr,
      chains: chain.head,
      action: rule.action,
      src: rule.src,
      nodeCnt: chain.nodeCnt,
      priority: (PRI_MASK_CHAIN - chain.nodeCnt) >>> 0,
    });
    return 0;
  }
  const newSlot: Slot = { v: chain.head };
  let pruned = false;
  for (;;) {
    if (s.chains === null) {
      if (pruned) {
        s.chains = newSlot.v;
        s.action = rule.action;
        s.src = rule.src;
        s.nodeCnt = chain.nodeCnt;
        s.priority = (PRI_MASK_CHAIN - chain.nodeCnt) >>> 0;
      } else {
        treePut(newSlot); // an earlier unconditional rule already decides this syscall
      }
      updatePriority(s);
      return 0;
    }
    if (newSlot.v === null) {
      // an unconditional rule replaces every earlier conditional chain
      treePut(chainsSlot(s));
      s.chains = null;
      s.nodeCnt = 0;
      s.action = rule.action;
      s.src = rule.src;
      updatePriority(s);
      return 0;
    }
    const state = { flags: 0, action: rule.action, sx: s };
    const freed = prune(chainsSlot(s), newSlot.v, state);
    if (freed > 0) {
      pruned = true;
      s.nodeCnt = (s.nodeCnt - freed) >>> 0;
      if (s.chains === null) continue;
    } else if ((state.flags & M_REDUNDANT) === M_REDUNDANT) {
      treePut(newSlot); // the existing tree is shorter and covers the new chain
      updatePriority(s);
      return 0;
    }
    break;
  }
  const rc = treeAdd(chainsSlot(s), newSlot.v, opts, s);
  if (rc < 0) return rc;
  s.nodeCnt = (s.nodeCnt + chain.nodeCnt) >>> 0;
  s.nodeCnt = (s.nodeCnt - treePut(newSlot)) >>> 0;
  updatePriority(s);
  return 0;
}

/** The words of the six arguments as the filter loads them: [arg][hi ? 1 : 0]. */
export type ArgWords = readonly (readonly [number, number])[];

export function splitArgs(args: readonly bigint[]): ArgWords {
  const out: [number, number][] = [];
  for (let i = 0; i < 6; i++) {
    const a = args[i] ?? 0n;
    // most arguments fit the low word: no bigint arithmetic (the surfaces split thousands)
    if (a >= 0n && a <= 0xffffffffn) {
      out.push([Number(a), 0]);
      continue;
    }
    const v = BigInt.asUintN(64, a);
    out.push([Number(v & 0xffffffffn), Number(v >> 32n)]);
  }
  return out;
}

/** A verdict reached in an entry: the action value and the rule add that put it there. */
export interface EntryVerdict {
  action: number;
  src: number;
}

/** Decides whether a verdict the walk reaches counts (all do by default). */
export type VerdictFilter = (v: EntryVerdict) => boolean;

function evaluateLevel(node: ChainNode, words: ArgWords, accept: VerdictFilter | undefined): EntryVerdict | undefined {
  let c: ChainNode | null = node;
  while (c.lvlPrv !== null) c = c.lvlPrv;
  for (; c !== null; c = c.lvlNxt) {
    const w = words[c.arg] as readonly [number, number];
    const v = ((c.hi ? w[1] : w[0]) & c.mask) >>> 0;
    const t = c.op === 'gt' ? v > c.datum : c.op === 'ge' ? v >= c.datum : v === c.datum;
    const next = t ? c.nxtT : c.nxtF;
    if (next !== null) {
      const r = evaluateLevel(next, words, accept);
      if (r !== undefined) return r;
      continue;
    }
    if (t ? c.actTFlag : c.actFFlag) {
      const r = t ? { action: c.actT, src: c.srcT } : { action: c.actF, src: c.srcF };
      if (accept === undefined || accept(r)) return r;
    }
  }
  return undefined;
}

/**
 * The entry's verdict for these arguments; undefined means the filter's default action. With
 * `accept`, verdicts it rejects are passed over as if their branch had none: the walk goes on
 * to the next node, the way the BPF falls through a branch without a verdict.
 */
export function evaluateEntry(s: SysEntry, words: ArgWords, accept?: VerdictFilter): EntryVerdict | undefined {
  if (s.chains === null) {
    const r = { action: s.action, src: s.src };
    return accept === undefined || accept(r) ? r : undefined;
  }
  return evaluateLevel(s.chains, words, accept);
}
