// `npm run bench -- [options]`: the options, parsed by node:util parseArgs without side effects (test/bench/args.test.ts).

import { parseArgs as parseArgv } from 'node:util';
import { BENCH_IDS, CORPUS_TOOLS, type BenchConfig, type BenchId } from './model.js';

export const USAGE = `usage: npm run bench -- [--rounds N] [--slow-rounds N] [--warmup N] [--only B1,B2,…] [--micro-calls N] [--ptrace-calls N] [--out NAME]
                        [--tools xml,git,…] [--levels exact,…]

  --rounds N        measured rounds per row after the warm-up (default 11; at least 5 for a full run)
  --slow-rounds N   rounds for the slow rows, ptrace and strace -f (default 5; never more than --rounds)
  --warmup N        warm-up rounds, discarded (default 1; the first also measures peak memory)
  --only LIST       run only these benchmarks (B1,B2,B3,B4,B5,ROBUSTNESS; case does not matter)
  --micro-calls N   getppid calls of the micro workload (default 1000000)
  --ptrace-calls N  getppid calls of the micro workload in the ptrace and strace -f rows (default 200000)
  --out NAME        write bench/results/NAME.{json,md} (letters, digits, '-'; 'latest' only for a full run)
  --tools LIST      the robustness suite measures only these corpus tools (bench/corpus/<tool>)
  --levels LIST     the robustness suite measures only these generalisation levels (default: all the generator has)

A full run (every benchmark, --rounds and --slow-rounds at least 5) writes bench/results/latest.{json,md};
any other run writes bench/results/partial.{json,md}, or NAME.* with --out (e.g. --only B2 --out b2-args).
The robustness suite also writes bench/results/robustness.{json,md} (robustness-partial.* with --tools).`;

export class UsageError extends Error {}

export const DEFAULTS: BenchConfig = {
  rounds: 11,
  slowRounds: 5,
  warmup: 1,
  only: [...BENCH_IDS],
  microCalls: 1_000_000,
  ptraceCalls: 200_000,
};

/** The options that take a whole number, with their bounds. */
const COUNTS = {
  rounds: { key: 'rounds', min: 1, max: 100 },
  'slow-rounds': { key: 'slowRounds', min: 1, max: 100 },
  warmup: { key: 'warmup', min: 0, max: 10 },
  'micro-calls': { key: 'microCalls', min: 1000, max: 100_000_000 },
  'ptrace-calls': { key: 'ptraceCalls', min: 1000, max: 100_000_000 },
} as const satisfies Record<string, { key: Exclude<keyof BenchConfig, 'only'>; min: number; max: number }>;

function count(flag: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${flag} needs a whole number from ${min} to ${max}, not '${v}'`);
  return Number(v);
}

/** Parses the bench's argv (after `--`) with node:util's parseArgs; returns undefined for --help. */
export function parseArgs(argv: readonly string[]): BenchConfig | undefined {
  let values: Partial<Record<keyof typeof COUNTS | 'only' | 'out' | 'tools' | 'levels', string>> & { help?: boolean };
  try {
    ({ values } = parseArgv({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        only: { type: 'string' },
        rounds: { type: 'string' },
        'slow-rounds': { type: 'string' },
        warmup: { type: 'string' },
        'micro-calls': { type: 'string' },
        'ptrace-calls': { type: 'string' },
        out: { type: 'string' },
        tools: { type: 'string' },
        levels: { type: 'string' },
      },
    }));
  } catch (e) {
    // node:util's own message ("Unknown option '--fast'", "Option '--rounds <value>' argument missing"), first line.
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_') === true) throw new UsageError((e as Error).message.split('\n')[0] ?? '');
    throw e;
  }
  if (values.help === true) return undefined;
  const c: BenchConfig = { ...DEFAULTS, only: [...DEFAULTS.only] };
  for (const [flag, { key, min, max }] of Object.entries(COUNTS)) {
    const v = values[flag as keyof typeof COUNTS];
    if (v !== undefined) c[key] = count(`--${flag}`, v, min, max);
  }
  if (values.only !== undefined) {
    const ids = values.only
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s !== '');
    const bad = ids.filter((s) => !(BENCH_IDS as readonly string[]).includes(s));
    if (ids.length === 0 || bad.length > 0)
      throw new UsageError(`--only takes a list of ${BENCH_IDS.join(', ')}${bad.length > 0 ? `, not '${bad.join(',')}'` : ''}`);
    c.only = BENCH_IDS.filter((b) => ids.includes(b));
  }
  for (const flag of ['tools', 'levels'] as const) {
    const v = values[flag];
    if (v === undefined) continue;
    const list = [...new Set(v.split(',').map((s) => s.trim()))].filter((s) => s !== '');
    if (list.length === 0 || list.some((s) => !/^[a-z0-9][a-z0-9-]*$/.test(s)))
      throw new UsageError(`--${flag} takes a list of names (letters, digits, '-'), not '${v}'`);
    const unknown = flag === 'tools' ? list.filter((t) => !CORPUS_TOOLS.includes(t)) : [];
    if (unknown.length > 0) throw new UsageError(`--tools takes corpus tools (${CORPUS_TOOLS.join(', ')}), not '${unknown.join(',')}'`);
    c[flag] = flag === 'tools' ? CORPUS_TOOLS.filter((t) => list.includes(t)) : list;
  }
  c.slowRounds = Math.min(c.slowRounds, c.rounds);
  if (values.out !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(values.out))
      throw new UsageError(`--out takes a name of letters, digits and '-' (bench/results/NAME.json), not '${values.out}'`);
    // latest.* holds every row of a full run: a partial run must not replace it with some of them.
    if (values.out === 'latest' && !isFullRun(c))
      throw new UsageError('--out latest is for a full run only (every benchmark, --rounds and --slow-rounds at least 5): it would drop the other rows');
    if (values.out === 'partial') throw new UsageError('--out partial is what a partial run writes anyway; leave --out off');
    c.out = values.out;
  }
  return c;
}

/** Where a run's results go, without the extension: latest for a full run, partial otherwise, or --out's name. */
export function resultsStem(c: BenchConfig): string {
  return c.out ?? (isFullRun(c) ? 'latest' : 'partial');
}

/** The options that reproduce this run (those that differ from the defaults), e.g. "--only B2 --rounds 9". */
export function commandLine(c: BenchConfig): string {
  const parts: string[] = [];
  if (c.only.join(',') !== DEFAULTS.only.join(',')) parts.push('--only', c.only.join(','));
  for (const [flag, { key }] of Object.entries(COUNTS)) {
    // --slow-rounds follows --rounds when it is capped by it.
    if (key === 'slowRounds' && c.slowRounds === Math.min(DEFAULTS.slowRounds, c.rounds)) continue;
    if (c[key] !== DEFAULTS[key]) parts.push(`--${flag}`, String(c[key]));
  }
  if (c.out !== undefined) parts.push('--out', c.out);
  if (c.tools !== undefined) parts.push('--tools', c.tools.join(','));
  if (c.levels !== undefined) parts.push('--levels', c.levels.join(','));
  return parts.join(' ');
}

/** A full run measures everything (every corpus tool and level too) with at least 5 rounds: only such a run replaces latest.*. */
export function isFullRun(c: BenchConfig): boolean {
  return BENCH_IDS.every((b) => c.only.includes(b)) && c.rounds >= 5 && c.slowRounds >= 5 && c.tools === undefined && c.levels === undefined;
}

export function wants(c: BenchConfig, id: BenchId): boolean {
  return c.only.includes(id);
}
