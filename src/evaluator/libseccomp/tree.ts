// libseccomp's merge of a new rule chain into a syscall's existing argument tree, ported
// behaviour-for-behaviour (reference counts included, since the number of freed nodes steers
// db_rule_add): src/db.c _db_node_put, _db_tree_put, _db_level_clean, _db_tree_remove,
// _db_tree_act_check, _db_tree_prune and _db_tree_add.

import { chainEq, chainLt, isLeaf, isZombie, levelStart, LibseccompHang, nodeGet, spinGuard, type ChainNode } from './chain.js';

/** A place that holds a node pointer (a C `struct db_arg_chain_tree **`). */
export interface Slot {
  v: ChainNode | null;
}

export function fieldSlot(n: ChainNode, field: 'nxtT' | 'nxtF'): Slot {
  return {
    get v() {
      return n[field];
    },
    set v(x: ChainNode | null) {
      n[field] = x;
    },
  };
}

export const EEXIST = -17;

/** The syscall's tree holder (struct db_sys_list, the parts pruning and merging touch). */
export interface TreeOwner {
  chains: ChainNode | null;
  /** Node count (unsigned 32-bit in libseccomp); it sets the syscall's priority in the BPF. */
  nodeCnt: number;
}

/** _db_node_put: drops a reference; the last one frees the node and its sub-trees. */
export function nodePut(slot: Slot): number {
  const n = slot.v;
  if (n === null) return 0;
  let cnt = 0;
  if (--n.refcnt === 0) {
    const lp: Slot = { v: n.lvlPrv };
    const ln: Slot = { v: n.lvlNxt };
    const nt: Slot = { v: n.nxtT };
    const nf: Slot = { v: n.nxtF };
    if (lp.v !== null) lp.v.lvlNxt = null;
    if (ln.v !== null) ln.v.lvlPrv = null;
    if (lp.v !== null) cnt += nodePut(lp);
    if (ln.v !== null) cnt += nodePut(ln);
    if (lp.v !== null) lp.v.lvlNxt = nodeGet(ln.v);
    if (ln.v !== null) ln.v.lvlPrv = nodeGet(lp.v);
    slot.v = lp.v ?? ln.v ?? null;
    cnt += treePut(nt);
    cnt += treePut(nf);
    n.freed = true;
    cnt++;
  }
  return cnt;
}

/** _db_level_clean: frees a whole level when nothing outside the level points into it. */
function levelClean(node: ChainNode): number {
  let cnt = 0;
  const start = levelStart(node, '_db_level_clean');
  const tick = spinGuard('_db_level_clean');
  for (let n: ChainNode | null = start; n !== null; n = n.lvlNxt) {
    tick();
    const links = (n.lvlPrv !== null ? 1 : 0) + (n.lvlNxt !== null ? 1 : 0);
    if (n.refcnt > links) return cnt;
  }
  const s: Slot = { v: start };
  while (s.v !== null) {
    const before = s.v;
    cnt += nodePut(s);
    // a node that survives its put stays in place: libseccomp's `while (n) _db_node_put(&n)` spins
    if (s.v === before) throw new LibseccompHang('_db_level_clean');
  }
  return cnt;
}

/** _db_tree_put: drops the reference to a tree and garbage-collects its top level. */
export function treePut(slot: Slot): number {
  let cnt = nodePut(slot);
  if (slot.v !== null) cnt += levelClean(slot.v);
  return cnt;
}

/** _db_tree_remove: unlinks `node` (or zombies met on the way) from the tree. */
function treeRemove(tree: Slot, node: ChainNode): number {
  if (tree.v === null) return 0;
  let cnt = 0;
  let c: ChainNode | null = levelStart(tree.v, '_db_tree_remove');
  let target: ChainNode | undefined;
  const tick = spinGuard('_db_tree_remove');
  do {
    tick();
    if (c === node) {
      target = c;
      break;
    }
    cnt += treeRemove(fieldSlot(c, 'nxtT'), node);
    cnt += treeRemove(fieldSlot(c, 'nxtF'), node);
    if (isZombie(c)) {
      target = c;
      break;
    }
    c = c.lvlNxt;
  } while (c !== null && cnt === 0);
  if (target === undefined) return cnt;
  if (target === tree.v) tree.v = target.lvlPrv !== null ? target.lvlPrv : target.lvlNxt;
  if (target.lvlPrv !== null) target.lvlPrv.lvlNxt = target.lvlNxt;
  if (target.lvlNxt !== null) target.lvlNxt.lvlPrv = target.lvlPrv;
  target.lvlPrv = null;
  target.lvlNxt = null;
  cnt += nodePut({ v: target });
  return cnt;
}

