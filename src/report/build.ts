// Assembles the hardening report (model.ts) from a probe matrix, the tool's profile and, when there
// is one, its footprint, audit findings and coverage notes. The headline counts what the engine's
// built-in default leaves reachable and what the tool's profile leaves reachable that the tool did
// not record.

import type { Profile } from '../profile/model.js';
import { loadDockerDefault } from '../catalog/reference.js';
import type { Verdict } from '../battery/model.js';
import { buildSyscallMap } from './syscall-map.js';
import { REPORT_SCHEMA, type HardeningReport, type ProbeMatrix, type Provenance, type ReportFinding } from './model.js';

export interface ReportInput {
  title: string;
  provenance: Provenance;
  matrix: ProbeMatrix;
  profile?: Profile;
  /** Syscalls (x86_64) the profile allows by generalisation. */
  generalised?: ReadonlySet<string>;
  caps?: readonly string[];
  footprint?: HardeningReport['footprint'];
  findings?: ReportFinding[];
  coverage?: string[];
}

function count(m: ProbeMatrix, column: string, v: Verdict): number {
  return m.counts[column]?.[v] ?? 0;
}

/** The probes a column leaves reachable (verdict reached), by id. */
export function reachable(m: ProbeMatrix, column: string): string[] {
  const i = m.columns.findIndex((c) => c.id === column);
  return i < 0 ? [] : m.rows.filter((r) => r.cells[i]?.verdict === 'reached').map((r) => r.probe.id);
}

/** Probes the tool's profile lets reach the kernel although the tool never made the call. */
export function unneededOpen(m: ProbeMatrix): string[] {
  const i = m.columns.findIndex((c) => c.id === 'profile');
  if (i < 0) return [];
  return m.rows.filter((r) => r.recorded !== true && r.cells[i]?.verdict !== 'seccomp').map((r) => r.probe.id);
}

export function buildReport(o: ReportInput): HardeningReport {
  const m = o.matrix;
  const total = m.rows.length;
  const summary: string[] = [];
  const engineOpen = reachable(m, 'engine-default');
  summary.push(
    `Under the engine's built-in default, ${engineOpen.length} of ${total} probes reach the kernel (${count(m, 'engine-default', 'seccomp')} stopped by seccomp, ${count(m, 'engine-default', 'kernel')} refused by the kernel).`,
  );
  if (m.columns.some((c) => c.id === 'profile')) {
    const open = unneededOpen(m);
    summary.push(
      `Under this profile, ${count(m, 'profile', 'seccomp')} of ${total} probes are stopped by seccomp, ${count(m, 'profile', 'reached')} reach the kernel, ${count(m, 'profile', 'kernel')} are refused by the kernel, ${count(m, 'profile', 'inconclusive')} inconclusive.`,
    );
    summary.push(
      open.length === 0
        ? 'Every probe of a call the tool did not record is stopped by seccomp.'
        : `${open.length} probe${open.length === 1 ? '' : 's'} of calls the tool did not record are not stopped by seccomp: ${open.join(', ')}.`,
    );
  }
  const report: HardeningReport = {
    schema: REPORT_SCHEMA,
    title: o.title,
    provenance: o.provenance,
    probes: m,
    findings: o.findings ?? [],
    coverage: o.coverage ?? [],
    summary,
    ...(o.footprint === undefined ? {} : { footprint: o.footprint }),
  };
  if (o.profile !== undefined) {
    report.map = buildSyscallMap(o.profile, loadDockerDefault(), {
      abi: 'x86_64',
      generalised: o.generalised ?? new Set(),
      dockerDefaultTitle: "Docker's reference default (moby profiles)",
      ...(o.caps === undefined ? {} : { caps: o.caps }),
      kernel: o.provenance.kernel.split('-')[0] ?? o.provenance.kernel,
    });
  }
  return report;
}
