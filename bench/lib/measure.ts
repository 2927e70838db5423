// Side-by-side measurement: the variants of a group run in turn in every round (A B A B …, or
// A B C D … for groups of more), after warm-up rounds whose first also measures peak memory; then
// each row is the per-round ratio of two variants, summarized and judged.

import { join } from 'node:path';
import type { BenchConfig, BenchId, Row } from './model.js';
import { interruptedBy } from '../../src/util/cleanup.js';
import { BenchStopped, TIME_BIN, TreeSampler, haveTime, readNumber, run, type RunResult } from './proc.js';
import { BIN, MEM_HOOK, type FlaskSetup } from './setup.js';
import { formatKb, medianDeltaMs, roundRatios, summarize, type Summary } from './stats.js';

export interface Ctx {
  config: BenchConfig;
  /** The environment docker and clawfence run with (DOCKER_HOST when the engine needs it). */
  env: NodeJS.ProcessEnv;
  tmp: string;
  /** The label every container the bench starts carries: clawfence.bench=<run id>. */
  label: string;
  loopBin: string;
  floorBin: string;
  straceImage: string;
  flaskStraceImage: string;
  flask: FlaskSetup;
  /** What could not be built, and why (floor, straceImage, flaskStraceImage): those rows are errors. */
  missing: { floor?: string; straceImage?: string; flaskStraceImage?: string };
  /** The engine's version, e.g. 20.10.24+dfsg1 (its built-in seccomp default is B2's baseline). */
  engineVersion: string;
  /** Starts the Flask example's loopback test server once (idempotent). */
  ensureServer: () => Promise<void>;
  log: (line: string) => void;
  progress: (text: string) => void;
  /** Adds a line to the results' notes (what a setup step found, e.g. a profile's size). */
  note: (line: string) => void;
}

export interface MemReport {
  /** The clawfence (Node) process alone: getrusage(RUSAGE_SELF) through bench/mem-hook.mjs. */
  nodeKb?: number;
  /** /usr/bin/time %M: the largest peak of any one process of the tree (node, docker CLI, recorder…). */
  treeKb?: number;
  /** VmHWM of the recorder processes (clawfence-rec, strace), sampled every 20 ms. */
  children: Record<string, number>;
  timeMissing?: boolean;
}

export interface Measured {
  ms: number;
  /** The loop time the micro program printed (its own clock, inside the container). */
  loopMs?: number;
  /** The container's own lifetime, from the engine's start and die events. */
  containerMs?: number;
  mem?: MemReport;
}

export interface Variant {
  name: string;
  run: (memory: boolean) => Promise<Measured>;
}

// --- checks --------------------------------------------------------------------------------------

export function lastLine(s: string): string {
  return (
    s
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-1)[0] ?? ''
  );
}

/** Throws unless the run exited as expected (and printed what it should). */
export function expectOk(what: string, r: RunResult, o: { exits?: readonly number[]; stdout?: RegExp } = {}): void {
  if (r.timedOut) throw new Error(`${what}: timed out`);
  const exits = o.exits ?? [0];
  if (r.code === null || !exits.includes(r.code)) throw new Error(`${what}: exit ${r.code ?? r.signal}: ${lastLine(r.stderr) || lastLine(r.stdout)}`);
  if (o.stdout !== undefined && !o.stdout.test(r.stdout)) throw new Error(`${what}: unexpected output: ${lastLine(r.stdout) || '(none)'}`);
}

/** The micro program's "loop_ns=… calls=…" line → milliseconds. */
export function parseLoop(stdout: string, calls: number): number {
  const m = /^loop_ns=(\d+) calls=(\d+)$/m.exec(stdout);
  if (m === null) throw new Error(`the loop program printed no loop time: ${lastLine(stdout) || '(nothing)'}`);
  if (Number(m[2]) !== calls) throw new Error(`the loop program made ${m[2]} calls, not ${calls}`);
  return Number(m[1]) / 1e6;
}

// --- running clawfence and plain commands ----------------------------------------------------------

let memSeq = 0;

/** Runs `node bin/clawfence.js args…`; with `memory`, under /usr/bin/time with the memory hook and
 * a sampler for the recorder processes. */
export async function clawfence(ctx: Ctx, args: readonly string[], memory: boolean, timeoutMs: number): Promise<{ r: RunResult; mem?: MemReport }> {
  if (!memory) return { r: await run([process.execPath, BIN, ...args], { env: ctx.env, cwd: join(BIN, '../..'), timeoutMs }) };
  const seq = ++memSeq;
  const hookFile = join(ctx.tmp, `rss-${seq}.node`);
  const timeFile = join(ctx.tmp, `rss-${seq}.time`);
  const time = haveTime();
  const node = [process.execPath, '--import', MEM_HOOK, BIN, ...args];
  let sampler: TreeSampler | undefined;
  const r = await run(time ? [TIME_BIN, '-f', '%M', '-o', timeFile, ...node] : node, {
    env: { ...ctx.env, CLAWFENCE_BENCH_RSS_FILE: hookFile },
    cwd: join(BIN, '../..'),
    timeoutMs,
    onSpawn: (pid) => {
      sampler = new TreeSampler(pid, ['clawfence-rec', 'strace']).start();
    },
  });
  const children = Object.fromEntries(sampler?.stop() ?? []);
  const nodeKb = readNumber(hookFile);
  const treeKb = time ? readNumber(timeFile) : undefined;
  return {
    r,
    mem: { ...(nodeKb === undefined ? {} : { nodeKb }), ...(treeKb === undefined ? {} : { treeKb }), children, ...(time ? {} : { timeMissing: true }) },
  };
}

export async function docker(ctx: Ctx, argv: readonly string[], timeoutMs: number): Promise<RunResult> {
  return run(argv, { env: ctx.env, timeoutMs });
}

