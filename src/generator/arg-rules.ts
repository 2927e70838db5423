// Argument rules from the recorded values (docs/generate.md#argument-rules). For the syscalls whose
// arguments decide what a call can do, a generated rule allows only what the recording showed:
// clone and unshare without CLONE_NEW* bits (Docker's mask, never wider), socket and socketpair
// for the address families used (at --args safe: the family, type and, for netlink and raw
// sockets, protocol combinations used), setsockopt for the (level, option) pairs used,
// personality for the personas used, and at --args strict the
// ioctl requests, fcntl commands, prctl options and mmap/mprotect protections used. Integer
// arguments are compared as 32-bit values (masked_eq 0xffffffff): the kernel reads an int, and a
// libc may leave garbage in the upper half (libseccomp issue 383). Pointers cannot be read by a
// filter, so every other argument stays unchecked.

import type { ArgCondition } from '../profile/model.js';
import { describeArgValue } from '../syscalls/constants.js';
import { hex } from '../util/hex.js';
import { SOCK_TYPE_MASK } from '../footprint/model.js';

export const ARG_LEVELS = ['none', 'safe', 'strict'] as const;
export type ArgLevel = (typeof ARG_LEVELS)[number];

/** The default: measured in `npm run bench` (B2 per level) to stay within the noise of Docker's default. */
export const DEFAULT_ARG_LEVEL: ArgLevel = 'safe';

/** CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET: Docker's clone mask. */
export const CLONE_NS_MASK = 0x7e020000n;
/** The same plus CLONE_NEWTIME (0x80), which only unshare and clone3 take. */
export const UNSHARE_NS_MASK = 0x7e020080n;
const U32 = 0xffffffffn;

export type ArgForm =
  /** Allowed when none of the namespace bits is set (one masked_eq rule); values are not listed. */
  | { kind: 'ns-mask'; mask: bigint }
  /** One rule per recorded value, compared as a 32-bit int. */
  | { kind: 'values' }
  /** One rule per recorded combination of these arguments (argTuples in the footprint): each
   * argument compared under its mask (socket's type as `& 0xf`: SOCK_NONBLOCK and SOCK_CLOEXEC
   * are free), and socket's protocol only where it changes what the socket reaches. */
  | { kind: 'tuple'; indices: readonly number[]; masks: readonly bigint[] };

export interface ArgPolicy {
  syscall: string;
  index: number;
  form: ArgForm;
  /** The lowest --args level at which the rule is made. */
  level: ArgLevel;
  /** Why this argument, for the docs and the rule comment. */
  why: string;
}

/**
 * The policy table. Level none is the floor every profile gets: the arguments on which Docker's
 * default itself has rules (clone, unshare through CAP_SYS_ADMIN, socket's AF_VSOCK, personality),
 * so that no generated profile is wider than Docker's default there. `safe` adds cheap rules on
 * syscalls that are not hot; `strict` adds rules on hot syscalls (ioctl, fcntl, mmap, mprotect),
 * which take the filter's slow path on every call.
 */
export const ARG_POLICIES: readonly ArgPolicy[] = [
  { syscall: 'clone', index: 0, form: { kind: 'ns-mask', mask: CLONE_NS_MASK }, level: 'none', why: 'namespace flags' },
  { syscall: 'unshare', index: 0, form: { kind: 'ns-mask', mask: UNSHARE_NS_MASK }, level: 'none', why: 'namespace flags' },
  { syscall: 'socket', index: 0, form: { kind: 'values' }, level: 'none', why: 'address family' },
  {
    syscall: 'socket',
    index: 0,
    form: { kind: 'tuple', indices: [0, 1, 2], masks: [U32, SOCK_TYPE_MASK, U32] },
    level: 'safe',
    why: 'family, type, protocol',
  },
  { syscall: 'personality', index: 0, form: { kind: 'values' }, level: 'none', why: 'persona' },
  { syscall: 'socketpair', index: 0, form: { kind: 'tuple', indices: [0, 1], masks: [U32, SOCK_TYPE_MASK] }, level: 'safe', why: 'family, type' },
  { syscall: 'setsockopt', index: 1, form: { kind: 'tuple', indices: [1, 2], masks: [U32, U32] }, level: 'safe', why: 'level, option' },
  { syscall: 'prctl', index: 0, form: { kind: 'values' }, level: 'safe', why: 'option' },
  { syscall: 'ioctl', index: 1, form: { kind: 'values' }, level: 'strict', why: 'request' },
  { syscall: 'fcntl', index: 1, form: { kind: 'values' }, level: 'strict', why: 'command' },
  { syscall: 'mmap', index: 2, form: { kind: 'values' }, level: 'strict', why: 'protection (PROT_WRITE with PROT_EXEC only where recorded)' },
  { syscall: 'mprotect', index: 2, form: { kind: 'values' }, level: 'strict', why: 'protection' },
];

const RANK: Readonly<Record<ArgLevel, number>> = { none: 0, safe: 1, strict: 2 };

/** The policy for a syscall at this level, if any: the one of the highest level the level reaches. */
export function argPolicy(syscall: string, level: ArgLevel): ArgPolicy | undefined {
  let best: ArgPolicy | undefined;
  for (const p of ARG_POLICIES) if (p.syscall === syscall && RANK[p.level] <= RANK[level] && (best === undefined || RANK[p.level] > RANK[best.level])) best = p;
  return best;
}

const AF_NETLINK = 16n,
  AF_PACKET = 17n,
  SOCK_RAW = 3n,
  SOCK_PACKET = 10n;

/**
 * Whether socket's protocol changes what the socket reaches: for netlink it picks the kernel
 * subsystem (NETLINK_ROUTE vs NETLINK_NETFILTER), for raw and packet sockets the protocol the
 * socket sees; for a TCP or UDP socket 0 and IPPROTO_TCP are the same socket, so it stays free.
 */
export function protocolMatters(family: bigint, type: bigint): boolean {
  return family === AF_NETLINK || family === AF_PACKET || (type & SOCK_TYPE_MASK) === SOCK_RAW || (type & SOCK_TYPE_MASK) === SOCK_PACKET;
}

/**
 * The argument indices of a tuple rule for one recorded combination (masked values): every index
 * of the form, except socket's protocol where it does not matter.
 */
export function tupleRuleIndices(syscall: string, indices: readonly number[], values: readonly bigint[]): number[] {
  if (syscall !== 'socket') return [...indices];
  const family = values[indices.indexOf(0)] ?? 0n;
  const type = values[indices.indexOf(1)] ?? 0n;
  return protocolMatters(family, type) ? [...indices] : indices.filter((i) => i !== 2);
}

/** "AF_INET (2)", "0x5401 (TCGETS)": a value with its constant name where one is known.
 * `args` gives the other arguments of the call, by position (socket's protocol is read per family). */
export function valueLabel(syscall: string, index: number, v: bigint, args?: readonly bigint[]): string {
  const name = describeArgValue(syscall, index, v, args === undefined ? {} : { args });
  const num = v < 0x10000n ? v.toString() : hex(v);
  return name === undefined ? num : `${name} (${num})`;
}

/** arg & 0xffffffff == value: a 32-bit int compared whatever the upper half holds. */
export function int32Equals(index: number, value: bigint): ArgCondition {
  return { index, op: 'masked_eq', value: U32, valueTwo: value & U32 };
}

/** (arg & mask) == bits: which namespace bits may be set (0: none). */
export function maskedEquals(index: number, mask: bigint, bits: bigint): ArgCondition {
  return { index, op: 'masked_eq', value: mask, valueTwo: bits & mask };
}
