// OCI runtime-spec seccomp (`linux.seccomp` of config.json): finding it inside a runtime config,
// and writing a profile in that form. The runtime spec has no includes/excludes or archMap, so a
// Docker-style profile is first resolved for one host (flattenForHost, shared/host.ts).

import type { Issue } from '../source/issues.js';
import { memberOf, type LocatedJson } from '../source/located-json.js';
import type { Profile } from '../profile/model.js';
import type { HostContext } from '../profile/resolve.js';
import { printDockerProfile } from './shared/seccomp-json.js';
import { flattenForHost, type ExportResult } from './shared/host.js';

/** A root object that looks like a runtime config.json rather than a bare seccomp profile. */
export function isOciConfig(root: LocatedJson): boolean {
  if (root.kind !== 'object') return false;
  const keys = new Set(root.entries.map(([k]) => k));
  return !keys.has('defaultAction') && (keys.has('ociVersion') || keys.has('linux') || keys.has('process'));
}

/** The `linux.seccomp` object of a runtime config, or an issue saying why there is none. */
export function ociSeccompNode(root: LocatedJson): { node?: LocatedJson; issues: Issue[] } {
  const linux = memberOf(root, 'linux');
  const at = (n: LocatedJson): Pick<Issue, 'path' | 'line' | 'column'> => ({ path: n.path, line: n.line, column: n.column });
  if (linux === undefined || linux.kind !== 'object') {
    return {
      issues: [
        {
          severity: 'error',
          code: 'no-seccomp',
          message: 'this OCI runtime config has no linux object, so no seccomp filter',
          ...at(linux ?? root),
          hint: 'give a config.json whose linux.seccomp is set, or the seccomp profile itself',
        },
      ],
    };
  }
  const seccomp = memberOf(linux, 'seccomp');
  if (seccomp === undefined || seccomp.kind === 'null') {
    return {
      issues: [
        {
          severity: 'error',
          code: 'no-seccomp',
          message: 'this OCI runtime config has no linux.seccomp: the container runs without a seccomp filter',
          ...at(linux),
          hint: 'give a config.json whose linux.seccomp is set, or the seccomp profile itself',
        },
      ],
    };
  }
  return { node: seccomp, issues: [] };
}

export function withoutComments(p: Profile): { profile: Profile; dropped: number } {
  let dropped = 0;
  const syscalls = p.syscalls.map((r) => {
    if (r.comment === undefined) return r;
    dropped++;
    const { comment: _comment, ...rest } = r;
    return rest;
  });
  return { profile: { ...p, syscalls }, dropped };
}

/** The runtime-spec `linux.seccomp` object for one host, as indented JSON. */
export function exportOciProfile(p: Profile, ctx: HostContext): ExportResult {
  const flat = flattenForHost(p, ctx);
  const { profile, dropped } = withoutComments(flat.profile);
  const notes = dropped > 0 ? [`${dropped} rule comment${dropped === 1 ? '' : 's'} dropped: the runtime spec has no comment field`] : [];
  return { text: printDockerProfile(profile), lost: flat.lost, notes };
}