export function formatMem(m: MemReport | undefined): string | undefined {
  if (m === undefined) return undefined;
  const parts = [m.nodeKb === undefined ? 'node n/a' : `node ${formatKb(m.nodeKb)}`];
  for (const [name, kb] of Object.entries(m.children).sort()) parts.push(`${name} ${formatKb(kb)}`);
  parts.push(m.timeMissing === true ? 'tree n/a (time(1) missing)' : m.treeKb === undefined ? 'tree n/a' : `tree ${formatKb(m.treeKb)}`);
  return parts.join(' · ');
}

// --- rounds ----------------------------------------------------------------------------------------

export interface GroupResult {
  samples: Measured[][];
  mem: (MemReport | undefined)[];
}

/** Runs every variant once per round, in order: `warmup` rounds (the first measures memory), then
 * `rounds` measured ones. */
export async function alternate(ctx: Ctx, title: string, variants: readonly Variant[], rounds: number): Promise<GroupResult> {
  const samples: Measured[][] = variants.map(() => []);
  const mem: (MemReport | undefined)[] = variants.map(() => undefined);
  const go = (): void => {
    if (interruptedBy() !== undefined) throw new BenchStopped('interrupted');
  };
  ctx.progress(`${title}: `);
  for (let w = 0; w < ctx.config.warmup; w++) {
    for (const [i, v] of variants.entries()) {
      go();
      const m = await v.run(w === 0);
      if (w === 0) mem[i] = m.mem;
    }
    ctx.progress('w ');
  }
  for (let k = 0; k < rounds; k++) {
    for (const [i, v] of variants.entries()) {
      go();
      samples[i]?.push(await v.run(false));
    }
    ctx.progress(`${k + 1} `);
  }
  ctx.progress('\n');
  return { samples, mem };
}

// --- rows ----------------------------------------------------------------------------------------

export interface Judgement {
  verdict: 'pass' | 'fail' | 'info';
  detail?: string;
}

/** Judges a row; `ctxt.ratiosOf` gives the per-round ratios of another row of the group (a control). */
export type Judge = (s: Summary, ctxt: { aMs: number[]; bMs: number[]; ratiosOf: (id: string) => number[] }) => Judgement;

export interface RowSpec {
  id: string;
  bench: BenchId;
  what: string;
  workload: string;
  metric: 'loop time' | 'container time' | 'wall';
  /** Indexes of the variants: A / B. */
  a: number;
  b: number;
  target?: string;
  judge?: Judge;
  /** Show the memory of this variant. */
  memoryOf?: number;
}

const NO_WARMUP = 'not measured (no warm-up round)';

function pick(m: Measured, metric: RowSpec['metric']): number {
  if (metric === 'wall') return m.ms;
  if (metric === 'container time') {
    if (m.containerMs === undefined) throw new Error('no container lifetime measured');
    return m.containerMs;
  }
  if (m.loopMs === undefined) throw new Error('no loop time measured');
  return m.loopMs;
}

/** Turns a group's samples into its rows. */
export function rowsOf(specs: readonly RowSpec[], g: GroupResult): Row[] {
  const series = (s: RowSpec): { a: number[]; b: number[] } => ({
    a: (g.samples[s.a] ?? []).map((m) => pick(m, s.metric)),
    b: (g.samples[s.b] ?? []).map((m) => pick(m, s.metric)),
  });
  const ratiosOf = (id: string): number[] => {
    const s = specs.find((x) => x.id === id);
    if (s === undefined) throw new Error(`no row ${id}`);
    const { a, b } = series(s);
    return roundRatios(a, b);
  };
  return specs.map((s) => {
    const { a, b } = series(s);
    const ratio = summarize(roundRatios(a, b));
    const j = s.judge?.(ratio, { aMs: a, bMs: b, ratiosOf }) ?? { verdict: 'info' as const };
    const memory = s.memoryOf === undefined ? undefined : (formatMem(g.mem[s.memoryOf]) ?? NO_WARMUP);
    return {
      id: s.id,
      bench: s.bench,
      what: s.what,
      workload: s.workload,
      metric: s.metric,
      ratio,
      ...(s.target === undefined ? {} : { target: s.target }),
      verdict: j.verdict,
      ...(j.detail === undefined ? {} : { detail: j.detail }),
      ...(memory === undefined ? {} : { memory }),
      samples: { a: a.map(round3), b: b.map(round3) },
    };
  });
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The rows of a group that could not be measured, each saying why. */
export function errorRows(specs: readonly RowSpec[], e: unknown): Row[] {
  const why = e instanceof BenchStopped ? 'interrupted' : (e as Error).message;
  return specs.map((s) => ({
    id: s.id,
    bench: s.bench,
    what: s.what,
    workload: s.workload,
    metric: s.metric,
    ...(s.target === undefined ? {} : { target: s.target }),
    verdict: 'error' as const,
    error: why,
  }));
}

/** Runs a group and returns its rows, or error rows when a run failed (the bench goes on). */
export async function measureGroup(ctx: Ctx, title: string, variants: readonly Variant[], rounds: number, specs: readonly RowSpec[]): Promise<Row[]> {
  try {
    return rowsOf(specs, await alternate(ctx, title, variants, rounds));
  } catch (e) {
    if (e instanceof BenchStopped || interruptedBy() !== undefined) throw new BenchStopped('interrupted');
    ctx.progress('\n');
    ctx.log(`${title}: ${(e as Error).message}`);
    return errorRows(specs, e);
  }
}

/** "Δ +112 ms" between the medians of A and B. */
export function deltaText(aMs: readonly number[], bMs: readonly number[]): string {
  const d = medianDeltaMs(aMs, bMs);
  return `Δ ${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(0)} ms`;
}
