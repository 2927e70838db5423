// Reading a Kubernetes security-profiles-operator SeccompProfile: finding it among the documents and
// taking its seccomp part, with warnings where the operator would do something else. docs/formats.md
// says what the CRD can and cannot hold.

import { ARCH_INFO, type Arch } from '../../syscalls/arch.js';
import type { Issue, IssueCode } from '../../source/issues.js';
import { childPath, memberOf, type LocatedJson } from '../../source/located-json.js';

export const SPO_GROUP = 'security-profiles-operator.x-k8s.io';
export const SPO_API_VERSION = `${SPO_GROUP}/v1`;

/** Architectures the CRD's enum accepts (SCMP_ARCH_NATIVE aside). */
export const CRD_ARCHES: readonly Arch[] = [
  'x86',
  'x86_64',
  'x32',
  'arm',
  'aarch64',
  'mips',
  'mips64',
  'mips64n32',
  'mipsel',
  'mipsel64',
  'mipsel64n32',
  'ppc',
  'ppc64',
  'ppc64le',
  's390',
  's390x',
  'parisc',
  'parisc64',
  'riscv64',
];
export const INT64_MAX = (1n << 63n) - 1n;
export const LISTENER_PATH = /^\/var\/run\/security-profiles-operator\/[a-zA-Z0-9_\-.]+$/;

export function str(node: LocatedJson | undefined): string | undefined {
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
    if (str(memberOf(d, 'kind')) === 'List') {
      const items = memberOf(d, 'items');
      if (items?.kind === 'array') for (const it of items.items) out.push({ node: it, doc });
    } else {
      out.push({ node: d, doc });
    }
  });
  return out;
}

export function isSeccompProfile(node: LocatedJson): boolean {
  return str(memberOf(node, 'kind')) === 'SeccompProfile' && (str(memberOf(node, 'apiVersion')) ?? '').startsWith(`${SPO_GROUP}/`);
}

export function seccompProfileName(node: LocatedJson): string | undefined {
  const meta = memberOf(node, 'metadata');
  return meta === undefined ? undefined : str(memberOf(meta, 'name'));
}

export function warn(n: { path: string; line: number; column: number }, code: IssueCode, message: string, hint: string): Issue {
  return { severity: 'warning', code, message, path: n.path, line: n.line, column: n.column, hint };
}

/** Keys the operator adds to the spec that are no part of the seccomp profile itself. */
export const SPEC_ONLY_KEYS = ['baseProfileName', 'state', 'disabled'];
export const NOT_IN_CRD_TOP = ['defaultErrnoRet', 'defaultErrno', 'archMap'];
export const NOT_IN_CRD_RULE = ['includes', 'excludes', 'comment', 'name', 'errno'];

/**
 * The seccomp part of a SeccompProfile: `.spec` without the operator's own keys, with YAML rule
 * comments added as `comment`. Warns about what the operator would do differently (base
 * profiles, disabled state, fields the CRD does not have).
 */
export function seccompProfileSpec(obj: LocatedJson, comments: ReadonlyMap<string, string>, doc: number): { spec?: LocatedJson; issues: Issue[] } {
  const issues: Issue[] = [];
  const apiVersion = str(memberOf(obj, 'apiVersion'));
  if (apiVersion !== undefined && apiVersion !== SPO_API_VERSION) {
    issues.push(
      warn(
        memberOf(obj, 'apiVersion') ?? obj,
        'api-version',
        `apiVersion ${apiVersion} is not ${SPO_API_VERSION}`,
        `read as ${SPO_API_VERSION}; check the fields still mean the same`,
      ),
    );
  }
  const spec = memberOf(obj, 'spec');
  if (spec === undefined || spec.kind !== 'object') {
    issues.push({
      severity: 'error',
      code: 'no-spec',
      message: 'the SeccompProfile has no spec object',
      path: (spec ?? obj).path,
      line: (spec ?? obj).line,
      column: (spec ?? obj).column,
      hint: 'add spec: {defaultAction: SCMP_ACT_ERRNO, syscalls: [...]}',
    });
    return { issues };
  }
  const entries: [string, LocatedJson][] = [];
  for (const [k, v] of spec.entries) {
    if (k === 'baseProfileName' && str(v) !== undefined && str(v) !== '') {
      issues.push(
        warn(
          v,
          'base-profile',
          `baseProfileName '${str(v)}' is not followed: the operator would add that profile's syscalls`,
          'merge the base profile into this file to analyse the result',
        ),
      );
    }
    if (k === 'state' && str(v) === 'Disabled') {
      issues.push(warn(v, 'profile-disabled', 'state: Disabled — the operator does not install this profile', 'set state: Enabled or remove it'));
    }
    if (SPEC_ONLY_KEYS.includes(k)) continue;
    if (NOT_IN_CRD_TOP.includes(k))
      issues.push(warn(v, 'not-in-crd', `'${k}' is not a field of the SeccompProfile CRD; Kubernetes drops it`, 'remove it, or use a Docker/OCI JSON profile'));
    entries.push([k, k === 'syscalls' ? withRuleComments(v, comments, doc, issues) : v]);
  }
  const arches = memberOf(spec, 'architectures');
  if (arches?.kind === 'array') {
    for (const a of arches.items) {
      const arch = Object.values(ARCH_INFO).find((i) => i.scmp === str(a))?.arch;
      if (arch !== undefined && !CRD_ARCHES.includes(arch))
        issues.push(warn(a, 'not-in-crd', `${str(a)} is not in the CRD's architecture enum; the API server refuses it`, 'remove it'));
    }
  }
  return { spec: { ...spec, entries }, issues };
}

export function withRuleComments(node: LocatedJson, comments: ReadonlyMap<string, string>, doc: number, issues: Issue[]): LocatedJson {
  if (node.kind !== 'array') return node;
  const items = node.items.map((it) => {
    if (it.kind !== 'object') return it;
    for (const [k, v] of it.entries) {
      if (NOT_IN_CRD_RULE.includes(k))
        issues.push(
          warn(
            v,
            'not-in-crd',
            `'${k}' is not a field of the SeccompProfile CRD's syscalls; Kubernetes drops it`,
            'remove it, or use a Docker/OCI JSON profile',
          ),
        );
    }
    const text = comments.get(`${doc}:${it.path}`);
    if (text === undefined || it.entries.some(([k]) => k === 'comment')) return it;
    const c: LocatedJson = { kind: 'string', value: text, path: childPath(it.path, 'comment'), line: it.line, column: it.column };
    return { ...it, entries: [...it.entries, ['comment', c] as [string, LocatedJson]] };
  });
  return { ...node, items };
}
