// Finds the Docker engine clawfence talks to: the user's DOCKER_HOST when set, else the CLI's
// default (current context or /var/run/docker.sock), else clawfence's own dockerd (scripts/engine.sh).

import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { ClawfenceError } from '../errors.js';
import { parseEngineInfo, type Engine, type EngineSource } from './engine-info.js';
import { firstLine, runCommand, type CommandResult } from './run-command.js';
import { socketGet, unixSocketOf } from './socket-api.js';

/** The socket of clawfence's own dockerd, started by scripts/setup-host.sh (scripts/engine.sh start). */
export const CLAWFENCE_DOCKER_HOST = 'unix:///run/clawfence/docker.sock';
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
export const SETUP_HINT = "run `sudo bash scripts/setup-host.sh`: it installs Docker when missing and starts clawfence's own dockerd";

export interface EngineCandidate {
  source: EngineSource;
  /** The DOCKER_HOST to set; undefined for the CLI's default (its context or the default socket). */
  dockerHost: string | undefined;
}

export type ProbeProblem = 'no-cli' | 'unreachable' | 'permission' | 'timeout' | 'bad-output';

/** One attempt to reach an engine: the engine, or why it did not answer. */
export type EngineProbe =
  | { ok: true; source: EngineSource; dockerHost: string; engine: Engine }
  | { ok: false; source: EngineSource; dockerHost: string; problem: ProbeProblem; message: string };

export interface DiscoverOptions {
  /** The environment to read DOCKER_HOST from and run docker with (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The docker client to run (default: `docker` from PATH). */
  docker?: string;
  /** Per-probe time limit (default 15 s). */
  timeoutMs?: number;
  /** How to ask: `api` (default) talks HTTP to the engine's unix socket when clawfence knows it
   * without the CLI, else runs the CLI; `cli` always runs `docker version` and `docker info`. */
  via?: 'api' | 'cli';
}

/** The engines to try, in order. An explicit DOCKER_HOST is the user's choice: it is the only one. */
export function engineCandidates(env: NodeJS.ProcessEnv): EngineCandidate[] {
  const explicit = env['DOCKER_HOST'];
  if (explicit !== undefined && explicit !== '') return [{ source: 'env', dockerHost: explicit }];
  return [
    { source: 'default', dockerHost: undefined },
    { source: 'clawfence', dockerHost: CLAWFENCE_DOCKER_HOST },
  ];
}

function envFor(candidate: EngineCandidate, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...base };
  if (candidate.dockerHost === undefined) delete env['DOCKER_HOST'];
  else env['DOCKER_HOST'] = candidate.dockerHost;
  return env;
}

function classify(r: CommandResult): { problem: ProbeProblem; message: string } {
  if (r.failure === 'not-found') return { problem: 'no-cli', message: 'the docker command is not installed' };
  if (r.failure === 'timeout') return { problem: 'timeout', message: 'docker did not answer in time' };
  const line = firstLine(r.stderr) || firstLine(r.stdout) || `docker exited with ${r.code ?? r.signal ?? 'a failure'}`;
  if (/permission denied/i.test(r.stderr)) return { problem: 'permission', message: line };
  return { problem: 'unreachable', message: line };
}

/** The DOCKER_HOST the CLI would use by default, when it can be known without running it: no
 * DOCKER_CONTEXT and no current context other than "default" in the CLI's config.json. */
export function defaultHostWithoutCli(env: NodeJS.ProcessEnv): string | undefined {
  if ((env['DOCKER_CONTEXT'] ?? '') !== '') return undefined;
  const dir = env['DOCKER_CONFIG'] ?? join(env['HOME'] ?? homedir(), '.docker');
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? DEFAULT_DOCKER_HOST : undefined;
  }
  const current = typeof config === 'object' && config !== null ? (config as Record<string, unknown>)['currentContext'] : undefined;
  return current === undefined || current === '' || current === 'default' ? DEFAULT_DOCKER_HOST : undefined;
}

/** Whether an executable `name` is on PATH (no process started). */
function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  if (name.includes('/')) return isExecutable(name);
  return (env['PATH'] ?? '').split(delimiter).some((d) => d !== '' && isExecutable(join(d, name)));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Asks the engine at a unix socket for its version and info over its HTTP API. */