/** _db_tree_act_check: 0 when every action in the tree (whole levels) equals `action`. */
export function treeActCheck(tree: ChainNode | null, action: number): number {
  if (tree === null) return 0;
  const tick = spinGuard('_db_tree_act_check');
  for (let c: ChainNode | null = levelStart(tree, '_db_tree_act_check'); c !== null; c = c.lvlNxt) {
    tick();
    if (c.actTFlag && c.actT !== action) return EEXIST;
    if (c.actFFlag && c.actF !== action) return EEXIST;
    if (treeActCheck(c.nxtT, action) < 0) return EEXIST;
    if (treeActCheck(c.nxtF, action) < 0) return EEXIST;
  }
  return 0;
}

export const IST = {
  MATCH: 0x1,
  MATCH_ONCE: 0x2,
  X_FINISHED: 0x10,
  N_FINISHED: 0x20,
  X_PREFIX: 0x100,
  N_PREFIX: 0x200,
} as const;
const M_MATCHSET = IST.MATCH | IST.MATCH_ONCE;
export const M_REDUNDANT = IST.MATCH | IST.X_FINISHED | IST.N_PREFIX;

export interface PruneState {
  flags: number;
  action: number;
  sx: TreeOwner;
}

function sxSlot(sx: TreeOwner): Slot {
  return {
    get v() {
      return sx.chains;
    },
    set v(x: ChainNode | null) {
      sx.chains = x;
    },
  };
}

/** Recurses into one branch of the existing node, holding a reference as libseccomp does. */
function pruneDown(xRef: Slot, into: Slot, nw: ChainNode, state: PruneState, extra: number, clearMatch: boolean): { cnt: number; next: PruneState } {
  const x = xRef.v as ChainNode;
  nodeGet(x);
  const next: PruneState = { ...state };
  if (clearMatch) next.flags &= ~IST.MATCH;
  next.flags |= extra;
  let cnt = prune(into, nw, next);
  cnt += nodePut(xRef);
  return { cnt, next };
}

/**
 * _db_tree_prune: removes the parts of the existing tree that the new chain makes redundant
 * (only where their actions equal the new rule's), and records in state.flags whether the
 * existing tree already covers the new chain. Returns the number of nodes freed.
 */
export function prune(existing: Slot, nw: ChainNode | null, state: PruneState): number {
  let cnt = 0;
  const stateNew: PruneState = { ...state };
  let returned = false;
  const x0 = existing.v;
  if (nw === null || x0 === null || (state.flags & M_MATCHSET) === IST.MATCH_ONCE) {
    returned = true;
  } else {
    const n = nw;
    const xr: Slot = { v: levelStart(x0, '_db_tree_prune') };
    const tick = spinGuard('_db_tree_prune');
    scan: while (xr.v !== null) {
      tick();
      const xNext: ChainNode | null = xr.v.lvlNxt;
      step: {
        const x = xr.v;
        if (chainEq(x, n)) {
          stateNew.flags |= M_MATCHSET;
          if (isLeaf(n)) stateNew.flags |= IST.N_FINISHED;
          if (isLeaf(x)) stateNew.flags |= IST.X_FINISHED;
          if ((x.actTFlag || x.nxtT !== null) && !(n.actTFlag || n.nxtT !== null)) {
            returned = true;
            break scan;
          }
          if ((x.actFFlag || x.nxtF !== null) && !(n.actFFlag || n.nxtF !== null)) {
            returned = true;
            break scan;
          }
          if ((stateNew.flags & IST.N_FINISHED) !== 0 && (stateNew.flags & IST.X_FINISHED) !== 0) {
            if (n.actTFlag !== x.actTFlag || n.actT !== x.actT || n.actFFlag !== x.actFFlag || n.actF !== x.actF) {
              returned = true;
              break scan;
            }
          }
          if (n.nxtT !== null) {
            const r = pruneDown(xr, fieldSlot(x, 'nxtT'), n.nxtT, state, M_MATCHSET, false);
            cnt += r.cnt;
            if ((r.next.flags & IST.MATCH) !== 0) stateNew.flags |= r.next.flags;
            if (xr.v === null) break step;
          }
          if (n.nxtF !== null) {
            const xf = xr.v;
            const r = pruneDown(xr, fieldSlot(xf, 'nxtF'), n.nxtF, state, M_MATCHSET, false);
            cnt += r.cnt;
            if ((r.next.flags & IST.MATCH) !== 0) stateNew.flags |= r.next.flags;
            if (xr.v === null) break step;
          }
          const same = treeActCheck(xr.v, stateNew.action) === 0;
          const f = stateNew.flags;
          if (same && (f & IST.MATCH) !== 0 && (f & IST.N_FINISHED) !== 0 && (f & IST.X_PREFIX) !== 0) {
            cnt += treeRemove(sxSlot(state.sx), xr.v);
            if (state.sx.chains === null) {
              returned = true;
              break scan;
            }
          } else if (same && (f & IST.MATCH) !== 0 && (f & IST.X_FINISHED) !== 0 && (f & IST.N_PREFIX) !== 0) {
            returned = true;
            break scan;
          }
        } else if (chainLt(x, n)) {
          if ((state.flags & IST.N_PREFIX) !== 0) {
            returned = true;
            break scan;
          }
          for (const field of ['nxtT', 'nxtF'] as const) {
            const cur = xr.v;
            if (cur === null || cur[field] === null) continue;
            const r = pruneDown(xr, fieldSlot(cur, field), n, state, IST.X_PREFIX, true);
            cnt += r.cnt;
            if ((r.next.flags & IST.MATCH) !== 0) {
              stateNew.flags |= r.next.flags;
              returned = true;
              break scan;
            }
            if (xr.v === null) break step;
          }
        } else {
          if ((state.flags & IST.X_PREFIX) !== 0) {
            returned = true;
            break scan;
          }
          for (const nn of [n.nxtT, n.nxtF]) {
            if (nn === null) continue;
            const r = pruneDown(xr, { v: xr.v }, nn, state, IST.N_PREFIX, true);
            cnt += r.cnt;
            if ((r.next.flags & IST.MATCH) !== 0) {
              stateNew.flags |= r.next.flags;
              returned = true;
              break scan;
            }
            if (xr.v === null) break step;
          }
        }
      }
      xr.v = xNext;
    }
    if (!returned) stateNew.flags &= ~IST.MATCH;
  }
  if ((stateNew.flags & IST.MATCH) !== 0) state.flags |= stateNew.flags;
  else state.flags &= ~IST.MATCH;
  return cnt;
}

