// What the workloads did not show (docs/coverage.md): from the footprint of every run of every
// workload, the syscalls seen in one workload only and those seen in only some runs of a workload
// (unstable); from the execs the runs recorded and the image's own files, the executables of the
// image no workload ran; the syscalls a profile added by generalisation, by risk tier (given by
// the caller); and a short list of what to record next. Pure: no engine, no file.

import type { ImageListing } from '../engine/image-files.js';
import type { Footprint } from '../footprint/model.js';
import type { Arch } from '../syscalls/arch.js';
import { defaultExecutable, ImageTree } from './image-paths.js';

export const COVERAGE_SCHEMA_VERSION = 1;

/** One recording: the footprint of run `run` (1-based) of a workload. */
export interface CoverageRun {
  workload: string;
  run: number;
  footprint: Footprint;
}

/** The risk tiers of the syscall catalog (issue 10's benign / moderate / dangerous). */
export type RiskTier = 'benign' | 'moderate' | 'dangerous';

/** A syscall the profile allows by generalisation rather than because a run made it: the hook for
 * `--generalize` levels, filled by whoever generalised. */
export interface GeneralisedSyscall {
  abi: Arch;
  syscall: string;
  tier: RiskTier;
  /** Why it was added ("companion of openat: the same operation through another entry point"). */
  reason: string;
}

/** An image the workloads ran, and its files when they could be listed. */
export interface CoverageImage {
  ref: string;
  /** The workloads that run it. */
  workloads: string[];
  listing?: ImageListing;
  /** Why it was not listed. */
  error?: string;
}

export interface CoverageInput {
  runs: readonly CoverageRun[];
  /** Runs per workload (--repeat). */
  repeat: number;
  images?: readonly CoverageImage[];
  generalised?: readonly GeneralisedSyscall[];
}

export interface SingleWorkloadSyscall {
  abi: Arch;
  syscall: string;
  workload: string;
  /** Calls over all of that workload's runs. */
  count: number;
}

export interface UnstableSyscall {
  abi: Arch;
  syscall: string;
  workload: string;
  /** The runs (1-based) that made it. */
  seenIn: number[];
  runs: number;
}

export interface ImageCoverage {
  image: string;
  workloads: string[];
  /** listed: the image's files were read; not-listed: they could not be (reason); not-recorded:
   * some run's recorder did not record execs (reason). */
  status: 'listed' | 'not-listed' | 'not-recorded';
  reason?: string;
  /** How many executables the image has (bin/sbin/libexec, and its default executable). */
  executables?: number;
  /** The image's files the workloads ran (as the paths they exec'd resolve), with those paths; a
   * script's interpreter is run by the kernel without an exec of its own. */
  ran?: { path: string; as: string[]; interpreterOf?: string[] }[];
  /** Executables of the image no workload ran, the image's default one first. */
  neverRun?: string[];
  /** The image's default executable (entrypoint, else command), resolved. */
  defaultExecutable?: string;
  /** Paths exec'd that are no executable file of the image (mounted in, /dev/fd/N, …). */
  notInImage?: string[];
}

export interface CoverageReport {
  schemaVersion: typeof COVERAGE_SCHEMA_VERSION;
  workloads: string[];
  repeat: number;
  /** Seen in exactly one workload (of two or more); the runtime's own calls left out. */
  singleWorkload: SingleWorkloadSyscall[];
  /** Seen in some but not all runs of a workload (with --repeat 2 or more). */
  unstable: UnstableSyscall[];
  images: ImageCoverage[];
  generalised?: { tier: RiskTier; syscalls: { abi: Arch; syscall: string; reason: string }[] }[];
  /** What to record next, most useful first. */
  next: string[];
}

const TIERS: readonly RiskTier[] = ['dangerous', 'moderate', 'benign'];
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The syscalls a run made itself (the container runtime's own calls left out: its calibration
 * covers them), as "abi/name" → count. */
function toolCalls(fp: Footprint): Map<string, number> {
  const out = new Map<string, number>();
  for (const [abi, uses] of Object.entries(fp.syscalls))
    for (const [name, u] of Object.entries(uses ?? {})) if (u.count > 0 && u.runtime !== true) out.set(`${abi}/${name}`, u.count);
  return out;
}

function splitKey(key: string): { abi: Arch; syscall: string } {
  const i = key.indexOf('/');
  return { abi: key.slice(0, i) as Arch, syscall: key.slice(i + 1) };
}

function workloadOrder(runs: readonly CoverageRun[]): string[] {
  const out: string[] = [];
  for (const r of runs) if (!out.includes(r.workload)) out.push(r.workload);
  return out;
}

