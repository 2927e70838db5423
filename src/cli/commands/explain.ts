// `clawfence explain PROFILE SYSCALL [ARG…]`: one decision and the reasons for it.

import { ClawfenceError } from '../../errors.js';
import { decide, type Decision } from '../../profile/evaluate.js';
import { loadProfile } from '../../profile/load.js';
import type { ArgCondition } from '../../profile/model.js';
import { resolveProfile } from '../../profile/resolve.js';
import { OP_TO_SCMP } from '../../profile/vocabulary.js';
import { errnoName } from '../../syscalls/errno.js';
import { describeArgValue, parseArgExpression } from '../../syscalls/constants.js';
import { resolveSyscall } from '../../syscalls/table.js';
import { hostFromOptions, type HostOptions } from '../host.js';
import { colors, hex, toJson, wantColor, write } from '../output.js';

export interface ExplainOptions extends HostOptions {
  json?: boolean;
  color?: boolean | undefined;
}

export function formatCondition(syscall: string, c: ArgCondition): string {
  const named = (v: bigint): string => {
    const d = describeArgValue(syscall, c.index, v);
    return d === undefined ? hex(v) : `${hex(v)} (${d})`;
  };
  const sym: Record<string, string> = { ne: '!=', lt: '<', le: '<=', eq: '==', ge: '>=', gt: '>' };
  if (c.op === 'masked_eq') return `arg${c.index} & ${named(c.value)} == ${hex(c.valueTwo)}`;
  return `arg${c.index} ${sym[c.op] ?? OP_TO_SCMP[c.op]} ${named(c.value)}`;
}

export function formatAction(d: Pick<Decision, 'action' | 'errno'>): string {
  const a = d.action.toUpperCase();
  return d.errno === undefined ? a : `${a} ${errnoName(d.errno)} (${d.errno})`;
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
  const call = `${name}(${args.map((v, i) => describeArgValue(name, i, v) ?? hex(v)).join(', ')})`;
  if (o.json === true) {
    write(toJson({ profile: file, abi: host.abi, native: host.native, caps: host.caps, kernel: host.kernel, syscall: { name, nr }, args, decision: d }));
    return 0;
  }
  const c = colors(wantColor(o.color));
  const verdict = d.action === 'allow' || d.action === 'log' ? c.green(formatAction(d)) : c.red(formatAction(d));
  const lines = [`${call} on ${host.abi} → ${verdict}`, `  ${d.why}`];
  for (const r of d.considered ?? []) lines.push(`  ${c.dim(r.why)}`);
  write(lines.join('\n'));
  return 0;
}
