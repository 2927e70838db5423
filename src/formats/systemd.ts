// systemd drop-in ([Service] SystemCallFilter=, SystemCallErrorNumber=, SystemCallArchitectures=,
// SystemCallLog=) for a profile resolved for one host. What systemd can say (systemd.exec(5) and
// src/core/exec-invoke.c, src/shared/seccomp-util.c): one answer per syscall name, on every ABI,
// with no argument conditions.
//  - Allow-list mode (the first SystemCallFilter= line has no '~'): listed names are allowed,
//    everything else gets SystemCallErrorNumber= (an errno, or kill when unset/"kill" — the
//    whole process, SCMP_ACT_KILL_PROCESS). systemd always adds its @default set to an allow list;
//    a later `~name` line removes a name again, and `~name:ERRNO` / `~name:kill` gives one name
//    its own answer (systemd 248+; older versions use SystemCallErrorNumber= for it).
//  - Deny-list mode ('~' first): listed names get their `:ERRNO`/`:kill` (or
//    SystemCallErrorNumber=), everything else is allowed.
//  - SystemCallLog= is a separate filter that logs the listed names (or all but the listed ones
//    with '~'); the kernel applies the stricter answer of the two filters, so allow + log = log.
//  - SystemCallArchitectures= blocks the other local ABIs (libseccomp's bad-arch action); the
//    native ABI is never blocked.
// Not expressible: argument rules, trap/trace/notify, kill_thread (systemd kills the process),
// errno 0 as the default, filter flags and listeners. Each becomes a `lost` line; the stricter
// choice is made wherever one is needed.

import { ARCH_INFO, type Arch } from '../syscalls/arch.js';
import { describeArgValue } from '../syscalls/constants.js';
import { errnoName } from '../syscalls/errno.js';
import { describeGroups, groupMembers } from '../syscalls/groups.js';
import { syscallsOf } from '../syscalls/table.js';
import { decideOutcome } from '../evaluator/evaluate.js';
import { DEFAULT_ERRNO, type Action, type ArgCondition, type ConcreteProfile, type ConcreteRule, type Profile } from '../profile/model.js';
import { resolveProfile, type HostContext } from '../profile/resolve.js';
import { describeHost, flattenForHost, restrictiveness, type ExportResult } from './shared/host.js';

/** One answer systemd can give a syscall. */
type Answer = { kind: 'allow' } | { kind: 'log' } | { kind: 'errno'; errno: number } | { kind: 'kill' };

/** What the profile answers for a name, before translation. */
interface Outcome {
  action: Action;
  errno?: number;
}

const OPS: Record<ArgCondition['op'], string> = { ne: '!=', lt: '<', le: '<=', eq: '==', ge: '>=', gt: '>', masked_eq: '&' };

function conditionText(name: string, c: ArgCondition): string {
  const named = (v: bigint): string => {
    const d = describeArgValue(name, c.index, v);
    return d === undefined ? `${v}` : `${v} (${d})`;
  };
  if (c.op === 'masked_eq') return `arg${c.index} & ${named(c.value)} == ${c.valueTwo}`;
  return `arg${c.index} ${OPS[c.op]} ${named(c.value)}`;
}

function outcomeText(o: Outcome): string {
  return o.action === 'errno' ? `ERRNO ${errnoName(o.errno ?? DEFAULT_ERRNO)}` : o.action.toUpperCase();
}

function ruleOutcome(r: ConcreteRule): Outcome {
  return r.action === 'errno' ? { action: 'errno', errno: r.errnoRet ?? DEFAULT_ERRNO } : { action: r.action };
}

function stricter(a: Outcome, b: Outcome): Outcome {
  return restrictiveness(b.action) > restrictiveness(a.action) ? b : a;
}

/**
 * The single answer for a name whose rules look at arguments: the strictest thing any of its rules
 * or its fallback can answer (a superset of what really happens, so never wider).
 */
function narrowConditional(name: string, rules: ConcreteRule[], fallback: Outcome, lost: string[]): Outcome {
  const conditional = rules.filter((r) => r.args.length > 0);
  const described = conditional.map((r) => `${r.args.map((c) => conditionText(name, c)).join(' && ')} → ${outcomeText(ruleOutcome(r))}`);
  let pick = fallback;
  for (const r of conditional) pick = stricter(pick, ruleOutcome(r));
  lost.push(
    `${name}: argument rules cannot be expressed (${described.join('; ')}; otherwise ${outcomeText(fallback)}); exported as ${outcomeText(pick)} for every call`,
  );
  return pick;
}