export function singleWorkloadSyscalls(runs: readonly CoverageRun[]): SingleWorkloadSyscall[] {
  const workloads = workloadOrder(runs);
  if (workloads.length < 2) return [];
  const by = new Map<string, Map<string, number>>(); // abi/name → workload → count
  for (const r of runs)
    for (const [key, n] of toolCalls(r.footprint)) {
      const m = by.get(key) ?? new Map<string, number>();
      by.set(key, m);
      m.set(r.workload, (m.get(r.workload) ?? 0) + n);
    }
  const out: SingleWorkloadSyscall[] = [];
  for (const [key, m] of by) {
    if (m.size !== 1) continue;
    const [workload, count] = [...m][0] as [string, number];
    out.push({ ...splitKey(key), workload, count });
  }
  return out.sort((a, b) => workloads.indexOf(a.workload) - workloads.indexOf(b.workload) || byText(a.abi, b.abi) || byText(a.syscall, b.syscall));
}

export function unstableSyscalls(runs: readonly CoverageRun[], repeat: number): UnstableSyscall[] {
  if (repeat < 2) return [];
  const out: UnstableSyscall[] = [];
  for (const w of workloadOrder(runs)) {
    const mine = runs.filter((r) => r.workload === w);
    const seen = new Map<string, number[]>();
    for (const r of mine) for (const key of toolCalls(r.footprint).keys()) seen.set(key, [...(seen.get(key) ?? []), r.run]);
    for (const [key, inRuns] of seen)
      if (inRuns.length < mine.length) out.push({ ...splitKey(key), workload: w, seenIn: [...inRuns].sort((a, b) => a - b), runs: mine.length });
  }
  const order = workloadOrder(runs);
  return out.sort((a, b) => order.indexOf(a.workload) - order.indexOf(b.workload) || byText(a.abi, b.abi) || byText(a.syscall, b.syscall));
}

