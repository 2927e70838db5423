// Helpers for live tests: the real engine, compiled probe programs, the built CLI.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE_IMAGE = 'debian:bookworm-slim';

/** The environment engine commands run with (clawfence's own engine when nothing else answers). */
export function engineEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (env['DOCKER_HOST'] === undefined && !existsSync('/var/run/docker.sock') && existsSync('/run/clawfence/docker.sock')) env['DOCKER_HOST'] = 'unix:///run/clawfence/docker.sock';
  return env;
}

/** Fails loudly (never skips silently) when the engine or privileges are missing. */
export function requireLiveHost(): void {
  if (process.getuid?.() !== 0) throw new Error('live tests need root (eBPF and cgroups): run them as root, as CI does');
  const r = spawnSync('docker', ['image', 'inspect', BASE_IMAGE], { env: engineEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`no engine with ${BASE_IMAGE}: run scripts/setup-host.sh first (${(r.stderr || '').trim().split('\n')[0]})`);
}

export function docker(args: string[]): string {
  return execFileSync('docker', args, { env: engineEnv(), encoding: 'utf8' });
}

/** Compiles a test program statically (x86_64 or i386) into a fresh directory; returns its path. */
export function buildProgram(name: string, bits: 64 | 32 = 64): string {
  const src = fileURLToPath(new URL(`../fixtures/programs/${name}.c`, import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'cf-prog-'));
  const out = join(dir, bits === 32 ? `${name}-i386` : name);
  execFileSync('gcc', ['-O1', '-static', ...(bits === 32 ? ['-m32'] : []), src, '-o', out]);
  return out;
}
