// `clawfence audit PROFILE [--against FOOTPRINT]`: findings as a table, JSON or SARIF.

import {
  auditProfile,
  DOCKER_DEFAULT_NAME,
  failOn,
  loadDockerDefault,
  renderAuditJson,
  renderAuditSarif,
  renderAuditTable,
  type Severity,
} from '../../audit/index.js';
import { loadProfile } from '../../formats/read.js';
import { hostFromOptions, type HostOptions } from '../host.js';
import { wantColor, write } from '../output.js';
import { VERSION } from '../version.js';

export interface AuditCliOptions extends HostOptions {
  against?: string;
  json?: boolean;
  sarif?: boolean;
  failOn: Severity;
  color?: boolean | undefined;
}

export async function runAudit(file: string, o: AuditCliOptions): Promise<number> {
  const host = hostFromOptions(o);
  const lp = loadProfile(file);
  // The footprint reader (ajv) is only loaded when there is a footprint to read.
  const against = o.against === undefined ? undefined : (await import('../../footprint/parse.js')).loadFootprint(o.against).footprint;
  const report = auditProfile(lp.profile, {
    native: host.native,
    caps: host.caps,
    ...(host.kernel === undefined ? {} : { kernel: host.kernel }),
    ...(against === undefined ? {} : { against }),
    reference: loadDockerDefault(),
    referenceName: DOCKER_DEFAULT_NAME,
  });
  if (o.sarif === true) write(renderAuditSarif(report, { artifactUri: file, locate: lp.locate, toolVersion: VERSION }));
  else if (o.json === true) write(renderAuditJson(report, { file }));
  else write(renderAuditTable(report, { color: wantColor(o.color), file, width: process.stdout.columns ?? 100 }));
  return failOn(report, o.failOn) ? 1 : 0;
}
