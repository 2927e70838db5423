// Dangerous argument values (data/catalog/dangerous-values.json): clone/unshare namespace flags,
// socket families, personality bits. Loaded once, every entry checked against the syscall tables
// and the named constants; matchDangerous() says which entries a recorded value hits.

import { ClawfenceError } from '../errors.js';
import { parseArgExpression } from '../syscalls/constants.js';
import { isKnownSyscall } from '../syscalls/table.js';
import { readPackageFile } from './reference.js';

export const DANGEROUS_VALUES_FILE = 'data/catalog/dangerous-values.json';

export interface DangerousValue {
  syscall: string;
  index: number;
  /** mask: dangerous when any of `value`'s bits is set; equal: when the argument (as a 32-bit int) equals it. */
  kind: 'mask' | 'equal';
  value: bigint;
  /** The constant names as written in the data file (CLONE_NEWUSER, AF_VSOCK). */
  name: string;
  reason: string;
  sources: string[];
  /** Values that never count (personality(0xffffffff) only reads the persona). */
  except: bigint[];
  /** For 'equal': the bits compared (socket's type without SOCK_NONBLOCK|SOCK_CLOEXEC: 0xf); 0xffffffff otherwise. */
  mask: bigint;
  /** The other arguments of the same call the entry needs (socket's protocol is read per family,
   * setsockopt's option per level), each compared as a 32-bit int. */
  when: { index: number; value: bigint; name: string }[];
}

/** Other argument values of the same call, by index, as recorded together. */
export type ArgContext = ReadonlyMap<number, bigint>;

interface RawEntry {
  syscall: unknown;
  index: unknown;
  kind: unknown;
  value: unknown;
  reason: unknown;
  sources: unknown;
  except?: unknown;
  mask?: unknown;
  when?: unknown;
}

let cached: readonly DangerousValue[] | undefined;

function bad(i: number, what: string): never {
  throw new ClawfenceError('internal', `${DANGEROUS_VALUES_FILE}: $.entries[${i}]: ${what}`, { hint: 'reinstall clawfence: its catalog data is damaged' });
}

const U32 = 0xffffffffn;

function parseWhen(i: number, syscall: string, index: number, raw: unknown): DangerousValue['when'] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) bad(i, 'when must list {index, value} conditions');
  return raw.map((c: unknown) => {
    const cond = c as { index?: unknown; value?: unknown };
    if (typeof cond.index !== 'number' || !Number.isInteger(cond.index) || cond.index < 0 || cond.index > 5 || cond.index === index)
      bad(i, 'a when condition names another argument index 0…5');
    if (typeof cond.value !== 'string') bad(i, 'a when condition needs a constant expression');
    return { index: cond.index, value: parseArgExpression(cond.value, { syscall, index: cond.index }), name: cond.value };
  });
}

/** Parses and checks the catalog text (exported for tests). */
export function parseDangerousValues(text: string): DangerousValue[] {
  const doc = JSON.parse(text) as { entries?: RawEntry[] };
  if (!Array.isArray(doc.entries)) throw new ClawfenceError('internal', `${DANGEROUS_VALUES_FILE}: no entries array`);
  return doc.entries.map((e, i) => {
    if (typeof e.syscall !== 'string' || !isKnownSyscall(e.syscall)) bad(i, `unknown syscall ${JSON.stringify(e.syscall)}`);
    if (typeof e.index !== 'number' || !Number.isInteger(e.index) || e.index < 0 || e.index > 5) bad(i, 'index must be 0…5');
    if (e.kind !== 'mask' && e.kind !== 'equal') bad(i, "kind must be 'mask' or 'equal'");
    if (typeof e.value !== 'string') bad(i, 'value must be a constant expression');
    if (typeof e.reason !== 'string' || e.reason === '') bad(i, 'every entry needs a reason');
    if (!Array.isArray(e.sources) || e.sources.length === 0 || !e.sources.every((s) => typeof s === 'string')) bad(i, 'every entry names its sources');
    const value = parseArgExpression(e.value, { syscall: e.syscall, index: e.index });
    if (e.except !== undefined && (!Array.isArray(e.except) || !e.except.every((x) => typeof x === 'string'))) bad(i, 'except must list constant expressions');
    const except = (e.except ?? []).map((x) => parseArgExpression(x));
    if (e.mask !== undefined && (e.kind !== 'equal' || typeof e.mask !== 'string')) bad(i, "mask is a constant expression, for kind 'equal' only");
    const mask = e.mask === undefined ? U32 : parseArgExpression(e.mask);
    if ((value & mask) !== value) bad(i, 'value has bits outside its mask');
    const when = parseWhen(i, e.syscall, e.index, e.when);
    return { syscall: e.syscall, index: e.index, kind: e.kind, value, name: e.value, reason: e.reason, sources: e.sources, except, mask, when };
  });
}

export function dangerousValues(): readonly DangerousValue[] {
  if (cached !== undefined) return cached;
  cached = parseDangerousValues(readPackageFile(DANGEROUS_VALUES_FILE));
  return cached;
}

/** The entries for one syscall argument. */
export function dangerousFor(syscall: string, index: number): DangerousValue[] {
  return dangerousValues().filter((d) => d.syscall === syscall && d.index === index);
}

/** Whether one entry's value test holds for a value (its `when` aside). */
export function valueHits(d: DangerousValue, value: bigint): boolean {
  const low = value & U32;
  if (d.except.includes(low)) return false;
  return d.kind === 'mask' ? (value & d.value) !== 0n : (value & d.mask) === d.value;
}

/**
 * Which catalog entries a recorded value hits. `context` holds the other arguments recorded in
 * the same call; an entry with `when` conditions hits only when they all hold there, so without a
 * context (a recording of values one by one) such an entry never hits.
 */
export function matchDangerous(syscall: string, index: number, value: bigint, context?: ArgContext): DangerousValue[] {
  return dangerousFor(syscall, index).filter(
    (d) => valueHits(d, value) && d.when.every((w) => context?.get(w.index) !== undefined && ((context.get(w.index) as bigint) & U32) === w.value),
  );
}

/** Which catalog entries one recorded tuple (indices with their values) hits, on any of its indices. */
export function matchDangerousTuple(syscall: string, indices: readonly number[], values: readonly bigint[]): DangerousValue[] {
  const context: ArgContext = new Map(indices.map((ix, k) => [ix, values[k] as bigint]));
  return indices.flatMap((ix, k) => matchDangerous(syscall, ix, values[k] as bigint, context));
}
