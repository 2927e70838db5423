// Runs the probe battery inside the tool's own container (docs/battery.md): the user's exact run
// options and image, the battery mounted read-only at /clawfence-probe, its `hold` as the
// container's process, and every probe through `docker exec` beside it, so the probes run with the
// tool's user, capabilities and options under the seccomp configuration given. The battery forks a
// child per probe; when the profile denies (or kills) the fork, the probes run in the exec'd process
// itself, one `alone` probe per process, so a profile that denies fork and pipe still gets every
// probe's answer. Every container is removed on every exit path.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawfenceError } from '../errors.js';
import { firstLine, runCommand } from '../engine/run-command.js';
import { withRunOptions, type RunCommand } from '../engine/run-argv.js';
import { removeContainersOfRun } from '../engine/run-session.js';
import { onCleanup } from '../util/cleanup.js';
import type { ProbeRaw, ProbeSpec } from './model.js';
import { parseBatteryOutput } from './protocol.js';

export const MOUNT_POINT = '/clawfence-probe';
const SIGSYS_EXIT = 128 + 31;

/** The seccomp configuration of one battery run. */
export type SeccompChoice =
  | { kind: 'unconfined' }
  /** The engine's built-in default: no --security-opt seccomp at all. */
  | { kind: 'builtin' }
  /** A Docker JSON profile (its text). */
  | { kind: 'profile'; text: string };

export interface BatteryRunOptions {
  /** The tool's run command; its image and options are used, its command is not. */
  cmd: RunCommand;
  seccomp: SeccompChoice;
  /** The directory holding the battery binary, and the binary's file name in it. */
  batteryDir: string;
  batteryFile: string;
  probes: readonly ProbeSpec[];
  env: NodeJS.ProcessEnv;
  /** Per exec (default 60 s). */
  timeoutMs?: number;
}

export interface BatteryRun {
  results: Map<string, ProbeRaw>;
  /** How many `exec`s it took, and whether the fork-per-probe mode had to be given up. */
  execs: number;
  forkDenied: boolean;
}

// Options of the user's that would take the container away from the battery: its entrypoint and
// name (ours are used), any seccomp option (the column's is used), detach/rm (we manage the
// container), interactive terminals.
const DROP_WITH_VALUE = new Set(['--entrypoint', '--name']);
const DROP_BOOL = new Set(['-d', '--detach', '--rm', '-i', '--interactive', '-t', '--tty', '-it', '-ti']);

/** The user's run options without the ones the battery replaces. */
export function batteryRunOptions(runOpts: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < runOpts.length; i++) {
    const a = runOpts[i] ?? '';
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (DROP_WITH_VALUE.has(name)) {
      if (eq < 0 || !a.startsWith('--')) i++;
      continue;
    }
    if (DROP_BOOL.has(a)) continue;
    if (name === '--security-opt') {
      const v = eq > 0 ? a.slice(eq + 1) : (runOpts[i + 1] ?? '');
      if (/^seccomp[=:]/.test(v)) {
        if (eq < 0) i++;
        continue;
      }
    }
    out.push(a);
  }
  return out;
}

/** The battery could not fork its child or wait for it: the probe is run again without a fork. */
function isForkFailure(raw: ProbeRaw): boolean {
  return raw.kind === 'harness' && (raw.what === 'fork' || raw.what === 'wait4');
}

/** The pid of the hold process inside the container: 1, or 2 behind an --init. */
function holdPid(runOpts: readonly string[]): number {
  return runOpts.includes('--init') ? 2 : 1;
}

async function engine(cmd: RunCommand, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
  return runCommand(cmd.binary, [...cmd.globalOpts, ...args], { env, timeoutMs });
}

