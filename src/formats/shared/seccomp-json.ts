// The Docker-style seccomp JSON writer (SCMP_* spellings, exact 64-bit values): Docker and Podman
// profiles and the OCI runtime-spec's `linux.seccomp` share it.

import { ARCH_INFO } from '../../syscalls/arch.js';
import type { ArgCondition, Profile, Rule, RuleFilter } from '../../profile/model.js';
import { ACTION_TO_SCMP, OP_TO_SCMP } from './vocabulary.js';
import { stringifyJson } from '../../util/json.js';

export function filterJson(f: RuleFilter): Record<string, unknown> | undefined {
  const o: Record<string, unknown> = {};
  if (f.caps.length > 0) o['caps'] = f.caps;
  if (f.arches.length > 0) o['arches'] = f.arches;
  if (f.minKernel !== undefined) o['minKernel'] = f.minKernel;
  return Object.keys(o).length === 0 ? undefined : o;
}

export function argJson(a: ArgCondition): Record<string, unknown> {
  return { index: a.index, value: a.value, valueTwo: a.valueTwo, op: OP_TO_SCMP[a.op] };
}

export function ruleJson(r: Rule): Record<string, unknown> {
  const o: Record<string, unknown> = { names: r.names, action: ACTION_TO_SCMP[r.action] };
  if (r.errnoRet !== undefined) o['errnoRet'] = r.errnoRet;
  if (r.args.length > 0) o['args'] = r.args.map(argJson);
  const inc = filterJson(r.includes);
  const exc = filterJson(r.excludes);
  if (inc !== undefined) o['includes'] = inc;
  if (exc !== undefined) o['excludes'] = exc;
  if (r.comment !== undefined) o['comment'] = r.comment;
  return o;
}

/** The plain-object form (argument values as bigint) shared by the JSON and YAML writers. */
export function profileToObject(p: Profile): Record<string, unknown> {
  const o: Record<string, unknown> = { defaultAction: ACTION_TO_SCMP[p.defaultAction] };
  if (p.defaultErrnoRet !== undefined) o['defaultErrnoRet'] = p.defaultErrnoRet;
  if (p.architectures.length > 0) o['architectures'] = p.architectures.map((a) => ARCH_INFO[a].scmp);
  if (p.archMap.length > 0) {
    o['archMap'] = p.archMap.map((e) => ({
      architecture: ARCH_INFO[e.architecture].scmp,
      subArchitectures: e.subArchitectures.map((a) => ARCH_INFO[a].scmp),
    }));
  }
  if (p.flags.length > 0) o['flags'] = p.flags;
  if (p.listenerPath !== undefined) o['listenerPath'] = p.listenerPath;
  if (p.listenerMetadata !== undefined) o['listenerMetadata'] = p.listenerMetadata;
  o['syscalls'] = p.syscalls.map(ruleJson);
  return o;
}

/** Deterministic, indented Docker/OCI JSON with a trailing newline. */
export function printDockerProfile(p: Profile): string {
  return `${stringifyJson(profileToObject(p))}\n`;
}
