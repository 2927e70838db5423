// Reads JSON text into a tree that remembers where every value came from (JSON path, line:col),
// and keeps integer literals exact (bigint) — JSON.parse would round 64-bit masks.
// jsonc-parser does the tokenising; this file only adds paths and exact integers.

import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { oneLine, type Issue } from './issues.js';

export type JsonValue =
  | { kind: 'object'; entries: [string, LocatedJson][] }
  | { kind: 'array'; items: LocatedJson[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; raw: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export type LocatedJson = JsonValue & { path: string; line: number; column: number };

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${parent}.${key}` : `${parent}[${oneLine(JSON.stringify(key))}]`;
}

/** Deepest nesting accepted: real profiles nest 5 levels; this bounds the parsers' recursion. */
/** The value of `key` in an object node; undefined for a missing key or a node that is no object. */
export function memberOf(node: LocatedJson, key: string): LocatedJson | undefined {
  return node.kind === 'object' ? node.entries.find(([k]) => k === key)?.[1] : undefined;
}

/** JSON path → line:column in the file a tree was read from (SARIF regions, "where" columns). */
export type Locate = (path: string) => { line: number; column: number } | undefined;

/** A locator over every node of a located tree, indexed on the first question (most commands
 * never ask where anything is). Paths under `$` also resolve below `root`, the node the profile was
 * read from (a config.json's `$.linux.seccomp`, a SeccompProfile's `$.spec`). */
export function locatorFromTree(tree: LocatedJson, root = '$'): Locate {
  let at: Map<string, { line: number; column: number }> | undefined;
  const index = (): Map<string, { line: number; column: number }> => {
    const m = new Map<string, { line: number; column: number }>();
    const walk = (n: LocatedJson): void => {
      m.set(n.path, { line: n.line, column: n.column });
      if (n.kind === 'object') for (const [, v] of n.entries) walk(v);
      else if (n.kind === 'array') for (const v of n.items) walk(v);
    };
    walk(tree);
    return m;
  };
  return (path) => {
    at ??= index();
    return at.get(path) ?? (root !== '$' && path.startsWith('$') ? at.get(root + path.slice(1)) : undefined);
  };
}

export const MAX_NESTING = 64;

/** Finds the first bracket nested deeper than MAX_NESTING (JSON or YAML flow style), skipping
 * quoted strings, in one linear pass — before any recursive parser sees the text. */
export function checkNesting(text: string): Issue | undefined {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== '') {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) {
        return {
          severity: 'error',
          code: 'too-deep',
          message: `nesting deeper than ${MAX_NESTING} levels`,
          path: '$',
          ...new LineIndex(text).at(i),
          hint: 'a seccomp profile nests a few levels; check the file',
        };
      }
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Parses strict JSON (no comments, no trailing commas). Returns the tree or syntax issues. */
export function parseLocatedJson(text: string): { tree?: LocatedJson; issues: Issue[] } {
  const deep = checkNesting(text);
  if (deep !== undefined) return { issues: [deep] };
  const errors: ParseError[] = [];
  const lines = new LineIndex(text);
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const issues: Issue[] = errors.map((e) => ({
    severity: 'error',
    code: 'json-syntax',
    message: `invalid JSON: ${printParseErrorCode(e.error)}`,
    path: '$',
    ...lines.at(e.offset),
    hint: 'fix the JSON syntax at this position',
  }));
  if (root === undefined || issues.length > 0) return { issues };
  const dupes: Issue[] = [];
  const tree = convert(root, '$', text, lines, dupes);
  return { tree, issues: dupes };
}

function convert(node: Node, path: string, text: string, lines: LineIndex, issues: Issue[]): LocatedJson {
  const pos = { path, ...lines.at(node.offset) };
  switch (node.type) {
    case 'object': {
      const entries: [string, LocatedJson][] = [];
      const seen = new Set<string>();
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k === undefined || v === undefined) continue;
        const key = String(k.value);
        const p = childPath(path, key);
        if (seen.has(key)) {
          issues.push({
            severity: 'error',
            code: 'duplicate-key',
            message: `duplicate key ${oneLine(JSON.stringify(key))}`,
            path: p,
            ...lines.at(k.offset),
            hint: 'keep one; Go would silently take the last',
          });
        }
        seen.add(key);
        entries.push([key, convert(v, p, text, lines, issues)]);
      }
      return { kind: 'object', entries, ...pos };
    }
    case 'array':
      return { kind: 'array', items: (node.children ?? []).map((c, i) => convert(c, childPath(path, i), text, lines, issues)), ...pos };
    case 'string':
      return { kind: 'string', value: String(node.value), ...pos };
    case 'number':
      return { kind: 'number', value: Number(node.value), raw: text.slice(node.offset, node.offset + node.length), ...pos };
    case 'boolean':
      return { kind: 'boolean', value: Boolean(node.value), ...pos };
    default:
      return { kind: 'null', ...pos };
  }
}
