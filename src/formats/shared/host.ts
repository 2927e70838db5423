// What every export shares: the result (text, what changed meaning, notes), how strict an action is,
// rule labels, and flattening a Docker-style profile (includes/excludes, archMap) for one host.

import { ARCH_INFO, type Arch } from '../../syscalls/arch.js';
import type { Action, Profile, Rule, RuleFilter } from '../../profile/model.js';
import { ruleExclusion, type HostContext } from '../../profile/resolve.js';

/** What an export produced: the text, what changed meaning (refused without --lossy), and notes. */
export interface ExportResult {
  text: string;
  /** Every change of meaning, one line each, syscall by syscall where it applies. */
  lost: string[];
  /** Things that do not change enforcement (comments dropped, validation hints). */
  notes: string[];
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

export function filterText(f: RuleFilter): string {
  const parts: string[] = [];
  if (f.caps.length > 0) parts.push(`caps ${f.caps.join(',')}`);
  if (f.arches.length > 0) parts.push(`arches ${f.arches.join(',')}`);
  if (f.minKernel !== undefined) parts.push(`minKernel ${f.minKernel}`);
  return parts.join(', ');
}

export function isConditional(r: Rule): boolean {
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
    const cond = [filterText(r.includes) && `includes ${filterText(r.includes)}`, filterText(r.excludes) && `excludes ${filterText(r.excludes)}`]
      .filter(Boolean)
      .join('; ');
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
    const kept =
      architectures.length === 0
        ? `no entry for ${ctx.native}: only the native ABI is filtered`
        : `architectures ${architectures.map((a) => ARCH_INFO[a].scmp).join(', ')}`;
    lost.push(`archMap: resolved for ${ctx.native} → ${kept}${others.length > 0 ? `; entries for ${others.join(', ')} dropped` : ''}`);
  }
  return { profile: { ...p, architectures, archMap: [], syscalls }, lost };
}
