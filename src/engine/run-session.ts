// Runs the user's exact `docker run …` / `podman run …` with clawfence's options added, passes the
// tool's stdout, stderr and exit code through unchanged, waits for detached containers, and
// removes every container of the run on any exit path (Ctrl-C included).

import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { ClawfenceError } from '../errors.js';
import { interruptedBy, onCleanup } from '../util/cleanup.js';
import { withRunOptions, type RunCommand } from './run-argv.js';

const exec = promisify(execFile);

export interface RunOutcome {
  /** The exit code the user's command returned (for -d, the container's own exit code is in `containerExit`). */
  exitCode: number;
  containerIds: string[];
  /** Exit code of the (first) container, waited for when the command detached. */
  containerExit?: number;
  /** The run did not finish within the timeout: its containers were removed. */
  timedOut?: true;
}

/** A run that did not finish within its timeout (its containers were removed). */
export class RunTimeoutError extends ClawfenceError {
  constructor(what: string, timeoutMs: number) {
    super('environment', `${what} did not finish within ${timeoutMs / 1000} s: its containers were removed`, {
      hint: 'raise --timeout (0: none), or check that the workload ends on its own',
    });
  }
}

export interface RunOptions {
  /** Label value identifying this run's containers (clawfence.run=<id>). */
  runId: string;
  /** Extra run options (seccomp profile, cgroup parent, …), inserted after `run`. */
  extra: string[];
  env: NodeJS.ProcessEnv;
  /** inherit: the tool's output goes straight to ours; pipe: captured only; tee: captured and
   * copied to ours as it comes. */
  stdio?: 'inherit' | 'pipe' | 'tee';
  /** Remove the run's containers when it has not finished after this long (also detached ones). */
  timeoutMs?: number;
}

/** Runs an engine command for clawfence's own queries (no shell; the user's global options kept). */
export async function engineQuery(cmd: RunCommand, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await exec(cmd.binary, [...cmd.globalOpts, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export async function containersOfRun(cmd: RunCommand, runId: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const out = await engineQuery(cmd, ['ps', '-aq', '--no-trunc', '--filter', `label=clawfence.run=${runId}`], env);
  return out
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export async function removeContainersOfRun(cmd: RunCommand, runId: string, env: NodeJS.ProcessEnv): Promise<void> {
  const ids = await containersOfRun(cmd, runId, env).catch(() => [] as string[]);
  if (ids.length > 0) await exec(cmd.binary, [...cmd.globalOpts, 'rm', '-f', ...ids], { env }).catch(() => undefined);
}

/** The exit events of a run's containers, streamed by the engine from a moment before the run:
 * a detached `--rm` container that exits at once is gone before `wait` could ask about it. */
function watchExits(cmd: RunCommand, runId: string, env: NodeJS.ProcessEnv): { first: Promise<{ id: string; code: number } | undefined>; stop(): void } {
  const since = new Date(Date.now() - 1000).toISOString();
  const [event, format] =
    cmd.engine === 'docker' ? ['die', '{{.Actor.ID}} {{index .Actor.Attributes "exitCode"}}'] : ['died', '{{.ID}} {{.ContainerExitCode}}'];
  const child = spawn(
    cmd.binary,
    [...cmd.globalOpts, 'events', '--since', since, '--filter', `label=clawfence.run=${runId}`, '--filter', `event=${event}`, '--format', format],
    { env, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const first = new Promise<{ id: string; code: number } | undefined>((resolve) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /^(\S+) (-?\d+)$/m.exec(buf);
      if (m !== null) resolve({ id: m[1] ?? '', code: Number(m[2]) });
    });
    child.on('close', () => resolve(undefined));
    child.on('error', () => resolve(undefined));
  });
  return { first, stop: () => child.kill() };
}

export async function runContainer(cmd: RunCommand, o: RunOptions): Promise<RunOutcome & { stdout: string; stderr: string }> {
  const argv = withRunOptions(cmd, ['--label', `clawfence.run=${o.runId}`, ...o.extra]);
  const containersStep = onCleanup(`containers of run ${o.runId}`, () => removeContainersOfRun(cmd, o.runId, o.env));
  const exits = cmd.detach ? watchExits(cmd, o.runId, o.env) : undefined;
  const exitsStep = exits === undefined ? undefined : onCleanup(`events of run ${o.runId}`, () => exits.stop());
  const mode = o.stdio ?? 'inherit';
  const child = spawn(argv[0] ?? cmd.binary, argv.slice(1), { env: o.env, stdio: mode === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // A run that never ends (a workload that hangs; once seen here, `runc init` hanging on a call the
  // profile kills after loading the filter) is ended by removing its containers, which ends the
  // engine's client too.
  let timedOut = false;
  const timer =
    o.timeoutMs === undefined || o.timeoutMs <= 0
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          exits?.stop();
          void removeContainersOfRun(cmd, o.runId, o.env).finally(() => child.kill('SIGKILL'));
        }, o.timeoutMs);
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (mode === 'tee') process.stdout.write(d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (mode === 'tee') process.stderr.write(d);
  });
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
  // Ctrl-C's cleanup removed the containers, which ended the run: it proves nothing, and the
  // signal handler owns the cleanup from here (it exits when done).
  const signal = interruptedBy();
  if (signal !== undefined) throw new ClawfenceError('environment', `interrupted (${signal})`, { hint: 'run it again' });
  const containerIds = await containersOfRun(cmd, o.runId, o.env).catch(() => [] as string[]);
  let containerExit: number | undefined;
  if (exits !== undefined) {
    // Detached and started: its exit event comes when it exits (it may have already).
    const died = exitCode === 0 ? await exits.first : undefined;
    if (died !== undefined) {
      containerExit = died.code;
      if (!containerIds.some((id) => id.startsWith(died.id) || died.id.startsWith(id))) containerIds.push(died.id);
    } else if (containerIds.length > 0) {
      const out = await engineQuery(cmd, ['wait', ...containerIds], o.env).catch(() => '');
      const first = Number.parseInt(out.trim().split('\n')[0] ?? '', 10);
      if (!Number.isNaN(first)) containerExit = first;
    }
    await exitsStep?.run();
  }
  clearTimeout(timer);
  if (timedOut) {
    await exitsStep?.run();
    await containersStep.run();
    return { exitCode, containerIds, timedOut: true, stdout, stderr };
  }
  // Containers without --rm stay as the user would have them; ours are only removed on abort. An
  // attached --rm container is usually gone already (the ps above found none): nothing to do.
  containersStep.dismiss();
  if (cmd.rm && containerIds.length > 0) await exec(cmd.binary, [...cmd.globalOpts, 'rm', '-f', ...containerIds], { env: o.env }).catch(() => undefined);
  return { exitCode, containerIds, ...(containerExit === undefined ? {} : { containerExit }), stdout, stderr };
}