/** Options that change libseccomp's merge: v2.6.1 fixed the LT/LE high-word action merge. */
export interface MergeOptions {
  /** libseccomp >= 2.6.1: on a high-word node the smaller datum's false action wins (5404f5c). */
  fixedFalseMerge: boolean;
}

/** _db_tree_add: merges the new chain into the existing tree; EEXIST when two actions collide. */
export function treeAdd(existing: Slot, nw: ChainNode, opts: MergeOptions, owner: TreeOwner): number {
  let x = existing.v as ChainNode;
  const n = nw;
  const tick = spinGuard('_db_tree_add');
  for (;;) {
    tick();
    if (chainEq(x, n)) {
      if (n.actTFlag) {
        if (!x.actTFlag) {
          if (treeActCheck(x.nxtT, n.actT) !== 0) return EEXIST;
          owner.nodeCnt = (owner.nodeCnt - nodePut(fieldSlot(x, 'nxtT'))) >>> 0;
          x.nxtT = null;
          x.actT = n.actT;
          x.srcT = n.srcT;
          x.actTFlag = true;
        } else if (n.actT !== x.actT) {
          if (n.hi && n.datumFull > x.datumFull) {
            x.actT = n.actT;
            x.srcT = n.srcT;
          }
          if (isLeaf(x) || isLeaf(n)) return EEXIST;
        }
      }
      if (n.actFFlag) {
        if (!x.actFFlag) {
          if (treeActCheck(x.nxtF, n.actF) !== 0) return EEXIST;
          owner.nodeCnt = (owner.nodeCnt - nodePut(fieldSlot(x, 'nxtF'))) >>> 0;
          x.nxtF = null;
          x.actF = n.actF;
          x.srcF = n.srcF;
          x.actFFlag = true;
        } else if (n.actF !== x.actF) {
          if (n.hi && n.datumFull < x.datumFull) {
            // libseccomp <= 2.6.0 wrote the true action here by mistake (fixed in 2.6.1).
            if (opts.fixedFalseMerge) {
              x.actF = n.actF;
              x.srcF = n.srcF;
            } else {
              x.actT = n.actT;
              x.srcT = n.srcT;
            }
          }
          if (isLeaf(x) || isLeaf(n)) return EEXIST;
        }
      }
      if (n.nxtT !== null) {
        if (x.nxtT !== null) {
          const rc = treeAdd(fieldSlot(x, 'nxtT'), n.nxtT, opts, owner);
          if (rc !== 0) return rc;
        } else if (!x.actTFlag) {
          x.nxtT = nodeGet(n.nxtT);
        } else {
          return 0;
        }
      }
      if (n.nxtF !== null) {
        if (x.nxtF !== null) {
          const rc = treeAdd(fieldSlot(x, 'nxtF'), n.nxtF, opts, owner);
          if (rc !== 0) return rc;
        } else if (!x.actFFlag) {
          x.nxtF = nodeGet(n.nxtF);
        } else {
          return 0;
        }
      }
      return 0;
    } else if (!chainLt(x, n)) {
      if (x.lvlNxt === null) {
        n.lvlPrv = nodeGet(x);
        x.lvlNxt = nodeGet(n);
        return 0;
      }
      x = x.lvlNxt;
    } else {
      if (x.lvlPrv !== null) {
        x.lvlPrv.lvlNxt = nodeGet(n);
        n.lvlPrv = x.lvlPrv;
        x.lvlPrv = nodeGet(n);
        n.lvlNxt = x;
      } else {
        x.lvlPrv = nodeGet(n);
        n.lvlNxt = nodeGet(x);
      }
      if (existing.v === x) {
        existing.v = nodeGet(n);
        nodePut({ v: x });
      }
      return 0;
    }
  }
}
