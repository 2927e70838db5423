// A recording is evidence, not permission. For every recorded syscall this decides the rules a
// generated profile gets: name-only, argument rules from the recorded values (arg-rules.ts), or
// nothing — a catalogued dangerous syscall (src/catalog/dangerous.ts) or value
// (data/catalog/dangerous-values.json) stays denied unless justified (justify.ts), and each denial
// is a refusal naming the process and the count. clone3 is answered with ENOSYS whenever clone is
// allowed: its flags live in memory, so allowing it would allow namespaces.

import { matchDangerous, matchDangerousTuple } from '../catalog/dangerous-values.js';
import { riskOf } from '../catalog/dangerous.js';
import type { Footprint, ProcessRef } from '../footprint/model.js';
import { emptyFilter, type ArgCondition, type Rule } from '../profile/model.js';
import type { Arch } from '../syscalls/arch.js';
import { argPolicy, int32Equals, maskedEquals, tupleRuleIndices, valueLabel, type ArgLevel, type ArgPolicy } from './arg-rules.js';
import { compareText } from './canonical.js';
import { isMultiplexedAbi } from '../evaluator/libseccomp/abi.js';
import { SOCKETCALL_CODES } from '../syscalls/multiplexers.js';
import type { SyscallEvidence } from './evidence.js';
import { justifiedSyscall, justifiedValue, type Justification } from './justify.js';

export interface Refusal {
  syscall: string;
  /** The dangerous value, when the refusal is about one value of an allowed syscall; `call`
   * names the whole recorded combination when the value was recorded with others (socket's
   * family, type and protocol). */
  value?: { index: number; value: bigint; label: string; call?: string };
  /** Calls that carried it (for a value: calls with that value, summed over ABIs). */
  count: number;
  abis: Arch[];
  firstBy?: ProcessRef;
  workloads: string[];
  reason: string;
}

export interface DoorPlan {
  /** Rules for this syscall (empty: the syscall gets the default action). */
  rules: { args: ArgCondition[]; note: string }[];
  refusals: Refusal[];
  /** Justifications that let something through, for the summary. */
  used: Justification[];
  warnings: string[];
}

interface Recorded {
  value: bigint;
  count: number;
}

/** The recorded values of one argument, merged over the ABIs, sorted by value. */
export function recordedValues(fp: Footprint, syscall: string, index: number, abis: readonly Arch[]): Recorded[] | undefined {
  const by = new Map<bigint, number>();
  let any = false;
  for (const abi of abis) {
    const a = fp.syscalls[abi]?.[syscall]?.args?.find((x) => x.index === index);
    if (a === undefined) continue;
    any = true;
    for (const v of a.values) by.set(BigInt(v.value), (by.get(BigInt(v.value)) ?? 0) + v.count);
  }
  if (!any) return undefined;
  return [...by].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([value, count]) => ({ value, count }));
}

interface RecordedTuple {
  values: bigint[];
  count: number;
}