async function probeViaSocket(
  source: EngineSource,
  dockerHost: string,
  socket: string,
  docker: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<EngineProbe> {
  if (!onPath(docker, env)) return { ok: false, source, dockerHost, problem: 'no-cli', message: 'the docker command is not installed' };
  const [version, info] = await Promise.all([socketGet(socket, '/version', timeoutMs), socketGet(socket, '/info', timeoutMs)]);
  if (!version.ok || !info.ok) {
    const code = version.ok ? (info.ok ? '' : info.code) : version.code;
    if (code === 'ETIMEDOUT') return { ok: false, source, dockerHost, problem: 'timeout', message: 'the engine did not answer in time' };
    if (code === 'EACCES' || code === 'EPERM')
      return {
        ok: false,
        source,
        dockerHost,
        problem: 'permission',
        message: `permission denied while trying to connect to the Docker daemon socket at ${dockerHost}`,
      };
    return {
      ok: false,
      source,
      dockerHost,
      problem: 'unreachable',
      message: `Cannot connect to the Docker daemon at ${dockerHost}. Is the docker daemon running? (${code})`,
    };
  }
  const bad = [version, info].find((r) => r.status !== 200);
  if (bad !== undefined)
    return { ok: false, source, dockerHost, problem: 'bad-output', message: `the engine answered HTTP ${bad.status}: ${firstLine(bad.body)}` };
  try {
    // The API's /version is the CLI's "Server" section.
    const engine: Engine = { ...parseEngineInfo(JSON.stringify({ Server: JSON.parse(version.body) as unknown, Client: {} }), info.body), dockerHost, source };
    if (engine.serverVersion === '') throw new Error('no server version');
    return { ok: true, source, dockerHost, engine };
  } catch (e) {
    return { ok: false, source, dockerHost, problem: 'bad-output', message: `unexpected answer from the engine's /version or /info: ${(e as Error).message}` };
  }
}

/** Asks one candidate engine for its version and info. */
export async function probeEngine(candidate: EngineCandidate, opts: DiscoverOptions = {}): Promise<EngineProbe> {
  const env = envFor(candidate, opts.env ?? process.env);
  const docker = opts.docker ?? 'docker';
  const known = candidate.dockerHost ?? defaultHostWithoutCli(env);
  const socket = opts.via === 'cli' || known === undefined ? undefined : unixSocketOf(known);
  if (known !== undefined && socket !== undefined) return probeViaSocket(candidate.source, known, socket, docker, env, opts.timeoutMs ?? 15_000);
  const run = (args: string[]): Promise<CommandResult> => runCommand(docker, args, { env, timeoutMs: opts.timeoutMs ?? 15_000 });
  const [version, info, context] = await Promise.all([
    run(['version', '--format', '{{json .}}']),
    run(['info', '--format', '{{json .}}']),
    candidate.dockerHost === undefined ? run(['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}']) : undefined,
  ]);
  const dockerHost = candidate.dockerHost ?? (context?.code === 0 && context.stdout.trim() !== '' ? context.stdout.trim() : DEFAULT_DOCKER_HOST);
  const failed = [version, info].find((r) => r.code !== 0);
  if (failed !== undefined) return { ok: false, source: candidate.source, dockerHost, ...classify(failed) };
  try {
    const engine: Engine = { ...parseEngineInfo(version.stdout, info.stdout), dockerHost, source: candidate.source };
    if (engine.serverVersion === '') throw new Error('no server version');
    return { ok: true, source: candidate.source, dockerHost, engine };
  } catch (e) {
    return {
      ok: false,
      source: candidate.source,
      dockerHost,
      problem: 'bad-output',
      message: `unexpected output from docker version/info: ${(e as Error).message}`,
    };
  }
}

/** Tries the candidates in order and stops at the first engine that answers. */
export async function probeEngines(opts: DiscoverOptions = {}): Promise<EngineProbe[]> {
  const probes: EngineProbe[] = [];
  for (const candidate of engineCandidates(opts.env ?? process.env)) {
    const probe = await probeEngine(candidate, opts);
    probes.push(probe);
    if (probe.ok || probe.problem === 'no-cli') break;
  }
  return probes;
}

/** What to do about engines that did not answer, as one hint. */
export function engineHint(probes: readonly EngineProbe[]): string {
  const failed = probes.filter((p): p is Extract<EngineProbe, { ok: false }> => !p.ok);
  if (failed.some((p) => p.problem === 'no-cli')) return `the docker client is missing: ${SETUP_HINT}`;
  if (failed.some((p) => p.problem === 'permission')) {
    return "the Docker socket refuses this user: run clawfence as root, or add the user to the socket's group (usually `docker`)";
  }
  const env = failed.find((p) => p.source === 'env');
  if (env !== undefined) {
    const own = env.dockerHost === CLAWFENCE_DOCKER_HOST ? " (clawfence's own engine: `sudo bash scripts/engine.sh start`)" : '';
    return `DOCKER_HOST=${env.dockerHost} does not answer: start that engine${own}, or unset DOCKER_HOST so that clawfence finds the default engine or its own (started by \`sudo bash scripts/setup-host.sh\`)`;
  }
  return SETUP_HINT;
}

/** Describes the probes that failed, e.g. "DOCKER_HOST=unix:///x: Cannot connect to the Docker daemon…". */
export function describeProbes(probes: readonly EngineProbe[]): string {
  return probes
    .filter((p): p is Extract<EngineProbe, { ok: false }> => !p.ok)
    .map((p) => `${p.source === 'env' ? 'DOCKER_HOST=' : p.source === 'clawfence' ? "clawfence's " : 'default '}${p.dockerHost}: ${p.message}`)
    .join('; ');
}

/** The engine clawfence should use, or a ClawfenceError('environment') saying how to get one. */
export async function discoverEngine(opts: DiscoverOptions = {}): Promise<Engine> {
  const probes = await probeEngines(opts);
  const found = probes.find((p) => p.ok);
  if (found !== undefined && found.ok) return found.engine;
  throw new ClawfenceError('environment', `no Docker engine answers (${describeProbes(probes)})`, { hint: engineHint(probes) });
}

export interface FindEngineEnvOptions extends DiscoverOptions {
  /** The engine commands the environment is for (argv lists; default: one `docker` command).
   * When every one runs podman, no Docker engine is needed: the environment is returned as it is. */
  commands?: readonly (readonly string[])[];
}

/** The environment for running the user's engine commands (`docker run …`, `podman run …`): for
 * docker, the first candidate engine that answers (the user's DOCKER_HOST, the default socket, or
 * clawfence's own dockerd), or a ClawfenceError('environment') saying what to do.
 * Known unix sockets are only pinged (GET /_ping, ~1 ms; /info takes the engine tens of ms);
 * anything else, and every failure, goes through full discovery for its message and fix. */
export async function findEngineEnv(opts: FindEngineEnvOptions = {}): Promise<NodeJS.ProcessEnv> {
  const base = opts.env ?? process.env;
  const commands = opts.commands ?? [['docker']];
  if (commands.length > 0 && commands.every((argv) => basename(argv[0] ?? '') === 'podman')) return base;
  for (const candidate of engineCandidates(base)) {
    const env = envFor(candidate, base);
    const known = candidate.dockerHost ?? defaultHostWithoutCli(env);
    if (known === undefined) break;
    const socket = unixSocketOf(known);
    if (socket === undefined || !onPath(opts.docker ?? 'docker', env)) break;
    const ping = await socketGet(socket, '/_ping', opts.timeoutMs ?? 15_000);
    if (ping.ok && ping.status === 200) return engineEnv({ source: candidate.source, dockerHost: known }, base);
  }
  return engineEnv(await discoverEngine(opts), base);
}

/** The environment to run `docker …` with so that it talks to `engine` (DOCKER_HOST set when needed). */
export function engineEnv(engine: Pick<Engine, 'source' | 'dockerHost'>, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (engine.source === 'default') {
    const env = { ...base };
    delete env['DOCKER_HOST'];
    return env;
  }
  return { ...base, DOCKER_HOST: engine.dockerHost };
}
