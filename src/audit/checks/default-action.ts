// Findings about the default action: what every syscall no rule names gets.

import { ACTION_TO_SCMP } from '../../formats/shared/vocabulary.js';
import { makeFinding, type AuditContext } from '../context.js';
import type { Finding } from '../model.js';

export function checkDefaultAction(ctx: AuditContext): Finding[] {
  const a = ctx.profile.defaultAction;
  const at = { path: '$.defaultAction' };
  switch (a) {
    case 'allow':
      return [
        makeFinding('CF001', {
          ...at,
          message: 'defaultAction is SCMP_ACT_ALLOW: every syscall the profile does not name, including ones newer kernels add, is allowed',
        }),
      ];
    case 'log':
      return [makeFinding('CF002', { ...at, message: 'defaultAction is SCMP_ACT_LOG: every syscall the profile does not name is allowed (after logging)' })];
    case 'kill_thread':
    case 'kill_process':
    case 'trap':
      return [
        makeFinding('CF003', {
          ...at,
          message: `defaultAction is ${ACTION_TO_SCMP[a]}: a missing permission crashes the workload instead of failing one call with an errno`,
        }),
      ];
    case 'trace':
    case 'notify':
      return [
        makeFinding('CF004', {
          ...at,
          message: `defaultAction is ${ACTION_TO_SCMP[a]}: every unlisted syscall is decided outside the filter (by a tracer or a user-space agent)`,
        }),
      ];
    case 'errno':
      return [];
  }
}
