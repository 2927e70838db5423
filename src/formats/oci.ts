// OCI runtime-spec seccomp (`linux.seccomp` of config.json): finding it inside a runtime config,
// and writing a profile in that form. The runtime spec has no includes/excludes or archMap, so a
// Docker-style profile is first resolved for one host (flattenForHost); the Kubernetes and systemd
// writers start from the same flattening.

import { ARCH_INFO, type Arch } from '../syscalls/arch.js';
import type { Issue } from '../source/issues.js';
import type { LocatedJson } from '../source/located-json.js';
import type { Action, Profile, Rule, RuleFilter } from '../profile/model.js';
import { ruleExclusion, type HostContext } from '../profile/resolve.js';
import { printDockerProfile } from './docker.js';

/** What an export produced: the text, what changed meaning (refused without --lossy), and notes. */
export interface ExportResult {
  text: string;
  /** Every change of meaning, one line each, syscall by syscall where it applies. */
  lost: string[];
  /** Things that do not change enforcement (comments dropped, validation hints). */
  notes: string[];
}

/** A root object that looks like a runtime config.json rather than a bare seccomp profile. */
export function isOciConfig(root: LocatedJson): boolean {
  if (root.kind !== 'object') return false;
  const keys = new Set(root.entries.map(([k]) => k));
  return !keys.has('defaultAction') && (keys.has('ociVersion') || keys.has('linux') || keys.has('process'));
}

function member(node: LocatedJson, key: string): LocatedJson | undefined {
  return node.kind === 'object' ? node.entries.find(([k]) => k === key)?.[1] : undefined;
}

/** The `linux.seccomp` object of a runtime config, or an issue saying why there is none. */
export function ociSeccompNode(root: LocatedJson): { node?: LocatedJson; issues: Issue[] } {
  const linux = member(root, 'linux');
  const at = (n: LocatedJson): Pick<Issue, 'path' | 'line' | 'column'> => ({ path: n.path, line: n.line, column: n.column });
  if (linux === undefined || linux.kind !== 'object') {
    return { issues: [{ severity: 'error', code: 'no-seccomp', message: 'this OCI runtime config has no linux object, so no seccomp filter', ...at(linux ?? root), hint: 'give a config.json whose linux.seccomp is set, or the seccomp profile itself' }] };
  }
  const seccomp = member(linux, 'seccomp');
  if (seccomp === undefined || seccomp.kind === 'null') {
    return { issues: [{ severity: 'error', code: 'no-seccomp', message: 'this OCI runtime config has no linux.seccomp: the container runs without a seccomp filter', ...at(linux), hint: 'give a config.json whose linux.seccomp is set, or the seccomp profile itself' }] };
  }
  return { node: seccomp, issues: [] };
}

/** How strict an action is, as the kernel orders them when several filters answer (most strict
 * wins): allow < log < trace < notify < errno < trap < kill_thread < kill_process. trace and
 * notify rank low because a tracer or agent may let the call through. */
export function restrictiveness(a: Action): number {
  return ['allow', 'log', 'trace', 'notify', 'errno', 'trap', 'kill_thread', 'kill_process'].indexOf(a);
}

export function describeHost(ctx: HostContext): string {
  const caps = ctx.caps.length === 0 ? 'no capabilities' : `caps ${ctx.caps.join(',')}`;
  return `${ctx.native}, ${caps}, ${ctx.kernel === undefined ? 'any kernel' : `kernel ${ctx.kernel}`}`;
}

/** "syscalls[3] (socket)" / "syscalls[0] (accept, accept4, … 305 names)". */
export function ruleLabel(i: number, r: Pick<Rule, 'names'>): string {
  const shown = r.names.slice(0, 3).join(', ');
  const more = r.names.length > 3 ? `, … ${r.names.length} names` : '';
  return `syscalls[${i}] (${shown}${more})`;
}

function filterText(f: RuleFilter): string {
  const parts: string[] = [];
  if (f.caps.length > 0) parts.push(`caps ${f.caps.join(',')}`);
  if (f.arches.length > 0) parts.push(`arches ${f.arches.join(',')}`);
  if (f.minKernel !== undefined) parts.push(`minKernel ${f.minKernel}`);
  return parts.join(', ');
}

function isConditional(r: Rule): boolean {
  return filterText(r.includes) !== '' || filterText(r.excludes) !== '';
}

/**
 * Resolves what only a Docker-style profile can say — per-rule includes/excludes and archMap — for
 * one host, leaving a profile every runtime reads the same way. Plain `architectures` lists are
 * kept as they are. Each host-specific decision is reported in `lost`: the result means something
 * else on a host with other capabilities, kernel or CPU.
 */
export function flattenForHost(p: Profile, ctx: HostContext): { profile: Profile; lost: string[] } {
  const lost: string[] = [];
  const host = describeHost(ctx);
  const syscalls: Rule[] = [];
  p.syscalls.forEach((r, i) => {
    if (!isConditional(r)) {
      syscalls.push(r);
      return;
    }
    const cond = [filterText(r.includes) && `includes ${filterText(r.includes)}`, filterText(r.excludes) && `excludes ${filterText(r.excludes)}`].filter(Boolean).join('; ');
    const why = ruleExclusion(r, ctx);
    if (why === undefined) {
      lost.push(`${ruleLabel(i, r)}: kept unconditionally — its condition (${cond}) holds for ${host}`);
      syscalls.push({ ...r, includes: { caps: [], arches: [] }, excludes: { caps: [], arches: [] } });
    } else {
      lost.push(`${ruleLabel(i, r)}: dropped — ${why} (${host})`);
    }
  });
  let architectures: Arch[] = p.architectures;
  if (p.archMap.length > 0) {
    const entry = p.archMap.find((e) => e.architecture === ctx.native);
    architectures = entry === undefined ? [] : [entry.architecture, ...entry.subArchitectures];
    const others = p.archMap.filter((e) => e !== entry).map((e) => e.architecture);
    const kept = architectures.length === 0 ? `no entry for ${ctx.native}: only the native ABI is filtered` : `architectures ${architectures.map((a) => ARCH_INFO[a].scmp).join(', ')}`;
    lost.push(`archMap: resolved for ${ctx.native} → ${kept}${others.length > 0 ? `; entries for ${others.join(', ')} dropped` : ''}`);
  }
  return { profile: { ...p, architectures, archMap: [], syscalls }, lost };
}

function withoutComments(p: Profile): { profile: Profile; dropped: number } {
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
