// Dangerous syscalls allowed (the risk catalog), including clone/clone3/unshare with namespace
// flags and clone3 next to a clone flag rule.

import { decideOutcome } from '../../evaluator/evaluate.js';
import { ARCH_INFO, type Arch } from '../../syscalls/arch.js';
import { syscallNumber } from '../../syscalls/table.js';
import { NAMESPACE_FLAGS, RISK_CATALOG, type RiskEntry } from '../../catalog/dangerous.js';
import { decisionWhere, listAbis, makeFinding, type AuditContext } from '../context.js';
import type { Finding } from '../model.js';
import { permits } from '../../evaluator/surface.js';
import { probeArgs } from '../../evaluator/witness.js';

const ENOSYS = 38;

/** ABIs of the filter on which the syscall gets through for some arguments. */
function permittingAbis(ctx: AuditContext, name: string): Arch[] {
  return ctx.cp.architectures.filter((abi) => {
    const p = ctx.surface.get(abi)?.syscalls.get(name)?.permission;
    return p !== undefined && p !== 'denied';
  });
}

/** Where the first permitting ABI's decision came from. */
function whereAllowed(ctx: AuditContext, abi: Arch, name: string): { rule?: number; path: string } {
  const p = ctx.surface.get(abi)?.syscalls.get(name);
  return p === undefined ? { path: '$' } : decisionWhere(ctx.profile, p.decision, name);
}

function capNote(e: RiskEntry, caps: readonly string[]): string {
  return e.capability !== undefined && caps.includes(e.capability) ? ` (and the container has ${e.capability})` : '';
}

function plainFinding(ctx: AuditContext, e: RiskEntry, caps: readonly string[]): Finding | undefined {
  const abis = permittingAbis(ctx, e.syscall);
  const first = abis[0];
  if (first === undefined) return undefined;
  const conditional = abis.every((a) => ctx.surface.get(a)?.syscalls.get(e.syscall)?.permission === 'conditional');
  const how = conditional ? 'allowed for some arguments' : 'allowed';
  return makeFinding('CF010', {
    severity: e.severity,
    category: e.category,
    syscall: e.syscall,
    abi: first,
    ...whereAllowed(ctx, first, e.syscall),
    message: `${e.syscall} is ${how} on ${listAbis(abis)}: ${e.reason}${capNote(e, caps)}`,
  });
}

/** The argument index of clone's flags on this ABI (s390 swaps the first two arguments). */
function flagsIndex(name: string, abi: Arch, base: number): number {
  return name === 'clone' && ARCH_INFO[abi].family === 's390x' ? 1 : base;
}

/** The CLONE_NEW* flags that get through clone/unshare on this ABI. */
export function namespaceFlagsAllowed(ctx: AuditContext, abi: Arch, name: string, argIndex: number): string[] {
  const rules = ctx.index.get(name) ?? [];
  const bases = probeArgs(rules, ARCH_INFO[abi].bits);
  const idx = flagsIndex(name, abi, argIndex);
  return NAMESPACE_FLAGS.filter((f) => name !== 'clone' || f.cloneToo)
    .filter((f) =>
      bases.some((b) => {
        const args = [...b];
        args[idx] = (args[idx] ?? 0n) | f.value;
        return permits(decideOutcome(ctx.cp, abi, name, args).action);
      }),
    )
    .map((f) => f.name);
}

function namespaceFlagFindings(ctx: AuditContext, e: RiskEntry & { namespaceFlagsArg: number }): Finding[] {
  // ABIs grouped by the flags that get through, so x86_64/x86/x32 with one rule give one finding.
  const groups = new Map<string, Arch[]>();
  for (const abi of permittingAbis(ctx, e.syscall)) {
    const flags = namespaceFlagsAllowed(ctx, abi, e.syscall, e.namespaceFlagsArg);
    if (flags.length === 0) continue;
    const key = flags.join('|');
    groups.set(key, [...(groups.get(key) ?? []), abi]);
  }
  return [...groups].map(([key, abis]) => {
    const first = abis[0] as Arch;
    const all = key.split('|').length === NAMESPACE_FLAGS.filter((f) => e.syscall !== 'clone' || f.cloneToo).length;
    return makeFinding('CF011', {
      severity: e.severity,
      category: e.category,
      syscall: e.syscall,
      abi: first,
      ...whereAllowed(ctx, first, e.syscall),
      message: `${e.syscall} is allowed on ${listAbis(abis)} with ${all ? 'every namespace flag' : key.replaceAll('|', ', ')}: ${e.reason}`,
    });
  });
}

