// --fail-on: does a report hold a finding at least this severe?

import { ClawfenceError } from '../errors.js';
import { SEVERITIES, isSeverity, severityRank, type AuditReport, type Severity } from './model.js';

/** True when some finding is at least as severe as `min` (the CLI then exits 1). */
export function failOn(report: AuditReport, min: Severity): boolean {
  const floor = severityRank(min);
  return report.findings.some((f) => severityRank(f.severity) >= floor);
}

export function parseSeverity(s: string): Severity {
  const v = s.toLowerCase();
  if (isSeverity(v)) return v;
  throw new ClawfenceError('bad-input', `unknown severity '${s}'`, { hint: `use one of ${SEVERITIES.join(', ')}` });
}
