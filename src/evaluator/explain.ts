// How one argument condition reads on one ABI (what libseccomp's filter actually compares), and
// the one-line texts the evaluator gives for conditions, verdicts and rules that did not match.

import { errnoName } from '../syscalls/errno.js';
import type { Verdict } from './libseccomp/actions.js';
import type { ArgCondition } from '../profile/model.js';
import { toDbArg } from './libseccomp/chain.js';
import { hex } from '../util/hex.js';

const U32 = 0xffffffffn;

const SYM: Readonly<Record<string, string>> = { ne: '!=', lt: '<', le: '<=', eq: '==', ge: '>=', gt: '>' };

/** `arg0 & 0x7e020000 == 0x0`, `arg2 != 0x9`. */
export function formatCondition(c: ArgCondition): string {
  if (c.op === 'masked_eq') return `arg${c.index} & ${hex(c.value)} == ${hex(c.valueTwo)}`;
  return `arg${c.index} ${SYM[c.op] ?? c.op} ${hex(c.value)}`;
}

export function formatConditions(cs: readonly ArgCondition[]): string {
  return cs.map(formatCondition).join(' && ');
}

/** `ALLOW`, `ERRNO EPERM (1)`. */
export function formatVerdict(v: Verdict): string {
  const a = v.action.toUpperCase();
  return v.errno === undefined ? a : `${a} ${errnoName(v.errno)} (${v.errno})`;
}

/** Whether libseccomp's filter finds the condition true on an ABI of this word size. */
export function conditionHolds(bits: 32 | 64, c: ArgCondition, arg: bigint): boolean {
  const d = toDbArg(c);
  let v = BigInt.asUintN(64, arg);
  let m = d.mask;
  let datum = d.datum;
  if (bits === 32) {
    v &= U32;
    m &= U32;
    datum &= U32;
  }
  switch (c.op) {
    case 'masked_eq':
      return (v & m) === (datum & m);
    case 'eq':
      return v === datum;
    case 'ne':
      return v !== datum;
    case 'lt':
      return v < datum;
    case 'le':
      return v <= datum;
    case 'gt':
      return v > datum;
    case 'ge':
      return v >= datum;
  }
}

/** The first condition that does not hold, or undefined when all hold. */
export function firstFailing(bits: 32 | 64, conds: readonly ArgCondition[], args: readonly bigint[]): ArgCondition | undefined {
  return conds.find((c) => !conditionHolds(bits, c, args[c.index] ?? 0n));
}

/** Why a condition failed, with the value the filter compared: `arg0 & 0x7e020000 = 0x10000000`. */
export function describeFailure(bits: 32 | 64, c: ArgCondition, arg: bigint): string {
  const a = BigInt.asUintN(64, arg);
  const v = bits === 32 ? a & U32 : a;
  const low = bits === 32 && a !== v ? ` (only the low 32 bits are compared on a 32-bit ABI)` : '';
  if (c.op === 'masked_eq') {
    const d = toDbArg(c);
    const m = bits === 32 ? d.mask & U32 : d.mask;
    const outside = (d.datum & ~d.mask & ((1n << 64n) - 1n)) !== 0n ? `; libseccomp masks the datum too, so it compares with ${hex(d.datum & m)}` : '';
    return `arg${c.index} & ${hex(m)} = ${hex(v & m)}${low}${outside}`;
  }
  let upper = '';
  if (bits === 64 && (c.op === 'eq' || c.op === 'ne') && (v & U32) === (c.value & U32) && v >> 32n !== c.value >> 32n) {
    upper = '; the upper 32 bits differ (a 64-bit ABI compares all 64 bits; mask a 32-bit argument with SCMP_CMP_MASKED_EQ 0xffffffff)';
  }
  return `arg${c.index} = ${hex(v)}${low}${upper}`;
}
