// Replays syscalls against the kernel: runs the probe in a throw-away container under a seccomp
// profile with the real Docker engine (`docker run --security-opt seccomp=FILE`, never through a
// shell), two containers at a time, and reports what the kernel did. Baselines (the same call
// under an allow-all profile) are cached. docs/probes.md describes the method.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawfenceError } from '../errors.js';
import { discoverEngine, engineEnv } from '../engine/discover.js';
import type { Engine } from '../engine/engine-info.js';
import { firstLine, runCommand } from '../engine/run-command.js';
import { onCleanup, type CleanupHandle } from '../util/cleanup.js';
import { buildProbes, type ProbeBinaries } from './build-probe.js';
import type { EngineVersions } from '../evaluator/engine-delivery.js';
import { parseProbeRun, type KernelOutcome } from './outcome.js';

export const DEFAULT_IMAGE = 'debian:bookworm-slim';

/** Allows everything on every x86 ABI (so i386 calls are not killed as a foreign ABI). */
export const ALLOW_ALL_PROFILE = `${JSON.stringify(
  {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [],
  },
  null,
  2,
)}\n`;

/** One call for the probe. */
export interface ProbeCall {
  /** The ABI of the call: x86_64, or x86 (i386). */
  abi: 'x86_64' | 'x86';
  /** The syscall number on that ABI. */
  nr: number;
  /** Up to six argument values. */
  args: readonly bigint[];
  /** Which build makes the call: 'x86_64' (an i386 call then goes through int $0x80) or 'i386' (-m32). */
  binary: 'x86_64' | 'i386';
}

/** How the probe's container is started. */
export interface ContainerSpec {
  /** The seccomp profile (Docker JSON text) given to `--security-opt seccomp=`. */
  profile: string;
  /** Capabilities the container keeps (everything else is dropped), e.g. ["CAP_AUDIT_WRITE"]. */
  caps: readonly string[];
  /** An engine runtime other than the default (`--runtime`). */
  runtime?: string;
}

export interface ReplayerOptions {
  image?: string;
  /** Containers at a time (default 2). */
  parallel?: number;
  /** Per-container time limit (default 60 s). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ProbeRun {
  outcome: KernelOutcome;
  /** The docker argv used (for reports). */
  argv: string[];
}

/** The probe's own argv for a call. */
export function probeArgs(call: ProbeCall): string[] {
  const args = Array.from({ length: 6 }, (_, i) => `0x${(call.args[i] ?? 0n).toString(16)}`);
  const int80 = call.abi === 'x86' && call.binary === 'x86_64' ? ['--int80'] : [];
  return [...int80, String(call.nr), ...args];
}

/** The `docker run` argv for one probe container. */
export function dockerRunArgs(opts: {
  name: string;
  profileFile: string;
  probeDir: string;
  binary: string;
  image: string;
  spec: ContainerSpec;
  call: ProbeCall;
}): string[] {
  return [
    'run',
    '--rm',
    '--name',
    opts.name,
    '--network',
    'none',
    '--ulimit',
    'core=0',
    '--cap-drop',
    'ALL',
    ...opts.spec.caps.flatMap((c) => ['--cap-add', c]),
    ...(opts.spec.runtime === undefined ? [] : ['--runtime', opts.spec.runtime]),
    '--security-opt',
    `seccomp=${opts.profileFile}`,
    '-v',
    `${opts.probeDir}:/probe:ro`,
    '--entrypoint',
    `/probe/${opts.binary}`,
    opts.image,
    ...probeArgs(opts.call),
  ];
}

/** Runs at most `n` tasks at a time. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly n: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** The libseccomp version of the host's runc (`runc --version`), or '' when it cannot be told. */
async function runcLibseccomp(): Promise<string> {
  const r = await runCommand('runc', ['--version'], { timeoutMs: 10_000 });
  return /^libseccomp:\s*(\S+)/m.exec(r.stdout)?.[1] ?? '';
}

async function removeContainer(name: string, env: NodeJS.ProcessEnv): Promise<void> {
  await runCommand('docker', ['rm', '-f', name], { env, timeoutMs: 30_000 });
}

export class KernelReplayer {
  private readonly limiter: Limiter;
  private readonly baselines = new Map<string, Promise<KernelOutcome>>();
  private counter = 0;

  private constructor(
    readonly engine: Engine,
    readonly versions: EngineVersions & { libseccomp: string },
    readonly probes: ProbeBinaries,
    private readonly work: string,
    private readonly image: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly timeoutMs: number,
    parallel: number,
    private readonly live: Set<string>,
    private readonly cleanup: CleanupHandle,
  ) {
    this.limiter = new Limiter(parallel);
  }

