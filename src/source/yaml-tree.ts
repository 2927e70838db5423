// YAML read into located trees (the same shape as located JSON), so every problem carries a JSON
// path and line:col; comments directly before a `syscalls:` item are kept by the item's path. The
// yaml package is loaded on first use: only YAML input and the Kubernetes export need it.

import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, Node as YamlNode, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Issue, IssueCode } from './issues.js';
import { checkNesting, childPath, LineIndex, type LocatedJson } from './located-json.js';

const MAX_NODES = 1_000_000;
const MAX_DEPTH = 200;

const require = createRequire(import.meta.url);
let yamlPackage: typeof Yaml | undefined;

/** The yaml package, loaded on first use: every command that reads a profile imports this module,
 * but only YAML input and the Kubernetes export need yaml, which takes longer to load than most
 * commands take to run. */
export function yamlPackageLazy(): typeof Yaml {
  yamlPackage ??= require('yaml') as typeof Yaml;
  return yamlPackage;
}

export interface YamlDocuments {
  docs: LocatedJson[];
  issues: Issue[];
  /** YAML comments directly before a `syscalls:` item, by the item's path. */
  comments: Map<string, string>;
}

class YamlConverter {
  readonly issues: Issue[] = [];
  readonly comments = new Map<string, string>();
  private nodes = 0;
  private readonly stack = new Set<YamlNode>();

  constructor(
    private readonly lines: LineIndex,
    private readonly doc: Document.Parsed,
  ) {}

  private pos(n: YamlNode | null | undefined, fallback: number): { line: number; column: number } {
    return this.lines.at(n?.range?.[0] ?? fallback);
  }

  private issue(path: string, at: { line: number; column: number }, code: IssueCode, message: string, hint: string): void {
    this.issues.push({ severity: 'error', code, message, path, ...at, hint });
  }

  convert(node: unknown, path: string, depth: number, fallback: number): LocatedJson {
    const n = node as YamlNode | null | undefined;
    const at = this.pos(n, fallback);
    const base = { path, ...at };
    if (++this.nodes > MAX_NODES || depth > MAX_DEPTH) {
      if (this.nodes === MAX_NODES + 1 || depth === MAX_DEPTH + 1)
        this.issue(
          path,
          at,
          'yaml-too-large',
          'the YAML expands to too many nodes or nests too deeply',
          'a seccomp profile is a few thousand nodes; check aliases (*ref)',
        );
      return { kind: 'null', ...base };
    }
    if (n === null || n === undefined) return { kind: 'null', ...base };
    if (yamlPackageLazy().isAlias(n)) {
      const target = n.resolve(this.doc);
      if (target === undefined || this.stack.has(target)) {
        this.issue(
          path,
          at,
          'yaml-alias',
          `alias *${n.source} ${target === undefined ? 'refers to no anchor' : 'refers to its own ancestor'}`,
          'define the anchor (&name) before the alias, outside the aliased node',
        );
        return { kind: 'null', ...base };
      }
      const v = this.convert(target, path, depth + 1, n.range?.[0] ?? fallback);
      return { ...v, ...at };
    }
    this.stack.add(n);
    try {
      if (yamlPackageLazy().isMap(n)) return this.map(n, base, depth);
      if (yamlPackageLazy().isSeq(n)) return this.seq(n, base, depth);
      if (yamlPackageLazy().isScalar(n)) return this.scalar(n, base);
    } finally {
      this.stack.delete(n);
    }
    this.issue(path, at, 'yaml-node', 'unsupported YAML node', 'use plain mappings, sequences and scalars');
    return { kind: 'null', ...base };
  }

  private map(n: YAMLMap, base: { path: string; line: number; column: number }, depth: number): LocatedJson {
    const entries: [string, LocatedJson][] = [];
    for (const pair of n.items) {
      const key = pair.key as YamlNode | null;
      if (key !== null && !yamlPackageLazy().isScalar(key)) {
        this.issue(base.path, this.pos(key, 0), 'yaml-key', 'a mapping key must be a plain scalar', 'write keys as plain words');
        continue;
      }
      const k = key === null ? '' : String(key.value);
      const p = childPath(base.path, k);
      entries.push([k, this.convert(pair.value, p, depth + 1, key?.range?.[2] ?? 0)]);
      if (k === 'syscalls' && yamlPackageLazy().isSeq(pair.value)) this.collectComments(pair.value, p);
    }
    return { kind: 'object', entries, ...base };
  }

  private collectComments(seq: YAMLSeq, path: string): void {
    seq.items.forEach((item, i) => {
      const raw = (item as YamlNode).commentBefore ?? (i === 0 ? seq.commentBefore : undefined);
      if (raw === undefined || raw === null || !yamlPackageLazy().isMap(item)) return;
      const text = raw
        .split('\n')
        .map((l) => l.replace(/^ /, ''))
        .join('\n')
        .trim();
      if (text !== '') this.comments.set(childPath(path, i), text);
    });
  }

  private seq(n: YAMLSeq, base: { path: string; line: number; column: number }, depth: number): LocatedJson {
    const items = n.items.map((it, i) => this.convert(it, childPath(base.path, i), depth + 1, n.range?.[0] ?? 0));
    return { kind: 'array', items, ...base };
  }

  private scalar(n: Scalar, base: { path: string; line: number; column: number }): LocatedJson {
    const v = n.value;
    if (v === null || v === undefined) return { kind: 'null', ...base };
    if (typeof v === 'string') return { kind: 'string', value: v, ...base };
    if (typeof v === 'boolean') return { kind: 'boolean', value: v, ...base };
    if (typeof v === 'bigint') return { kind: 'number', value: Number(v), raw: v.toString(), ...base };
    if (typeof v === 'number') return { kind: 'number', value: v, raw: n.source ?? String(v), ...base };
    // Unreachable in the core schema, whose scalars are strings, numbers, bigints, booleans and null.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever else it is, as text
    return { kind: 'string', value: typeof n.source === 'string' ? n.source : String(v), ...base };
  }
}

/** Parses every YAML document of a file into located trees. Never throws. */
export function readYamlDocuments(text: string): YamlDocuments {
  const lines = new LineIndex(text);
  const out: YamlDocuments = { docs: [], issues: [], comments: new Map() };
  const deep = checkNesting(text);
  if (deep !== undefined) {
    out.issues.push(deep);
    return out;
  }
  const docs = yamlPackageLazy().parseAllDocuments(text, { intAsBigInt: true, uniqueKeys: true, prettyErrors: false, strict: true });
  for (const d of docs) {
    const report =
      (severity: Issue['severity']) =>
      (e: { message: string; code: string; pos: [number, number] }): void => {
        out.issues.push({
          severity,
          code: 'yaml-syntax',
          message: `${severity === 'error' ? 'invalid YAML' : 'YAML'}: ${e.message.split('\n')[0] ?? e.code}`,
          path: '$',
          ...lines.at(e.pos[0]),
          hint: 'fix the YAML syntax at this position',
        });
      };
    d.errors.forEach(report('error'));
    d.warnings.forEach(report('warning'));
    if (d.errors.length > 0 || d.contents === null) continue;
    const c = new YamlConverter(lines, d);
    const tree = c.convert(d.contents, '$', 0, 0);
    out.issues.push(...c.issues);
    for (const [k, v] of c.comments) out.comments.set(`${out.docs.length}:${k}`, v);
    out.docs.push(tree);
  }
  return out;
}