/** clone counts as restricted on an ABI when it is denied or lets no namespace flag through. */
function cloneRestricted(ctx: AuditContext, abi: Arch): boolean {
  const p = ctx.surface.get(abi)?.syscalls.get('clone')?.permission;
  if (p === undefined || p === 'denied') return true;
  return namespaceFlagsAllowed(ctx, abi, 'clone', 0).length === 0;
}

function clone3Findings(ctx: AuditContext, e: RiskEntry): Finding[] {
  const out: Finding[] = [];
  const open = permittingAbis(ctx, 'clone3');
  const bypass = open.filter((abi) => cloneRestricted(ctx, abi) && syscallNumber(abi, 'clone') !== undefined);
  const plain = open.filter((abi) => !bypass.includes(abi));
  if (bypass[0] !== undefined) {
    out.push(
      makeFinding('CF012', {
        syscall: 'clone3',
        abi: bypass[0],
        ...whereAllowed(ctx, bypass[0], 'clone3'),
        message: `clone3 is allowed on ${listAbis(bypass)} while clone's namespace flags are restricted: clone3 passes its flags in memory, so the restriction is bypassed; answer clone3 with ENOSYS (errnoRet 38)`,
      }),
    );
  }
  if (plain[0] !== undefined) {
    out.push(
      makeFinding('CF011', {
        severity: e.severity,
        category: e.category,
        syscall: 'clone3',
        abi: plain[0],
        ...whereAllowed(ctx, plain[0], 'clone3'),
        message: `clone3 is allowed on ${listAbis(plain)}: ${e.reason}`,
      }),
    );
  }
  // Denied: glibc falls back to clone only on ENOSYS.
  const broken = ctx.cp.architectures.filter((abi) => {
    const p = ctx.surface.get(abi)?.syscalls.get('clone3');
    const clone = ctx.surface.get(abi)?.syscalls.get('clone')?.permission;
    if (p === undefined || p.permission !== 'denied' || clone === undefined || clone === 'denied') return false;
    return !(p.decision.action === 'errno' && p.decision.errno === ENOSYS);
  });
  const b = broken[0];
  if (b !== undefined) {
    const d = ctx.surface.get(b)?.syscalls.get('clone3')?.decision;
    const how = d === undefined ? 'denied' : d.action === 'errno' ? `answered with errno ${d.errno ?? '?'}` : `answered with ${d.action}`;
    out.push(
      makeFinding('CF013', {
        syscall: 'clone3',
        abi: b,
        ...(d === undefined ? {} : decisionWhere(ctx.profile, d, 'clone3')),
        message: `clone3 is ${how} on ${listAbis(broken)} while clone is allowed: glibc 2.34+ then fails to create threads instead of falling back to clone; use errnoRet 38 (ENOSYS)`,
      }),
    );
  }
  return out;
}

export function checkDangerousSyscalls(ctx: AuditContext, caps: readonly string[]): Finding[] {
  const out: Finding[] = [];
  for (const e of RISK_CATALOG) {
    if (e.syscall === 'clone3') out.push(...clone3Findings(ctx, e));
    else if (e.namespaceFlagsArg !== undefined) out.push(...namespaceFlagFindings(ctx, { ...e, namespaceFlagsArg: e.namespaceFlagsArg }));
    else {
      const f = plainFinding(ctx, e, caps);
      if (f !== undefined) out.push(f);
    }
  }
  return out;
}
