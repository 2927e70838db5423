// Findings about the ABIs the filter loads besides the native one: compatibility ABIs left open,
// socketcall/ipc multiplexing around member rules, and syscalls a compat ABI allows more broadly.

import { usedSyscalls } from '../../footprint/model.js';
import { decideOutcome } from '../../evaluator/evaluate.js';
import { ARCH_INFO, type Arch } from '../../syscalls/arch.js';
import { MULTIPLEXERS } from '../../syscalls/multiplexers.js';
import { abiPath, decisionWhere, makeFinding, permissionOf, type AuditContext } from '../context.js';
import type { Finding } from '../model.js';
import { permits, type Permission } from '../../evaluator/surface.js';
import { probeArgs } from '../../evaluator/witness.js';

const RANK: Record<Permission, number> = { denied: 0, conditional: 1, allowed: 2 };

function compatAbis(ctx: AuditContext): Arch[] {
  return ctx.cp.architectures.filter((a) => a !== ctx.native);
}

function checkOpenAbis(ctx: AuditContext): Finding[] {
  const out: Finding[] = [];
  for (const abi of compatAbis(ctx)) {
    const n = ctx.surface.get(abi)?.allowed.length ?? 0;
    if (n === 0) continue;
    const fp = ctx.footprint;
    if (fp !== undefined && usedSyscalls(fp, abi).size > 0) continue;
    const path = abiPath(ctx.profile, abi, ctx.native);
    const why = fp === undefined ? `native ${ctx.native} programs rarely need it` : 'the footprint never used it';
    out.push(
      makeFinding('CF020', {
        abi,
        ...(path === undefined ? {} : { path }),
        message: `the ${abi} ABI is loaded and allows ${n} syscalls, but ${why}; leave it out so the kernel kills such calls`,
      }),
    );
  }
  return out;
}

/** A member counts as restricted when the profile denies it or conditions it on arguments on the
 * native ABI: that is where its rules say what the author meant. (On x86 itself the direct
 * socket calls may be answered by runc's ENOSYS stub, which makes libc use socketcall anyway.) */
function memberRestricted(ctx: AuditContext, member: string): boolean {
  const p = permissionOf(ctx, ctx.native, member);
  return p !== undefined && p !== 'allowed';
}

/** Whether the multiplexer lets the member's sub-call through for some arguments. */
function subcallPermitted(ctx: AuditContext, abi: Arch, mux: string, member: string, code: number): boolean {
  const bases = probeArgs([...(ctx.index.get(mux) ?? []), ...(ctx.index.get(member) ?? [])], ARCH_INFO[abi].bits);
  return bases.some((b) => {
    const args = [BigInt(code), ...b.slice(1)];
    return permits(decideOutcome(ctx.cp, abi, mux, args).action);
  });
}

function checkMultiplexers(ctx: AuditContext): Finding[] {
  const out: Finding[] = [];
  for (const abi of ctx.cp.architectures) {
    for (const [mux, members] of Object.entries(MULTIPLEXERS)) {
      const p = ctx.surface.get(abi)?.syscalls.get(mux);
      if (p === undefined || p.permission === 'denied') continue;
      const bypassed = Object.entries(members)
        .filter(([m, code]) => memberRestricted(ctx, m) && subcallPermitted(ctx, abi, mux, m, code))
        .map(([m]) => m);
      if (bypassed.length === 0) continue;
      out.push(
        makeFinding('CF021', {
          syscall: mux,
          abi,
          ...decisionWhere(ctx.profile, p.decision, mux),
          message: `${mux} is allowed on ${abi}, so calls made through it get around the rules for ${bypassed.join(', ')}: it passes their arguments in memory the filter cannot read`,
        }),
      );
    }
  }
  return out;
}

function checkWeakerAbis(ctx: AuditContext): Finding[] {
  const out: Finding[] = [];
  const native = ctx.surface.get(ctx.native);
  if (native === undefined) return out;
  for (const abi of compatAbis(ctx)) {
    const s = ctx.surface.get(abi);
    if (s === undefined) continue;
    for (const [name, p] of s.syscalls) {
      const n = native.syscalls.get(name);
      if (n === undefined || RANK[p.permission] <= RANK[n.permission]) continue;
      out.push(
        makeFinding('CF022', {
          syscall: name,
          abi,
          ...decisionWhere(ctx.profile, p.decision, name),
          message: `${name} is ${p.permission === 'allowed' ? 'allowed' : 'allowed for some arguments'} on ${abi} but ${n.permission === 'denied' ? 'denied' : 'restricted by arguments'} on ${ctx.native}: switching ABI gets around the native rule`,
        }),
      );
    }
  }
  return out;
}

export function checkAbis(ctx: AuditContext): Finding[] {
  return [...checkOpenAbis(ctx), ...checkMultiplexers(ctx), ...checkWeakerAbis(ctx)];
}
