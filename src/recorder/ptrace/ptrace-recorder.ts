// The ptrace fallback recorder, for hosts where the eBPF one cannot load. The run cgroup is frozen
// before the container exists; the runtime's first process (runc/crun init) is frozen the moment
// the runtime moves it into the container's cgroup below it; strace -f attaches to it there and
// only then is the cgroup thawed. So strace sees every call of every task of the container from
// its first instruction — the runtime's calls after it installs the filter included — and the
// counter keeps exactly the calls made under the filter, as the eBPF recorder does. Tasks that
// enter the container later from outside (docker exec) are attached when seen, and a recording
// that missed any filtered call fails.

import { appendFileSync } from 'node:fs';
import { hostArch } from '../../syscalls/arch.js';
import { ClawfenceError } from '../../errors.js';
import type { RunCgroup } from '../cgroup.js';
import type { ActiveRecording, RawRecording, Recorder } from '../recorder.js';
import { processesUnder, setFrozen, taskInfo, thawQuietly, threadsOf, type TaskInfo } from './run-tasks.js';
import { runStrace, straceVersion, type StraceRun } from './strace.js';
import { TraceCounter } from './trace-counter.js';

/** 2: argument values recorded as tuples, like the eBPF recorder's 2; 3: the paths of successful
 * execs, like its 3. */
export const PTRACE_RECORDER_VERSION = '3';
const FIRST_POLL_MS = 5;
const LATER_POLL_MS = 50;
const ATTACH_TIMEOUT_MS = 10_000;
const EXIT_GRACE_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Attached {
  run: StraceRun;
  counter: TraceCounter;
  /** The threads strace attached to, as /proc showed them just before. */
  tasks: TaskInfo[];
}

/** Attaches one strace to these processes (all their threads) and resolves once the kernel shows
 * it as the tracer of every one of them. */
export async function attachStrace(pids: readonly number[]): Promise<Attached> {
  const counter = new TraceCounter();
  const tasks = pids.flatMap((p) =>
    threadsOf(p)
      .map((t) => taskInfo(p, t))
      .filter((t): t is TaskInfo => t !== undefined),
  );
  for (const t of tasks) counter.seed({ tid: t.tid, tgid: t.tgid, comm: t.comm, exe: t.exe, filtered: t.seccomp === 2 });
  const log = process.env['CLAWFENCE_PTRACE_LOG'];
  const run = runStrace(
    pids,
    log === undefined || log === ''
      ? (l) => counter.push(l)
      : (l) => {
          appendFileSync(log, `${l}\n`);
          counter.push(l);
        },
  );
  const until = Date.now() + ATTACH_TIMEOUT_MS;
  for (;;) {
    const pending = tasks.filter((t) => {
      const now = taskInfo(t.tgid, t.tid);
      return now !== undefined && now.tracerPid !== run.child.pid;
    });
    if (pending.length === 0) return { run, counter, tasks };
    if (run.child.exitCode !== null || Date.now() > until) {
      run.child.kill('SIGKILL');
      throw new ClawfenceError(
        'environment',
        `strace could not attach to ${pending.map((t) => `${t.comm} (${t.tid})`).join(', ')}: ${run.stderr().trim().split('\n').pop() ?? ''}`,
        {
          hint: 'the ptrace recorder needs root (CAP_SYS_PTRACE) and ptrace allowed (kernel.yama.ptrace_scope < 3)',
        },
      );
    }
    await sleep(2);
  }
}

