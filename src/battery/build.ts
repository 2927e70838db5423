// Builds the probe battery (battery.c) once per source: a static x86_64 binary without libc, cached
// under /var/cache/clawfence/battery/<sha256 of the source>/ (or the temp directory when that is not
// writable), checked by running `battery list` here and comparing its ids with PROBES.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClawfenceError } from '../errors.js';
import { firstLine, runCommand } from '../engine/run-command.js';
import { PROBES } from './probes.js';

export const CFLAGS = [
  '-static',
  '-nostdlib',
  '-ffreestanding',
  '-fno-stack-protector',
  '-fno-builtin',
  '-fno-pie',
  '-no-pie',
  '-O2',
  '-Wall',
  '-Wextra',
  '-Werror',
];

export interface Battery {
  /** The directory holding the binary (mounted read-only into the tool's container). */
  dir: string;
  /** The binary's file name in `dir`. */
  file: string;
  path: string;
  ids: string[];
}

/** The battery's C source (beside this module in src/, or in src/ next to dist/). */
export function batterySource(): string {
  const candidates = [new URL('./battery.c', import.meta.url), new URL('../../src/battery/battery.c', import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((f) => existsSync(f));
  if (found === undefined)
    throw new ClawfenceError('not-found', `the probe battery's source is missing (looked at ${candidates.join(', ')})`, { hint: 'reinstall clawfence' });
  return found;
}

function cacheRoot(): string {
  for (const root of [process.env.CLAWFENCE_CACHE_DIR, '/var/cache/clawfence', join(tmpdir(), 'clawfence-cache')]) {
    if (root === undefined || root === '') continue;
    try {
      mkdirSync(join(root, 'battery'), { recursive: true });
      return join(root, 'battery');
    } catch {
      // not writable: try the next
    }
  }
  throw new ClawfenceError('environment', 'no writable cache directory for the probe battery', { hint: 'set CLAWFENCE_CACHE_DIR to a writable directory' });
}

/** Builds (or reuses) the battery and checks that it runs here and lists PROBES' ids. */
export async function buildBattery(): Promise<Battery> {
  const source = batterySource();
  const hash = createHash('sha256').update(readFileSync(source)).update(CFLAGS.join(' ')).digest('hex').slice(0, 16);
  const dir = join(cacheRoot(), hash);
  const file = 'battery';
  const path = join(dir, file);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const part = `${path}.${process.pid}.part`;
    const r = await runCommand('gcc', [...CFLAGS, '-o', part, source], { timeoutMs: 120_000 });
    if (r.failure === 'not-found')
      throw new ClawfenceError('environment', 'cannot build the probe battery: gcc is not installed', { hint: 'apt-get install gcc' });
    if (r.code !== 0)
      throw new ClawfenceError('environment', `cannot build the probe battery: ${firstLine(r.stderr) || `gcc exit ${r.code ?? r.failure ?? '?'}`}`, {
        hint: 'apt-get install gcc',
      });
    renameSync(part, path);
  }
  const list = await runCommand(path, ['list'], { timeoutMs: 10_000 });
  const ids = list.stdout.split('\n').filter((l) => l !== '');
  if (list.code !== 0)
    throw new ClawfenceError('environment', `the probe battery does not run here (exit ${list.code ?? list.failure ?? '?'})`, {
      hint: 'run on an x86_64 Linux host',
    });
  const want = PROBES.map((p) => p.id);
  if (ids.join(',') !== want.join(',')) {
    throw new ClawfenceError('internal', `the battery binary lists other probes than src/battery/probes.ts (${ids.length} vs ${want.length})`, {
      hint: 'keep battery.c and probes.ts in step',
    });
  }
  return { dir, file, path, ids };
}
