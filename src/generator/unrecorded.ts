// What a generated profile does with calls the recording did not show (`--unrecorded deny|log`,
// docs/learn.md). deny (the default): the profile's default action, as always. log: a deployment
// tier for learning — the default action becomes SCMP_ACT_LOG, so an unrecorded call is allowed and
// the kernel writes a `type=1326` record of it (read back by `clawfence learn`), while every
// catalogued door stays shut by an explicit rule, because with a LOG default whatever no rule
// matches gets through:
//   - every syscall of the risk catalog (src/catalog/dangerous.ts) that the profile does not allow
//     gets a deny rule (clone3 → ENOSYS, so libc still falls back to clone);
//   - every dangerous argument value (data/catalog/dangerous-values.json) gets a deny rule on its
//     syscall, one masked_eq rule per bit for the mask kind (CLONE_NEWUSER, CLONE_NEWNET, …; any of
//     them set is enough) and a 32-bit equality for the equal kind (AF_PACKET, AF_VSOCK, …).
// The deny rules use the action the profile's denials use (errno N, or kill). Justified doors stay
// as the generator let them through. SECCOMP_FILTER_FLAG_LOG (also log the denied calls) is opt-in:
// Docker 20.10 drops the profile's flags and runc 1.1.5 refuses any (docs/learn.md).

import { dangerousValues, type DangerousValue } from '../catalog/dangerous-values.js';
import { RISK_CATALOG } from '../catalog/dangerous.js';
import { emptyFilter, type Action, type ArgCondition, type Profile, type Rule } from '../profile/model.js';
import { describeArgValue } from '../syscalls/constants.js';
import { compareText } from './canonical.js';
import { ENOSYS } from './clone3.js';
import { int32Equals, maskedEquals } from './arg-rules.js';
import { justifiedSyscall, justifiedValue, type Justification } from './justify.js';

export const UNRECORDED_MODES = ['deny', 'log'] as const;
export type UnrecordedMode = (typeof UNRECORDED_MODES)[number];

/** The comment every rule the log tier adds starts with (learn drops these rules again). */
export const LOG_TIER_MARK = 'log tier:';

export const LOG_FLAG = 'SECCOMP_FILTER_FLAG_LOG';

export interface LogTierOptions {
  /** How the profile denies (its default action before the tier, and the errno of errno). */
  deny: { action: Action; errno?: number };
  justifications?: readonly Justification[];
  /** Add SECCOMP_FILTER_FLAG_LOG so the kernel logs the denied calls too (runc ≥ 1.2, crun). */
  logDenied?: boolean;
}

function denyRule(name: string, deny: LogTierOptions['deny'], args: ArgCondition[], why: string): Rule {
  return {
    names: [name],
    action: deny.action,
    ...(deny.action === 'errno' ? { errnoRet: deny.errno ?? 1 } : {}),
    args,
    includes: emptyFilter(),
    excludes: emptyFilter(),
    comment: `${name} — ${LOG_TIER_MARK} ${why}`,
  };
}

/** Single bits of a mask, lowest first. */
function bitsOf(mask: bigint): bigint[] {
  const out: bigint[] = [];
  for (let b = 1n; b <= mask; b <<= 1n) if ((mask & b) !== 0n) out.push(b);
  return out;
}

function label(syscall: string, index: number, v: bigint): string {
  return describeArgValue(syscall, index, v) ?? `0x${v.toString(16)}`;
}

