// The semantic diff's result: per ABI, per syscall, the argument boxes on which two profiles decide
// differently, and what each side did there.

import type { Arch } from '../syscalls/arch.js';
import type { Conflict, DecisionSource, EvaluateOptions } from '../evaluator/evaluate.js';
import type { Verdict } from '../evaluator/libseccomp/actions.js';
import type { HostContext } from '../profile/resolve.js';

export interface DiffOptions extends HostContext {
  /** Names an argument value (AF_ALG, CLONE_NEWUSER) for reports; optional. */
  describe?: (syscall: string, index: number, value: bigint) => string | undefined;
  /** Bound on the argument points evaluated per (ABI, syscall); beyond it points are sampled and
   * the entry is marked approximate. Default 1024. */
  maxPoints?: number;
  /** Which runtime and libseccomp load the filters (passed to the evaluator). */
  evaluate?: EvaluateOptions;
  /** Compare only these syscalls (default: every syscall of each ABI). */
  only?: ReadonlySet<string>;
}

/** The knobs of diffConcrete. */
export type DiffTuning = Pick<DiffOptions, 'maxPoints' | 'evaluate' | 'only'>;

/** What one side did on a set of points: the verdict (action and errno), and every way it got there. */
export interface SideVerdict extends Verdict {
  /** Indices in the source profile's syscalls[] of the rules that decided (sorted). */
  rules: number[];
  /** 'rule', 'default' and/or 'bad-arch' (sorted). */
  by: DecisionSource[];
}

/** One fact about one argument: (arg & mask) compared with value by `op` holds. */
export interface MaskFact {
  mask: bigint;
  value: bigint;
  op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
}

/** A set of values of one argument: lo ≤ arg ≤ hi, and every mask fact holds as stated. When
 * `words` is set the values are only those whose high and low 32-bit words each lie in their own
 * range (lo/hi then bound them). On a 32-bit ABI these are values of the low word, the only part
 * the filter sees. */
export interface ArgRange {
  index: number;
  lo: bigint;
  hi: bigint;
  words?: { hi: [bigint, bigint]; lo: [bigint, bigint] };
  masks: MaskFact[];
  /** The smallest value of the set that was evaluated. */
  example: bigint;
  /** The named constant of the value (lo = hi) or of the example, when `describe` knows one. */
  label?: string;
}

/** The argument values (a box; arguments not listed take any value) on which A and B differ. */
export interface ArgChange {
  args: ArgRange[];
  a: SideVerdict;
  b: SideVerdict;
}

export interface SyscallDiff {
  name: string;
  nr: number;
  /** Disjoint boxes; a single change with no args means "for every argument value". When
   * `approximate`, only examples: single calls that differ, a few per pair of outcomes. */
  changes: ArgChange[];
  /** True when there were too many argument classes and only a sample was decided. */
  approximate: boolean;
}

export interface AbiDiff {
  abi: Arch;
  /** Which filters handle the ABI; for the other one libseccomp's bad-arch action applies. */
  inA: boolean;
  inB: boolean;
  /** Syscalls on which no rule decides in either profile yet the two differ (default action,
   * bad-arch, the runtime's ENOSYS stub), grouped by the two outcomes; largest group first. */
  unruled: { a: SideVerdict; b: SideVerdict; syscalls: string[] }[];
  /** The decision for the first number past the syscall table (a syscall a newer kernel adds),
   * when the two differ. */
  beyondTable?: { nr: number; a: SideVerdict; b: SideVerdict };
  /** Every other syscall whose decision differs for some arguments, by name. */
  syscalls: SyscallDiff[];
  /** Syscalls whose conditions were too many to check every class of arguments: they were
   * checked on a sample, so a difference may hide there even when none is reported. */
  sampled: string[];
  isEmpty: boolean;
}

export interface DiffResult {
  native: Arch;
  /** Every ABI at least one filter handles, the native one first. */
  abis: AbiDiff[];
  /** Filter flags set in one profile only (they change logging or the filter's loading). */
  flags: { onlyA: string[]; onlyB: string[] };
  /** Why the runtime would refuse to load each filter (libseccomp -EEXIST and the like); a filter
   * that does not load decides nothing, so one loading and the other not is a difference. */
  conflicts: { a: Conflict[]; b: Conflict[] };
  /** listenerPath / listenerMetadata differences (where SCMP_ACT_NOTIFY goes). */
  listener: { field: 'listenerPath' | 'listenerMetadata'; a?: string; b?: string }[];
  isEmpty: boolean;
}
