// What one bench run produces: rows (one measured ratio each, with its target and verdict), the
// machine it ran on, and the notes that define every figure. Written to bench/results/*.json.

import type { Summary } from './stats.js';

export type BenchId = 'B1' | 'B2' | 'B3' | 'B4' | 'B5' | 'ROBUSTNESS';
export const BENCH_IDS: readonly BenchId[] = ['B1', 'B2', 'B3', 'B4', 'B5', 'ROBUSTNESS'];

/** The robustness corpus's tools, in table order (bench/corpus/<tool>/). */
export const CORPUS_TOOLS: readonly string[] = ['xml', 'graphviz', 'nginx', 'git', 'openssl', 'gawk', 'zstd'];

/** pass/fail: judged against a target; info: measured, no target; n/a: cannot be measured by
 * design (said in `detail`); error: should have been measured but a run failed (said in `error`). */
export type RowVerdict = 'pass' | 'fail' | 'info' | 'n/a' | 'error';

export interface Row {
  /** Stable id, e.g. "B1.micro.ebpf.loop". */
  id: string;
  bench: BenchId;
  /** The two sides, "A / B", e.g. "record --recorder ebpf / plain docker run". */
  what: string;
  /** The workload, e.g. "micro, 1M getppid". */
  workload: string;
  /** What was timed, e.g. "loop time" (in the container) or "wall". */
  metric: string;
  ratio?: Summary;
  /** The target in words, e.g. "≤ 1.30×". */
  target?: string;
  verdict: RowVerdict;
  /** A figure that goes with the verdict, e.g. "Δ +112 ms" or "band ±2.1%". */
  detail?: string;
  /** Peak memory, e.g. "node 92 MB, clawfence-rec 5 MB". */
  memory?: string;
  error?: string;
  /** The raw per-round times in milliseconds, A and B (JSON only; the table shows ratios). */
  samples?: { a: number[]; b: number[] };
}

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  docker: { server: string; client: string; runc: string; containerd: string; cgroup: string; host: string; seccompDefault: string };
  strace: { host: string; image: string };
  clawfence: { version: string; commit: string };
  bpfJit: string;
  time: string;
  loadAverage: { start: number[]; end: number[] };
}

export interface BenchConfig {
  rounds: number;
  slowRounds: number;
  warmup: number;
  only: BenchId[];
  microCalls: number;
  ptraceCalls: number;
  /** --out: the results' file name (bench/results/NAME.{json,md}) instead of latest/partial. */
  out?: string;
  /** --tools: the corpus tools the robustness suite measures (default: every one). */
  tools?: string[];
  /** --levels: the generalisation levels it measures (default: every level the generator has). */
  levels?: string[];
}

export interface BenchResults {
  schema: 'clawfence-bench/1';
  startedAt: string;
  seconds: number;
  complete: boolean;
  config: BenchConfig;
  machine: MachineFacts;
  rows: Row[];
  /** Definitions and observations, one per line, printed under the table. */
  notes: string[];
}