export async function startPtraceRecording(cg: RunCgroup): Promise<ActiveRecording> {
  if (hostArch() !== 'x86_64') {
    throw new ClawfenceError('environment', `the ptrace recorder decodes x86 ABIs only; this host is ${hostArch()}`, { hint: 'record on an x86_64 host' });
  }
  const version = straceVersion();
  setFrozen(cg.dir, true);
  const attached: Attached[] = [];
  const missed: string[] = [];
  let failure: ClawfenceError | undefined;
  let stopping = false;

  const ours = (): Set<number> => new Set(attached.map((a) => a.run.child.pid ?? -1));

  const attach = async (pids: number[]): Promise<TaskInfo[]> => {
    const a = await attachStrace(pids);
    attached.push(a);
    return a.tasks;
  };

  const watch = async (): Promise<void> => {
    // 1. The cgroup is frozen: wait for the runtime's first process, attach, thaw.
    while (!stopping) {
      const pids = processesUnder(cg.dir);
      if (pids.length > 0) {
        try {
          await attach(pids);
        } finally {
          setFrozen(cg.dir, false);
        }
        break;
      }
      await sleep(FIRST_POLL_MS);
    }
    // 2. Anything that enters later without a tracer of ours came from outside (docker exec).
    while (!stopping) {
      await sleep(LATER_POLL_MS);
      const tracers = ours();
      for (const pid of processesUnder(cg.dir)) {
        // An exited task no longer has a tracer once strace has seen its exit; it is not a newcomer.
        const untraced = threadsOf(pid)
          .map((t) => taskInfo(pid, t))
          .filter((t): t is TaskInfo => t !== undefined && !t.exited && !tracers.has(t.tracerPid));
        if (untraced.length === 0 || stopping) continue;
        const seen = await attach([pid]).catch(() => untraced);
        // A newcomer already under the filter made calls strace never saw.
        for (const t of seen) if (t.seccomp === 2) missed.push(`${t.comm} (${t.tid})`);
      }
    }
  };

  const watching = watch().catch((e: unknown) => {
    failure = e instanceof ClawfenceError ? e : new ClawfenceError('environment', `the ptrace recorder failed: ${(e as Error).message}`, { cause: e });
    thawQuietly(cg.dir);
  });

  const endAll = async (graceMs: number): Promise<void> => {
    stopping = true;
    await watching;
    thawQuietly(cg.dir);
    await Promise.all(
      attached.map(async ({ run }) => {
        const t = setTimeout(() => run.child.kill('SIGINT'), graceMs);
        await run.done;
        clearTimeout(t);
      }),
    );
  };

  return {
    async abort() {
      for (const { run } of attached) run.child.kill('SIGKILL');
      await endAll(0);
    },
    async stop(): Promise<RawRecording> {
      // The container is gone: strace exits once its last tracee has; a lingering tracee is detached.
      await endAll(EXIT_GRACE_MS);
      if (failure !== undefined) throw failure;
      const syscalls = [];
      const args = [];
      const execs = new Map<string, number>();
      const problems: string[] = [];
      for (const { run, counter } of attached) {
        const r = counter.result();
        syscalls.push(...r.syscalls);
        args.push(...r.args);
        for (const e of r.execs) execs.set(e.path, (execs.get(e.path) ?? 0) + e.count);
        const { unparsed, unknownNr, args: badArgs, orphanLines } = counter.lost;
        if (unparsed > 0) problems.push(`${unparsed} trace lines not understood (e.g. ${JSON.stringify(counter.unparsedSample[0] ?? '')})`);
        if (unknownNr > 0) problems.push(`${unknownNr} calls whose number strace could not read`);
        if (badArgs > 0) problems.push(`${badArgs} argument values not printed as numbers`);
        if (orphanLines > 0) problems.push(`${orphanLines} calls of tasks whose parent was never seen`);
        const err = run
          .stderr()
          .split('\n')
          .filter((l) => l.startsWith('strace: ') && !/ (attached|detached)$/.test(l));
        if (err.length > 0) problems.push(`strace said: ${err.slice(0, 3).join('; ')}`);
      }
      if (missed.length > 0) problems.push(`tasks entered the container from outside and ran under the filter before strace attached: ${missed.join(', ')}`);
      if (problems.length > 0) {
        throw new ClawfenceError('environment', `the ptrace recorder lost events; the footprint would be incomplete: ${problems.join('; ')}`, {
          hint: 're-run the recording without `docker exec` into the container meanwhile; if it persists, report it with `clawfence doctor` output',
        });
      }
      return {
        recorder: 'ptrace',
        version: `${PTRACE_RECORDER_VERSION} (strace ${version})`,
        syscalls,
        args,
        execs: [...execs].map(([path, count]) => ({ path, count })),
        lost: { outOfRange: 0, firstSeen: 0, args: 0, execs: 0 },
        note: 'recorded with ptrace (strace -f), the fallback where eBPF is unavailable: same boundary and ABIs, slower; exe is the path given to execve',
      };
    },
  };
}

/** The ptrace fallback: strace -f on the run cgroup's tasks, frozen until it is attached. */
export const ptraceRecorder: Recorder = { name: 'ptrace', start: startPtraceRecording };
