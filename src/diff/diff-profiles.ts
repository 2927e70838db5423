// Semantic diff of two profiles, per ABI: which (syscall, argument values) the two filters decide
// differently on one host. See docs/diff.md.

import { ARCH_INFO, familyAbis, type Arch } from '../syscalls/arch.js';
import { syscallNumber, syscallsOf } from '../syscalls/table.js';
import { conflicts, decideOutcome, type EvaluateOptions } from '../evaluator/evaluate.js';
import { ruleTargets } from '../evaluator/libseccomp/abi.js';
import type { ArgCondition, ConcreteProfile, Profile } from '../profile/model.js';
import { resolveProfile, type HostContext } from '../profile/resolve.js';
import { type AbiDiff, type ArgChange, type DiffOptions, type DiffResult, type DiffTuning, type SyscallDiff, type SideVerdict } from './model.js';
import { outcomeKey, sameOutcome, sideVerdict } from './boxes.js';
import { diffSyscall, joinVerdicts } from './changes.js';

/** The conditions each rule add brings to each syscall number of this ABI, as libseccomp lands
 * it (a socketcall/ipc landing on a multiplexing ABI compares arg0 with the call number). */
function conditionsByNumber(cp: ConcreteProfile, abi: Arch): Map<number, { args: ArgCondition[] }[]> {
  const m = new Map<number, { args: ArgCondition[] }[]>();
  for (const r of cp.rules) {
    for (const n of new Set(r.names)) {
      for (const t of ruleTargets(abi, n)) {
        const args = t.via === undefined ? r.args : [{ index: 0, op: 'eq' as const, value: BigInt(t.via.call), valueTwo: 0n }, ...r.args];
        m.set(t.nr, [...(m.get(t.nr) ?? []), { args }]);
      }
    }
  }
  return m;
}

const TABLES = new Map<Arch, { names: [string, number][]; beyond: number }>();

/** The ABI's syscalls sorted by name with their numbers, and the first number past the table. */
function tableOf(abi: Arch): { names: [string, number][]; beyond: number } {
  let t = TABLES.get(abi);
  if (t === undefined) {
    const names = syscallsOf(abi).map((n): [string, number] => [n, syscallNumber(abi, n) as number]);
    t = { names: names.sort((x, y) => (x[0] < y[0] ? -1 : 1)), beyond: Math.max(-1, ...names.map((x) => x[1])) + 1 };
    TABLES.set(abi, t);
  }
  return t;
}

function diffAbi(
  a: ConcreteProfile,
  b: ConcreteProfile,
  abi: Arch,
  maxPoints: number,
  evaluate: EvaluateOptions,
  subset: ReadonlySet<string> | undefined,
): AbiDiff {
  const { names, beyond } = tableOf(abi);
  const bits = ARCH_INFO[abi].bits;
  const fa = decideOutcome(a, abi, beyond, [], evaluate);
  const fb = decideOutcome(b, abi, beyond, [], evaluate);
  const ca = conditionsByNumber(a, abi);
  const cb = conditionsByNumber(b, abi);
  const syscalls: SyscallDiff[] = [];
  const unruled = new Map<string, { a: SideVerdict; b: SideVerdict; syscalls: string[] }>();
  const sampled: string[] = [];
  for (const [name, nr] of names) {
    if (subset !== undefined && !subset.has(name)) continue;
    const rules = [...(ca.get(nr) ?? []), ...(cb.get(nr) ?? [])];
    const r = diffSyscall({ abi, bits, name, a, b, rules, maxPoints, evaluate });
    if (r.sampled) sampled.push(name);
    const d = r.diff;
    if (d === undefined) continue;
    const only = d.changes[0] as ArgChange;
    // A syscall that no rule decides on either side, for every argument, is grouped by outcome.
    if (d.changes.length === 1 && only.args.length === 0 && !only.a.by.includes('rule') && !only.b.by.includes('rule')) {
      const k = `${outcomeKey(only.a)}>${outcomeKey(only.b)}`;
      const g = unruled.get(k) ?? { a: { ...only.a, rules: [] }, b: { ...only.b, rules: [] }, syscalls: [] };
      g.a = joinVerdicts(g.a, only.a);
      g.b = joinVerdicts(g.b, only.b);
      g.syscalls.push(name);
      unruled.set(k, g);
    } else {
      syscalls.push(d);
    }
  }
  const groups = [...unruled.values()].sort(
    (x, y) => y.syscalls.length - x.syscalls.length || (x.syscalls[0] as string).localeCompare(y.syscalls[0] as string),
  );
  const beyondDiffers = !sameOutcome(fa, fb);
  return {
    abi,
    inA: a.architectures.includes(abi),
    inB: b.architectures.includes(abi),
    unruled: groups,
    ...(beyondDiffers ? { beyondTable: { nr: beyond, a: sideVerdict([fa]), b: sideVerdict([fb]) } } : {}),
    syscalls,
    sampled,
    isEmpty: groups.length === 0 && !beyondDiffers && syscalls.length === 0,
  };
}

/** Semantic diff of two resolved profiles on one host. */
export function diffConcrete(a: ConcreteProfile, b: ConcreteProfile, native: Arch, opts: DiffTuning = {}): DiffResult {
  const handled = new Set([...a.architectures, ...b.architectures]);
  const abis = familyAbis(native)
    .filter((abi) => handled.has(abi))
    .map((abi) => diffAbi(a, b, abi, opts.maxPoints ?? 1024, opts.evaluate ?? {}, opts.only));
  const flags = {
    onlyA: [...new Set(a.flags)].filter((f) => !b.flags.includes(f)).sort(),
    onlyB: [...new Set(b.flags)].filter((f) => !a.flags.includes(f)).sort(),
  };
  const refused = { a: conflicts(a, undefined, opts.evaluate), b: conflicts(b, undefined, opts.evaluate) };
  const isEmpty = abis.every((x) => x.isEmpty) && flags.onlyA.length === 0 && flags.onlyB.length === 0 && (refused.a.length === 0) === (refused.b.length === 0);
  return { native, abis, flags, conflicts: refused, listener: [], isEmpty };
}

/** Semantic diff of two profiles, each resolved for the host in `opts` (native ABI, caps, kernel). */
export function diffProfiles(a: Profile, b: Profile, opts: DiffOptions): DiffResult {
  const host: HostContext = { native: opts.native, caps: opts.caps, ...(opts.kernel === undefined ? {} : { kernel: opts.kernel }) };
  const r = diffConcrete(resolveProfile(a, host), resolveProfile(b, host), opts.native, opts);
  const listener: DiffResult['listener'] = [];
  for (const field of ['listenerPath', 'listenerMetadata'] as const) {
    if (a[field] !== b[field]) listener.push({ field, ...(a[field] === undefined ? {} : { a: a[field] }), ...(b[field] === undefined ? {} : { b: b[field] }) });
  }
  return { ...(opts.describe === undefined ? r : labelled(r, opts.describe)), listener, isEmpty: r.isEmpty && listener.length === 0 };
}

/** Adds the named constant of each single value or example (AF_ALG, CLONE_NEWUSER). */
function labelled(r: DiffResult, describe: NonNullable<DiffOptions['describe']>): DiffResult {
  const abis = r.abis.map((x) => ({
    ...x,
    syscalls: x.syscalls.map((s) => ({
      ...s,
      changes: s.changes.map((c) => ({
        ...c,
        args: c.args.map((g) => {
          const label = describe(s.name, g.index, g.lo === g.hi ? g.lo : g.example);
          return label === undefined ? g : { ...g, label };
        }),
      })),
    })),
  }));
  return { ...r, abis };
}
