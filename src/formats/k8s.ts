// Kubernetes security-profiles-operator SeccompProfile (apiVersion security-profiles-operator.x-k8s.io/v1):
// reading YAML into located trees (so problems carry line:col), picking the SeccompProfile, and
// writing one. The CRD (api/seccompprofile/v1/seccompprofile_types.go in kubernetes-sigs/
// security-profiles-operator) has defaultAction, architectures, syscalls[{names, action, errnoRet,
// args[{index, value, valueTwo, op}]}], flags, listenerPath and listenerMetadata — no
// defaultErrnoRet, archMap, includes/excludes or comments; errnoRet 0 is omitted; values are int64
// with minimum 0; args has at most 6 items. Rule comments travel as YAML comments.

import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, Node as YamlNode, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { ARCH_INFO, type Arch } from '../syscalls/arch.js';
import { errnoName } from '../syscalls/errno.js';
import type { Issue } from '../source/issues.js';
import { checkNesting, childPath, LineIndex, type LocatedJson } from '../source/located-json.js';
import type { ArgCondition, Profile, Rule } from '../profile/model.js';
import type { HostContext } from '../profile/resolve.js';
import { ACTION_TO_SCMP, OP_TO_SCMP } from './shared/vocabulary.js';
import { flattenForHost, restrictiveness, ruleLabel, type ExportResult } from './oci.js';

export const SPO_GROUP = 'security-profiles-operator.x-k8s.io';
export const SPO_API_VERSION = `${SPO_GROUP}/v1`;

/** Architectures the CRD's enum accepts (SCMP_ARCH_NATIVE aside). */
const CRD_ARCHES: readonly Arch[] = ['x86', 'x86_64', 'x32', 'arm', 'aarch64', 'mips', 'mips64', 'mips64n32', 'mipsel', 'mipsel64', 'mipsel64n32', 'ppc', 'ppc64', 'ppc64le', 's390', 's390x', 'parisc', 'parisc64', 'riscv64'];
const INT64_MAX = (1n << 63n) - 1n;
const LISTENER_PATH = /^\/var\/run\/security-profiles-operator\/[a-zA-Z0-9_\-.]+$/;
const MAX_NODES = 1_000_000;
const MAX_DEPTH = 200;

const require = createRequire(import.meta.url);
let yamlPackage: typeof Yaml | undefined;

/** The yaml package, loaded on first use: every command that reads a profile imports this module,
 * but only YAML input and the Kubernetes export need yaml, which takes longer to load than most
 * commands take to run. */
function yaml(): typeof Yaml {
  yamlPackage ??= require('yaml') as typeof Yaml;
  return yamlPackage;
}