/** The deny rules for one dangerous-value entry, less what is justified. */
function valueRules(d: DangerousValue, deny: LogTierOptions['deny'], js: readonly Justification[]): Rule[] {
  const why = (what: string): string => `arg${d.index} with ${what} is denied even though unrecorded calls are only logged: ${d.reason}`;
  // The other arguments the entry holds with (socket's protocol only for AF_NETLINK, …).
  const when = d.when.map((w) => int32Equals(w.index, w.value));
  const ctx = d.when.map((w) => `${w.name}, `).join('');
  if (d.kind === 'equal') {
    if (justifiedValue(js, d.syscall, d.index, d.value, 'equal') !== undefined) return [];
    const cond = d.mask === 0xffffffffn ? int32Equals(d.index, d.value) : maskedEquals(d.index, d.mask, d.value);
    return [denyRule(d.syscall, deny, [...when, cond], why(`${ctx}${label(d.syscall, d.index, d.value)}`))];
  }
  return bitsOf(d.value)
    .filter((bit) => justifiedValue(js, d.syscall, d.index, bit, 'mask') === undefined)
    .map((bit) => denyRule(d.syscall, deny, [...when, maskedEquals(d.index, bit, bit)], why(`${ctx}${label(d.syscall, d.index, bit)}`)));
}

/** The values a mask entry never counts (personality(0xffffffff) only reads the persona) would match
 * its bit rules; an exact allow rule keeps them working (libseccomp lets it win: unrecorded.test.ts). */
function exceptRules(profile: Profile, d: DangerousValue): Rule[] {
  if (d.kind !== 'mask') return [];
  return d.except
    .filter(
      (x) => !profile.syscalls.some((r) => r.names.includes(d.syscall) && r.args.length === 1 && r.args[0]?.index === d.index && r.args[0].valueTwo === x),
    )
    .map((x) => ({
      names: [d.syscall],
      action: 'allow' as const,
      args: [int32Equals(d.index, x)],
      includes: emptyFilter(),
      excludes: emptyFilter(),
      comment: `${d.syscall} — ${LOG_TIER_MARK} arg${d.index} = ${label(d.syscall, d.index, x)} allowed: never dangerous, and the deny rules for ${d.name} would match it`,
    }));
}

/** The same profile in the log tier (see the file comment). `profile` must be deny-by-default. */
export function logTier(profile: Profile, o: LogTierOptions): Profile {
  const js = o.justifications ?? [];
  const ruled = new Set(profile.syscalls.flatMap((r) => r.names));
  const byValue = new Set(dangerousValues().map((d) => d.syscall));
  const added: Rule[] = [];
  for (const e of RISK_CATALOG) {
    // clone and unshare are dangerous by their flags: the value rules below cover them, and the
    // rest of their calls (threads, processes) is what learning must see.
    if (byValue.has(e.syscall) || ruled.has(e.syscall) || justifiedSyscall(js, e.syscall) !== undefined) continue;
    if (e.syscall === 'clone3') {
      added.push({
        ...denyRule('clone3', { action: 'errno', errno: ENOSYS }, [], 'answered with ENOSYS: its flags live in memory, where no filter can read them'),
        comment: `clone3 — ${LOG_TIER_MARK} answered with ENOSYS (errno 38): its flags live in memory, where no filter can read them; libc falls back to clone, whose namespace flags are denied`,
      });
      continue;
    }
    added.push(denyRule(e.syscall, o.deny, [], `a catalogued door, denied even though unrecorded calls are only logged: ${e.reason}`));
  }
  for (const d of dangerousValues()) {
    if (justifiedSyscall(js, d.syscall) !== undefined) continue;
    added.push(...valueRules(d, o.deny, js));
  }
  const excepts = new Map<string, Rule>();
  for (const d of dangerousValues()) for (const r of exceptRules(profile, d)) excepts.set(`${r.names[0] ?? ''} ${String(r.args[0]?.valueTwo)}`, r);
  added.push(...excepts.values());
  const { defaultErrnoRet: _dropped, ...rest } = profile;
  return {
    ...rest,
    defaultAction: 'log',
    flags: o.logDenied === true ? [...new Set([...profile.flags, LOG_FLAG])] : [...profile.flags],
    // Stable: within one syscall, the generator's rules first, then the tier's.
    syscalls: [...profile.syscalls, ...added].sort((a, b) => compareText(a.names[0] ?? '', b.names[0] ?? '')),
  };
}

/** Whether a rule was added by the log tier. */
export function isLogTierRule(r: Rule): boolean {
  return r.comment !== undefined && r.comment.includes(`— ${LOG_TIER_MARK} `);
}
