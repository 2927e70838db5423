// `clawfence learn PROFILE [-o NEW] [--force] [--since T] [--until T] [--container ID] [--exe PATH]…
// [--comm NAME]… [--source auto|audit|journal|dmesg|kmsg] [--log FILE] [--allow NAME:REASON]…`:
// reads the kernel's seccomp records, attributes them to the deployed profile and proposes the
// update (a semantic diff, and the new profile). Exit 1 when a catalogued door is in the log and
// stays refused, or the proposal is wider than Docker's default on one (docs/learn.md).

import { diffProfiles, formatDiff } from '../../diff/index.js';
import { printDockerProfile } from '../../formats/docker.js';
import { loadProfile } from '../../formats/read.js';
import { describeWider } from '../../diff/doors.js';
import {
  cgroupOfPid,
  describeLearnRefusal,
  learnFromLog,
  NOT_ATTRIBUTED_TEXT,
  parseTimeSpec,
  printkRatelimit,
  readKernelLog,
  type LearnResult,
  type LogSource,
} from '../../learn/index.js';
import { describeArgValue } from '../../syscalls/constants.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { ClawfenceError } from '../../errors.js';
import { hostFromOptions } from '../host.js';
import { toJson, write } from '../output.js';
import { loadJustifications } from './generate.js';