/** Runs every probe once under one seccomp configuration. */
export async function runBattery(o: BatteryRunOptions): Promise<BatteryRun> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const runId = `battery-${randomUUID()}`;
  const tmp = await mkdtemp(join(tmpdir(), 'clawfence-battery-'));
  const cleanupTmp = onCleanup(`battery profile ${tmp}`, () => rm(tmp, { recursive: true, force: true }));
  const containers = onCleanup(`battery containers of ${runId}`, () => removeContainersOfRun(o.cmd, runId, o.env));
  try {
    const extra = ['-d', '--label', `clawfence.run=${runId}`, '--entrypoint', `${MOUNT_POINT}/${o.batteryFile}`, '-v', `${o.batteryDir}:${MOUNT_POINT}:ro`];
    if (o.cmd.network === undefined) extra.push('--network', 'none');
    if (o.seccomp.kind === 'unconfined') extra.push('--security-opt', 'seccomp=unconfined');
    if (o.seccomp.kind === 'profile') {
      const file = join(tmp, 'profile.json');
      await writeFile(file, o.seccomp.text);
      extra.push('--security-opt', `seccomp=${file}`);
    }
    const opts = batteryRunOptions(o.cmd.runOpts);
    const argv = withRunOptions({ ...o.cmd, runOpts: opts, command: ['hold'] }, extra);
    const started = await runCommand(argv[0] ?? o.cmd.binary, argv.slice(1), { env: o.env, timeoutMs });
    const id = started.stdout.trim().split('\n').at(-1) ?? '';
    if (started.code !== 0 || id === '') {
      throw new ClawfenceError(
        'environment',
        `the battery's container did not start: ${firstLine(started.stderr) || `exit ${started.code ?? started.failure ?? '?'}`}`,
        {
          hint:
            o.seccomp.kind === 'profile'
              ? 'the profile may deny what the runtime needs to start a container; check it with `clawfence verify`'
              : 'check the run command with the engine directly',
        },
      );
    }
    const target = String(holdPid(opts));
    const results = new Map<string, ProbeRaw>();
    const alone = new Set(o.probes.filter((p) => p.alone).map((p) => p.id));
    let pending = o.probes.map((p) => p.id);
    let noFork = false;
    let execs = 0;
    while (pending.length > 0) {
      // Without a fork, an `alone` probe gets a process of its own; the rest share one.
      const batch = noFork ? (alone.has(pending[0] ?? '') ? pending.slice(0, 1) : pending.filter((p) => !alone.has(p))) : pending;
      const args = ['exec', id, `${MOUNT_POINT}/${o.batteryFile}`, 'run', ...(noFork ? ['--no-fork'] : []), '--target', target, ...batch];
      execs++;
      const r = await engine(o.cmd, args, o.env, timeoutMs);
      const out = parseBatteryOutput(r.stdout);
      let progressed = false;
      for (const [pid, raw] of out.results) {
        if (isForkFailure(raw) && !noFork) continue; // rerun without a fork
        if (!results.has(pid)) progressed = true;
        results.set(pid, raw);
      }
      if (!noFork && (out.diedAtForkCheck || [...out.results.values()].some(isForkFailure))) {
        noFork = true;
        progressed = true;
      } else if (out.unfinished.length > 0) {
        // The process died in this probe: SIGSYS is seccomp's kill; anything else is the harness's failure.
        const dead = out.unfinished[0] ?? '';
        results.set(
          dead,
          r.code === SIGSYS_EXIT ? { kind: 'signalled', signal: 31 } : { kind: 'harness', what: `exec ended (${r.code ?? r.failure ?? '?'})`, errno: 0 },
        );
        progressed = true;
      }
      pending = pending.filter((p) => !results.has(p));
      if (!progressed) {
        // The exec printed nothing we can use: every probe left is reported as the harness's failure.
        const why = `exec ${r.code ?? r.failure ?? '?'}: ${firstLine(r.stderr) || 'no output'}`;
        for (const p of batch) results.set(p, { kind: 'harness', what: why, errno: 0 });
        pending = pending.filter((p) => !results.has(p));
      }
    }
    return { results, execs, forkDenied: noFork };
  } finally {
    await containers.run();
    await cleanupTmp.run();
  }
}
