// Reads a footprint file (JSON, schemaVersion 1): the structure is checked with ajv against
// src/footprint/schema.ts, names (ABIs, syscalls) against the syscall tables, argument tuples
// for what the schema cannot say (one value per index, indices ascending); every problem is
// reported with its JSON path and line:column. A footprint without problems is read with
// JSON.parse; positions are only worked out when there is a problem to report.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { closest } from 'fastest-levenshtein';
import { ClawfenceError } from '../errors.js';
import { ARCHES, lookupArch, type Arch } from '../syscalls/arch.js';
import { abisOf, isKnownSyscall, suggestSyscall, syscallNumber } from '../syscalls/table.js';
import { issuesToError, oneLine, type Issue, type IssueCode, type ParseResult } from '../source/issues.js';
import { childPath, parseLocatedJson, type LocatedJson } from '../source/located-json.js';
import { FOOTPRINT_SCHEMA_VERSION, type Footprint } from './model.js';
import { FOOTPRINT_SCHEMA } from './schema.js';

let compiled: ValidateFunction | undefined;

/** The schema's validator, compiled on first use: ajv's code generation costs more than reading a
 * footprint, and importing this module should not pay it. The schema is ours and fixed, so it is
 * not checked against the draft-07 meta-schema here (a test does that); compiling that is most of
 * ajv's work. */
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(FOOTPRINT_SCHEMA);
  return compiled;
}

function toPlain(n: LocatedJson): unknown {
  switch (n.kind) {
    case 'object':
      return Object.fromEntries(n.entries.map(([k, v]) => [k, toPlain(v)]));
    case 'array':
      return n.items.map(toPlain);
    case 'number':
      return n.value;
    case 'string':
    case 'boolean':
      return n.value;
    default:
      return null;
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

const CODES: Readonly<Record<string, IssueCode>> = { const: 'unsupported-version', required: 'missing', additionalProperties: 'unknown-key' };

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
  for (let p = path; node === undefined && p.length > 1;) {
    p = p.replace(/(\.[^.[]+|\[[^\]]*\])$/, '');
    node = nodes.get(p);
  }
  node ??= root;
  return {
    severity: 'error',
    code: CODES[e.keyword] ?? 'type',
    message: oneLine(message),
    path: oneLine(path),
    line: node.line,
    column: node.column,
    ...(hint === undefined ? {} : { hint }),
  };
}

interface NameProblem {
  code: IssueCode;
  message: string;
  hint: string;
}

/** What is wrong with an ABI key of a footprint; undefined when it is a canonical ABI name. */
function abiProblem(key: string): NameProblem | undefined {
  const a = lookupArch(key);
  if (a !== undefined && a === key) return undefined;
  return a === undefined
    ? { code: 'unknown-arch', message: `unknown ABI ${JSON.stringify(key)}`, hint: `did you mean '${closest(key, [...ARCHES])}'?` }
    : { code: 'unknown-arch', message: `ABI '${key}' must be spelled '${a}'`, hint: `write '${a}'` };
}

/** What is wrong with a syscall name recorded on an ABI; undefined when the ABI has it. */
function syscallProblem(abi: Arch, name: string): NameProblem | undefined {
  if (syscallNumber(abi, name) !== undefined) return undefined;
  return isKnownSyscall(name)
    ? { code: 'syscall-not-on-abi', message: `syscall '${name}' does not exist on ${abi}`, hint: `it exists on: ${abisOf(name).join(', ')}` }
    : { code: 'unknown-syscall', message: `unknown syscall ${JSON.stringify(name)}`, hint: `did you mean '${suggestSyscall(name)}'?` };
}

function nameIssues(root: LocatedJson): Issue[] {
  const out: Issue[] = [];
  const add = (n: LocatedJson, p: NameProblem | undefined): void => {
    if (p === undefined) return;
    out.push({ severity: 'error', code: p.code, message: oneLine(p.message), path: oneLine(n.path), line: n.line, column: n.column, hint: oneLine(p.hint) });
  };
  if (root.kind !== 'object') return out;
  const archNode = root.entries.find(([k]) => k === 'arch')?.[1];
  if (archNode?.kind === 'string') add(archNode, abiProblem(archNode.value));
  const sys = root.entries.find(([k]) => k === 'syscalls')?.[1];
  if (sys?.kind !== 'object') return out;
  for (const [key, abiNode] of sys.entries) {
    const bad = abiProblem(key);
    add(abiNode, bad);
    if (bad !== undefined || abiNode.kind !== 'object') continue;
    for (const [name, useNode] of abiNode.entries) add(useNode, syscallProblem(key as Arch, name));
  }
  return out;
}

/** What is wrong with one argTuples entry that the schema cannot say (it has the shape already):
 * indices out of order, or a tuple with another number of values than there are indices. */
function tupleProblem(indices: readonly unknown[], values: readonly unknown[]): { at: number | undefined; message: string; hint: string } | undefined {
  if (indices.some((x, i) => i > 0 && !((x as number) > (indices[i - 1] as number)))) {
    return {
      at: undefined,
      message: `argument indices ${JSON.stringify(indices)} are not in ascending order`,
      hint: 'list the indices ascending, each once, with every value in the same order',
    };
  }
  const bad = values.findIndex((v) => (v as { value: unknown[] }).value.length !== indices.length);
  if (bad < 0) return undefined;
  const n = (values[bad] as { value: unknown[] }).value.length;
  return { at: bad, message: `a tuple of ${n} values for ${indices.length} argument indices`, hint: 'give one value per index, in the order of indices' };
}

/** tupleProblem() of every argTuples entry, located (for a tree the schema accepted). */
function argTupleIssues(root: LocatedJson): Issue[] {
  const out: Issue[] = [];
  const get = (n: LocatedJson | undefined, key: string): LocatedJson | undefined =>
    n?.kind === 'object' ? n.entries.findLast(([k]) => k === key)?.[1] : undefined;
  const sys = get(root, 'syscalls');
  if (sys?.kind !== 'object') return out;
  for (const [, abiNode] of sys.entries) {
    if (abiNode.kind !== 'object') continue;
    for (const [, useNode] of abiNode.entries) {
      const tuples = get(useNode, 'argTuples');
      if (tuples?.kind !== 'array') continue;
      for (const t of tuples.items) {
        const [indices, values] = [get(t, 'indices'), get(t, 'values')];
        if (indices?.kind !== 'array' || values?.kind !== 'array') continue;
        const p = tupleProblem(toPlain(indices) as unknown[], toPlain(values) as unknown[]);
        if (p === undefined) continue;
        const node = p.at === undefined ? indices : (get(values.items[p.at], 'value') ?? values);
        out.push({
          severity: 'error',
          code: 'schema',
          message: oneLine(p.message),
          path: oneLine(node.path),
          line: node.line,
          column: node.column,
          hint: p.hint,
        });
      }
    }
  }
  return out;
}

/** Whether every argTuples entry of a footprint the schema accepted is consistent. */
function argTuplesClean(fp: Footprint): boolean {
  return Object.values(fp.syscalls).every((uses) =>
    Object.values(uses ?? {}).every((u) => (u.argTuples ?? []).every((t) => tupleProblem(t.indices, t.values) === undefined)),
  );
}

/** Decodes a located JSON tree into a footprint. */
export function decodeFootprint(root: LocatedJson): ParseResult<Footprint> {
  const plain = toPlain(root);
  const issues: Issue[] = [];
  const validate = validator();
  if (!validate(plain)) {
    const nodes = index(root);
    for (const e of validate.errors ?? []) issues.push(schemaIssue(e, root, nodes));
  } else {
    issues.push(...argTupleIssues(root)); // only on what has the schema's shape
  }
  issues.push(...nameIssues(root));
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, issues, value: plain as Footprint };
}