/** The profile's answer for a name; undefined when the default action answers it. */
function outcomeOf(cp: ConcreteProfile, abi: Arch, name: string, lost: string[]): Outcome | undefined {
  const rules = cp.rules.filter((r) => r.names.includes(name));
  const unconditional = decideOutcome(cp, abi, name, []);
  // runc's -ENOSYS stub for syscalls newer than any the profile names is runc's, not the profile's.
  if (!rules.some((r) => r.args.length > 0)) {
    if (unconditional.source === 'default' || unconditional.source === 'enosys-stub') return undefined;
    return { action: unconditional.action, ...(unconditional.errno === undefined ? {} : { errno: unconditional.errno }) };
  }
  const fallbackRule = rules.find((r) => r.args.length === 0);
  const fallback = fallbackRule === undefined ? defaultOutcome(cp) : ruleOutcome(fallbackRule);
  return narrowConditional(name, rules, fallback, lost);
}

function defaultOutcome(cp: ConcreteProfile): Outcome {
  return cp.defaultAction === 'errno' ? { action: 'errno', errno: cp.defaultErrnoRet ?? DEFAULT_ERRNO } : { action: cp.defaultAction };
}

/** Translates one answer; notes in `lost` what does not carry over. `subject` names it. */
function toAnswer(o: Outcome, subject: string, lost: string[]): Answer {
  switch (o.action) {
    case 'allow':
      return { kind: 'allow' };
    case 'log':
      return { kind: 'log' };
    case 'errno':
      return { kind: 'errno', errno: o.errno ?? DEFAULT_ERRNO };
    case 'kill_process':
      return { kind: 'kill' };
    case 'kill_thread':
      lost.push(`${subject}: KILL_THREAD becomes KILL_PROCESS (systemd kills the whole process)`);
      return { kind: 'kill' };
    case 'trap':
      lost.push(`${subject}: TRAP (a catchable SIGSYS) becomes KILL_PROCESS`);
      return { kind: 'kill' };
    case 'trace':
    case 'notify':
      lost.push(`${subject}: ${o.action.toUpperCase()} cannot be expressed; exported as ERRNO EPERM`);
      return { kind: 'errno', errno: DEFAULT_ERRNO };
  }
}

function errnoText(n: number): string {
  const name = errnoName(n);
  return /^\d+$/.test(name) ? String(n) : name;
}

function suffix(a: Answer): string {
  return a.kind === 'errno' ? `:${errnoText(a.errno)}` : a.kind === 'kill' ? ':kill' : '';
}

function sameDeny(a: Answer, b: Answer): boolean {
  return a.kind === b.kind && (a.kind !== 'errno' || (b.kind === 'errno' && a.errno === b.errno));
}

/** `Key=a b c` lines of at most ~100 characters. */
function lines(key: string, prefix: string, items: string[]): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  for (const it of items) {
    if (cur.length > 0 && `${key}=${prefix}${[...cur, it].join(' ')}`.length > 100) {
      out.push(`${key}=${prefix}${cur.join(' ')}`);
      cur = [];
    }
    cur.push(it);
  }
  if (cur.length > 0) out.push(`${key}=${prefix}${cur.join(' ')}`);
  return out;
}

export interface SystemdExportOptions {
  host: HostContext;
}

