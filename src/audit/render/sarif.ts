// The audit report as SARIF 2.1.0 (code-scanning tools): one result per finding, the audit
// rules as the driver's rules, and the profile position of each finding when it can be located.

import { AUDIT_RULES } from '../rules.js';
import { severityRank, type AuditReport, type Finding, type Severity } from '../model.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifOptions {
  /** The profile file as the results should name it (relative paths suit code scanning). */
  artifactUri?: string;
  /** Maps a JSON path of the profile to its position; the CLI builds it from the parsed file. */
  locate?: (path: string) => { line: number; column: number } | undefined;
  toolVersion?: string;
}

export function sarifLevel(s: Severity): SarifLevel {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** GitHub's security-severity score (0–10) for a severity. */
function securitySeverity(s: Severity): string {
  return ['0.0', '3.0', '5.5', '8.0', '9.5'][severityRank(s)] ?? '0.0';
}

const LAST_SEGMENT = /(\[\d+\]|\[".*?"\]|\.[A-Za-z_][A-Za-z0-9_]*)$/;

/** Locates the path or, failing that, its nearest located ancestor. */
function locateNearest(path: string, locate: NonNullable<SarifOptions['locate']>): { line: number; column: number } | undefined {
  let p = path;
  for (;;) {
    const pos = locate(p);
    if (pos !== undefined) return pos;
    const next = p.replace(LAST_SEGMENT, '');
    if (next === p) return undefined;
    p = next;
  }
}

function location(f: Finding, o: SarifOptions): Record<string, unknown>[] {
  const loc: Record<string, unknown> = {};
  if (o.artifactUri !== undefined) {
    const pos = f.path === undefined || o.locate === undefined ? undefined : locateNearest(f.path, o.locate);
    loc['physicalLocation'] = {
      artifactLocation: { uri: o.artifactUri },
      ...(pos === undefined ? {} : { region: { startLine: pos.line, startColumn: pos.column } }),
    };
  }
  if (f.path !== undefined) loc['logicalLocations'] = [{ fullyQualifiedName: f.path, kind: 'member' }];
  return Object.keys(loc).length === 0 ? [] : [loc];
}

function result(f: Finding, o: SarifOptions): Record<string, unknown> {
  const ruleIndex = AUDIT_RULES.findIndex((r) => r.id === f.id);
  const properties: Record<string, unknown> = { severity: f.severity, category: f.category };
  if (f.syscall !== undefined) properties['syscall'] = f.syscall;
  if (f.abi !== undefined) properties['abi'] = f.abi;
  if (f.rule !== undefined) properties['rule'] = f.rule;
  if (f.syscalls !== undefined) properties['syscalls'] = f.syscalls;
  const locations = location(f, o);
  return {
    ruleId: f.id,
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: f.message },
    ...(locations.length === 0 ? {} : { locations }),
    partialFingerprints: { 'clawfence/v1': [f.id, f.abi ?? '', f.syscall ?? '', f.path ?? ''].join(':') },
    properties,
  };
}

export function auditReportToSarif(r: AuditReport, o: SarifOptions = {}): Record<string, unknown> {
  const rules = AUDIT_RULES.map((rule) => ({
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.short },
    fullDescription: { text: rule.full },
    help: { text: rule.full },
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: { category: rule.category, tags: ['security', 'seccomp'], 'security-severity': securitySeverity(rule.severity) },
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'clawfence', ...(o.toolVersion === undefined ? {} : { version: o.toolVersion }), rules } },
        ...(o.artifactUri === undefined ? {} : { artifacts: [{ location: { uri: o.artifactUri } }] }),
        results: r.findings.map((f) => result(f, o)),
        properties: { native: r.native, abis: r.abis, counts: r.counts },
      },
    ],
  };
}

export function renderAuditSarif(r: AuditReport, o: SarifOptions = {}): string {
  return `${JSON.stringify(auditReportToSarif(r, o), null, 2)}\n`;
}
