// Builds the kernel probe (src/probes/probe.c) as static binaries: an x86_64 build, which makes
// x86_64 calls and, with --int80, i386 calls, and an i386 build (gcc -m32, from gcc-multilib).
// Each build is tried on this host (getpid) before use; a build that cannot run is reported with why.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClawfenceError } from '../errors.js';
import { firstLine, runCommand } from '../engine/run-command.js';

export interface ProbeBinaries {
  /** The directory holding the binaries (mounted read-only at /probe in the containers). */
  dir: string;
  /** File name of the x86_64 build. */
  x86_64: string;
  /** File name of the i386 build, when it builds and runs here. */
  i386?: string;
  /** Why there is no i386 build. */
  i386Missing?: string;
  /** Why the x86_64 build cannot make i386 calls (int $0x80), when it cannot. */
  int80Missing?: string;
}

/** The probe's C source (beside this module in src/, or in src/ next to dist/). */
export function probeSource(): string {
  const candidates = [new URL('./probe.c', import.meta.url), new URL('../../src/probes/probe.c', import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((f) => existsSync(f));
  if (found === undefined) {
    throw new ClawfenceError('not-found', `the probe source is missing (looked at ${candidates.join(', ')})`, { hint: 'run from a clawfence checkout' });
  }
  return found;
}

const GETPID = { x86_64: 39, i386: 20 } as const;

/** Runs a freshly built probe on the host with getpid; undefined when it works, else why not. */
async function tryProbe(file: string, args: string[]): Promise<string | undefined> {
  const r = await runCommand(file, args, { timeoutMs: 10_000 });
  if (r.code === 0 && /"outcome":"returned","ret":"\d+","errno":0/.test(r.stdout)) return undefined;
  return `it does not run here (exit ${r.code ?? r.failure ?? '?'}: ${firstLine(r.stderr) || firstLine(r.stdout) || 'no output'})`;
}

async function compile(out: string, extra: string[]): Promise<string | undefined> {
  const r = await runCommand('gcc', ['-static', '-O2', '-Wall', '-Wextra', '-Werror', '-pthread', ...extra, '-o', out, probeSource()], { timeoutMs: 120_000 });
  if (r.failure === 'not-found') return 'gcc is not installed';
  if (r.code !== 0) return `gcc ${extra.join(' ')} failed: ${firstLine(r.stderr) || `exit ${r.code ?? r.failure ?? '?'}`}`;
  return undefined;
}

/** Builds both probes into `dir`. The x86_64 build is required; the i386 one is optional. */
export async function buildProbes(dir: string): Promise<ProbeBinaries> {
  const x64 = 'probe-x86_64';
  const err = await compile(join(dir, x64), []);
  if (err !== undefined) {
    throw new ClawfenceError('environment', `cannot build the kernel probe: ${err}`, { hint: 'install gcc and libc6-dev (apt-get install gcc libc6-dev)' });
  }
  const broken = await tryProbe(join(dir, x64), [String(GETPID.x86_64)]);
  if (broken !== undefined) throw new ClawfenceError('environment', `the x86_64 kernel probe was built but ${broken}`, { hint: 'run on an x86_64 Linux host' });
  const out: ProbeBinaries = { dir, x86_64: x64 };
  const int80 = await tryProbe(join(dir, x64), ['--int80', String(GETPID.i386)]);
  if (int80 !== undefined) out.int80Missing = `i386 calls from the x86_64 probe: ${int80} (is CONFIG_IA32_EMULATION off?)`;
  const i386 = 'probe-i386';
  const m32 = await compile(join(dir, i386), ['-m32']);
  if (m32 !== undefined) out.i386Missing = `${m32} (install gcc-multilib)`;
  else {
    const runs = await tryProbe(join(dir, i386), [String(GETPID.i386)]);
    if (runs === undefined) out.i386 = i386;
    else out.i386Missing = `the i386 probe was built but ${runs}`;
  }
  return out;
}
