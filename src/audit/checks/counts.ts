// How many syscalls each ABI allows, next to a reference profile (Docker's default).

import { makeFinding, type AuditContext } from '../context.js';
import type { AbiCounts, Finding } from '../model.js';
import type { AbiSurface } from '../../evaluator/surface.js';
import type { Arch } from '../../syscalls/arch.js';
import { countTiers } from '../../catalog/syscall-risk.js';

export function countSurface(ctx: AuditContext, reference: Map<Arch, AbiSurface> | undefined): Partial<Record<Arch, AbiCounts>> {
  const out: Partial<Record<Arch, AbiCounts>> = {};
  for (const [abi, s] of ctx.surface) {
    out[abi] = {
      allowed: s.allowed.length,
      conditional: s.conditional.length,
      total: s.syscalls.size,
      tiers: countTiers(s.allowed),
      ...(reference === undefined ? {} : { referenceAllowed: reference.get(abi)?.allowed.length ?? 0 }),
    };
  }
  return out;
}

export function checkCounts(counts: Partial<Record<Arch, AbiCounts>>, referenceName: string | undefined): Finding[] {
  return (Object.entries(counts) as [Arch, AbiCounts][]).map(([abi, c]) => {
    const cond = c.conditional > 0 ? ` (${c.conditional} only for some arguments)` : '';
    const ref = c.referenceAllowed === undefined ? '' : `; ${referenceName ?? 'the reference'} allows ${c.referenceAllowed}`;
    return makeFinding('CF040', { abi, message: `${abi}: ${c.allowed} of ${c.total} syscalls allowed${cond}${ref}` });
  });
}

/** "a, b, c, … and 12 more". */
export function abbreviate(names: readonly string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')}, … and ${names.length - max} more`;
}
