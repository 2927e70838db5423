// Helpers for live tests: the real engine, compiled probe programs, the built CLI, recording a
// workload through it, and what a run may leave behind.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Footprint, SyscallUse } from '../../src/footprint/model.js';
import { loadFootprint } from '../../src/footprint/parse.js';
import { cgroup2Mount } from '../../src/recorder/cgroup.js';
import { BIN, runCli, type CliResult } from './cli.js';

export const BASE_IMAGE = 'debian:bookworm-slim';

/** The environment engine commands run with (clawfence's own engine when nothing else answers). */
export function engineEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (env['DOCKER_HOST'] === undefined && !existsSync('/var/run/docker.sock') && existsSync('/run/clawfence/docker.sock'))
    env['DOCKER_HOST'] = 'unix:///run/clawfence/docker.sock';
  return env;
}

/** Fails loudly (never skips silently) when the engine or privileges are missing. */
export function requireLiveHost(): void {
  if (process.getuid?.() !== 0) throw new Error('live tests need root (eBPF and cgroups): run them as root, as CI does');
  const r = spawnSync('docker', ['image', 'inspect', BASE_IMAGE], { env: engineEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`no engine with ${BASE_IMAGE}: run scripts/setup-host.sh first (${(r.stderr || '').trim().split('\n')[0]})`);
}

/** The engines the live tests record with. */
export type EngineName = 'docker' | 'podman';

/** Runs the engine's own CLI (with engineEnv(): DOCKER_HOST means nothing to podman). */
export function engineCli(engine: EngineName, args: string[]): string {
  return execFileSync(engine, args, { env: engineEnv(), encoding: 'utf8' });
}

export function docker(args: string[]): string {
  return engineCli('docker', args);
}

export function podman(args: string[]): string {
  return engineCli('podman', args);
}

/** Fails loudly, with the fix, when rootful podman cannot run the base image here. */
export function requirePodman(): void {
  const v = spawnSync('podman', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) throw new Error('podman is not installed: run scripts/setup-host.sh (apt-get install podman)');
  if (spawnSync('podman', ['image', 'exists', BASE_IMAGE]).status !== 0) {
    throw new Error(
      `podman has no ${BASE_IMAGE}: import it (podman import -c 'CMD ["bash"]' /var/cache/clawfence/debian-bookworm-minbase-amd64.tar.gz docker.io/library/${BASE_IMAGE}), see docs/setup.md`,
    );
  }
  const r = spawnSync('podman', ['run', '--rm', '--network', 'none', BASE_IMAGE, 'true'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(
      `rootful podman cannot run a container here (${(r.stderr || '').trim().split('\n').pop() ?? ''}): see docs/setup.md (podman): containers.conf needs runtime = "runc" on cgroup v1 hybrid hosts and default_ulimits within the hard limits root may not raise`,
    );
  }
}

/** Fails loudly when the ptrace recorder's strace is missing. */
export function requireStrace(): void {
  const v = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  if (v.status !== 0) throw new Error('strace is missing: run scripts/setup-host.sh (apt-get install strace)');
}

/** Compiles a test program statically (x86_64 or i386) into a fresh directory; returns its path. */
export function buildProgram(name: string, bits: 64 | 32 = 64): string {
  const src = fileURLToPath(new URL(`../fixtures/programs/${name}.c`, import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'cf-prog-'));
  const out = join(dir, bits === 32 ? `${name}-i386` : name);
  execFileSync('gcc', ['-O1', '-static', ...(bits === 32 ? ['-m32'] : []), src, '-o', out]);
  return out;
}

/** The probe programs the recorder tests run in a container (test/fixtures/programs). */
export interface Programs {
  /** known-syscalls, x86_64: a known list of syscalls; exits with argv[1]. */
  known64: string;
  /** The same program built for i386. */
  known32: string;
  /** marker-syscall: loops on mincore (which known-syscalls never makes) for argv[1] seconds. */
  marker: string;
}

export function buildPrograms(): Programs {
  return { known64: buildProgram('known-syscalls', 64), known32: buildProgram('known-syscalls', 32), marker: buildProgram('marker-syscall', 64) };
}

/** Where a program is inside the container, mounted by mountArgs(). */
export function inContainer(p: string): string {
  return `/p-${basename(p)}/${basename(p)}`;
}

/** The run flags that mount these programs' directories read-only. */
export function mountArgs(programs: readonly string[]): string[] {
  return programs.flatMap((p) => ['-v', `${dirname(p)}:/p-${basename(p)}:ro`]);
}

/** The syscalls known64 and known32 make, each once (besides their socket calls: socket twice,
 * setsockopt once). */
export const KNOWN = [
  'getppid',
  'umask',
  'getpriority',
  'sched_yield',
  'getcwd',
  'getrusage',
  'times',
  'sysinfo',
  'personality',
  'getsid',
  'setpgid',
  'getpgid',
];

export interface Recorded extends CliResult {
  /** The footprint written (empty when none was). */
  fp: Footprint;
}

export interface LiveRecord {
  engine: EngineName;
  /** Passed as --recorder when given (any text: the CLI checks it). */
  recorder?: string;
  /** Run flags before the image (--network none unless they name a network). */
  run?: string[];
  /** The command after the image. */
  cmd: string[];
  out: string;
  /** Programs to mount (see inContainer()). */
  programs?: readonly string[];
  /** Runs the CLI under this command (e.g. setpriv dropping capabilities). */
  wrap?: string[];
}

/** `clawfence record -o OUT -- ENGINE run --rm …` through the built CLI; the footprint read back. */
export function record(o: LiveRecord): Recorded {
  const run = o.run ?? [];
  const network = run.includes('--network') ? [] : ['--network', 'none'];
  const args = [
    'record',
    ...(o.recorder === undefined ? [] : ['--recorder', o.recorder]),
    '-o',
    o.out,
    '--',
    o.engine,
    'run',
    '--rm',
    ...network,
    ...mountArgs(o.programs ?? []),
    ...run,
    BASE_IMAGE,
    ...o.cmd,
  ];
  let r: CliResult;
  if (o.wrap === undefined || o.wrap.length === 0) r = runCli(args, { env: engineEnv() as Record<string, string> });
  else {
    const s = spawnSync(o.wrap[0] ?? '', [...o.wrap.slice(1), process.execPath, BIN, ...args], {
      env: { ...engineEnv(), NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    r = { code: s.status ?? -1, stdout: s.stdout, stderr: s.stderr };
  }
  const fp = existsSync(o.out) ? loadFootprint(o.out).footprint : ({ schemaVersion: 1, syscalls: {} } as Footprint);
  return { ...r, fp };
}

export function uses(fp: Footprint, abi: 'x86_64' | 'x86'): Record<string, SyscallUse> {
  return fp.syscalls[abi] ?? {};
}

/** The syscalls recorded under this ABI (those pick accepts). */
export function names(fp: Footprint, abi: 'x86_64' | 'x86', pick: (u: SyscallUse) => boolean = () => true): Set<string> {
  return new Set(
    Object.entries(uses(fp, abi))
      .filter(([, u]) => pick(u))
      .map(([n]) => n),
  );
}

/** A fresh temporary directory. */
export function tmp(prefix = 'cf-live-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Processes whose name matches (e.g. /^strace$/), by pid. */
export function processesNamed(name: RegExp): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return name.test(readFileSync(`/proc/${p}/comm`, 'utf8').trim());
      } catch {
        return false;
      }
    });
}

/** The recorders' processes: the eBPF loader (clawfence-rec) and strace. */
export const RECORDER_PROCESS = /^(clawfence-rec|strace)$/;

/** clawfence's run cgroups left in any cgroup hierarchy: the v2 one (cgroup2Mount(), which throws
 * when there is none, so this cannot pass by looking nowhere) and, on hybrid hosts, the v1 copies
 * the runtime makes. */
export function leftoverCgroups(): string[] {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' '));
  const hierarchies = new Set([cgroup2Mount(), ...mounts.filter((f) => f[2] === 'cgroup' && f[1] !== undefined).map((f) => f[1] ?? '')]);
  return [...hierarchies].flatMap((h) =>
    readdirSync(h)
      .filter((d) => d.startsWith('clawfence-'))
      .map((d) => join(h, d)),
  );
}

/** What a clawfence run may leave behind: its containers, recorder processes, cgroups. */
export function leftovers(engine: EngineName = 'docker'): { containers: string; recorders: string[]; cgroups: string[] } {
  return {
    containers: engineCli(engine, ['ps', '-aq', '--filter', 'label=clawfence.run']).trim(),
    recorders: processesNamed(RECORDER_PROCESS),
    cgroups: leftoverCgroups(),
  };
}

/** Waits (up to 30 s) until a container of a clawfence run is running; true when one is. */
export async function waitForRunContainer(engine: EngineName): Promise<boolean> {
  const running = (): boolean => engineCli(engine, ['ps', '-q', '--filter', 'label=clawfence.run']).trim() !== '';
  const deadline = Date.now() + 30_000;
  while (!running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return running();
}