// ---------------------------------------------------------------------------------------------
// Reading

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

  constructor(private readonly lines: LineIndex, private readonly doc: Document.Parsed) {}

  private pos(n: YamlNode | null | undefined, fallback: number): { line: number; column: number } {
    return this.lines.at(n?.range?.[0] ?? fallback);
  }

  private issue(path: string, at: { line: number; column: number }, code: string, message: string, hint: string): void {
    this.issues.push({ severity: 'error', code, message, path, ...at, hint });
  }

  convert(node: unknown, path: string, depth: number, fallback: number): LocatedJson {
    const n = node as YamlNode | null | undefined;
    const at = this.pos(n, fallback);
    const base = { path, ...at };
    if (++this.nodes > MAX_NODES || depth > MAX_DEPTH) {
      if (this.nodes === MAX_NODES + 1 || depth === MAX_DEPTH + 1) this.issue(path, at, 'yaml-too-large', 'the YAML expands to too many nodes or nests too deeply', 'a seccomp profile is a few thousand nodes; check aliases (*ref)');
      return { kind: 'null', ...base };
    }
    if (n === null || n === undefined) return { kind: 'null', ...base };
    if (yaml().isAlias(n)) {
      const target = n.resolve(this.doc);
      if (target === undefined || this.stack.has(target)) {
        this.issue(path, at, 'yaml-alias', `alias *${n.source} ${target === undefined ? 'refers to no anchor' : 'refers to its own ancestor'}`, 'define the anchor (&name) before the alias, outside the aliased node');
        return { kind: 'null', ...base };
      }
      const v = this.convert(target, path, depth + 1, n.range?.[0] ?? fallback);
      return { ...v, ...at };
    }
    this.stack.add(n);
    try {
      if (yaml().isMap(n)) return this.map(n, base, depth);
      if (yaml().isSeq(n)) return this.seq(n, base, depth);
      if (yaml().isScalar(n)) return this.scalar(n, base);
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
      if (key !== null && !yaml().isScalar(key)) {
        this.issue(base.path, this.pos(key, 0), 'yaml-key', 'a mapping key must be a plain scalar', 'write keys as plain words');
        continue;
      }
      const k = key === null ? '' : String(key.value);
      const p = childPath(base.path, k);
      entries.push([k, this.convert(pair.value, p, depth + 1, key?.range?.[2] ?? 0)]);
      if (k === 'syscalls' && yaml().isSeq(pair.value)) this.collectComments(pair.value, p);
    }
    return { kind: 'object', entries, ...base };
  }

  private collectComments(seq: YAMLSeq, path: string): void {
    seq.items.forEach((item, i) => {
      const raw = (item as YamlNode).commentBefore ?? (i === 0 ? seq.commentBefore : undefined);
      if (raw === undefined || raw === null || !yaml().isMap(item)) return;
      const text = raw.split('\n').map((l) => l.replace(/^ /, '')).join('\n').trim();
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
    return { kind: 'string', value: String(n.source ?? v), ...base };
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
  const docs = yaml().parseAllDocuments(text, { intAsBigInt: true, uniqueKeys: true, prettyErrors: false, strict: true });
  for (const d of docs) {
    const report = (severity: Issue['severity']) => (e: { message: string; code: string; pos: [number, number] }): void => {
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

function member(node: LocatedJson, key: string): LocatedJson | undefined {
  return node.kind === 'object' ? node.entries.find(([k]) => k === key)?.[1] : undefined;
}

function str(node: LocatedJson | undefined): string | undefined {
  return node?.kind === 'string' ? node.value : undefined;
}

/** A Kubernetes object (it has apiVersion or kind). */
export function isKubernetesObject(root: LocatedJson): boolean {
  return root.kind === 'object' && root.entries.some(([k]) => k === 'apiVersion' || k === 'kind');
}

/** Kubernetes objects in the documents, with `kind: List` expanded. */
export function kubernetesObjects(docs: LocatedJson[]): { node: LocatedJson; doc: number }[] {
  const out: { node: LocatedJson; doc: number }[] = [];
  docs.forEach((d, doc) => {
    if (str(member(d, 'kind')) === 'List') {
      const items = member(d, 'items');
      if (items?.kind === 'array') for (const it of items.items) out.push({ node: it, doc });
    } else {
      out.push({ node: d, doc });
    }
  });
  return out;
}

export function isSeccompProfile(node: LocatedJson): boolean {
  return str(member(node, 'kind')) === 'SeccompProfile' && (str(member(node, 'apiVersion')) ?? '').startsWith(`${SPO_GROUP}/`);
}

export function seccompProfileName(node: LocatedJson): string | undefined {
  const meta = member(node, 'metadata');
  return meta === undefined ? undefined : str(member(meta, 'name'));
}

function warn(n: { path: string; line: number; column: number }, code: string, message: string, hint: string): Issue {
  return { severity: 'warning', code, message, path: n.path, line: n.line, column: n.column, hint };
}

/** Keys the operator adds to the spec that are no part of the seccomp profile itself. */
const SPEC_ONLY_KEYS = ['baseProfileName', 'state', 'disabled'];
const NOT_IN_CRD_TOP = ['defaultErrnoRet', 'defaultErrno', 'archMap'];
const NOT_IN_CRD_RULE = ['includes', 'excludes', 'comment', 'name', 'errno'];

/**
 * The seccomp part of a SeccompProfile: `.spec` without the operator's own keys, with YAML rule
 * comments added as `comment`. Warns about what the operator would do differently (base
 * profiles, disabled state, fields the CRD does not have).
 */
export function seccompProfileSpec(obj: LocatedJson, comments: ReadonlyMap<string, string>, doc: number): { spec?: LocatedJson; issues: Issue[] } {
  const issues: Issue[] = [];
  const apiVersion = str(member(obj, 'apiVersion'));
  if (apiVersion !== undefined && apiVersion !== SPO_API_VERSION) {
    issues.push(warn(member(obj, 'apiVersion') ?? obj, 'api-version', `apiVersion ${apiVersion} is not ${SPO_API_VERSION}`, `read as ${SPO_API_VERSION}; check the fields still mean the same`));
  }
  const spec = member(obj, 'spec');
  if (spec === undefined || spec.kind !== 'object') {
    issues.push({ severity: 'error', code: 'no-spec', message: 'the SeccompProfile has no spec object', path: (spec ?? obj).path, line: (spec ?? obj).line, column: (spec ?? obj).column, hint: 'add spec: {defaultAction: SCMP_ACT_ERRNO, syscalls: [...]}' });
    return { issues };
  }
  const entries: [string, LocatedJson][] = [];
  for (const [k, v] of spec.entries) {
    if (k === 'baseProfileName' && str(v) !== undefined && str(v) !== '') {
      issues.push(warn(v, 'base-profile', `baseProfileName '${str(v)}' is not followed: the operator would add that profile's syscalls`, 'merge the base profile into this file to analyse the result'));
    }
    if (k === 'state' && str(v) === 'Disabled') {
      issues.push(warn(v, 'profile-disabled', 'state: Disabled — the operator does not install this profile', 'set state: Enabled or remove it'));
    }
    if (SPEC_ONLY_KEYS.includes(k)) continue;
    if (NOT_IN_CRD_TOP.includes(k)) issues.push(warn(v, 'not-in-crd', `'${k}' is not a field of the SeccompProfile CRD; Kubernetes drops it`, 'remove it, or use a Docker/OCI JSON profile'));
    entries.push([k, k === 'syscalls' ? withRuleComments(v, comments, doc, issues) : v]);
  }
  const arches = member(spec, 'architectures');
  if (arches?.kind === 'array') {
    for (const a of arches.items) {
      const arch = Object.values(ARCH_INFO).find((i) => i.scmp === str(a))?.arch;
      if (arch !== undefined && !CRD_ARCHES.includes(arch)) issues.push(warn(a, 'not-in-crd', `${str(a)} is not in the CRD's architecture enum; the API server refuses it`, 'remove it'));
    }
  }
  return { spec: { ...spec, entries }, issues };
}

function withRuleComments(node: LocatedJson, comments: ReadonlyMap<string, string>, doc: number, issues: Issue[]): LocatedJson {
  if (node.kind !== 'array') return node;
  const items = node.items.map((it) => {
    if (it.kind !== 'object') return it;
    for (const [k, v] of it.entries) {
      if (NOT_IN_CRD_RULE.includes(k)) issues.push(warn(v, 'not-in-crd', `'${k}' is not a field of the SeccompProfile CRD's syscalls; Kubernetes drops it`, 'remove it, or use a Docker/OCI JSON profile'));
    }
    const text = comments.get(`${doc}:${it.path}`);
    if (text === undefined || it.entries.some(([k]) => k === 'comment')) return it;
    const c: LocatedJson = { kind: 'string', value: text, path: childPath(it.path, 'comment'), line: it.line, column: it.column };
    return { ...it, entries: [...it.entries, ['comment', c] as [string, LocatedJson]] };
  });
  return { ...node, items };
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface K8sExportOptions {
  host: HostContext;
  /** metadata.name. */
  name: string;
}

/** A condition the CRD cannot hold: a value above int64, or a 7th+ condition. */
function unrepresentable(args: ArgCondition[]): ArgCondition[] {
  return args.filter((a, i) => i >= 6 || a.value > INT64_MAX || a.valueTwo > INT64_MAX);
}

/**
 * Makes one rule fit the CRD without widening: a rule at most as strict as the default action is
 * dropped (its calls fall back to something at least as strict); a stricter rule loses the
 * conditions that cannot be written, so it covers more calls, not fewer.
 */
function narrowRule(r: Rule, i: number, p: Profile, lost: string[]): Rule | undefined {
  const bad = unrepresentable(r.args);
  if (bad.length === 0) return r;
  const what = bad.map((a) => `arg${a.index} ${OP_TO_SCMP[a.op]} ${a.value}${a.op === 'masked_eq' ? `/${a.valueTwo}` : ''}`).join(', ');
  const why = `${ruleLabel(i, r)}: condition ${what} cannot be written (the CRD takes at most 6 conditions with values below 2^63)`;
  if (restrictiveness(r.action) <= restrictiveness(p.defaultAction)) {
    lost.push(`${why}; rule dropped, so those calls get a stricter answer`);
    return undefined;
  }
  lost.push(`${why}; condition dropped, so the ${r.action} rule covers more calls`);
  return { ...r, args: r.args.filter((a) => !bad.includes(a)) };
}

function ruleObject(r: Rule, i: number, lost: string[]): Record<string, unknown> {
  const o: Record<string, unknown> = { action: ACTION_TO_SCMP[r.action], names: [...new Set(r.names)] };
  if (r.errnoRet === 0) {
    lost.push(`${ruleLabel(i, r)}: errnoRet 0 (fake success) cannot be written — the CRD omits a zero errnoRet — so runtimes return EPERM`);
  } else if (r.errnoRet !== undefined) {
    o['errnoRet'] = r.errnoRet;
  }
  if (r.args.length > 0) {
    o['args'] = r.args.map((a) => ({ index: a.index, value: a.value, valueTwo: a.valueTwo, op: OP_TO_SCMP[a.op] }));
  }
  return o;
}

/** Whether a name can be metadata.name (a DNS-1123 subdomain). */
export function isKubernetesName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

/** Writes a SeccompProfile object as YAML. Deterministic for equal input. */
export function exportK8sProfile(p: Profile, o: K8sExportOptions): ExportResult {
  const flat = flattenForHost(p, o.host);
  const lost = [...flat.lost];
  const notes: string[] = [];
  const prof = flat.profile;
  if (prof.defaultErrnoRet !== undefined && prof.defaultErrnoRet !== 1 && (prof.defaultAction === 'errno' || prof.defaultAction === 'trace')) {
    lost.push(`defaultErrnoRet ${prof.defaultErrnoRet} (${errnoName(prof.defaultErrnoRet)}): the CRD has no defaultErrnoRet, so every call the default answers gets EPERM instead`);
  }
  const architectures: string[] = [];
  for (const a of [...new Set(prof.architectures)]) {
    if (CRD_ARCHES.includes(a)) architectures.push(ARCH_INFO[a].scmp);
    else lost.push(`architecture ${ARCH_INFO[a].scmp} is not in the CRD's enum and is left out: that ABI is then refused unless it is the node's native one`);
  }
  const spec: Record<string, unknown> = { defaultAction: ACTION_TO_SCMP[prof.defaultAction] };
  if (architectures.length > 0) spec['architectures'] = architectures;
  if (prof.flags.length > 0) spec['flags'] = [...new Set(prof.flags)];
  if (prof.listenerPath !== undefined) {
    spec['listenerPath'] = prof.listenerPath;
    if (!LISTENER_PATH.test(prof.listenerPath)) notes.push(`listenerPath '${prof.listenerPath}' is not under /var/run/security-profiles-operator/, which the CRD requires; the API server will refuse it`);
  }
  if (prof.listenerMetadata !== undefined) spec['listenerMetadata'] = prof.listenerMetadata;
  const rules: { obj: Record<string, unknown>; comment?: string }[] = [];
  prof.syscalls.forEach((r0, i) => {
    const r = narrowRule(r0, i, prof, lost);
    if (r === undefined) return;
    rules.push({ obj: ruleObject(r, i, lost), ...(r.comment === undefined ? {} : { comment: r.comment }) });
  });
  if (rules.length > 0) spec['syscalls'] = rules.map((r) => r.obj);
  const doc = new (yaml().Document)({ apiVersion: SPO_API_VERSION, kind: 'SeccompProfile', metadata: { name: o.name }, spec });
  const seq = (doc.getIn(['spec', 'syscalls'], true) ?? undefined) as YAMLSeq | undefined;
  rules.forEach((r, i) => {
    const item = seq?.items[i] as YamlNode | undefined;
    if (item !== undefined && r.comment !== undefined) item.commentBefore = r.comment.split('\n').map((l) => ` ${l}`).join('\n');
  });
  return { text: doc.toString({ lineWidth: 0, indentSeq: true }), lost, notes };
}
