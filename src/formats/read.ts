// Reads a profile file in any supported format — Docker/OCI seccomp JSON, a full OCI runtime
// config.json (its linux.seccomp), or a Kubernetes SeccompProfile in YAML or JSON — detected from
// the content, into the IR. Every problem comes back located (file:line:col at $.path).

import { readFileSync } from 'node:fs';
import { ClawfenceError } from '../errors.js';
import { decodeProfile } from './shared/decode.js';
import { isKubernetesObject, isSeccompProfile, kubernetesObjects, seccompProfileName, seccompProfileSpec } from './k8s/read.js';
import { readYamlDocuments } from '../source/yaml-tree.js';
import { isOciConfig, ociSeccompNode } from './oci.js';
import { issuesToError, oneLine, type Issue, type IssueCode } from '../source/issues.js';
import { locatorFromTree, parseLocatedJson, type LocatedJson } from '../source/located-json.js';
import type { Profile } from '../profile/model.js';

export type ProfileFormat = 'docker' | 'oci-config' | 'k8s';

export interface LoadedProfile {
  profile: Profile;
  /** Warnings (errors make loading throw). */
  issues: Issue[];
  format: ProfileFormat;
  file: string;
  /** JSON path of the profile object in the file: '$', '$.linux.seccomp' or '$.spec'. */
  root: string;
  /** metadata.name of a SeccompProfile. */
  name?: string;
  /** Where a JSON path is in the file. Takes absolute paths ($.spec.syscalls[2]) or paths
   * relative to the profile ($.syscalls[2]). */
  locate: (path: string) => { line: number; column: number } | undefined;
}

export interface LoadOptions {
  /** Which SeccompProfile to take from a file that holds several (metadata.name). */
  name?: string;
}

/** Reads and parses a profile file. Throws ClawfenceError: not-found, or bad-input with every issue. */
export function loadProfile(file: string, opts: LoadOptions = {}): LoadedProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ClawfenceError('not-found', `no such file: ${file}`, {
        hint: 'check the path; a profile is Docker/OCI seccomp JSON or a Kubernetes SeccompProfile YAML',
        cause: e,
      });
    }
    if (code === 'EISDIR') throw new ClawfenceError('bad-input', `${file} is a directory`, { hint: 'give the profile file itself', cause: e });
    throw new ClawfenceError('bad-input', `cannot read ${file}: ${(e as Error).message}`, { hint: 'check that the file is readable', cause: e });
  }
  return parseProfileText(text, file, opts);
}

/** Every message, hint and path of an issue on one line, whatever the input contained. */
function sanitize(i: Issue): Issue {
  return { ...i, message: oneLine(i.message), path: oneLine(i.path), ...(i.hint === undefined ? {} : { hint: oneLine(i.hint) }) };
}

function fail(file: string, issues: Issue[]): never {
  throw issuesToError(file, issues.map(sanitize));
}

/** decodeProfile can fail without an error when defaultAction is null; say so, located. */
function nullDefaultAction(node: LocatedJson): Issue[] {
  const da = node.kind === 'object' ? node.entries.find(([k]) => k === 'defaultAction')?.[1] : undefined;
  const at = da ?? node;
  return [problem(at, 'missing', 'defaultAction is empty', 'set it to an action such as SCMP_ACT_ERRNO')];
}

function problem(node: { path: string; line: number; column: number }, code: IssueCode, message: string, hint: string): Issue {
  return { severity: 'error', code, message, path: node.path, line: node.line, column: node.column, hint };
}

interface Picked {
  tree: LocatedJson;
  node: LocatedJson;
  format: ProfileFormat;
  issues: Issue[];
  name?: string;
}