export interface LearnCliOptions {
  output?: string;
  force?: boolean;
  since?: string;
  until?: string;
  container?: string;
  includeGone?: boolean;
  exe?: string[];
  comm?: string[];
  source: LogSource;
  log?: string;
  allow?: string[];
  justifications?: string;
  arch?: string;
  json?: boolean;
  unrecorded?: 'deny' | 'log';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The report lines (stderr when the profile goes to stdout). */
export function describeLearn(r: LearnResult, o: { profile: string; sinceMs?: number }): string[] {
  const lines = [
    `read ${r.recordsRead} seccomp record${r.recordsRead === 1 ? '' : 's'} from ${r.source}${o.sinceMs === undefined ? '' : ` (since ${iso(o.sinceMs)})`}; ${r.attribution.records.length} attributed to ${o.profile}`,
  ];
  for (const n of r.attribution.notAttributed) lines.push(`not attributed: ${n.count} — ${NOT_ATTRIBUTED_TEXT[n.reason]} (e.g. ${n.examples.join('; ')})`);
  if (r.unreadable.length > 0) lines.push(`unreadable: ${r.unreadable.length} type=1326 line(s), e.g. line ${r.unreadable[0] ?? 0}`);
  if (r.suppressed.length > 0) {
    const kinds = [...new Set(r.suppressed.map((s) => s.text.replace(/\d+/g, 'N')))].join('; ');
    lines.push(
      `suppressed: the kernel dropped at least ${r.suppressedCount} log message${r.suppressedCount === 1 ? '' : 's'} in ${r.suppressed.length} place${r.suppressed.length === 1 ? '' : 's'} (${kinds}): some of the tool's calls may be missing from this proposal — run the path again under the log tier and learn again (or raise kernel.printk_ratelimit_burst / run auditd, docs/learn.md#rate-limits)`,
    );
  }
  for (const w of r.fullWindows)
    lines.push(
      `rate limit: ${w.records} records within one printk window from ${iso(w.startMs)} reached the kernel's burst: more may have been dropped, and the kernel counts them ("callbacks suppressed") only with its next message — run the path again under the log tier and learn again`,
    );
  for (const l of r.learned) {
    const status = r.alreadyAllowed.includes(l.syscall)
      ? 'already allowed'
      : r.refusals.some((x) => x.syscall === l.syscall)
        ? 'REFUSED'
        : l.syscall === 'clone3'
          ? 'stays ENOSYS'
          : 'learned';
    lines.push(
      `${status}: ${l.syscall} — ${l.count} call${l.count === 1 ? '' : 's'} on ${l.abis.join(', ')} by ${l.by.map((b) => `${b.process} ${b.count}×`).join(', ')} (${l.actions.join(', ')})`,
    );
  }
  for (const j of r.justified) lines.push(`justified: ${j.syscall}: ${j.reason}`);
  for (const x of r.refusals) lines.push(describeLearnRefusal(x));
  for (const w of r.wider) lines.push(`warning: ${describeWider(w)}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines;
}

function withRatelimit(source: string): { ratelimit?: { intervalMs: number; burst: number } } {
  const rl = printkRatelimit(source);
  return rl === undefined ? {} : { ratelimit: rl };
}

export async function runLearn(profileFile: string, o: LearnCliOptions): Promise<number> {
  const now = Date.now();
  const host = hostFromOptions(o.arch === undefined ? {} : { arch: o.arch });
  const sinceMs = o.since === undefined ? undefined : parseTimeSpec(o.since, now, '--since');
  const untilMs = o.until === undefined ? undefined : parseTimeSpec(o.until, now, '--until');
  if (o.container !== undefined && !/^[0-9a-f]{12,64}$/i.test(o.container))
    throw new ClawfenceError('bad-input', `--container ${JSON.stringify(o.container)}: not a container id`, {
      hint: 'give the full or 12-digit id (docker ps --no-trunc); records are matched through the cgroups of pids still alive',
    });
  const justifications = loadJustifications(o);
  const deployed = loadProfile(profileFile).profile;
  const log = readKernelLog(o.source, o.log);
  const r = learnFromLog(deployed, log.text, {
    native: host.native,
    source: log.source,
    ...(sinceMs === undefined ? {} : { sinceMs }),
    ...(untilMs === undefined ? {} : { untilMs }),
    ...(o.container === undefined ? {} : { container: { id: o.container, cgroupOf: cgroupOfPid, includeGone: o.includeGone === true } }),
    ...(o.exe === undefined ? {} : { exes: o.exe }),
    ...(o.comm === undefined ? {} : { comms: o.comm }),
    justifications,
    ...(o.log === undefined ? withRatelimit(log.source) : {}),
    ...(o.unrecorded === 'log' ? { unrecorded: 'log' as const } : {}),
  });
  const text = printDockerProfile(r.profile);
  const describe = (s: string, i: number, v: bigint): string | undefined => describeArgValue(s, i, v);
  const d = diffProfiles(r.base, r.enforcing, { native: host.native, caps: [], describe });
  const tierNote =
    o.unrecorded === 'log' ? ['the proposal is written in the log tier (--unrecorded log) for the next round; the diff is of its enforcing form'] : [];
  const diffLines = d.isEmpty
    ? ['diff: nothing changes']
    : ['diff (A = the deployed profile in enforcing form, B = the proposal):', ...formatDiff(d, { labels: ['A', 'B'], describe })];
  if (o.output !== undefined) writeFileAtomic(o.output, text, { force: o.force === true });
  if (o.json === true) {
    write(
      toJson({
        profile: o.output ?? null,
        source: r.source,
        recordsRead: r.recordsRead,
        attributed: r.attribution.records.length,
        notAttributed: r.attribution.notAttributed,
        suppressed: r.suppressed,
        suppressedCount: r.suppressedCount,
        fullWindows: r.fullWindows,
        learned: r.learned,
        alreadyAllowed: r.alreadyAllowed,
        refusals: r.refusals,
        justified: r.justified.map((j) => j.text),
        wider: r.wider.map(describeWider),
        notes: r.notes,
        diff: d,
        ...(o.output === undefined ? { proposal: text } : {}),
      }),
    );
  } else {
    if (o.output === undefined) process.stdout.write(text);
    for (const l of [...describeLearn(r, { profile: profileFile, ...(sinceMs === undefined ? {} : { sinceMs }) }), ...diffLines, ...tierNote])
      process.stderr.write(`${l}\n`);
    if (o.output !== undefined) process.stderr.write(`clawfence: wrote ${o.output}\n`);
  }
  if (r.refusals.length > 0 || r.wider.length > 0) {
    process.stderr.write(
      `clawfence: ${r.refusals.length} catalogued door${r.refusals.length === 1 ? '' : 's'} in the log stay${r.refusals.length === 1 ? 's' : ''} denied${r.wider.length > 0 ? `, ${r.wider.length} wider than Docker's default` : ''}; justify what the tool really needs with --allow NAME:"reason"\n`,
    );
    return 1;
  }
  return 0;
}
