// "Never wider than the engine's default on a dangerous door", as a finding for any profile: where
// it lets a catalogued dangerous syscall or value through that Docker's default (resolved for the
// same host with Docker's default capabilities) keeps shut. src/diff/doors.ts does the comparison.

import { riskOf } from '../../catalog/dangerous.js';
import { describeWider, widerThanDefault } from '../../diff/doors.js';
import { makeFinding, type AuditContext } from '../context.js';
import type { Finding } from '../model.js';

export function checkWiderThanDefault(ctx: AuditContext, kernel: string | undefined): Finding[] {
  return widerThanDefault(ctx.profile, { native: ctx.native, ...(kernel === undefined ? {} : { kernel }) }).map((w) =>
    // A door dangerous in itself keeps its catalog severity (syslog: medium); a dangerous value is high.
    makeFinding('CF060', {
      syscall: w.syscall,
      abi: w.abi,
      message: describeWider(w),
      severity: w.where === '' ? (riskOf(w.syscall)?.severity ?? 'high') : 'high',
    }),
  );
}
