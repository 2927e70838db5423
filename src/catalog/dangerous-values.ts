// Dangerous argument values (data/catalog/dangerous-values.json): clone/unshare namespace flags,
// socket families, personality bits. Loaded once, every entry checked against the syscall tables
// and the named constants; matchDangerous() says which entries a recorded value hits.

import { readFileSync } from 'node:fs';
import { ClawfenceError } from '../errors.js';
import { parseArgExpression } from '../syscalls/constants.js';
import { isKnownSyscall } from '../syscalls/table.js';
import { findPackageFile } from './reference.js';

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
}

interface RawEntry {
  syscall: unknown;
  index: unknown;
  kind: unknown;
  value: unknown;
  reason: unknown;
  sources: unknown;
  except?: unknown;
}

let cached: readonly DangerousValue[] | undefined;

function bad(i: number, what: string): never {
  throw new ClawfenceError('internal', `${DANGEROUS_VALUES_FILE}: $.entries[${i}]: ${what}`, { hint: 'reinstall clawfence: its catalog data is damaged' });
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
    return { syscall: e.syscall, index: e.index, kind: e.kind, value, name: e.value, reason: e.reason, sources: e.sources, except };
  });
}

export function dangerousValues(): readonly DangerousValue[] {
  if (cached !== undefined) return cached;
  const file = findPackageFile(DANGEROUS_VALUES_FILE);
  if (file === undefined)
    throw new ClawfenceError('environment', `cannot find ${DANGEROUS_VALUES_FILE} next to the clawfence installation`, { hint: 'reinstall clawfence' });
  cached = parseDangerousValues(readFileSync(file, 'utf8'));
  return cached;
}

/** The entries for one syscall argument. */
export function dangerousFor(syscall: string, index: number): DangerousValue[] {
  return dangerousValues().filter((d) => d.syscall === syscall && d.index === index);
}

/** Which catalog entries a recorded value hits. */
export function matchDangerous(syscall: string, index: number, value: bigint): DangerousValue[] {
  const low = value & 0xffffffffn;
  return dangerousFor(syscall, index).filter((d) => !d.except.includes(low) && (d.kind === 'mask' ? (value & d.value) !== 0n : low === d.value));
}
