// `clawfence doctor [--json]`: is this host ready to record, verify and audit? One fix per problem.

import pc from 'picocolors';
import { formatDoctorReport } from '../../doctor/render.js';
import { runDoctor } from '../../doctor/run.js';
import { toJson, wantColor, write } from '../output.js';

export async function runDoctorCommand(o: { json?: boolean; color?: boolean | undefined }): Promise<number> {
  const report = await runDoctor();
  if (o.json === true) write(toJson(report));
  else write(formatDoctorReport(report, wantColor(o.color) ? { paint: { ok: pc.green, error: pc.red, warning: pc.yellow } } : {}));
  return report.ok ? 0 : 1;
}
