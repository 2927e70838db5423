// The audit report as JSON: fixed field order, no absent fields, deterministic for one input.

import type { AbiCounts, AuditReport, Finding } from '../model.js';

export const AUDIT_JSON_VERSION = 1;

function findingObject(f: Finding): Record<string, unknown> {
  const o: Record<string, unknown> = { id: f.id, severity: f.severity, category: f.category, message: f.message };
  if (f.syscall !== undefined) o['syscall'] = f.syscall;
  if (f.abi !== undefined) o['abi'] = f.abi;
  if (f.rule !== undefined) o['rule'] = f.rule;
  if (f.path !== undefined) o['path'] = f.path;
  if (f.syscalls !== undefined) o['syscalls'] = [...f.syscalls];
  return o;
}

function countsObject(c: AbiCounts): Record<string, unknown> {
  const o: Record<string, unknown> = { allowed: c.allowed, conditional: c.conditional, total: c.total };
  if (c.referenceAllowed !== undefined) o['referenceAllowed'] = c.referenceAllowed;
  o['tiers'] = { ...c.tiers };
  return o;
}

/** The report as a plain object whose key order is fixed. */
export function auditReportToObject(r: AuditReport, extra: { file?: string } = {}): Record<string, unknown> {
  const o: Record<string, unknown> = { schemaVersion: AUDIT_JSON_VERSION };
  if (extra.file !== undefined) o['file'] = extra.file;
  o['native'] = r.native;
  o['caps'] = [...r.caps];
  if (r.kernel !== undefined) o['kernel'] = r.kernel;
  o['abis'] = [...r.abis];
  o['defaultAction'] = r.defaultAction;
  if (r.defaultErrnoRet !== undefined) o['defaultErrnoRet'] = r.defaultErrnoRet;
  if (r.reference !== undefined) o['reference'] = r.reference;
  o['counts'] = Object.fromEntries(
    r.abis.flatMap((a) => {
      const c = r.counts[a];
      return c === undefined ? [] : [[a, countsObject(c)]];
    }),
  );
  const s = r.summary;
  o['summary'] = {
    total: s.total,
    highest: s.highest,
    bySeverity: { ...s.bySeverity },
    byCategory: { ...s.byCategory },
    dangerous: Object.fromEntries(Object.entries(s.dangerous).map(([k, v]) => [k, { count: v.length, syscalls: [...v] }])),
  };
  o['findings'] = r.findings.map(findingObject);
  return o;
}

/** Indented JSON with a trailing newline. */
export function renderAuditJson(r: AuditReport, extra: { file?: string } = {}): string {
  return `${JSON.stringify(auditReportToObject(r, extra), null, 2)}\n`;
}
