// Which kernel records belong to the tool's profile (pure: the caller reads /proc). A record names
// a pid, comm, exe, ABI and syscall, never the container or the profile, so attribution is by
// evidence, and what cannot be attributed is counted with its reason:
//   - time: only records at or after --since (and before --until);
//   - container: with --container, the pid's cgroup must name the container; a pid that is gone
//     (the container exited) cannot be checked and is set aside unless --include-gone;
//   - process: with --exe/--comm, only those executables or process names;
//   - the profile itself: a record whose action the profile cannot have returned for that syscall
//     (a LOG record of a syscall it allows outright, an ABI it does not load) came from another filter.

import type { ConcreteProfile } from '../profile/model.js';
import { decideOutcome } from '../evaluator/evaluate.js';
import type { SeccompRecord } from './records.js';

export type NotAttributed =
  'before-since' | 'after-until' | 'unknown-syscall' | 'other-container' | 'pid-gone' | 'other-process' | 'not-this-profile' | 'runtime-action';

export const NOT_ATTRIBUTED_TEXT: Readonly<Record<NotAttributed, string>> = {
  'before-since': 'before --since',
  'after-until': 'after --until',
  'unknown-syscall': 'ABI or syscall number clawfence does not know',
  'other-container': "the pid is alive in another container's cgroup",
  'pid-gone': 'the pid has exited, so its container cannot be checked (--include-gone counts them)',
  'other-process': 'not one of the --exe/--comm processes',
  'not-this-profile': 'the profile cannot have returned that action for that call (another filter wrote it)',
  'runtime-action': 'an action learning does not use (trap, trace, notify, allow)',
};

export interface AttributionOptions {
  /** The profile as loaded for this host (deny or log tier). */
  profile: ConcreteProfile;
  sinceMs?: number;
  untilMs?: number;
  /** With --container: the cgroup lookup (undefined: the pid is gone) and the container id. */
  container?: { id: string; cgroupOf: (pid: number) => string | undefined; includeGone?: boolean };
  exes?: readonly string[];
  comms?: readonly string[];
}

export interface Attribution {
  records: SeccompRecord[];
  notAttributed: { reason: NotAttributed; count: number; examples: string[] }[];
}

/** Whether a cgroup path names this container (docker-<id>.scope, /docker/<id>, libpod-<id>, a prefix of ≥ 12 hex digits). */
export function cgroupNamesContainer(cgroup: string, id: string): boolean {
  const want = id.toLowerCase();
  if (!/^[0-9a-f]{12,64}$/.test(want)) return false;
  return [...cgroup.toLowerCase().matchAll(/[0-9a-f]{64}/g)].some((m) => m[0].startsWith(want));
}

/** Could the profile have given this call this action, for some argument values? Rules with
 * argument conditions can give another action than the zero-argument call: those count as possible. */
function consistent(cp: ConcreteProfile, r: SeccompRecord): boolean {
  if (r.abi === undefined || r.syscall === undefined) return false;
  if (!cp.architectures.includes(r.abi)) return r.action === 'kill_process' || r.action === 'kill_thread';
  const conditional = cp.rules.some((x) => x.names.includes(r.syscall ?? '') && x.args.length > 0);
  if (conditional) return true;
  const o = decideOutcome(cp, r.abi, r.syscall, [0n, 0n, 0n, 0n, 0n, 0n]);
  if (o.action !== r.action) return false;
  // The kernel logs the action without its data, so an errno record matches any errno.
  return r.action !== 'errno' || r.errno === undefined || o.errno === undefined || o.errno === r.errno;
}

function describe(r: SeccompRecord): string {
  return `${r.syscall ?? `#${r.nr}`} by ${r.comm}${r.exe === undefined ? '' : ` (${r.exe})`} pid ${r.pid} (line ${r.line})`;
}

/** Sorts the records into the profile's and the rest, each with its reason. */
export function attribute(records: readonly SeccompRecord[], o: AttributionOptions): Attribution {
  const out: SeccompRecord[] = [];
  const not = new Map<NotAttributed, { count: number; examples: string[] }>();
  const drop = (r: SeccompRecord, reason: NotAttributed): void => {
    const e = not.get(reason) ?? { count: 0, examples: [] };
    e.count++;
    if (e.examples.length < 3) e.examples.push(describe(r));
    not.set(reason, e);
  };
  const cgroups = new Map<number, string | undefined>();
  for (const r of records) {
    if (o.sinceMs !== undefined && r.timeMs < o.sinceMs) drop(r, 'before-since');
    else if (o.untilMs !== undefined && r.timeMs > o.untilMs) drop(r, 'after-until');
    else if (r.syscall === undefined) drop(r, 'unknown-syscall');
    else if (!['log', 'errno', 'kill_process', 'kill_thread'].includes(r.action)) drop(r, 'runtime-action');
    else if ((o.exes !== undefined && o.exes.length > 0) || (o.comms !== undefined && o.comms.length > 0)) {
      if (!(o.exes ?? []).includes(r.exe ?? '') && !(o.comms ?? []).includes(r.comm)) drop(r, 'other-process');
      else pushIfInContainer(r);
    } else pushIfInContainer(r);
  }
  function pushIfInContainer(r: SeccompRecord): void {
    if (o.container !== undefined) {
      if (!cgroups.has(r.pid)) cgroups.set(r.pid, o.container.cgroupOf(r.pid));
      const cg = cgroups.get(r.pid);
      if (cg === undefined) {
        if (o.container.includeGone !== true) return drop(r, 'pid-gone');
      } else if (!cgroupNamesContainer(cg, o.container.id)) return drop(r, 'other-container');
    }
    if (!consistent(o.profile, r)) return drop(r, 'not-this-profile');
    out.push(r);
  }
  return { records: out, notAttributed: [...not].map(([reason, v]) => ({ reason, ...v })) };
}