  /** Finds the engine, checks the image, builds the probes. Throws ClawfenceError('environment') saying what is missing. */
  static async open(opts: ReplayerOptions = {}): Promise<KernelReplayer> {
    const engine = await discoverEngine(opts.env === undefined ? {} : { env: opts.env });
    const env = engineEnv(engine, opts.env);
    const image = opts.image ?? DEFAULT_IMAGE;
    const inspect = await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { env, timeoutMs: 30_000 });
    if (inspect.code !== 0) {
      throw new ClawfenceError('environment', `the image ${image} is not on the engine at ${engine.dockerHost}: ${firstLine(inspect.stderr)}`, {
        hint: 'run `sudo bash scripts/setup-host.sh`: it builds the offline base image',
      });
    }
    const work = await mkdtemp(join(tmpdir(), 'clawfence-replay-'));
    const live = new Set<string>();
    const handle = onCleanup(`kernel replay containers and files in ${work}`, async () => {
      for (const name of [...live]) await removeContainer(name, env);
      await rm(work, { recursive: true, force: true });
    });
    try {
      const probesDir = join(work, 'probe');
      await mkdir(probesDir, { mode: 0o755 });
      const probes = await buildProbes(probesDir);
      const versions = { serverVersion: engine.serverVersion, runcVersion: engine.components['runc'] ?? '', libseccomp: await runcLibseccomp() };
      return new KernelReplayer(engine, versions, probes, work, image, env, opts.timeoutMs ?? 60_000, opts.parallel ?? 2, live, handle);
    } catch (e) {
      await handle.run();
      throw e;
    }
  }

  /** Why this replayer cannot make `call` (undefined: it can). */
  cannotRun(call: Pick<ProbeCall, 'abi' | 'binary'>): string | undefined {
    if (call.binary === 'i386' && this.probes.i386 === undefined) return this.probes.i386Missing ?? 'no i386 probe';
    if (call.binary === 'i386' && call.abi !== 'x86') return 'the i386 probe makes i386 calls only';
    if (call.binary === 'x86_64' && call.abi === 'x86' && this.probes.int80Missing !== undefined) return this.probes.int80Missing;
    return undefined;
  }

  /** How many distinct baseline containers were started. */
  get baselineCount(): number {
    return this.baselines.size;
  }

  /** Runs the call in a container under `spec` and reports what the kernel did. */
  run(call: ProbeCall, spec: ContainerSpec): Promise<ProbeRun> {
    return this.limiter.run(() => this.runNow(call, spec));
  }

  /** The same call under an allow-all profile with the same capabilities (cached). */
  baseline(call: ProbeCall, caps: readonly string[]): Promise<KernelOutcome> {
    const key = JSON.stringify([call.abi, call.binary, call.nr, call.args.map(String), [...caps].sort()]);
    let hit = this.baselines.get(key);
    if (hit === undefined) {
      hit = this.run(call, { profile: ALLOW_ALL_PROFILE, caps }).then((r) => r.outcome);
      this.baselines.set(key, hit);
    }
    return hit;
  }

  private async runNow(call: ProbeCall, spec: ContainerSpec): Promise<ProbeRun> {
    const binary = call.binary === 'i386' ? this.probes.i386 : this.probes.x86_64;
    const why = this.cannotRun(call);
    if (why !== undefined || binary === undefined) throw new ClawfenceError('environment', `cannot replay this call: ${why ?? 'no probe'}`);
    const n = ++this.counter;
    const name = `clawfence-replay-${process.pid}-${n}`;
    const profileFile = join(this.work, `profile-${n}.json`);
    await writeFile(profileFile, spec.profile, { mode: 0o600 });
    const argv = dockerRunArgs({ name, profileFile, probeDir: this.probes.dir, binary, image: this.image, spec, call });
    this.live.add(name);
    try {
      const r = await runCommand('docker', argv, { env: this.env, timeoutMs: this.timeoutMs });
      if (r.failure === 'timeout') {
        await removeContainer(name, this.env);
        return {
          argv,
          outcome: {
            kind: 'probe-failed',
            message: `the container did not finish in ${this.timeoutMs / 1000} s (if the profile kills a syscall runc makes after loading the filter, runc init hangs)`,
          },
        };
      }
      if (r.failure !== undefined) return { argv, outcome: { kind: 'probe-failed', message: `docker ${r.failure}: ${firstLine(r.stderr)}` } };
      return { argv, outcome: parseProbeRun(r.code, r.stdout, r.stderr) };
    } finally {
      this.live.delete(name);
      await rm(profileFile, { force: true });
    }
  }

  /** Removes leftover containers and every temp file. */
  async close(): Promise<void> {
    await this.cleanup.run();
  }
}
