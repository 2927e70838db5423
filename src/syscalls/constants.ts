// Argument expressions: parsing `CLONE_NEWUSER|SIGCHLD` into a number and naming a number back
// (the constants themselves are data in arg-constants.ts).

import { closest } from 'fastest-levenshtein';
import { ClawfenceError } from '../errors.js';
import type { Arch } from './arch.js';
import { hex } from '../util/hex.js';
import { ARGUMENTS, FAMILIES, FIELD_VALUES, PERSONALITY_QUERY, PERSONAS, type Family, type FamilyId } from './arg-constants.js';

const U64_MAX = (1n << 64n) - 1n;

/** Every name of a family, canonical and alias, with accepted sub-families. */
function vocabulary(id: FamilyId): Map<string, bigint> {
  const f = FAMILIES[id];
  const m = new Map<string, bigint>();
  for (const [n, v] of f.names) m.set(n, v);
  for (const [n, v] of Object.entries(f.aliases ?? {})) m.set(n, v);
  for (const [n, v] of FIELD_VALUES[id] ?? []) m.set(n, v);
  if (f.zero !== undefined) m.set(f.zero, 0n);
  for (const sub of f.accepts ?? []) for (const [n, v] of vocabulary(sub)) if (!m.has(n)) m.set(n, v);
  return m;
}

const VOCABULARY = new Map<FamilyId, Map<string, bigint>>();
function vocabularyOf(id: FamilyId): Map<string, bigint> {
  let v = VOCABULARY.get(id);
  if (v === undefined) {
    v = vocabulary(id);
    VOCABULARY.set(id, v);
  }
  return v;
}

/** Every known constant name → the families that define it. */
const ALL_NAMES = new Map<string, { value: bigint; families: FamilyId[] }>();
for (const id of Object.keys(FAMILIES) as FamilyId[]) {
  for (const [n, v] of vocabularyOf(id)) {
    const e = ALL_NAMES.get(n);
    if (e === undefined) ALL_NAMES.set(n, { value: v, families: [id] });
    else e.families.push(id);
  }
}

export interface ArgContext {
  syscall?: string;
  index?: number;
  /** s390/s390x take clone's flags in the second argument. */
  arch?: Arch;
}

/** The constant family of one syscall argument, if clawfence knows one. */
export function argFamily(syscall: string, index: number, arch?: Arch): { id: FamilyId; title: string } | undefined {
  let id = ARGUMENTS[syscall]?.[index];
  if (syscall === 'clone' && (arch === 's390' || arch === 's390x')) id = index === 1 ? 'clone' : undefined;
  return id === undefined ? undefined : { id, title: FAMILIES[id].title };
}

/** The (syscall, argument) pairs that have named constants, for documentation and completion. */
export function namedArguments(): { syscall: string; index: number; family: FamilyId; title: string }[] {
  return Object.entries(ARGUMENTS).flatMap(([syscall, m]) =>
    Object.entries(m).map(([i, id]) => ({ syscall, index: Number(i), family: id, title: FAMILIES[id].title })),
  );
}

/** Every name a family accepts when parsing (canonical names and aliases), with its value. */
export function familyConstants(id: FamilyId): [string, bigint][] {
  return [...vocabularyOf(id).entries()];
}

/** All family ids. */
export const FAMILY_IDS = Object.keys(FAMILIES) as FamilyId[];

function badTerm(text: string, term: string, message: string, hint: string): ClawfenceError {
  return new ClawfenceError('bad-input', `invalid argument value '${text}': ${message}`, { hint: hint.replace('%t', term) });
}

function parseNumber(text: string, term: string): bigint | undefined {
  const neg = term.startsWith('-');
  const body = neg ? term.slice(1) : term;
  let v: bigint;
  if (/^0x[0-9a-f]+$/i.test(body) || /^0o[0-7]+$/i.test(body) || /^0b[01]+$/i.test(body) || /^(0|[1-9][0-9]*)$/.test(body)) {
    v = BigInt(body.toLowerCase());
  } else if (/^0[0-9]+$/.test(body)) {
    throw badTerm(text, term, `'${term}' is ambiguous (C octal or decimal?)`, `write 0o${body.slice(1)} for octal or ${body.replace(/^0+/, '')} for decimal`);
  } else {
    return undefined;
  }
  if (neg) {
    if (v > 1n << 63n) throw badTerm(text, term, `'${term}' is below the smallest 64-bit value`, 'use a value between -2^63 and 2^64-1');
    v = (U64_MAX + 1n - v) & U64_MAX; // two's complement, as the register holds it
  }
  if (v > U64_MAX) throw badTerm(text, term, `'${term}' does not fit in 64 bits`, 'use a value below 2^64');
  return v;
}

function whereText(ctx: ArgContext | undefined): string {
  return ctx?.syscall === undefined ? '' : ` for ${ctx.syscall}${ctx.index === undefined ? '' : ` argument ${ctx.index}`}`;
}

/**
 * Parses an argument value: numbers (decimal, 0x hex, 0o octal, 0b binary, negative as two's
 * complement) and constant names, joined with `|`. With a syscall and argument index, names are
 * checked against that argument's family. Throws a bad-input error with a suggestion otherwise.
 */