// A JSON string literal (valid JSON: every quote inside one is escaped).
const STRING_LITERAL = /"[^"\\]*(?:\\.[^"\\]*)*"/g;

function members(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  let n = 0;
  if (Array.isArray(v)) {
    for (const x of v) n += members(x);
  } else {
    for (const x of Object.values(v)) n += 1 + members(x);
  }
  return n;
}

/** Whether some object of the (valid JSON) text has a key twice, which JSON.parse drops silently:
 * every member has one ':' outside strings, and the parsed value one property per distinct key. */
function hasDuplicateKeys(text: string, value: unknown): boolean {
  const outside = text.replace(STRING_LITERAL, '');
  let colons = 0;
  for (let i = outside.indexOf(':'); i >= 0; i = outside.indexOf(':', i + 1)) colons++;
  return colons !== members(value);
}

/**
 * The footprint when the text is one without a single problem, found without locating anything;
 * undefined otherwise. It accepts exactly what the located parse accepts with no issue, and
 * gives the same value: JSON.parse and jsonc-parser agree on valid JSON but for duplicate keys,
 * the schema and name checks are the same, and a value the schema accepts nests a few levels, far
 * below MAX_NESTING (so it is also safe to walk).
 */
function quickFootprint(text: string): Footprint | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!validator()(value) || hasDuplicateKeys(text, value)) return undefined;
  const fp = value as Footprint;
  if (fp.arch !== undefined && abiProblem(fp.arch) !== undefined) return undefined;
  const clean = Object.entries(fp.syscalls).every(
    ([key, uses]) => abiProblem(key) === undefined && Object.keys(uses ?? {}).every((name) => syscallProblem(key as Arch, name) === undefined),
  );
  return clean && argTuplesClean(fp) ? fp : undefined;
}

/** Parses footprint JSON text. */
export function parseFootprint(text: string): ParseResult<Footprint> {
  const quick = quickFootprint(text);
  if (quick !== undefined) return { ok: true, value: quick, issues: [] };
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