function pickKubernetes(file: string, docs: LocatedJson[], comments: ReadonlyMap<string, string>, opts: LoadOptions): Picked {
  const objects = kubernetesObjects(docs);
  const profiles = objects.filter((o) => isSeccompProfile(o.node));
  const first = docs[0] ?? { kind: 'null', path: '$', line: 1, column: 1 };
  if (profiles.length === 0) {
    const kinds = objects
      .map((o) => (o.node.kind === 'object' ? o.node.entries.find(([k]) => k === 'kind')?.[1] : undefined))
      .map((k) => (k?.kind === 'string' ? k.value : '?'));
    fail(file, [
      problem(
        first,
        'no-seccomp-profile',
        `no SeccompProfile (apiVersion security-profiles-operator.x-k8s.io/v1) in this file; found kind ${[...new Set(kinds)].join(', ')}`,
        'give a SeccompProfile object, or a Docker/OCI seccomp JSON profile',
      ),
    ]);
  }
  const names = profiles.map((p) => seccompProfileName(p.node) ?? '(unnamed)');
  let chosen = profiles[0];
  if (opts.name !== undefined) {
    chosen = profiles.find((p) => seccompProfileName(p.node) === opts.name);
    if (chosen === undefined)
      fail(file, [problem(first, 'no-such-profile', `no SeccompProfile named '${opts.name}' in this file`, `it holds: ${names.join(', ')}`)]);
  } else if (profiles.length > 1) {
    fail(file, [
      problem(first, 'several-profiles', `this file holds ${profiles.length} SeccompProfiles: ${names.join(', ')}`, 'choose one with --select NAME'),
    ]);
  }
  const c = chosen as { node: LocatedJson; doc: number };
  const { spec, issues } = seccompProfileSpec(c.node, comments, c.doc);
  if (spec === undefined) fail(file, issues);
  const name = seccompProfileName(c.node);
  return { tree: docs[c.doc] ?? c.node, node: spec, format: 'k8s', issues, ...(name === undefined ? {} : { name }) };
}

function pick(file: string, text: string, opts: LoadOptions): Picked {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const { tree, issues } = parseLocatedJson(text);
    if (tree === undefined || issues.some((i) => i.severity === 'error')) fail(file, issues);
    if (isKubernetesObject(tree)) {
      const k = pickKubernetes(file, [tree], new Map(), opts);
      return { ...k, issues: [...issues, ...k.issues] };
    }
    if (isOciConfig(tree)) {
      const s = ociSeccompNode(tree);
      if (s.node === undefined) fail(file, s.issues);
      return { tree, node: s.node, format: 'oci-config', issues };
    }
    return { tree, node: tree, format: 'docker', issues };
  }
  const y = readYamlDocuments(text);
  if (y.issues.some((i) => i.severity === 'error')) fail(file, y.issues);
  if (y.docs.length === 0) {
    fail(file, [
      {
        severity: 'error',
        code: 'empty',
        message: 'the file holds no profile',
        path: '$',
        line: 1,
        column: 1,
        hint: 'give Docker/OCI seccomp JSON or a Kubernetes SeccompProfile',
      },
    ]);
  }
  const only = y.docs[0] as LocatedJson;
  if (y.docs.length === 1 && !isKubernetesObject(only)) {
    // A Docker/OCI profile written as YAML: read it the same way as the JSON.
    if (isOciConfig(only)) {
      const s = ociSeccompNode(only);
      if (s.node === undefined) fail(file, s.issues);
      return { tree: only, node: s.node, format: 'oci-config', issues: y.issues };
    }
    return { tree: only, node: only, format: 'docker', issues: y.issues };
  }
  const k = pickKubernetes(file, y.docs, y.comments, opts);
  return { ...k, issues: [...y.issues, ...k.issues] };
}

/** Parses profile text (any supported format); `fileName` is used in messages only. */
export function parseProfileText(text: string, fileName: string, opts: LoadOptions = {}): LoadedProfile {
  const p = pick(fileName, text, opts);
  const res = decodeProfile(p.node);
  const issues = [...p.issues, ...res.issues].map(sanitize);
  if (!res.ok) fail(fileName, issues.some((i) => i.severity === 'error') ? issues : [...issues, ...nullDefaultAction(p.node)]);
  return {
    profile: res.value,
    issues,
    format: p.format,
    file: fileName,
    root: p.node.path,
    ...(p.name === undefined ? {} : { name: p.name }),
    locate: locatorFromTree(p.tree, p.node.path),
  };
}