/** Lower sorts first: the image's default executable, then the tool's own places, then the rest. */
function neverRunRank(path: string, dflt: string | undefined): number {
  if (path === dflt) return 0;
  if (/^\/(usr\/local|opt|app|srv|home)\//.test(path)) return 1;
  return 2;
}

export function imageCoverage(img: CoverageImage, runs: readonly CoverageRun[]): ImageCoverage {
  const base = { image: img.ref, workloads: [...img.workloads] };
  const mine = runs.filter((r) => img.workloads.includes(r.workload));
  const unrecorded = mine.find((r) => r.footprint.executables === undefined);
  if (unrecorded !== undefined) {
    const rec = unrecorded.footprint.provenance?.recorder;
    return {
      ...base,
      status: 'not-recorded',
      reason: `run ${unrecorded.run} of ${unrecorded.workload} has no list of execs (recorder ${rec === undefined ? 'unknown' : `${rec.name} ${rec.version}`}; execs are recorded from version 3)`,
    };
  }
  if (img.listing === undefined) return { ...base, status: 'not-listed', reason: img.error ?? 'the image was not listed' };
  const listing = img.listing;
  const tree = new ImageTree(listing.files);
  const dflt = defaultExecutable(tree, listing);
  const executables = tree.binExecutables();
  if (dflt !== undefined) executables.add(dflt);
  const ran = new Map<string, { as: Set<string>; interpreterOf: Set<string> }>();
  const notInImage = new Set<string>();
  const mark = (file: string, as?: string, interpreterOf?: string): void => {
    const m = ran.get(file) ?? { as: new Set<string>(), interpreterOf: new Set<string>() };
    ran.set(file, m);
    if (as !== undefined) m.as.add(as);
    if (interpreterOf !== undefined) m.interpreterOf.add(interpreterOf);
  };
  for (const r of mine)
    for (const e of r.footprint.executables ?? []) {
      const file = tree.resolve(e.path, listing.workingDir);
      if (file === undefined) {
        notInImage.add(e.path);
        continue;
      }
      mark(file, e.path);
      // A script's interpreter (and its interpreter's, up to the kernel's limit of 4) runs too.
      let script = file;
      for (let depth = 0; depth < 4; depth++) {
        const interp = tree.file(script)?.interpreter;
        const next = interp === undefined ? undefined : tree.resolve(interp, '/');
        if (next === undefined) break;
        mark(next, undefined, script);
        script = next;
      }
    }
  const neverRun = [...executables].filter((p) => !ran.has(p)).sort((a, b) => neverRunRank(a, dflt) - neverRunRank(b, dflt) || byText(a, b));
  return {
    ...base,
    status: 'listed',
    executables: executables.size,
    ran: [...ran]
      .sort(([a], [b]) => byText(a, b))
      .map(([path, m]) => ({
        path,
        as: [...m.as].sort(byText),
        ...(m.interpreterOf.size === 0 ? {} : { interpreterOf: [...m.interpreterOf].sort(byText) }),
      })),
    neverRun,
    ...(dflt === undefined ? {} : { defaultExecutable: dflt }),
    notInImage: [...notInImage].sort(byText),
  };
}

/** What a syscall seen on one path suggests about the others (a reason a tool author can check). */
const KINDS: readonly { kind: string; names: readonly string[] }[] = [
  {
    kind: 'write or move files',
    names: [
      'fsync',
      'fdatasync',
      'sync_file_range',
      'rename',
      'renameat',
      'renameat2',
      'unlink',
      'unlinkat',
      'mkdir',
      'mkdirat',
      'rmdir',
      'ftruncate',
      'truncate',
      'fallocate',
      'link',
      'linkat',
      'symlink',
      'symlinkat',
      'fchmod',
      'chmod',
      'fchmodat',
      'utimensat',
    ],
  },
  { kind: 'run subprocesses', names: ['clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'wait4', 'waitid', 'pipe', 'pipe2', 'dup2', 'dup3'] },
  {
    kind: 'use the network',
    names: [
      'socket',
      'socketpair',
      'connect',
      'bind',
      'listen',
      'accept',
      'accept4',
      'sendto',
      'recvfrom',
      'sendmsg',
      'recvmsg',
      'sendmmsg',
      'recvmmsg',
      'getsockopt',
      'setsockopt',
      'getsockname',
      'getpeername',
      'shutdown',
    ],
  },
  {
    kind: 'wait on files, sockets or timers',
    names: [
      'inotify_init',
      'inotify_init1',
      'inotify_add_watch',
      'inotify_rm_watch',
      'epoll_create',
      'epoll_create1',
      'epoll_ctl',
      'epoll_wait',
      'epoll_pwait',
      'epoll_pwait2',
      'poll',
      'ppoll',
      'select',
      'pselect6',
      'timerfd_create',
      'timerfd_settime',
      'eventfd',
      'eventfd2',
    ],
  },
  { kind: 'start threads', names: ['set_robust_list', 'rseq', 'sched_getaffinity', 'sched_yield'] },
];

function kindOf(syscall: string): string | undefined {
  return KINDS.find((k) => k.names.includes(syscall))?.kind;
}

function list(names: readonly string[], max = 6): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function nextSteps(r: Omit<CoverageReport, 'next'>): string[] {
  const out: string[] = [];
  // 1. The default executable never ran, and the tool's own executables that never ran.
  for (const img of r.images) {
    if (img.status !== 'listed') {
      out.push(
        `${img.image}: executables not compared (${img.reason ?? img.status}); ${img.status === 'not-recorded' ? 're-record with this clawfence' : 'check that the engine can create and export it'}`,
      );
      continue;
    }
    const own = (img.neverRun ?? []).filter((p) => neverRunRank(p, img.defaultExecutable) < 2);
    for (const p of own.slice(0, 3))
      out.push(`run a workload that exercises ${p} (in ${img.image}${p === img.defaultExecutable ? ', its default executable' : ''}, never run)`);
    const others = (img.neverRun ?? []).length - Math.min(own.length, 3);
    if (others > 0)
      out.push(
        `${others} other executable${others === 1 ? '' : 's'} of ${img.image} never ran (${list(
          (img.neverRun ?? []).filter((p) => !own.slice(0, 3).includes(p)),
          3,
        )}): if the tool can run any of them, add a workload that does (the full list is in the --coverage report)`,
      );
  }
  // 2. Unstable, per workload.
  const unstableBy = new Map<string, UnstableSyscall[]>();
  for (const u of r.unstable) unstableBy.set(u.workload, [...(unstableBy.get(u.workload) ?? []), u]);
  for (const [w, us] of unstableBy) {
    const n = us[0]?.runs ?? r.repeat;
    const shown = us.map((u) => `${u.syscall} (${u.seenIn.length} of ${n})`);
    out.push(
      `${list(shown, 4)} ${us.length === 1 ? 'was' : 'were'} seen in only some of the ${n} runs of ${w}: record it with --repeat ${Math.max(5, 2 * n)}, or make the path that needs ${us.length === 1 ? 'it' : 'them'} a workload of its own`,
    );
  }
  // 3. Seen in one workload only, per workload and kind.
  const singleBy = new Map<string, Map<string, string[]>>();
  for (const s of r.singleWorkload) {
    const m = singleBy.get(s.workload) ?? new Map<string, string[]>();
    singleBy.set(s.workload, m);
    const kind = kindOf(s.syscall) ?? '';
    m.set(kind, [...new Set([...(m.get(kind) ?? []), s.syscall])]);
  }
  for (const [w, kinds] of singleBy)
    for (const [kind, names] of [...kinds].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : byText(a, b)))) {
      const it = names.length === 1 ? 'it' : 'them';
      out.push(
        kind === ''
          ? `${list(names)} ${names.length === 1 ? 'was' : 'were'} seen only in ${w}: other paths of the tool that do what ${w} does may need ${it}; record them as workloads`
          : `${list(names)} ${names.length === 1 ? 'was' : 'were'} seen only in ${w}: other paths that ${kind} may need ${it}`,
      );
    }
  // 4. Generalised syscalls above the lowest tier.
  for (const g of r.generalised ?? [])
    if (g.tier !== 'benign')
      out.push(
        `${g.syscalls.length} syscall${g.syscalls.length === 1 ? '' : 's'} of the ${g.tier} tier ${g.syscalls.length === 1 ? 'is' : 'are'} allowed by generalisation, not by a recording (${list(
          g.syscalls.map((s) => s.syscall),
          4,
        )}): record a workload that makes ${g.syscalls.length === 1 ? 'it' : 'them'}, or generalise less`,
      );
  return out;
}

export function computeCoverage(input: CoverageInput): CoverageReport {
  const generalised =
    input.generalised === undefined
      ? undefined
      : TIERS.map((tier) => ({
          tier,
          syscalls: input
            .generalised!.filter((g) => g.tier === tier)
            .map((g) => ({ abi: g.abi, syscall: g.syscall, reason: g.reason }))
            .sort((a, b) => byText(a.abi, b.abi) || byText(a.syscall, b.syscall)),
        })).filter((g) => g.syscalls.length > 0);
  const report: Omit<CoverageReport, 'next'> = {
    schemaVersion: COVERAGE_SCHEMA_VERSION,
    workloads: workloadOrder(input.runs),
    repeat: input.repeat,
    singleWorkload: singleWorkloadSyscalls(input.runs),
    unstable: unstableSyscalls(input.runs, input.repeat),
    images: (input.images ?? []).map((img) => imageCoverage(img, input.runs)),
    ...(generalised === undefined ? {} : { generalised }),
  };
  return { ...report, next: nextSteps(report) };
}

/** The report for the terminal: a few lines, and the first `maxNext` steps. */
export function describeCoverage(r: CoverageReport, opts: { maxNext?: number; file?: string } = {}): string[] {
  const maxNext = opts.maxNext ?? 6;
  const lines = [
    `coverage: ${r.workloads.length} workload${r.workloads.length === 1 ? '' : 's'}${r.repeat > 1 ? ` × ${r.repeat} runs` : ''}${opts.file === undefined ? '' : ` (report: ${opts.file})`}`,
  ];
  if (r.workloads.length > 1) {
    const n = new Set(r.singleWorkload.map((s) => `${s.abi}/${s.syscall}`)).size;
    lines.push(
      `  seen in one workload only: ${n} syscall${n === 1 ? '' : 's'}${
        n === 0
          ? ''
          : ` (${list(
              r.singleWorkload.map((s) => `${s.syscall} [${s.workload}]`),
              5,
            )})`
      }`,
    );
  }
  if (r.repeat > 1)
    lines.push(
      `  unstable (not in every run of a workload): ${r.unstable.length}${
        r.unstable.length === 0
          ? ''
          : ` (${list(
              r.unstable.map((u) => `${u.syscall} ${u.seenIn.length}/${u.runs} [${u.workload}]`),
              5,
            )})`
      }`,
    );
  for (const img of r.images) {
    if (img.status !== 'listed') lines.push(`  ${img.image}: executables not compared: ${img.reason ?? img.status}`);
    else
      lines.push(
        `  ${img.image}: ${img.executables ?? 0} executables, ${(img.ran ?? []).length} ran (${list(
          (img.ran ?? []).map((x) => x.path),
          4,
        )}), ${(img.neverRun ?? []).length} never run${(img.notInImage ?? []).length === 0 ? '' : `; also ran, not from the image: ${list(img.notInImage ?? [], 3)}`}`,
      );
  }
  for (const g of r.generalised ?? [])
    lines.push(
      `  generalised, ${g.tier}: ${list(
        g.syscalls.map((s) => s.syscall),
        8,
      )}`,
    );
  if (r.next.length > 0) {
    lines.push('what to record next:');
    for (const step of r.next.slice(0, maxNext)) lines.push(`  - ${step}`);
    if (r.next.length > maxNext)
      lines.push(`  … ${r.next.length - maxNext} more${opts.file === undefined ? ' (--coverage FILE has them all)' : ` in ${opts.file}`}`);
  }
  return lines;
}