/** Writes the drop-in. Deterministic: names sorted, one layout. */
export function exportSystemdDropIn(p: Profile, o: SystemdExportOptions): ExportResult {
  const flat = flattenForHost(p, o.host);
  const lost = [...flat.lost];
  const notes: string[] = [];
  const cp = resolveProfile(flat.profile, o.host);
  const native = cp.architectures[0] ?? o.host.native;
  const universe = [...new Set(cp.architectures.flatMap((a) => syscallsOf(a)))].sort();
  const abiOf = (name: string): Arch => cp.architectures.find((a) => syscallsOf(a).includes(name)) ?? native;

  if (cp.flags.length > 0) lost.push(`flags ${cp.flags.join(', ')} cannot be set through systemd; dropped`);
  if (flat.profile.listenerPath !== undefined) lost.push(`listenerPath ${flat.profile.listenerPath}: systemd has no seccomp agent; dropped`);

  const defOutcome = defaultOutcome(cp);
  const denyList = defOutcome.action === 'allow' || defOutcome.action === 'log';
  let def = toAnswer(defOutcome, 'default action', lost);
  if (def.kind === 'errno' && def.errno === 0) {
    lost.push('default action: ERRNO 0 (fake success) cannot be SystemCallErrorNumber= (1..4095); exported as EPERM');
    def = { kind: 'errno', errno: DEFAULT_ERRNO };
  }

  const answers = new Map<string, Answer>();
  for (const name of universe) {
    const outcome = outcomeOf(cp, abiOf(name), name, lost);
    answers.set(name, outcome === undefined ? def : toAnswer(outcome, name, lost));
  }

  const filter: string[] = [];
  const logs: string[] = [];
  let needs248 = false;
  const allowed = universe.filter((n) => answers.get(n)?.kind === 'allow' || answers.get(n)?.kind === 'log');
  if (denyList) {
    const denied = universe
      .filter((n) => !allowed.includes(n))
      .map((n) => {
        const a = answers.get(n) as Answer;
        return a.kind === 'kill' ? n : `${n}${suffix(a)}`;
      });
    filter.push(...lines('SystemCallFilter', '~', denied));
    if (def.kind === 'log') {
      const quiet = universe.filter((n) => answers.get(n)?.kind !== 'log');
      if (quiet.length > 0) logs.push(...lines('SystemCallLog', '~', quiet));
      else {
        logs.push(...lines('SystemCallLog', '', universe));
        lost.push("default action LOG: syscalls unknown to clawfence's table are allowed without being logged");
      }
    } else {
      logs.push(
        ...lines(
          'SystemCallLog',
          '',
          universe.filter((n) => answers.get(n)?.kind === 'log'),
        ),
      );
    }
  } else {
    const implicit = new Set(groupMembers('@default'));
    filter.push(...lines('SystemCallFilter', '', allowed.length > 0 ? allowed : ['@default']));
    const removals: string[] = [];
    for (const n of universe) {
      const a = answers.get(n) as Answer;
      if (a.kind === 'allow' || a.kind === 'log') continue;
      if (!sameDeny(a, def)) {
        removals.push(`${n}${suffix(a)}`);
        needs248 = true;
      } else if (implicit.has(n)) {
        removals.push(n);
      }
    }
    filter.push(...lines('SystemCallFilter', '~', removals));
    logs.push(
      ...lines(
        'SystemCallLog',
        '',
        universe.filter((n) => answers.get(n)?.kind === 'log'),
      ),
    );
    if (answers.get('write')?.kind !== 'allow' && answers.get('write')?.kind !== 'log' && universe.includes('write')) {
      lost.push('write: newer systemd versions allow write() for their own hand-off to the service, whatever the filter says');
    }
  }

  if (needs248)
    notes.push(
      'per-syscall error numbers in an allow list (~name:ERRNO) need systemd 248 or later; older versions answer those syscalls with SystemCallErrorNumber=',
    );
  if (denyList) notes.push("a deny list only blocks the names the host's libseccomp knows; syscalls newer than it stay allowed");
  else notes.push('systemd skips names its libseccomp does not know, so in an allow list they stay denied');
  const arches = cp.architectures.map((a) => ARCH_INFO[a].systemd ?? a);
  const errorNumber = denyList ? '' : def.kind === 'errno' ? errnoText(def.errno) : '';
  const header = [
    `# clawfence: seccomp profile as a systemd drop-in, resolved for ${describeHost(o.host)}.`,
    '# Install as /etc/systemd/system/UNIT.d/seccomp.conf, then run: systemctl daemon-reload',
    `# ${denyList ? 'Deny list' : 'Allow list'}: ${allowed.length} of ${universe.length} syscalls allowed${allowed.length > 0 ? ` — ${describeGroups(allowed, { maxOther: 12 })}` : ''}`,
    ...(denyList
      ? ["# A deny list only blocks names the host's libseccomp knows; newer syscalls stay allowed."]
      : ['# systemd also allows its @default set; the ~ lines remove the members this profile denies (as of systemd 252).']),
    ...(needs248 ? ['# Per-syscall error numbers in an allow list (~name:ERRNO) need systemd 248 or later.'] : []),
  ];
  const body = [
    '[Service]',
    'SystemCallArchitectures=',
    `SystemCallArchitectures=${arches.join(' ')}`,
    'SystemCallFilter=',
    ...filter,
    `SystemCallErrorNumber=${errorNumber}`,
    'SystemCallLog=',
    ...logs,
  ];
  return { text: `${[...header, ...body].join('\n')}\n`, lost, notes };
}
