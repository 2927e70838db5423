// `npm run bench -- [options]`: the options, parsed without side effects (test/bench/args.test.ts).

import { BENCH_IDS, type BenchConfig, type BenchId } from './model.js';

export const USAGE = `usage: npm run bench -- [--rounds N] [--slow-rounds N] [--warmup N] [--only B1,B2,…] [--micro-calls N] [--ptrace-calls N]

  --rounds N        measured rounds per row after the warm-up (default 11; at least 5 for a full run)
  --slow-rounds N   rounds for the slow rows, ptrace and strace -f (default 5; never more than --rounds)
  --warmup N        warm-up rounds, discarded (default 1; the first also measures peak memory)
  --only LIST       run only these benchmarks (B1,B2,B3,B4,B5)
  --micro-calls N   getppid calls of the micro workload (default 1000000)
  --ptrace-calls N  getppid calls of the micro workload in the ptrace and strace -f rows (default 200000)

A full run (every benchmark, --rounds and --slow-rounds at least 5) writes bench/results/latest.{json,md};
any other run writes bench/results/partial.{json,md}.`;

export class UsageError extends Error {}

export const DEFAULTS: BenchConfig = {
  rounds: 11,
  slowRounds: 5,
  warmup: 1,
  only: [...BENCH_IDS],
  microCalls: 1_000_000,
  ptraceCalls: 200_000,
};

function count(flag: string, v: string | undefined, min: number, max: number): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`${flag} needs a whole number from ${min} to ${max}${v === undefined ? '' : `, not '${v}'`}`);
  }
  return Number(v);
}

/** Parses the bench's argv (after `--`); returns undefined for --help. */
export function parseArgs(argv: readonly string[]): BenchConfig | undefined {
  const c: BenchConfig = { ...DEFAULTS, only: [...DEFAULTS.only] };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq === -1 ? raw : raw.slice(0, eq);
    const value = (): string | undefined => (eq === -1 ? argv[++i] : raw.slice(eq + 1));
    switch (flag) {
      case '-h':
      case '--help':
        return undefined;
      case '--rounds': c.rounds = count(flag, value(), 1, 100); break;
      case '--slow-rounds': c.slowRounds = count(flag, value(), 1, 100); break;
      case '--warmup': c.warmup = count(flag, value(), 0, 10); break;
      case '--micro-calls': c.microCalls = count(flag, value(), 1000, 100_000_000); break;
      case '--ptrace-calls': c.ptraceCalls = count(flag, value(), 1000, 100_000_000); break;
      case '--only': {
        const v = value();
        const ids = (v ?? '').split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
        const bad = ids.filter((s) => !(BENCH_IDS as readonly string[]).includes(s));
        if (ids.length === 0 || bad.length > 0) throw new UsageError(`--only takes a list of ${BENCH_IDS.join(', ')}${bad.length > 0 ? `, not '${bad.join(',')}'` : ''}`);
        c.only = BENCH_IDS.filter((b) => ids.includes(b));
        break;
      }
      default:
        throw new UsageError(`unknown option '${raw}'`);
    }
  }
  c.slowRounds = Math.min(c.slowRounds, c.rounds);
  return c;
}

/** A full run measures everything with at least 5 rounds: only such a run replaces latest.*. */
export function isFullRun(c: BenchConfig): boolean {
  return BENCH_IDS.every((b) => c.only.includes(b)) && c.rounds >= 5 && c.slowRounds >= 5;
}

export function wants(c: BenchConfig, id: BenchId): boolean {
  return c.only.includes(id);
}
