// What the kernel did with one probe call (read from the probe's output and the container's exit
// status), what an evaluator decision predicts the probe will see, and whether the two agree.

import type { Decision } from '../evaluator/evaluate.js';
import { errnoName } from '../syscalls/errno.js';

const SIGSYS = 31;
const ENOSYS = 38;

/** What one probe container showed. */
export type KernelOutcome =
  /** The call returned: `errno` is 0 for success, else the error the kernel (or the filter) returned. */
  | { kind: 'returned'; ret: string; errno: number }
  /** SIGSYS reached the probe's handler (SECCOMP_RET_TRAP). */
  | { kind: 'trapped'; syscall: number; arch: number; errno: number }
  /** The calling thread died and the probe lived on (SECCOMP_RET_KILL_THREAD). */
  | { kind: 'thread-killed' }
  /** The probe was ready, then the whole process died of SIGSYS (SECCOMP_RET_KILL_PROCESS). */
  | { kind: 'process-killed' }
  /** The probe died of SIGSYS before it could report ready: its own start-up calls were killed. */
  | { kind: 'killed-at-start' }
  /** The container did not start: the engine or the runtime refused (e.g. libseccomp -EEXIST). */
  | { kind: 'refused'; message: string }
  /** Anything else: the replay itself is broken (not a verdict). */
  | { kind: 'probe-failed'; message: string };

/** What a decision predicts the probe sees. */
export type Expectation =
  | { kind: 'as-baseline' }
  | { kind: 'errno'; errno: number }
  | { kind: 'trapped' }
  | { kind: 'thread-killed' }
  | { kind: 'process-killed' }
  | { kind: 'killed-at-start' }
  | { kind: 'refused' };

export interface Judgement {
  agree: boolean;
  /** False when the decision's outcome cannot be told from the allowed call's (same errno). */
  distinct: boolean;
  why: string;
}

interface ProbeLine {
  phase?: string;
  outcome?: string;
  ret?: string;
  errno?: number;
  syscall?: number;
  arch?: number;
  message?: string;
}

function jsonLines(stdout: string): ProbeLine[] {
  const out: ProbeLine[] = [];
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      out.push(JSON.parse(t) as ProbeLine);
    } catch {
      // not a probe line
    }
  }
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 400);
}

/** Reads a probe container's result: `code` is `docker run`'s exit status. */
export function parseProbeRun(code: number | null, stdout: string, stderr: string): KernelOutcome {
  const lines = jsonLines(stdout);
  const ready = lines.some((l) => l.phase === 'ready');
  const last = lines.filter((l) => l.outcome !== undefined).at(-1);
  if (last !== undefined) {
    if (last.outcome === 'returned' && typeof last.ret === 'string' && typeof last.errno === 'number') {
      return { kind: 'returned', ret: last.ret, errno: last.errno };
    }
    if (last.outcome === 'trapped') return { kind: 'trapped', syscall: last.syscall ?? -1, arch: last.arch ?? 0, errno: last.errno ?? 0 };
    if (last.outcome === 'thread-killed') return { kind: 'thread-killed' };
    return { kind: 'probe-failed', message: `probe said ${last.outcome ?? '?'}: ${last.message ?? ''}` };
  }
  if (code === 128 + SIGSYS) return ready ? { kind: 'process-killed' } : { kind: 'killed-at-start' };
  // docker run: 125 = the daemon failed, 126/127 = the container command could not be invoked.
  if (code === 125 || code === 126 || code === 127) return { kind: 'refused', message: oneLine(stderr) };
  return { kind: 'probe-failed', message: `exit ${code ?? 'none'}; stdout: ${oneLine(stdout)}; stderr: ${oneLine(stderr)}` };
}

/**
 * What `decision` predicts the probe sees. `wholeAbiProcess`: the probe binary itself runs in the
 * call's ABI (the -m32 build for i386), so an ABI the filter does not list kills it at start-up.
 */
export function expectationOf(decision: Pick<Decision, 'action' | 'errno' | 'source' | 'conflicts'>, wholeAbiProcess = false): Expectation {
  if (decision.conflicts !== undefined && decision.conflicts.length > 0) return { kind: 'refused' };
  if (wholeAbiProcess && decision.source === 'bad-arch') return { kind: 'killed-at-start' };
  switch (decision.action) {
    case 'allow':
    case 'log':
      return { kind: 'as-baseline' };
    case 'errno':
      return { kind: 'errno', errno: decision.errno ?? 1 };
    // Without a tracer or a notification listener the kernel answers ENOSYS.
    case 'trace':
    case 'notify':
      return { kind: 'errno', errno: ENOSYS };
    case 'trap':
      return { kind: 'trapped' };
    case 'kill_thread':
      return { kind: 'thread-killed' };
    case 'kill_process':
      return { kind: 'process-killed' };
  }
}

/** A short text for an outcome, e.g. "returned ESRCH", "returned 0 (success)", "thread killed". */
export function describeOutcome(o: KernelOutcome): string {
  switch (o.kind) {
    case 'returned':
      return o.errno === 0 ? `returned ${o.ret} (success)` : `returned ${errnoName(o.errno)} (${o.errno})`;
    case 'trapped':
      return `trapped (SIGSYS, syscall ${o.syscall})`;
    case 'thread-killed':
      return 'thread killed (SIGSYS)';
    case 'process-killed':
      return 'process killed (SIGSYS)';
    case 'killed-at-start':
      return 'killed by SIGSYS at start-up';
    case 'refused':
      return `container refused: ${o.message}`;
    case 'probe-failed':
      return `probe failed: ${o.message}`;
  }
}

export function describeExpectation(e: Expectation): string {
  switch (e.kind) {
    case 'as-baseline':
      return "the allowed call's result";
    case 'errno':
      return `returned ${errnoName(e.errno)} (${e.errno})`;
    default:
      return e.kind.replace(/-/g, ' ');
  }
}

function sameResult(a: KernelOutcome, b: KernelOutcome): boolean {
  if (a.kind !== 'returned' || b.kind !== 'returned') return false;
  return a.errno === b.errno; // success (0) matches success whatever the value (a pid, an fd)
}

/** Whether the kernel's outcome is the expected one; `baseline` is the same call run allowed. */
export function judge(expect: Expectation, outcome: KernelOutcome, baseline: KernelOutcome | undefined): Judgement {
  const seen = describeOutcome(outcome);
  const wanted = describeExpectation(expect);
  if (expect.kind === 'as-baseline') {
    if (baseline === undefined || baseline.kind !== 'returned') {
      return { agree: false, distinct: true, why: `no usable baseline (${baseline === undefined ? 'none' : describeOutcome(baseline)})` };
    }
    const agree = sameResult(outcome, baseline);
    return { agree, distinct: true, why: `expected the allowed call's result (${describeOutcome(baseline)}), kernel: ${seen}` };
  }
  if (expect.kind === 'errno') {
    const agree = outcome.kind === 'returned' && outcome.errno === expect.errno;
    const distinct = !(baseline?.kind === 'returned' && baseline.errno === expect.errno);
    const note = distinct ? '' : ' (the allowed call fails with the same errno, so this row cannot tell the two apart)';
    return { agree, distinct, why: `expected ${wanted}, kernel: ${seen}${note}` };
  }
  return { agree: outcome.kind === expect.kind, distinct: true, why: `expected ${wanted}, kernel: ${seen}` };
}
