// What the bench needs before it measures: a current dist/, the engine (found the way clawfence
// finds it), the static loop program, the floor program, the strace images, the Flask example's
// workloads — and the facts about this machine that go with the results.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverEngine, engineEnv } from '../../src/engine/discover.js';
import type { Engine } from '../../src/engine/engine-info.js';
import { loadWorkloads, type Workload } from '../../src/pipeline/workloads.js';
import type { MachineFacts } from './model.js';
import { haveTime, run } from './proc.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin/clawfence.js');
export const CACHE = join(ROOT, '.cache/bench');
export const MEM_HOOK = join(ROOT, 'bench/mem-hook.mjs');
export const FLASK_WORKLOADS = join(ROOT, 'examples/flask-tool/workloads.json');
export const DOCKER_DEFAULT = join(ROOT, 'data/reference/docker-default.json');

function fail(what: string, r: { code: number | null; stdout: string; stderr: string }): never {
  const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' | ');
  throw new Error(`${what} failed (exit ${r.code ?? 'signal'}): ${tail}`);
}

function newestMtime(dir: string, suffix: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, suffix));
    else if (e.name.endsWith(suffix)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Compiles src/ into dist/ when a source is newer than dist/cli/main.js (as scripts/main.sh does). */
export async function buildClawfence(log: (l: string) => void): Promise<void> {
  const main = join(ROOT, 'dist/cli/main.js');
  if (existsSync(main) && newestMtime(join(ROOT, 'src'), '.ts') <= statSync(main).mtimeMs) return;
  log('building dist/ (tsc -p tsconfig.build.json)');
  const r = await run([process.execPath, join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, timeoutMs: 300_000 });
  if (r.code !== 0) fail('npm run build', r);
}

export interface EngineSetup {
  engine: Engine;
  env: NodeJS.ProcessEnv;
}

export async function findEngine(): Promise<EngineSetup> {
  const engine = await discoverEngine();
  return { engine, env: engineEnv(engine) };
}

function sha(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** bench/programs/syscall-loop.c → .cache/bench/syscall-loop (gcc -O2 -static), when changed. */
export async function buildLoop(): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const src = join(ROOT, 'bench/programs/syscall-loop.c');
  const out = join(CACHE, 'syscall-loop');
  const stamp = sha(readFileSync(src, 'utf8'));
  const stampFile = join(CACHE, 'syscall-loop.stamp');
  if (existsSync(out) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp) return out;
  const r = await run(['gcc', '-O2', '-static', '-Wall', '-Wextra', '-o', `${out}.tmp`, src], { timeoutMs: 120_000 });
  if (r.code !== 0) fail('gcc -O2 -static bench/programs/syscall-loop.c (libc6-dev has the static libc)', r);
  renameSync(`${out}.tmp`, out);
  writeFileSync(stampFile, `${stamp}\n`);
  return out;
}

/** bench/build-floor.sh → .cache/bench/bench-floor. */
export async function buildFloor(): Promise<string> {
  const r = await run(['bash', join(ROOT, 'bench/build-floor.sh')], { cwd: ROOT, timeoutMs: 300_000 });
  if (r.code !== 0) fail('bench/build-floor.sh', r);
  return join(CACHE, 'bench-floor');
}

const HASH_LABEL = 'org.clawfence.bench-hash';

/** An image FROM `base` with strace (bench/images/strace.Dockerfile), rebuilt when the Dockerfile
 * or the base image changed. Classic builder, host network (the apt mirror is reachable that way). */
export async function buildStraceImage(env: NodeJS.ProcessEnv, base: string, tag: string, log: (l: string) => void): Promise<string> {
  const dockerfile = join(ROOT, 'bench/images/strace.Dockerfile');
  const baseId = await run(['docker', 'image', 'inspect', '-f', '{{.Id}}', base], { env, timeoutMs: 60_000 });
  if (baseId.code !== 0) fail(`docker image inspect ${base} (run scripts/setup-host.sh to build it)`, baseId);
  const hash = sha(readFileSync(dockerfile, 'utf8'), baseId.stdout.trim());
  const have = await run(['docker', 'image', 'inspect', '-f', `{{ index .Config.Labels "${HASH_LABEL}" }}`, tag], { env, timeoutMs: 60_000 });
  if (have.code === 0 && have.stdout.trim() === hash) return tag;
  log(`building ${tag} (FROM ${base} + strace)`);
  const r = await run(
    [
      'docker',
      'build',
      '--network',
      'host',
      '--build-arg',
      `BASE=${base}`,
      '--label',
      `${HASH_LABEL}=${hash}`,
      '-t',
      tag,
      '-f',
      dockerfile,
      join(ROOT, 'bench/images'),
    ],
    {
      env: { ...env, DOCKER_BUILDKIT: '0' },
      timeoutMs: 600_000,
    },
  );
  if (r.code !== 0) fail(`docker build ${tag}`, r);
  return tag;
}

/** The Flask example's image, built by scripts/build-examples.sh when missing or stale. */
export async function ensureFlaskImage(env: NodeJS.ProcessEnv, log: (l: string) => void): Promise<void> {
  const r = await run(['bash', join(ROOT, 'scripts/build-examples.sh'), 'flask-tool'], { env, cwd: ROOT, timeoutMs: 600_000 });
  if (r.code !== 0) fail('scripts/build-examples.sh flask-tool', r);
  if (/building/.test(r.stdout)) log('built clawfence-example/flask-tool:latest');
}

export interface FlaskSetup {
  image: string;
  workloads: Workload[];
}

export function flaskWorkloads(): FlaskSetup {
  const wf = loadWorkloads(FLASK_WORKLOADS);
  if (wf.image === undefined) throw new Error(`${FLASK_WORKLOADS} names no image`);
  return { image: wf.image, workloads: wf.workloads };
}

/** A workload's argv with `opts` inserted after `run`, and optionally another image and a command
 * prefix (strace -f …) in front of the image's command. */
export function adaptArgv(argv: readonly string[], image: string, opts: readonly string[], replace?: { image: string; prefix: readonly string[] }): string[] {
  const runAt = argv.indexOf('run');
  const imageAt = argv.indexOf(image, runAt + 1);
  if (runAt === -1 || imageAt === -1) throw new Error(`cannot find 'run' and the image ${image} in ${argv.join(' ')}`);
  const out = [...argv.slice(0, runAt + 1), ...opts, ...argv.slice(runAt + 1, imageAt)];
  if (replace === undefined) return [...out, ...argv.slice(imageAt)];
  return [...out, replace.image, ...replace.prefix, ...argv.slice(imageAt + 1)];
}

async function firstLineOf(argv: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await run(argv, { ...(env === undefined ? {} : { env }), timeoutMs: 60_000 }).catch(() => undefined);
  if (r === undefined || r.code !== 0) return 'unknown';
  return (r.stdout.trim() || r.stderr.trim()).split('\n')[0] ?? 'unknown';
}

export async function machineFacts(e: EngineSetup, straceImage: string | undefined, load: number[]): Promise<MachineFacts> {
  const stracev = (s: string): string => /version (\S+)/.exec(s)?.[1] ?? s;
  const commit = await firstLineOf(['git', '-C', ROOT, 'rev-parse', '--short=12', 'HEAD']);
  const dirty = await run(['git', '-C', ROOT, 'status', '--porcelain', '--untracked-files=no'], { timeoutMs: 30_000 }).catch(() => undefined);
  let bpfJit = 'unknown';
  try {
    bpfJit =
      ({ '0': 'off', '1': 'on', '2': 'on (debug)' } as Record<string, string>)[readFileSync('/proc/sys/net/core/bpf_jit_enable', 'utf8').trim()] ?? 'unknown';
  } catch {
    /* not readable */
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const eng = e.engine;
  const client = eng.clientVersion !== '' ? eng.clientVersion : await firstLineOf(['docker', 'version', '--format', '{{.Client.Version}}'], e.env);
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    docker: {
      server: eng.serverVersion,
      client,
      runc: eng.components['runc'] ?? 'unknown',
      containerd: eng.components['containerd'] ?? 'unknown',
      cgroup: `v${eng.cgroupVersion} (${eng.cgroupDriver})`,
      host: eng.dockerHost,
      seccompDefault: eng.seccomp.enabled ? `the engine's built-in profile (${eng.seccomp.profile ?? 'default'})` : 'seccomp disabled',
    },
    strace: {
      host: stracev(await firstLineOf(['strace', '-V'])),
      image:
        straceImage === undefined
          ? 'not used in this run'
          : stracev(await firstLineOf(['docker', 'run', '--rm', '--network', 'none', straceImage, 'strace', '-V'], e.env)),
    },
    clawfence: { version: pkg.version, commit: `${commit}${dirty !== undefined && dirty.stdout.trim() !== '' ? ' + uncommitted changes' : ''}` },
    bpfJit,
    time: haveTime() ? '/usr/bin/time present' : '/usr/bin/time missing (Debian package time)',
    loadAverage: { start: load, end: loadavg() },
  };
}
