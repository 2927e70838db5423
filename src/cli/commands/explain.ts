// `clawfence explain PROFILE SYSCALL [ARG…]`: one decision and the reasons for it.

import { ClawfenceError } from '../../errors.js';
import { decide } from '../../evaluator/evaluate.js';
import { formatVerdict } from '../../evaluator/explain.js';
import { loadProfile } from '../../formats/read.js';
import type { ArgCondition } from '../../profile/model.js';
import { resolveProfile } from '../../profile/resolve.js';
import type { Arch } from '../../syscalls/arch.js';
import { describeArgValue, parseArgExpression } from '../../syscalls/constants.js';
import { resolveSyscall } from '../../syscalls/table.js';
import { hostFromOptions, type HostOptions } from '../host.js';
import { hex } from '../../util/hex.js';
import { colors, toJson, wantColor, write } from '../output.js';

export interface ExplainOptions extends HostOptions {
  json?: boolean;
  color?: boolean | undefined;
}

/** Names the constants of a failed condition: "0x7e020000 = CLONE_NEWNS|…; arg0 & 0x7e020000 = CLONE_NEWUSER". */
export function nameConstants(syscall: string, c: ArgCondition, args: readonly bigint[], abi: Arch): string | undefined {
  const name = (v: bigint): string | undefined => describeArgValue(syscall, c.index, v, { arch: abi, args });
  const arg = args[c.index] ?? 0n;
  const parts: string[] = [];
  const constant = name(c.value);
  if (constant !== undefined) parts.push(`${hex(c.value)} = ${constant}`);
  const seen = c.op === 'masked_eq' ? arg & c.value : arg;
  const seenName = name(seen);
  if (seenName !== undefined && seen !== 0n) parts.push(`${c.op === 'masked_eq' ? `arg${c.index} & ${hex(c.value)}` : `arg${c.index}`} = ${seenName}`);
  return parts.length === 0 ? undefined : parts.join('; ');
}

export async function runExplain(file: string, syscallArg: string, argTexts: string[], o: ExplainOptions): Promise<number> {
  const host = hostFromOptions(o);
  if (argTexts.length > 6) {
    throw new ClawfenceError('bad-input', `a syscall has at most 6 arguments, got ${argTexts.length}`, { hint: 'drop the extra values' });
  }
  const { name, nr } = resolveSyscall(host.abi, syscallArg);
  const args = argTexts.map((t, index) => parseArgExpression(t, { syscall: name, index }));
  const loaded = loadProfile(file);
  const concrete = resolveProfile(loaded.profile, host);
  const d = decide(concrete, host.abi, name, args);
  const call = `${name}(${args.map((v, i) => describeArgValue(name, i, v, { arch: host.abi, args }) ?? hex(v)).join(', ')})`;
  if (o.json === true) {
    write(toJson({ profile: file, abi: host.abi, native: host.native, caps: host.caps, kernel: host.kernel, syscall: { name, nr }, args, decision: d }));
    return 0;
  }
  const c = colors(wantColor(o.color));
  const verdict = d.action === 'allow' || d.action === 'log' ? c.green(formatVerdict(d)) : c.red(formatVerdict(d));
  const lines = [`${call} on ${host.abi} → ${verdict}`, `  ${d.why}`];
  for (const r of d.considered) {
    lines.push(`  ${c.dim(r.why)}`);
    const named = r.failed === undefined ? undefined : nameConstants(name, r.failed, args, host.abi);
    if (named !== undefined) lines.push(`    ${c.dim(named)}`);
  }
  write(lines.join('\n'));
  return 0;
}
