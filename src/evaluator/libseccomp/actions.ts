// The 32-bit action values libseccomp puts in a filter's RET instructions (SCMP_ACT_*), and how
// runc turns a profile's action + errnoRet into one (libcontainer/seccomp getAction).

import type { Action } from '../../profile/model.js';
import { DEFAULT_ERRNO } from '../../profile/model.js';

/** SECCOMP_RET_* action bases (include/uapi/linux/seccomp.h, libseccomp's SCMP_ACT_* macros). */
const RET_BASE: Readonly<Record<Action, number>> = {
  kill_process: 0x80000000,
  kill_thread: 0x00000000,
  trap: 0x00030000,
  errno: 0x00050000,
  notify: 0x7fc00000,
  trace: 0x7ff00000,
  log: 0x7ffc0000,
  allow: 0x7fff0000,
};

const BY_BASE = new Map<number, Action>(Object.entries(RET_BASE).map(([a, v]) => [v, a as Action]));

/** A filter verdict: the action and its 16-bit data (errno for errno, message for trace). */
export interface Verdict {
  action: Action;
  errno?: number;
}

/** True for the actions whose RET value carries data (runc sets it for errno and trace). */
export function actionTakesData(a: Action): boolean {
  return a === 'errno' || a === 'trace';
}

/**
 * The action value runc hands to libseccomp: errno and trace carry errnoRet, EPERM when absent
 * (runc's actErrno/actTrace); libseccomp-golang's SetReturnCode keeps the low 16 bits.
 */
export function scmpAction(action: Action, errnoRet: number | undefined): number {
  const base = RET_BASE[action];
  if (!actionTakesData(action)) return base;
  return (base | ((errnoRet ?? DEFAULT_ERRNO) & 0xffff)) >>> 0;
}

/** Reads a RET value back; undefined for values no seccomp action has. */
export function decodeAction(ret: number): Verdict | undefined {
  const r = ret >>> 0;
  const action = BY_BASE.get((r & 0xffff0000) >>> 0);
  if (action === undefined) return undefined;
  return actionTakesData(action) ? { action, errno: r & 0xffff } : { action };
}

/** The verdict an action value stands for (throws on values libseccomp never emits). */
export function verdictOf(ret: number): Verdict {
  const v = decodeAction(ret);
  if (v === undefined) throw new RangeError(`not a seccomp action value: 0x${(ret >>> 0).toString(16)}`);
  return v;
}

/** SCMP_ACT_ERRNO(ENOSYS), what runc's -ENOSYS stub returns. */
export const ERRNO_ENOSYS_ACTION = scmpAction('errno', 38);

/** libseccomp's default bad-arch action, which runc never changes: SCMP_ACT_KILL (kill_thread). */
export const BAD_ARCH_ACTION = RET_BASE.kill_thread;
