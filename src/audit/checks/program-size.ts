// The kernel's 4096-instruction limit on a seccomp program: over it the filter is refused and the
// container does not start; close to it, a few more argument rules break it.

import { describeProgramSize, overKernelLimit, programSize } from '../../evaluator/program-size.js';
import { makeFinding, type AuditContext } from '../context.js';
import type { Finding } from '../model.js';

/** Above this share of the limit the audit warns (low). */
const NEAR = 0.9;

export function checkProgramSize(ctx: AuditContext): Finding[] {
  const size = programSize(ctx.cp);
  if (overKernelLimit(size)) {
    return [
      makeFinding('CF035', { message: `the filter needs ${describeProgramSize(size)}: the kernel refuses it (EINVAL) and the container does not start` }),
    ];
  }
  if (size.total > size.limit * NEAR) {
    return [makeFinding('CF035', { severity: 'low', message: `the filter needs ${describeProgramSize(size)}: a few more rules and the kernel refuses it` })];
  }
  return [];
}