/** The recorded combinations of these argument indices, merged over the ABIs, sorted by value. */
export function recordedTuples(fp: Footprint, syscall: string, indices: readonly number[], abis: readonly Arch[]): RecordedTuple[] | undefined {
  const key = indices.join(',');
  const by = new Map<string, RecordedTuple>();
  let any = false;
  for (const abi of abis) {
    const t = fp.syscalls[abi]?.[syscall]?.argTuples?.find((x) => x.indices.join(',') === key);
    if (t === undefined) continue;
    any = true;
    for (const v of t.values) {
      const values = v.value.map((x) => BigInt(x));
      const k = values.join(',');
      const seen = by.get(k);
      if (seen === undefined) by.set(k, { values, count: v.count });
      else seen.count += v.count;
    }
  }
  if (!any) return undefined;
  return [...by.values()].sort((a, b) => {
    for (let i = 0; i < a.values.length; i++) {
      const [x, y] = [a.values[i] as bigint, b.values[i] as bigint];
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

/** The six arguments of a call with these values at these indices (0 elsewhere). */
function callArgs(indices: readonly number[], values: readonly bigint[]): bigint[] {
  const args = [0n, 0n, 0n, 0n, 0n, 0n];
  indices.forEach((ix, k) => (args[ix] = values[k] as bigint));
  return args;
}

/** "AF_NETLINK (16), SOCK_RAW (3), NETLINK_ROUTE (0)": one recorded combination, named. */
function tupleLabel(syscall: string, indices: readonly number[], values: readonly bigint[]): string {
  const args = callArgs(indices, values);
  return indices.map((ix, k) => valueLabel(syscall, ix, values[k] as bigint, args)).join(', ');
}

function refusalBase(e: SyscallEvidence): Pick<Refusal, 'abis' | 'workloads' | 'firstBy'> {
  const first = e.uses.find((u) => u.firstBy !== undefined)?.firstBy;
  return {
    abis: e.uses.map((u) => u.abi),
    workloads: [...new Set(e.uses.flatMap((u) => u.workloads))].sort(compareText),
    ...(first === undefined ? {} : { firstBy: first }),
  };
}

function calls(n: number): string {
  return `${n} call${n === 1 ? '' : 's'}`;
}

/** The rules for one recorded syscall at this --args level. */
export function planSyscall(e: SyscallEvidence, fp: Footprint, abis: readonly Arch[], level: ArgLevel, js: readonly Justification[]): DoorPlan {
  const plan: DoorPlan = { rules: [], refusals: [], used: [], warnings: [] };
  const total = e.uses.reduce((n, u) => n + u.count, 0);
  const risk = e.name === 'clone' || e.name === 'unshare' ? undefined : riskOf(e.name);
  const whole = justifiedSyscall(js, e.name);
  let policy: ArgPolicy | undefined = argPolicy(e.name, level);
  if (risk !== undefined) {
    if (whole === undefined) {
      plan.refusals.push({ syscall: e.name, count: total, reason: risk.reason, ...refusalBase(e) });
      return plan;
    }
    plan.used.push(whole);
    // Justified: exactly the recorded values where they are known, never more.
    policy ??= valuesPolicyFor(e.name, fp, abis);
    if (policy === undefined) {
      plan.rules.push({ args: [], note: `allowed by justification: ${whole.reason}` });
      return plan;
    }
  }
  if (policy === undefined) {
    plan.rules.push({ args: [], note: '' });
    return plan;
  }
  if (policy.form.kind === 'tuple' && abis.some(isMultiplexedAbi) && SOCKETCALL_CODES[e.name] !== undefined) {
    // On x86 libseccomp puts the same rule on socketcall(call, args), replacing only arg0: the
    // other arguments there are a pointer, so conditions on them would deny at random. Only the
    // family stays (socket, socketpair); setsockopt stays name-only.
    if (e.name === 'setsockopt') {
      plan.rules.push({
        args: [],
        note: `not narrowed: ${abis.filter(isMultiplexedAbi).join(', ')} multiplexes it through socketcall, whose arguments are in memory`,
      });
      return plan;
    }
    policy = { ...policy, form: { kind: 'values' }, why: 'address family' };
  }
  if (policy.form.kind === 'tuple') {
    const tuples = recordedTuples(fp, e.name, policy.form.indices, abis);
    if (tuples !== undefined) {
      planTuples(plan, e, policy, policy.form, tuples, js);
      return plan;
    }
    // A recording made before combinations were recorded: narrow the first argument alone.
    if (recordedValues(fp, e.name, policy.index, abis) !== undefined)
      plan.warnings.push(
        `${e.name}: the recording has values but not combinations of its ${policy.why}, so only arg${policy.index} is narrowed (record again with this version's recorder)`,
      );
    policy = { ...policy, form: { kind: 'values' }, why: policy.why.split(',')[0] ?? policy.why };
  }
  const values = recordedValues(fp, e.name, policy.index, abis);
  const what = `arg${policy.index} (${policy.why})`;
  const kept: Recorded[] = [];
  for (const v of values ?? []) {
    const hits = matchDangerous(e.name, policy.index, v.value);
    if (hits.length === 0) {
      kept.push(v);
      continue;
    }
    const j = hits.map((h) => justifiedValue(js, e.name, policy.index, v.value, h.kind)).find((x) => x !== undefined);
    if (j !== undefined) {
      if (!plan.used.includes(j)) plan.used.push(j);
      kept.push(v);
      continue;
    }
    plan.refusals.push({
      syscall: e.name,
      value: { index: policy.index, value: v.value, label: valueLabel(e.name, policy.index, v.value) },
      count: v.count,
      reason: hits.map((h) => `${h.name}: ${h.reason}`).join('; '),
      ...refusalBase(e),
    });
  }
  const reasonOf = (v: bigint): string => {
    const j = matchDangerous(e.name, policy.index, v)
      .map((h) => justifiedValue(js, e.name, policy.index, v, h.kind))
      .find((x) => x !== undefined);
    return j === undefined ? '' : `; justified: ${j.reason}`;
  };
  if (policy.form.kind === 'ns-mask') {
    const mask = policy.form.mask;
    plan.rules.push({ args: [maskedEquals(policy.index, mask, 0n)], note: `${what}: no CLONE_NEW* bit (mask 0x${mask.toString(16)}), as Docker's default` });
    const justified = [...new Set(kept.filter((v) => (v.value & mask) !== 0n).map((v) => v.value & mask))];
    for (const bits of justified) {
      plan.rules.push({
        args: [maskedEquals(policy.index, mask, bits)],
        note: `${what}: exactly the recorded namespace flags ${valueLabel(e.name, policy.index, bits)}${reasonOf(bits)}`,
      });
    }
    return plan;
  }
  if (values === undefined) {
    // Only the floor's doors (where Docker's default has a rule) are worth a warning; elsewhere a
    // name-only rule is what --args none would give anyway.
    if (policy.level === 'none')
      plan.warnings.push(
        `${e.name}: the recording has no values of ${what}, so no argument rule narrows it (record with the eBPF or ptrace recorder of this version)`,
      );
    plan.rules.push({ args: [], note: '' });
    return plan;
  }
  for (const v of kept) {
    plan.rules.push({
      args: [int32Equals(policy.index, v.value)],
      note: `${what} = ${valueLabel(e.name, policy.index, v.value)}, ${calls(v.count)} recorded${reasonOf(v.value)}`,
    });
  }
  return plan;
}

/**
 * One rule per recorded combination (masked, socket's protocol dropped where it does not matter),
 * each combination checked against the dangerous values with the rest of its call as context; a
 * dangerous combination stays denied unless justified.
 */
function planTuples(
  plan: DoorPlan,
  e: SyscallEvidence,
  policy: ArgPolicy,
  form: { indices: readonly number[]; masks: readonly bigint[] },
  tuples: readonly RecordedTuple[],
  js: readonly Justification[],
): void {
  const what = `arg${form.indices.join(',')} (${policy.why})`;
  const rules = new Map<string, { indices: number[]; values: bigint[]; count: number; reasons: Set<string> }>();
  for (const t of tuples) {
    const values = t.values.map((v, k) => v & (form.masks[k] ?? 0xffffffffn));
    const hits = matchDangerousTuple(e.name, form.indices, values);
    const reasons = new Set<string>();
    let refused = false;
    for (const h of hits) {
      const at = form.indices.indexOf(h.index);
      const j = justifiedValue(js, e.name, h.index, values[at] as bigint, h.kind);
      if (j !== undefined) {
        if (!plan.used.includes(j)) plan.used.push(j);
        reasons.add(j.reason);
        continue;
      }
      if (refused) continue;
      refused = true;
      plan.refusals.push({
        syscall: e.name,
        value: {
          index: h.index,
          value: values[at] as bigint,
          label: valueLabel(e.name, h.index, values[at] as bigint, callArgs(form.indices, values)),
          call: tupleLabel(e.name, form.indices, values),
        },
        count: t.count,
        reason: hits.map((x) => `${x.name}: ${x.reason}`).join('; '),
        ...refusalBase(e),
      });
    }
    if (refused) continue;
    const indices = tupleRuleIndices(e.name, form.indices, values);
    const kept = indices.map((ix) => values[form.indices.indexOf(ix)] as bigint);
    const key = kept.join(',');
    const seen = rules.get(key);
    if (seen === undefined) rules.set(key, { indices, values: kept, count: t.count, reasons });
    else {
      seen.count += t.count;
      for (const r of reasons) seen.reasons.add(r);
    }
  }
  for (const r of rules.values()) {
    const args = r.indices.map((ix, k) => {
      const mask = form.masks[form.indices.indexOf(ix)] ?? 0xffffffffn;
      return mask === 0xffffffffn ? int32Equals(ix, r.values[k] as bigint) : maskedEquals(ix, mask, r.values[k] as bigint);
    });
    const justified = [...r.reasons].map((x) => `; justified: ${x}`).join('');
    plan.rules.push({ args, note: `${what} = ${tupleLabel(e.name, r.indices, r.values)}, ${calls(r.count)} recorded${justified}` });
  }
}

/** For a justified dangerous syscall: a rule on the arguments clawfence recorded, if any (their
 * combinations where recorded, else the first argument's values). */
function valuesPolicyFor(name: string, fp: Footprint, abis: readonly Arch[]): ArgPolicy | undefined {
  for (const abi of abis) {
    const u = fp.syscalls[abi]?.[name];
    const t = u?.argTuples?.[0];
    if (t !== undefined)
      return {
        syscall: name,
        index: t.indices[0] ?? 0,
        form: { kind: 'tuple', indices: t.indices, masks: t.indices.map(() => 0xffffffffn) },
        level: 'none',
        why: 'recorded arguments',
      };
    const a = u?.args?.[0];
    if (a !== undefined) return { syscall: name, index: a.index, form: { kind: 'values' }, level: 'none', why: 'recorded argument' };
  }
  return undefined;
}

/** The rule objects for a plan, each with the evidence comment and the plan's note. */
export function planRules(name: string, plan: DoorPlan, comment: string): Rule[] {
  return plan.rules.map((r) => ({
    names: [name],
    action: 'allow',
    args: r.args,
    includes: emptyFilter(),
    excludes: emptyFilter(),
    comment: r.note === '' ? comment : `${comment}; ${r.note}`,
  }));
}

/** "socket AF_PACKET (17): 2 calls by hostile-tool (/usr/local/bin/hostile-tool), workload work — raw link-layer access …". */
export function describeRefusal(r: Refusal): string {
  const what =
    r.value === undefined
      ? r.syscall
      : `${r.syscall} with arg${r.value.index} = ${r.value.label}${r.value.call === undefined ? '' : ` (recorded as ${r.syscall}(${r.value.call}))`}`;
  const who =
    r.firstBy === undefined ? '' : ` first by ${r.firstBy.exe === undefined || r.firstBy.exe === '' ? r.firstBy.comm : `${r.firstBy.comm} (${r.firstBy.exe})`}`;
  const wl = r.workloads.length === 0 ? '' : `, ${r.workloads.length === 1 ? 'workload' : 'workloads'} ${r.workloads.join(', ')}`;
  return `denied ${what}: ${calls(r.count)} on ${r.abis.join(', ')}${who}${wl} — ${r.reason}`;
}
