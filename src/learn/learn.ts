// `clawfence learn` as a library call: read the kernel log, parse the seccomp records, attribute
// them to the deployed profile, count what the kernel dropped, and propose the update
// (docs/learn.md). The CLI renders the result.

import type { Profile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import type { Arch } from '../syscalls/arch.js';
import type { Justification } from '../generator/justify.js';
import { LOG_FLAG, logTier, type UnrecordedMode } from '../generator/unrecorded.js';
import { attribute, type Attribution } from './attribute.js';
import { propose, type Proposal } from './propose.js';
import { parseKernelLog, type Suppression } from './records.js';

export interface LearnOptions {
  native: Arch;
  /** Where the text came from ("dmesg", a file). */
  source: string;
  sinceMs?: number;
  untilMs?: number;
  container?: { id: string; cgroupOf: (pid: number) => string | undefined; includeGone?: boolean };
  exes?: readonly string[];
  comms?: readonly string[];
  justifications?: readonly Justification[];
  reference?: Profile;
  /** printk's rate limit (kernel.printk_ratelimit, kernel.printk_ratelimit_burst) when the records came through printk. */
  ratelimit?: { intervalMs: number; burst: number };
  /** Write the proposal in the log tier again (the next round of learning), not enforcing. */
  unrecorded?: UnrecordedMode;
}

export interface LearnResult extends Proposal {
  /** The proposal in enforcing form (equal to profile unless --unrecorded log). */
  enforcing: Profile;
  source: string;
  /** Seccomp records in the text, and those attributed. */
  recordsRead: number;
  attribution: Attribution;
  /** Lines saying the kernel dropped messages, in the window (--since/--until) where their time is known. */
  suppressed: Suppression[];
  /** The sum of the counts the suppression lines give (a lower bound: some lines give none). */
  suppressedCount: number;
  unreadable: number[];
  /** printk windows in which the records reached the burst: more may have been dropped, and the
   * kernel says how many only with its next message (so a last window never shows it). */
  fullWindows: { startMs: number; records: number }[];
}

/** Greedy printk windows (a window opens at its first message and lasts intervalMs) that reached the burst. */
export function fullRatelimitWindows(timesMs: readonly number[], rl: { intervalMs: number; burst: number }): { startMs: number; records: number }[] {
  if (rl.intervalMs <= 0 || rl.burst <= 0) return [];
  const t = [...timesMs].sort((a, b) => a - b);
  const out: { startMs: number; records: number }[] = [];
  let i = 0;
  while (i < t.length) {
    const start = t[i] ?? 0;
    let j = i;
    while (j < t.length && (t[j] ?? 0) < start + rl.intervalMs) j++;
    if (j - i >= rl.burst) out.push({ startMs: start, records: j - i });
    i = j;
  }
  return out;
}

function inWindow(s: Suppression, o: LearnOptions): boolean {
  if (s.timeMs === undefined) return true;
  return (o.sinceMs === undefined || s.timeMs >= o.sinceMs - 5000) && (o.untilMs === undefined || s.timeMs <= o.untilMs + 5000);
}

export function learnFromLog(deployed: Profile, text: string, o: LearnOptions): LearnResult {
  const parsed = parseKernelLog(text);
  const cp = resolveProfile(deployed, { native: o.native, caps: [] });
  const attribution = attribute(parsed.records, {
    profile: cp,
    ...(o.sinceMs === undefined ? {} : { sinceMs: o.sinceMs }),
    ...(o.untilMs === undefined ? {} : { untilMs: o.untilMs }),
    ...(o.container === undefined ? {} : { container: o.container }),
    ...(o.exes === undefined ? {} : { exes: o.exes }),
    ...(o.comms === undefined ? {} : { comms: o.comms }),
  });
  const proposal = propose(deployed, attribution.records, {
    native: o.native,
    source: o.source,
    ...(o.justifications === undefined ? {} : { justifications: o.justifications }),
    ...(o.reference === undefined ? {} : { reference: o.reference }),
  });
  const enforcing = proposal.profile;
  if (o.unrecorded === 'log') {
    const deny =
      proposal.base.defaultAction === 'errno'
        ? { action: 'errno' as const, errno: proposal.base.defaultErrnoRet ?? 1 }
        : { action: proposal.base.defaultAction };
    proposal.profile = logTier(proposal.profile, {
      deny,
      justifications: [...(o.justifications ?? []), ...proposal.justified],
      logDenied: deployed.flags.includes(LOG_FLAG),
    });
  }
  // A ratelimit window is 5 s: a suppression line up to 5 s outside the window may count calls in it.
  const suppressed = parsed.suppressions.filter((s) => inWindow(s, o));
  return {
    ...proposal,
    enforcing,
    source: o.source,
    recordsRead: parsed.records.length,
    attribution,
    suppressed,
    suppressedCount: suppressed.reduce((n, s) => n + (s.count ?? 0), 0),
    unreadable: parsed.unreadable,
    fullWindows:
      o.ratelimit === undefined
        ? []
        : fullRatelimitWindows(
            parsed.records.map((r) => r.timeMs),
            o.ratelimit,
          ).filter((w) => (o.sinceMs === undefined || w.startMs + o.ratelimit!.intervalMs >= o.sinceMs) && (o.untilMs === undefined || w.startMs <= o.untilMs)),
  };
}
