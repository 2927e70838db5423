// Reads a footprint file (JSON, schemaVersion 1): the structure is checked with ajv against
// src/footprint/schema.ts, names (ABIs, syscalls) against the syscall tables; every problem is
// reported with its JSON path and line:column.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { closest } from 'fastest-levenshtein';
import { ClawfenceError } from '../errors.js';
import { ARCHES, lookupArch, type Arch } from '../syscalls/arch.js';
import { abisOf, isKnownSyscall, suggestSyscall, syscallNumber } from '../syscalls/table.js';
import { issuesToError, oneLine, type Issue, type ParseResult } from '../profile/issues.js';
import { childPath, parseLocatedJson, type LocatedJson } from '../profile/json-source.js';
import { FOOTPRINT_SCHEMA_VERSION, type Footprint } from './model.js';
import { FOOTPRINT_SCHEMA } from './schema.js';

const validate = new Ajv({ allErrors: true, strict: false }).compile(FOOTPRINT_SCHEMA);

function toPlain(n: LocatedJson): unknown {
  switch (n.kind) {
    case 'object': return Object.fromEntries(n.entries.map(([k, v]) => [k, toPlain(v)]));
    case 'array': return n.items.map(toPlain);
    case 'number': return n.value;
    case 'string': case 'boolean': return n.value;
    default: return null;
  }
}

function index(root: LocatedJson): Map<string, LocatedJson> {
  const m = new Map<string, LocatedJson>();
  const walk = (n: LocatedJson): void => {
    m.set(n.path, n);
    if (n.kind === 'object') for (const [, v] of n.entries) walk(v);
    else if (n.kind === 'array') for (const v of n.items) walk(v);
  };
  walk(root);
  return m;
}

/** ajv's /a/0/b pointer → our $.a[0].b path (an index only where the value is an array). */
function pointerToPath(pointer: string, root: LocatedJson): string {
  let node: LocatedJson | undefined = root;
  let p = '$';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node?.kind === 'array') {
      p = childPath(p, Number(seg));
      node = node.items[Number(seg)];
    } else {
      p = childPath(p, seg);
      node = node?.kind === 'object' ? node.entries.findLast(([k]) => k === seg)?.[1] : undefined;
    }
  }
  return p;
}

const CODES: Readonly<Record<string, string>> = { const: 'unsupported-version', required: 'missing', additionalProperties: 'unknown-key' };

function schemaIssue(e: ErrorObject, root: LocatedJson, nodes: Map<string, LocatedJson>): Issue {
  let path = pointerToPath(e.instancePath, root);
  let message = `${path === '$' ? 'footprint' : path.slice(2)} ${e.message ?? 'is invalid'}`;
  let hint: string | undefined;
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    const key = params['additionalProperty'];
    path = childPath(path, key);
    message = `unknown key ${JSON.stringify(key)}`;
    hint = 'remove it; footprint keys are listed in docs/footprint.schema.json';
  } else if (e.keyword === 'const' && e.instancePath === '/schemaVersion') {
    message = `unsupported footprint schemaVersion`;
    hint = `this clawfence reads schemaVersion ${FOOTPRINT_SCHEMA_VERSION}; upgrade clawfence or re-record`;
  } else if (e.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    message = `${path === '$' ? 'footprint' : path.slice(2)} has no '${params['missingProperty']}'`;
    hint = `add "${params['missingProperty']}"`;
  }
  // The value's own position, else its parent's (a missing key), else the nearest located ancestor.
  let node = nodes.get(path) ?? nodes.get(pointerToPath(e.instancePath, root));
  for (let p = path; node === undefined && p.length > 1; ) {
    p = p.replace(/(\.[^.[]+|\[[^\]]*\])$/, '');
    node = nodes.get(p);
  }
  node ??= root;
  return {
    severity: 'error', code: CODES[e.keyword] ?? 'type', message: oneLine(message), path: oneLine(path),
    line: node.line, column: node.column,
    ...(hint === undefined ? {} : { hint }),
  };
}

function nameIssues(root: LocatedJson, fp: Footprint): Issue[] {
  const out: Issue[] = [];
  const add = (n: LocatedJson, code: string, message: string, hint: string): void => {
    out.push({ severity: 'error', code, message: oneLine(message), path: oneLine(n.path), line: n.line, column: n.column, hint: oneLine(hint) });
  };
  const abiOk = (key: string, n: LocatedJson): Arch | undefined => {
    const a = lookupArch(key);
    if (a !== undefined && a === key) return a;
    add(n, 'unknown-arch', a === undefined ? `unknown ABI ${JSON.stringify(key)}` : `ABI '${key}' must be spelled '${a}'`, a === undefined ? `did you mean '${closest(key, [...ARCHES])}'?` : `write '${a}'`);
    return undefined;
  };
  if (root.kind !== 'object') return out;
  const archNode = root.entries.find(([k]) => k === 'arch')?.[1];
  if (archNode?.kind === 'string') abiOk(archNode.value, archNode);
  const sys = root.entries.find(([k]) => k === 'syscalls')?.[1];
  if (sys?.kind !== 'object') return out;
  for (const [key, abiNode] of sys.entries) {
    const abi = abiOk(key, abiNode);
    if (abi === undefined || abiNode.kind !== 'object') continue;
    for (const [name, useNode] of abiNode.entries) {
      if (syscallNumber(abi, name) !== undefined) continue;
      if (isKnownSyscall(name)) add(useNode, 'syscall-not-on-abi', `syscall '${name}' does not exist on ${abi}`, `it exists on: ${abisOf(name).join(', ')}`);
      else add(useNode, 'unknown-syscall', `unknown syscall ${JSON.stringify(name)}`, `did you mean '${suggestSyscall(name)}'?`);
    }
  }
  void fp;
  return out;
}

/** Decodes a located JSON tree into a footprint. */
export function decodeFootprint(root: LocatedJson): ParseResult<Footprint> {
  const plain = toPlain(root);
  const issues: Issue[] = [];
  if (!validate(plain)) {
    const nodes = index(root);
    for (const e of validate.errors ?? []) issues.push(schemaIssue(e, root, nodes));
  }
  const fp = plain as Footprint;
  issues.push(...nameIssues(root, fp));
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, issues, value: fp };
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
    throw new ClawfenceError('not-found', `cannot read footprint ${file}`, { hint: 'check the path', cause });
  }
  const r = parseFootprint(text);
  if (!r.ok) throw issuesToError(file, r.issues);
  return { footprint: r.value, issues: r.issues };
}
