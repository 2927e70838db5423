// The bench's workloads as variants: the micro loop and the Flask example, plain, under clawfence
// record, with the floor program attached, or under strace -f inside the container.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Workload } from '../../src/pipeline/workloads.js';
import { clawfence, docker, expectOk, parseLoop, type Ctx, type Measured, type Variant } from '../lib/measure.js';
import { startHelper } from '../lib/proc.js';
import { adaptArgv } from '../lib/setup.js';
import { medianDeltaMs } from '../lib/stats.js';

export const MICRO_IMAGE = 'debian:bookworm-slim';
export const STRACE_PREFIX = ['strace', '-f', '-qq', '-o', '/dev/null'];

/** "1M", "200k", "1.5M". */
export function countText(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

export interface MicroOptions {
  image?: string;
  /** Run options after the bench's own (e.g. --security-opt, --cap-add). */
  opts?: readonly string[];
  /** In front of the program: strace -f … */
  prefix?: readonly string[];
  /** The syscall the loop makes (bench/programs/syscall-loop.c): getppid (the default) or fcntl(F_GETFL). */
  syscall?: MicroSyscall;
}

export type MicroSyscall = 'getppid' | 'fcntl';

export function microArgv(ctx: Ctx, calls: number, o: MicroOptions = {}): string[] {
  return [
    'docker',
    'run',
    '--rm',
    '--network',
    'none',
    '--label',
    ctx.label,
    ...(o.opts ?? []),
    '-v',
    `${ctx.loopBin}:/bench/syscall-loop:ro`,
    o.image ?? MICRO_IMAGE,
    ...(o.prefix ?? []),
    '/bench/syscall-loop',
    String(calls),
    ...(o.syscall === undefined || o.syscall === 'getppid' ? [] : [o.syscall]),
  ];
}

/** Reads the micro program's loop time from a run's stdout. */
export function parseLoopOf(calls: number): (stdout: string) => number {
  return (stdout) => parseLoop(stdout, calls);
}

/** A plain `docker run` of the micro program. */
export function plainMicro(ctx: Ctx, name: string, calls: number, o: MicroOptions = {}): Variant {
  const argv = microArgv(ctx, calls, o);
  return {
    name,
    run: async () => {
      const r = await docker(ctx, argv, 600_000);
      expectOk(name, r);
      return { ms: r.ms, loopMs: parseLoop(r.stdout, calls) };
    },
  };
}

/** `clawfence record --recorder KIND -- <argv>`; the tool's stdout passes through. */
export function recordVariant(ctx: Ctx, kind: 'ebpf' | 'ptrace', argv: readonly string[], check: (stdout: string) => number | undefined, tag: string): Variant {
  const fp = join(ctx.tmp, `${tag}-${kind}.footprint.json`);
  return {
    name: `record --recorder ${kind}`,
    run: async (memory) => {
      const { r, mem } = await clawfence(ctx, ['record', '--recorder', kind, '-o', fp, '--force', '--', ...argv], memory, 900_000);
      expectOk(`clawfence record --recorder ${kind}`, r);
      const loopMs = check(r.stdout);
      return { ms: r.ms, ...(loopMs === undefined ? {} : { loopMs }), ...(mem === undefined ? {} : { mem }) };
    },
  };
}

/** The inner variant with the empty tp_btf/sys_enter program attached; only the inner run is timed. */
export function withFloor(ctx: Ctx, inner: Variant): Variant {
  return {
    name: `${inner.name} + floor`,
    run: async (): Promise<Measured> => {
      const h = await startHelper('the floor BPF program', [ctx.floorBin], /^ready$/m, { timeoutMs: 30_000 });
      try {
        return await inner.run(false);
      } finally {
        await h.stop();
      }
    },
  };
}

/** The Flask example's process_request workload (the first one of its workloads file otherwise). */
export function flaskWorkload(ctx: Ctx): Workload {
  const w = ctx.flask.workloads.find((x) => x.name === 'process_request') ?? ctx.flask.workloads[0];
  if (w === undefined) throw new Error('the Flask example has no workloads');
  return w;
}

export function flaskArgv(ctx: Ctx, w: Workload, opts: readonly string[] = [], replace?: { image: string; prefix: readonly string[] }): string[] {
  return adaptArgv(w.argv, ctx.flask.image, ['--label', ctx.label, ...opts], replace);
}

/** A label value for one run, to find its container's events afterwards. */
function runTag(): { label: string; value: string } {
  const value = randomBytes(6).toString('hex');
  return { label: `clawfence.bench.run=${value}`, value };
}

/** The container's lifetime from the engine's own start and die events (nanosecond stamps): what
 * the tool itself took, without the CLIs around it (docker's, clawfence's). */
export async function containerLifetimeMs(ctx: Ctx, label: string, sinceSec: number): Promise<number> {
  const until = Math.ceil(Date.now() / 1000) + 1;
  const r = await docker(
    ctx,
    [
      'docker',
      'events',
      '--since',
      String(sinceSec),
      '--until',
      String(until),
      '--filter',
      `label=${label}`,
      '--filter',
      'type=container',
      '--format',
      '{{.Status}} {{.TimeNano}}',
    ],
    60_000,
  );
  expectOk('docker events', r);
  const at = (status: string): bigint | undefined => {
    const line = r.stdout.split('\n').find((l) => l.startsWith(`${status} `));
    return line === undefined ? undefined : BigInt(line.split(' ')[1] ?? '0');
  };
  const start = at('start');
  const die = at('die');
  if (start === undefined || die === undefined) throw new Error(`no start/die events for ${label}: ${r.stdout.trim() || '(none)'}`);
  return Number(die - start) / 1e6;
}

export function flaskCheck(w: Workload): { exits: number[]; stdout?: RegExp } {
  return { exits: [w.expectExit ?? 0], ...(w.expectStdout === undefined ? {} : { stdout: new RegExp(w.expectStdout, 'm') }) };
}

export function plainFlask(ctx: Ctx, name: string, w: Workload, opts: readonly string[] = [], replace?: { image: string; prefix: readonly string[] }): Variant {
  return {
    name,
    run: async () => {
      await ctx.ensureServer();
      const tag = runTag();
      const since = Math.floor(Date.now() / 1000) - 1;
      const r = await docker(ctx, flaskArgv(ctx, w, ['--label', tag.label, ...opts], replace), 600_000);
      expectOk(`${name} (${w.name})`, r, flaskCheck(w));
      return { ms: r.ms, containerMs: await containerLifetimeMs(ctx, tag.label, since) };
    },
  };
}

export function recordFlask(ctx: Ctx, kind: 'ebpf' | 'ptrace', w: Workload): Variant {
  const check = flaskCheck(w);
  const expect = (stdout: string): undefined => {
    if (check.stdout !== undefined && !check.stdout.test(stdout))
      throw new Error(`clawfence record --recorder ${kind} (${w.name}): unexpected output: ${stdout.trim().split('\n').slice(-1)[0] ?? ''}`);
    return undefined;
  };
  return {
    name: `record --recorder ${kind}`,
    run: async (memory) => {
      await ctx.ensureServer();
      const tag = runTag();
      const since = Math.floor(Date.now() / 1000) - 1;
      const m = await recordVariant(ctx, kind, flaskArgv(ctx, w, ['--label', tag.label]), expect, `flask-${w.name}`).run(memory);
      return { ...m, containerMs: await containerLifetimeMs(ctx, tag.label, since) };
    },
  };
}

/** "+123 ns/call": the loop-time difference of the medians, per call. */
export function perCallText(aMs: readonly number[], bMs: readonly number[], calls: number): string {
  const ns = (medianDeltaMs(aMs, bMs) * 1e6) / calls;
  const size = Math.abs(ns) >= 10_000 ? `${(Math.abs(ns) / 1000).toFixed(1)} µs` : `${Math.abs(ns).toFixed(0)} ns`;
  return `${ns >= 0 ? '+' : '−'}${size}/call`;
}
