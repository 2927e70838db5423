// The hardening report as stable JSON (docs/report.md): the model as it is, key order fixed by
// the model's construction, 2-space indent, trailing newline.

import { toJsonText } from '../util/json.js';
import type { HardeningReport } from './model.js';

export function renderReportJson(report: HardeningReport): string {
  return toJsonText(report);
}
