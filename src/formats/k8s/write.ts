// Writing a Kubernetes security-profiles-operator SeccompProfile (v1) as YAML, with rule comments as
// YAML comments; what the CRD cannot hold is reported as lost (docs/formats.md).

import type { Node as YamlNode, YAMLSeq } from 'yaml';
import { ARCH_INFO } from '../../syscalls/arch.js';
import { errnoName } from '../../syscalls/errno.js';
import type { ArgCondition, Profile, Rule } from '../../profile/model.js';
import type { HostContext } from '../../profile/resolve.js';
import { ACTION_TO_SCMP, OP_TO_SCMP } from '../shared/vocabulary.js';
import { flattenForHost, restrictiveness, ruleLabel, type ExportResult } from '../shared/host.js';
import { yamlPackageLazy } from '../../source/yaml-tree.js';
import { CRD_ARCHES, INT64_MAX, LISTENER_PATH, SPO_API_VERSION } from './read.js';

export interface K8sExportOptions {
  host: HostContext;
  /** metadata.name. */
  name: string;
}

/** A condition the CRD cannot hold: a value above int64, or a 7th+ condition. */
export function unrepresentable(args: ArgCondition[]): ArgCondition[] {
  return args.filter((a, i) => i >= 6 || a.value > INT64_MAX || a.valueTwo > INT64_MAX);
}

/**
 * Makes one rule fit the CRD without widening: a rule at most as strict as the default action is
 * dropped (its calls fall back to something at least as strict); a stricter rule loses the
 * conditions that cannot be written, so it covers more calls, not fewer.
 */
export function narrowRule(r: Rule, i: number, p: Profile, lost: string[]): Rule | undefined {
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

export function ruleObject(r: Rule, i: number, lost: string[]): Record<string, unknown> {
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
    lost.push(
      `defaultErrnoRet ${prof.defaultErrnoRet} (${errnoName(prof.defaultErrnoRet)}): the CRD has no defaultErrnoRet, so every call the default answers gets EPERM instead`,
    );
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
    if (!LISTENER_PATH.test(prof.listenerPath))
      notes.push(
        `listenerPath '${prof.listenerPath}' is not under /var/run/security-profiles-operator/, which the CRD requires; the API server will refuse it`,
      );
  }
  if (prof.listenerMetadata !== undefined) spec['listenerMetadata'] = prof.listenerMetadata;
  const rules: { obj: Record<string, unknown>; comment?: string }[] = [];
  prof.syscalls.forEach((r0, i) => {
    const r = narrowRule(r0, i, prof, lost);
    if (r === undefined) return;
    rules.push({ obj: ruleObject(r, i, lost), ...(r.comment === undefined ? {} : { comment: r.comment }) });
  });
  if (rules.length > 0) spec['syscalls'] = rules.map((r) => r.obj);
  const doc = new (yamlPackageLazy().Document)({ apiVersion: SPO_API_VERSION, kind: 'SeccompProfile', metadata: { name: o.name }, spec });
  const seq = (doc.getIn(['spec', 'syscalls'], true) ?? undefined) as YAMLSeq | undefined;
  rules.forEach((r, i) => {
    const item = seq?.items[i] as YamlNode | undefined;
    if (item !== undefined && r.comment !== undefined)
      item.commentBefore = r.comment
        .split('\n')
        .map((l) => ` ${l}`)
        .join('\n');
  });
  return { text: doc.toString({ lineWidth: 0, indentSeq: true }), lost, notes };
}
