// With a recorded footprint: permissions the workload never used, per ABI it did use (ABIs it
// never used are reported whole by the ABI check).

import { usedSyscalls } from '../../footprint/model.js';
import { riskOf } from '../../catalog/dangerous.js';
import { decisionWhere, makeFinding, type AuditContext } from '../context.js';
import type { Finding } from '../model.js';
import { abbreviate } from './counts.js';

export function checkUnused(ctx: AuditContext): Finding[] {
  const fp = ctx.footprint;
  if (fp === undefined) return [];
  const out: Finding[] = [];
  for (const [abi, s] of ctx.surface) {
    const used = usedSyscalls(fp, abi);
    if (used.size === 0 && abi !== ctx.native) continue;
    const plain: string[] = [];
    for (const name of s.allowed) {
      if (used.has(name)) continue;
      const risk = riskOf(name);
      const p = s.syscalls.get(name);
      if (risk === undefined || p === undefined) {
        plain.push(name);
        continue;
      }
      out.push(
        makeFinding('CF050', {
          syscall: name,
          abi,
          ...decisionWhere(ctx.profile, p.decision, name),
          message: `${name} is allowed on ${abi} but the footprint never used it (${risk.category}: ${risk.reason})`,
        }),
      );
    }
    if (plain.length > 0) {
      out.push(
        makeFinding('CF051', {
          abi,
          syscalls: plain,
          message: `${abi}: ${plain.length} allowed syscalls the footprint never used: ${abbreviate(plain)}`,
        }),
      );
    }
  }
  return out;
}
