// `clawfence verify --profile PROFILE [--expect-exit N] [--expect-stdout REGEX] [--complain] -- docker run …`

import { parseRecorderChoice } from '../../recorder/record.js';
import { timeoutOption } from '../../engine/run-session.js';
import { ClawfenceError } from '../../errors.js';
import { findEngineEnv } from '../../engine/discover.js';
import { verifyWorkload, type VerifyResult } from '../../verifier/verify.js';
import { colors, toJson, wantColor, write } from '../output.js';
import { VERSION } from '../version.js';

export interface VerifyCliOptions {
  profile: string;
  expectExit?: string;
  expectStdout?: string;
  complain?: boolean;
  recorder?: string;
  timeout?: string;
  json?: boolean;
  color?: boolean | undefined;
}

export function parseExpectations(o: { expectExit?: string; expectStdout?: string }): { expectExit?: number; expectStdout?: RegExp } {
  const out: { expectExit?: number; expectStdout?: RegExp } = {};
  if (o.expectExit !== undefined) {
    if (!/^\d{1,3}$/.test(o.expectExit) || Number(o.expectExit) > 255) throw new ClawfenceError('bad-input', `--expect-exit: '${o.expectExit}' is not an exit code`, { hint: 'give a number from 0 to 255' });
    out.expectExit = Number(o.expectExit);
  }
  if (o.expectStdout !== undefined) {
    try {
      out.expectStdout = new RegExp(o.expectStdout, 'm');
    } catch (e) {
      throw new ClawfenceError('bad-input', `--expect-stdout: invalid regular expression: ${(e as Error).message}`, { hint: 'write a JavaScript regular expression, e.g. "status: ok"' });
    }
  }
  return out;
}

export function renderVerdict(r: VerifyResult, color: boolean): string {
  const c = colors(color);
  const lines = [r.pass ? c.green('verify: PASS') + ` (exit ${r.exitCode})` : c.red('verify: FAIL') + ` — ${r.reasons.join('; ')}`];
  if (r.denied !== undefined) {
    if (r.denied.length === 0) lines.push('  the complain run saw no call outside the profile');
    for (const d of r.denied) {
      const by = d.by === undefined ? '' : ` by ${d.by.comm}${d.by.exe !== undefined && d.by.exe !== d.by.comm ? ` (${d.by.exe})` : ''}`;
      lines.push(`  denied: ${d.syscall} on ${d.abi} (${d.action}), ${d.count}×${by}${d.runtime ? ' [container runtime]' : ''}`);
    }
    if (r.denied.length > 0) lines.push(`  fix: re-record with this workload and regenerate (clawfence profile …), or add ${r.denied.map((d) => d.syscall).join(', ')} to the profile if you accept them`);
  }
  return lines.join('\n');
}

export async function runVerify(argv: string[], o: VerifyCliOptions): Promise<number> {
  if (argv.length === 0) throw new ClawfenceError('bad-input', 'nothing to verify', { hint: 'write the command after --: clawfence verify --profile p.json -- docker run --rm IMAGE CMD' });
  const env = await findEngineEnv({ commands: [argv] });
  const r = await verifyWorkload({ argv, profileFile: o.profile, env, clawfenceVersion: VERSION, ...parseExpectations(o), ...(o.complain === true ? { complain: true } : {}), recorder: parseRecorderChoice(o.recorder), ...timeoutOption(o.timeout), stdio: o.json === true ? 'pipe' : 'tee' });
  if (o.json === true) write(toJson(r));
  else process.stderr.write(`${renderVerdict(r, wantColor(o.color))}\n`);
  return r.pass ? 0 : 1;
}