export function parseArgExpression(text: string, ctx?: ArgContext): bigint {
  const fam = ctx?.syscall !== undefined && ctx.index !== undefined ? argFamily(ctx.syscall, ctx.index, ctx.arch) : undefined;
  const terms = text.split('|').map((t) => t.trim());
  if (text.trim() === '' || terms.some((t) => t === '')) {
    throw badTerm(text, '', 'empty term', "write numbers or names joined by '|', e.g. CLONE_NEWUSER|SIGCHLD");
  }
  let value = 0n;
  for (const term of terms) {
    const n = parseNumber(text, term);
    if (n !== undefined) {
      value |= n;
      continue;
    }
    const name = term.toUpperCase() === term ? term : term.toUpperCase();
    const own = fam === undefined ? undefined : vocabularyOf(fam.id);
    const hit = own?.get(name) ?? own?.get(term);
    if (hit !== undefined) {
      value |= hit;
      continue;
    }
    const global = ALL_NAMES.get(name) ?? ALL_NAMES.get(term);
    if (global !== undefined && fam === undefined) {
      value |= global.value;
      continue;
    }
    const pool = own === undefined ? [...ALL_NAMES.keys()] : [...own.keys()];
    if (global !== undefined && fam !== undefined) {
      throw badTerm(
        text,
        term,
        `'${term}' is a ${FAMILIES[global.families[0] ?? 'signal'].title} constant, but${whereText(ctx)} the value is a ${fam.title}`,
        `did you mean '${closest(name, pool)}'?`,
      );
    }
    throw badTerm(text, term, `unknown constant '${term}'${whereText(ctx)}`, `did you mean '${closest(name, pool)}'? Or give a number (decimal, 0x…, 0o…)`);
  }
  return value;
}

function nameIn(list: readonly (readonly [string, bigint])[] | undefined, v: bigint): string | undefined {
  return list?.find(([, x]) => x === v)?.[0];
}

function describeFlags(f: Family, value: bigint): string | undefined {
  if (value === 0n) return f.zero ?? (f.field?.family === 'self' ? nameIn(FIELD_VALUES[f.id], 0n) : undefined);
  const parts: string[] = [];
  let rest = value;
  let field: string | undefined;
  if (f.field !== undefined) {
    const low = value & f.field.mask;
    const list = f.field.family === 'self' ? FIELD_VALUES[f.id] : FAMILIES[f.field.family].names;
    field = nameIn(list, low);
    if (field !== undefined || low === 0n) rest &= ~f.field.mask;
    if (low === 0n && f.field.family !== 'self') field = undefined; // no exit signal
  }
  for (const [n, bit] of f.names) {
    if (bit !== 0n && (rest & bit) === bit) {
      parts.push(n);
      rest &= ~bit;
    }
  }
  if (parts.length === 0 && field === undefined) return undefined;
  if (rest !== 0n) parts.push(hex(rest));
  // Fields that are an enumeration of the same argument lead (O_RDONLY|O_CLOEXEC); an exit signal
  // trails (CLONE_NEWUSER|SIGCHLD), as people write them.
  if (field !== undefined) {
    if (f.field?.family === 'self') parts.unshift(field);
    else parts.push(field);
  }
  return parts.join('|');
}

function describePersonality(value: bigint): string | undefined {
  if (value === PERSONALITY_QUERY) return '0xffffffff (query the current persona)';
  const exact = nameIn(PERSONAS, value);
  if (exact !== undefined) return exact;
  return describeFlags(FAMILIES.personality, value);
}

/**
 * Names an argument value by what the argument means: socket arg 0 = 40 → 'AF_VSOCK', clone arg 0 =
 * 0x10000011 → 'CLONE_NEWUSER|SIGCHLD'. Unknown bits are kept as hex. `args` lets socket's
 * protocol be read per address family. Undefined when the argument has no known family or the
 * value names nothing.
 */
export function describeArgValue(syscall: string, index: number, value: bigint, opts: { arch?: Arch; args?: readonly bigint[] } = {}): string | undefined {
  const fam = argFamily(syscall, index, opts.arch);
  if (fam === undefined) return undefined;
  // The value that says how to read this one: socket's family for its protocol, setsockopt's level for its option.
  const context = syscall === 'setsockopt' || syscall === 'getsockopt' ? opts.args?.[1] : opts.args?.[0];
  return describeFamilyValue(fam.id, value, context);
}

/** The option family of each setsockopt level. */
const SOCKOPT_BY_LEVEL: ReadonlyMap<bigint, FamilyId> = new Map([
  [0n, 'ip-opt'],
  [1n, 'so'],
  [6n, 'tcp-opt'],
  [41n, 'ipv6-opt'],
]);

/** Names a value of one family (see describeArgValue). `context` is socket's address family, or setsockopt's level. */
export function describeFamilyValue(id: FamilyId, value: bigint, context?: bigint): string | undefined {
  const f = FAMILIES[id];
  switch (id) {
    case 'personality':
      return describePersonality(value);
    case 'socket-protocol':
      if (context === 16n) return describeFamilyValue('netlink', value);
      if (context === 2n || context === 10n) return describeFamilyValue('ipproto', value);
      return undefined;
    case 'sockopt': {
      const level = context === undefined ? undefined : SOCKOPT_BY_LEVEL.get(context);
      return level === undefined ? undefined : describeFamilyValue(level, value);
    }
    default:
      return f.kind === 'enum' ? nameIn(f.names, value) : describeFlags(f, value);
  }
}
