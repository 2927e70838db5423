// Reads a footprint file (JSON, schemaVersion 1), reporting every problem with its JSON path and
// line:column. Unknown keys are warnings, not errors: later versions add fields.

import { readFileSync } from 'node:fs';
import { closest } from 'fastest-levenshtein';
import { ClawfenceError } from '../errors.js';
import { ARCHES, lookupArch, type Arch } from '../syscalls/arch.js';
import { abisOf, isKnownSyscall, suggestSyscall, syscallNumber } from '../syscalls/table.js';
import { issuesToError, type Issue, type ParseResult } from '../profile/issues.js';
import { parseLocatedJson, type LocatedJson } from '../profile/json-source.js';
import { FOOTPRINT_SCHEMA_VERSION, type Footprint, type SyscallUse } from './model.js';

type Obj = Extract<LocatedJson, { kind: 'object' }>;

const ROOT_KEYS = ['schemaVersion', 'arch', 'syscalls'];
const USE_KEYS = ['count'];

class Issues {
  readonly list: Issue[] = [];
  add(node: LocatedJson, code: string, message: string, hint?: string, severity: Issue['severity'] = 'error'): void {
    this.list.push({ severity, code, message, path: node.path, line: node.line, column: node.column, ...(hint === undefined ? {} : { hint }) });
  }
}

function kindOf(n: LocatedJson): string {
  return n.kind === 'number' ? `number ${n.raw}` : n.kind === 'string' ? `string "${n.value.slice(0, 40)}"` : n.kind;
}

function object(is: Issues, n: LocatedJson, what: string): Obj | undefined {
  if (n.kind === 'object') return n;
  is.add(n, 'type', `${what} must be an object, found ${kindOf(n)}`);
  return undefined;
}

function unknownKeys(is: Issues, o: Obj, allowed: readonly string[], what: string): void {
  for (const [k, v] of o.entries) {
    if (!allowed.includes(k)) is.add(v, 'unknown-key', `unknown key '${k}' in ${what} (ignored)`, `did you mean '${closest(k, [...allowed])}'? Known: ${allowed.join(', ')}`, 'warning');
  }
}

function get(o: Obj, key: string): LocatedJson | undefined {
  return o.entries.find(([k]) => k === key)?.[1];
}

function abiName(is: Issues, key: string, at: LocatedJson): Arch | undefined {
  const a = lookupArch(key);
  if (a !== undefined && a === key) return a;
  is.add(at, 'unknown-arch', a === undefined ? `unknown ABI '${key}'` : `ABI '${key}' must be spelled '${a}'`, a === undefined ? `did you mean '${closest(key, [...ARCHES])}'?` : `write '${a}'`);
  return undefined;
}

function syscallUse(is: Issues, n: LocatedJson, abi: Arch, name: string): SyscallUse | undefined {
  const known = syscallNumber(abi, name) !== undefined;
  if (!known) {
    if (isKnownSyscall(name)) is.add(n, 'syscall-not-on-abi', `syscall '${name}' does not exist on ${abi}`, `it exists on: ${abisOf(name).join(', ')}`);
    else is.add(n, 'unknown-syscall', `unknown syscall '${name}'`, `did you mean '${suggestSyscall(name)}'?`);
  }
  const o = object(is, n, `syscalls.${abi}.${name}`);
  if (o === undefined) return undefined;
  unknownKeys(is, o, USE_KEYS, `syscalls.${abi}.${name}`);
  const c = get(o, 'count');
  if (c === undefined) {
    is.add(n, 'missing', `syscalls.${abi}.${name} has no 'count'`, 'add "count": <times seen>');
    return undefined;
  }
  if (c.kind !== 'number' || !/^\d+$/.test(c.raw) || !Number.isSafeInteger(c.value)) {
    is.add(c, 'type', `count must be a non-negative integer, found ${kindOf(c)}`);
    return undefined;
  }
  return known ? { count: c.value } : undefined;
}

/** Decodes a located JSON tree into a footprint. */
export function decodeFootprint(root: LocatedJson): ParseResult<Footprint> {
  const is = new Issues();
  const o = object(is, root, 'footprint');
  if (o === undefined) return { ok: false, issues: is.list };
  unknownKeys(is, o, ROOT_KEYS, 'footprint');
  const v = get(o, 'schemaVersion');
  if (v === undefined) is.add(root, 'missing', "footprint has no 'schemaVersion'", `add "schemaVersion": ${FOOTPRINT_SCHEMA_VERSION}`);
  else if (v.kind !== 'number' || v.raw !== String(FOOTPRINT_SCHEMA_VERSION)) {
    is.add(v, 'unsupported-version', `unsupported footprint schemaVersion ${kindOf(v)}`, `this clawfence reads schemaVersion ${FOOTPRINT_SCHEMA_VERSION}; upgrade clawfence or re-record`);
  }
  let arch: Arch | undefined;
  const an = get(o, 'arch');
  if (an !== undefined) {
    if (an.kind !== 'string') is.add(an, 'type', `arch must be a string, found ${kindOf(an)}`);
    else arch = abiName(is, an.value, an);
  }
  const syscalls: Footprint['syscalls'] = {};
  const sn = get(o, 'syscalls');
  if (sn === undefined) is.add(root, 'missing', "footprint has no 'syscalls'", 'add "syscalls": {"x86_64": {"read": {"count": 1}}}');
  else {
    const so = object(is, sn, 'syscalls');
    for (const [key, abiNode] of so?.entries ?? []) {
      const abi = abiName(is, key, abiNode);
      const ao = object(is, abiNode, `syscalls.${key}`);
      if (abi === undefined || ao === undefined) continue;
      const uses: Record<string, SyscallUse> = {};
      for (const [name, useNode] of ao.entries) {
        const u = syscallUse(is, useNode, abi, name);
        if (u !== undefined) uses[name] = u;
      }
      syscalls[abi] = uses;
    }
  }
  if (is.list.some((i) => i.severity === 'error')) return { ok: false, issues: is.list };
  return { ok: true, issues: is.list, value: { schemaVersion: FOOTPRINT_SCHEMA_VERSION, ...(arch === undefined ? {} : { arch }), syscalls } };
}

/** Parses footprint JSON text. */
export function parseFootprint(text: string): ParseResult<Footprint> {
  const { tree, issues } = parseLocatedJson(text);
  if (tree === undefined) return { ok: false, issues };
  const r = decodeFootprint(tree);
  const all = [...issues, ...r.issues];
  if (!r.ok || all.some((i) => i.severity === 'error')) return { ok: false, issues: all };
  return { ok: true, value: r.value, issues: all };
}

/** Reads and parses a footprint file. Throws ClawfenceError: not-found, or bad-input with every
 * issue (each located file:line:col at $.path). */
export function loadFootprint(file: string): { footprint: Footprint; issues: Issue[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ClawfenceError('not-found', `cannot read footprint ${file}`, { hint: 'check the path given to --against', cause });
  }
  const r = parseFootprint(text);
  if (!r.ok) throw issuesToError(file, r.issues);
  return { footprint: r.value, issues: r.issues };
}
