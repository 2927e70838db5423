// Resolves a conditional (Docker-style) profile into the concrete filter a runtime loads on one
// host, the way moby's setupSeccomp does (moby/profiles seccomp/seccomp_linux.go): archMap picks
// the ABIs for the host, includes/excludes keep or drop each rule by host arch, capabilities
// (the bounding set) and kernel version. runc then always adds the host's native ABI.

import { ARCH_INFO, familyAbis, type Arch } from '../syscalls/arch.js';
import type { ConcreteProfile, ConcreteRule, Profile, Rule } from './model.js';

export interface HostContext {
  /** The host's native ABI (x86_64 for an amd64 machine). Sub-ABIs are reached through archMap. */
  native: Arch;
  /** Bounding capability set of the container. */
  caps: readonly string[];
  /** Kernel version 'major.minor[.patch]'; undefined means "new enough for every minKernel". */
  kernel?: string;
}

export function compareKernel(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Why a rule does or does not apply on this host (undefined: it applies). */
export function ruleExclusion(rule: Rule, ctx: HostContext): string | undefined {
  const arch = ARCH_INFO[ctx.native].mobyArch ?? ctx.native;
  const { includes: inc, excludes: exc } = rule;
  if (exc.arches.includes(arch)) return `excludes.arches contains '${arch}'`;
  const ex = exc.caps.find((c) => ctx.caps.includes(c));
  if (ex !== undefined) return `excludes.caps: the container has ${ex}`;
  if (exc.minKernel !== undefined && (ctx.kernel === undefined || compareKernel(ctx.kernel, exc.minKernel) >= 0)) {
    return `excludes.minKernel ${exc.minKernel}: the kernel is at least that`;
  }
  if (inc.arches.length > 0 && !inc.arches.includes(arch)) return `includes.arches does not contain '${arch}'`;
  const missing = inc.caps.find((c) => !ctx.caps.includes(c));
  if (missing !== undefined) return `includes.caps: the container lacks ${missing}`;
  if (inc.minKernel !== undefined && ctx.kernel !== undefined && compareKernel(ctx.kernel, inc.minKernel) < 0) {
    return `includes.minKernel ${inc.minKernel}: the kernel ${ctx.kernel} is older`;
  }
  return undefined;
}

/** The ABIs the loaded filter handles on this host, native first. */
export function filterArches(p: Profile, native: Arch): Arch[] {
  let listed: Arch[] = p.architectures;
  if (listed.length === 0) {
    const entry = p.archMap.find((e) => e.architecture === native);
    listed = entry === undefined ? [] : [entry.architecture, ...entry.subArchitectures];
  }
  // libseccomp's filter always contains the native ABI; ABIs of another CPU family can never be
  // reported by this kernel, so they do not matter for this host.
  const family = new Set(familyAbis(native));
  return [...new Set([native, ...listed])].filter((a) => family.has(a));
}

export function resolveProfile(p: Profile, ctx: HostContext): ConcreteProfile {
  const rules: ConcreteRule[] = [];
  p.syscalls.forEach((r, source) => {
    if (ruleExclusion(r, ctx) !== undefined) return;
    rules.push({
      names: r.names,
      action: r.action,
      args: r.args,
      source,
      ...(r.errnoRet === undefined ? {} : { errnoRet: r.errnoRet }),
      ...(r.comment === undefined ? {} : { comment: r.comment }),
    });
  });
  return {
    defaultAction: p.defaultAction,
    ...(p.defaultErrnoRet === undefined ? {} : { defaultErrnoRet: p.defaultErrnoRet }),
    architectures: filterArches(p, ctx.native),
    rules,
    flags: p.flags,
  };
}
