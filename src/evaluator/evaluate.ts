// The evaluator: what the kernel does for one syscall on one ABI with six argument values, under a
// resolved profile loaded by runc (or crun) through libseccomp. It replays runc's rule adds into a
// port of libseccomp's filter db and walks the result the way the generated BPF does, so
// overlapping rules, 64-bit splitting, 32-bit truncation and socketcall come out as the kernel
// sees them. docs/evaluator.md explains the semantics and cites the sources.

import { ClawfenceError } from '../errors.js';
import { ARCH_INFO, type Arch } from '../syscalls/arch.js';
import { abisOf, syscallName, syscallNumber } from '../syscalls/table.js';
import { BAD_ARCH_ACTION, ERRNO_ENOSYS_ACTION, verdictOf, type Verdict } from './libseccomp/actions.js';
import { abiWordBits, ruleTargets } from './libseccomp/abi.js';
import { runProgram } from './libseccomp/bpf/run.js';
import { evaluateEntry, splitArgs, type EntryVerdict } from './libseccomp/db.js';
import { compileFilter, type Application, type CompiledAbi, type CompiledFilter, type Conflict, type EvaluateOptions } from './filter.js';
import { conditionHolds, describeFailure, firstFailing, formatConditions, formatVerdict } from './explain.js';
import type { Action, ArgCondition, ConcreteProfile } from '../profile/model.js';

export type { Conflict, EvaluateOptions } from './filter.js';

export type DecisionSource =
  | 'rule' // a rule matched
  | 'default' // no rule matched: the profile's default action
  | 'bad-arch' // the ABI is not in the filter: libseccomp's bad-arch action (SCMP_ACT_KILL_THREAD)
  | 'enosys-stub'; // runc's -ENOSYS stub: the number is above every syscall the profile names

/** Another rule naming the syscall, and why it did not decide. */
export interface Considered {
  /** Index of the rule in the source profile's syscalls[]. */
  rule: number;
  name: string;
  action: Action;
  errno?: number;
  status: 'no-match' | 'shadowed' | 'skipped' | 'refused';
  /** For no-match: the condition that failed (as this ABI's filter compares it). */
  failed?: ArgCondition;
  why: string;
}

export interface Decision {
  action: Action;
  /** errno for 'errno' (also the message number for 'trace'), as the filter returns it. */
  errno?: number;
  source: DecisionSource;
  /** Index of the deciding rule in the source profile's syscalls[]. */
  rule?: number;
  /** The conditions of the deciding rule that held (empty for an unconditional rule). */
  conditions?: ArgCondition[];
  /** One line saying why. */
  why: string;
  /** The other rules naming this syscall on this ABI, each with why it did not decide. */
  considered: Considered[];
  syscall: SyscallRef;
  /** Set when runc would refuse to load the profile at all (libseccomp -EEXIST and the like). */
  conflicts?: Conflict[];
  /**
   * Set when the filter libseccomp builds does something for this call that the profile's rules
   * do not say: its code generator reuses an accumulator loaded for another argument word, or its
   * argument tree shares a level between rules so one rule's later conditions are reached on
   * another rule's path. `intended` is what the rules say: the first verdict, in the tree's order,
   * of a rule whose conditions all hold (the default action when none does). The decision itself
   * is what the generated BPF, and so the kernel, does.
   */
  intended?: { action: Action; errno?: number; rule?: number };
}

export interface SyscallRef {
  name: string;
  nr: number;
}

/**
 * A decision without its texts (`why`, `considered`): the verdict, where it came from and the
 * deciding rule. What the surface computations (audit, generate, diff) need, thousands of times
 * per profile; building the texts costs more than deciding.
 */
export type Outcome = Omit<Decision, 'why' | 'considered'>;

type Texts = Pick<Decision, 'why' | 'considered'>;

/** How a call was decided, with its texts deferred until someone asks for them. */
interface Judged {
  outcome: Outcome;
  texts: () => Texts;
}

const cache = new WeakMap<ConcreteProfile, Map<string, CompiledFilter>>();

/** The compiled filter for a profile, cached per profile object and options. */
export function compiledFilter(cp: ConcreteProfile, opts: EvaluateOptions = {}): CompiledFilter {
  const key = `${opts.runtime ?? 'runc'}/${opts.libseccomp === '2.6.1' ? 'fixed' : 'old'}`;
  let byKey = cache.get(cp);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(cp, byKey);
  }
  let f = byKey.get(key);
  if (f === undefined) {
    f = compileFilter(cp, opts);
    byKey.set(key, f);
  }
  return f;
}

/** Why runc would refuse this profile (empty: it loads). With `abi`, only that ABI's collisions. */
export function conflicts(cp: ConcreteProfile, abi?: Arch, opts: EvaluateOptions = {}): Conflict[] {
  return compiledFilter(cp, opts).conflicts.filter((c) => abi === undefined || c.abi === undefined || c.abi === abi);
}

function ref(abi: Arch, syscall: string | number): SyscallRef {
  if (typeof syscall === 'number') return { name: syscallName(abi, syscall) ?? `#${syscall}`, nr: syscall };
  const nr = syscallNumber(abi, syscall);
  if (nr === undefined) {
    const where = abisOf(syscall);
    throw new ClawfenceError('bad-input', `syscall '${syscall}' does not exist on ${abi}`, {
      hint: where.length === 0 ? `check the spelling; 'clawfence syscalls' lists them` : `it exists on: ${where.join(', ')}`,
    });
  }
  return { name: syscall, nr };
}

function withVerdict(v: Verdict): Pick<Decision, 'action' | 'errno'> {
  return v.errno === undefined ? { action: v.action } : { action: v.action, errno: v.errno };
}

function ruleLabel(app: Application): string {
  const conds = app.add.conds.length === 0 ? '' : `, ${formatConditions(app.add.conds)}`;
  return `rule #${app.add.source} (${app.add.name}${conds})`;
}

function viaText(app: Application): string {
  const via = app.target.via;
  if (via === undefined) return '';
  return ` through ${via.multiplexer}(call ${via.call}) on ${app.abi}, where libseccomp replaces any arg0 condition with arg0 == ${via.call}`;
}

/** The rules that did not decide, grouped per source rule. */
function considerRules(f: CompiledFilter, c: CompiledAbi, s: SyscallRef, args: readonly bigint[], decider: Application | undefined): Considered[] {
  const bits = abiWordBits(c.abi);
  const bySource = new Map<number, Application[]>();
  for (const app of c.landings.get(s.nr) ?? []) {
    if (decider !== undefined && app.add.source === decider.add.source) continue;
    const list = bySource.get(app.add.source) ?? [];
    list.push(app);
    bySource.set(app.add.source, list);
  }
  const out: Considered[] = [];
  for (const [source, apps] of bySource) {
    const first = apps[0] as Application;
    const base = { rule: source, name: first.add.name, ...withVerdict(verdictOf(first.add.action)) };
    const split = first.add.split ? ' (runc splits it: conditions on one argument are OR-ed)' : '';
    if (apps.some((a) => f.failed.has(a.id))) {
      out.push({ ...base, status: 'refused', why: `${ruleLabel(first)}${split} was refused by libseccomp (-EEXIST): the runtime would not load this profile` });
      continue;
    }
    const matched = apps.find((a) => firstFailing(bits, a.conds, args) === undefined);
    if (matched !== undefined) {
      const by = decider === undefined ? 'the default action' : `rule #${decider.add.source}`;
      const how =
        decider !== undefined && decider.conds.length === 0 && decider.add.id < matched.add.id
          ? `an earlier unconditional rule (#${decider.add.source}) decides ${s.name}, and libseccomp ignores later rules for it`
          : `libseccomp's merged argument tree for ${s.name} gives ${by} here`;
      out.push({ ...base, status: 'shadowed', why: `${ruleLabel(matched)}${split}${viaText(matched)} matched, but ${how}` });
      continue;
    }
    const failed = firstFailing(bits, first.conds, args) as ArgCondition;
    const more = apps.length > 1 ? ` (and its other ${apps.length - 1} part${apps.length > 2 ? 's' : ''})` : '';
    out.push({
      ...base,
      status: 'no-match',
      failed,
      why: `${ruleLabel(first)}${split}${viaText(first)} did not match: ${describeFailure(bits, failed, args[failed.index] ?? 0n)}${more}`,
    });
  }
  for (const skip of f.plan.skips) {
    if (skip.reason !== 'default-action') continue;
    if (!ruleTargets(c.abi, skip.name).some((t) => t.nr === s.nr)) continue;
    out.push({
      rule: skip.source,
      name: skip.name,
      ...withVerdict(verdictOf(f.defaultAction)),
      status: 'skipped',
      why: `rule #${skip.source} (${skip.name}) is skipped by runc: its action equals the default action`,
    });
  }
  return out.sort((a, b) => a.rule - b.rule);
}

/**
 * The rule add whose conditions hold and that explains a tree verdict: the one libseccomp
 * credited, else another landing on the syscall with the same action. Undefined when no matching
 * rule gives that action (the tree reached it through a level shared with another rule).
 */
function explainingApp(f: CompiledFilter, c: CompiledAbi, nr: number, v: EntryVerdict, args: readonly bigint[]): Application | undefined {
  const credited = f.applications[v.src] as Application;
  const bits = abiWordBits(c.abi);
  if (firstFailing(bits, credited.conds, args) === undefined) return credited;
  return (c.landings.get(nr) ?? []).find((a) => !f.failed.has(a.id) && a.add.action === credited.add.action && firstFailing(bits, a.conds, args) === undefined);
}

/** What decides the call; decide() and decideOutcome() differ only in whether they ask for the texts. */
function judge(cp: ConcreteProfile, abi: Arch, syscall: string | number, args: readonly bigint[], opts: EvaluateOptions): Judged {
  const s = ref(abi, syscall);
  if (!cp.architectures.includes(abi)) {
    return {
      outcome: { ...withVerdict(verdictOf(BAD_ARCH_ACTION)), source: 'bad-arch', syscall: s },
      texts: () => {
        const x32 =
          abi === 'x32' && cp.architectures.includes('x86_64') ? ' (x32 calls reach the x86_64 filter, which rejects numbers with the 0x40000000 bit)' : '';
        return {
          considered: [],
          why: `${abi} is not among the filter's ABIs (${cp.architectures.join(', ')})${x32}: libseccomp's bad-arch action kills the thread`,
        };
      },
    };
  }
  const f = compiledFilter(cp, opts);
  const c = f.abis.get(abi) as CompiledAbi;
  const refusal = f.conflicts.length === 0 ? {} : { conflicts: f.conflicts };
  const nrU = s.nr >>> 0;
  const isS390Setup = (abi === 's390' || abi === 's390x') && nrU === 0;
  if (c.enosysAbove !== undefined && (nrU > c.enosysAbove || isS390Setup)) {
    return {
      outcome: { ...withVerdict(verdictOf(ERRNO_ENOSYS_ACTION)), source: 'enosys-stub', syscall: s, ...refusal },
      texts: () => ({
        considered: [],
        why: `runc's -ENOSYS stub: ${s.name} (nr ${s.nr}) is above the highest syscall the profile names on ${abi} (${c.enosysAbove}), so the runtime answers ENOSYS before the filter runs`,
      }),
    };
  }
  const words = splitArgs(args);
  const ret = runProgram(f.program, { nr: s.nr, arch: ARCH_INFO[abi].auditArch, words });
  const verdict = verdictOf(ret);
  const entry = c.entries.get(s.nr);
  const v = entry === undefined ? undefined : evaluateEntry(entry, words);
  const treeAction = v === undefined ? f.defaultAction : v.action;
  const app = v === undefined ? undefined : explainingApp(f, c, s.nr, v, args);
  if (treeAction !== ret || (v !== undefined && app === undefined)) {
    // what the rules say: the tree's first verdict that a matching rule explains
    const sound = entry === undefined ? undefined : evaluateEntry(entry, words, (x) => explainingApp(f, c, s.nr, x, args) !== undefined);
    const rules = {
      action: sound === undefined ? f.defaultAction : sound.action,
      app: sound === undefined ? undefined : explainingApp(f, c, s.nr, sound, args),
    };
    return judgeQuirk(f, c, s, args, ret, { action: treeAction, app: v === undefined ? undefined : f.applications[v.src] }, rules, refusal);
  }
  if (v === undefined || app === undefined) {
    return {
      outcome: { ...withVerdict(verdict), source: 'default', syscall: s, ...refusal },
      texts: () => {
        const considered = considerRules(f, c, s, args, undefined);
        const lead = considered.length === 0 ? `no rule names ${s.name} on ${abi}` : `no rule for ${s.name} matched on ${abi}`;
        return { considered, why: `${lead} → default action ${formatVerdict(verdict)}` };
      },
    };
  }
  return {
    outcome: { ...withVerdict(verdict), source: 'rule', rule: app.add.source, conditions: [...app.conds], syscall: s, ...refusal },
    texts: () => {
      const held = app.conds.length === 0 ? 'unconditional' : `${formatConditions(app.conds)} held`;
      return {
        considered: considerRules(f, c, s, args, app),
        why: `rule #${app.add.source} (${app.add.name}: ${held})${viaText(app)} → ${formatVerdict(verdict)}`,
      };
    },
  };
}

/**
 * The decision with its texts. Keys keep the order the JSON output (`explain --json`) has always
 * had: `considered` right after `source` unless a rule decided, `why` last.
 */
function withTexts(o: Outcome, t: Texts): Decision {
  if (o.source === 'rule') return { ...o, ...t };
  const { action, errno, source, ...rest } = o;
  return { action, ...(errno === undefined ? {} : { errno }), source, considered: t.considered, ...rest, why: t.why };
}

/**
 * Decides one call. `args` are the six argument values (missing ones are 0); `syscall` is a name
 * or the number the kernel reports on this ABI (x32 numbers carry the 0x40000000 bit).
 */
export function decide(cp: ConcreteProfile, abi: Arch, syscall: string | number, args: readonly bigint[] = [], opts: EvaluateOptions = {}): Decision {
  const j = judge(cp, abi, syscall, args, opts);
  return withTexts(j.outcome, j.texts());
}

/** decide() without the texts: the same verdict, source, rule and conditions, much cheaper. */
export function decideOutcome(cp: ConcreteProfile, abi: Arch, syscall: string | number, args: readonly bigint[] = [], opts: EvaluateOptions = {}): Outcome {
  return judge(cp, abi, syscall, args, opts).outcome;
}

const QUIRK =
  "libseccomp's generated BPF compares the wrong 32-bit word here: gen_bpf.c repairs the accumulator only for the first jump into a block, and this path arrives with another word loaded";
const SHARED =
  "libseccomp's argument tree shares one level between rules here: _db_rule_gen_64 points two nodes of a 64-bit NE/LT/LE/GT/GE comparison at the next condition, and _db_tree_add merges other rules' chains into that level, so this path reaches a rule's later conditions although an earlier one failed";

/** A verdict as the tree or the rules give it: the action value and the rule add behind it. */
interface Reading {
  action: number;
  app: Application | undefined;
}

function readingText(r: Reading): string {
  return `${formatVerdict(verdictOf(r.action))}${r.app === undefined ? ' (default action)' : ` (rule #${r.app.add.source})`}`;
}

/**
 * A call where the filter does what the rules do not say: the generated BPF disagrees with
 * libseccomp's rule tree (the accumulator quirk), or the tree itself reaches a verdict through a
 * level shared with another rule. The BPF wins; what the rules say is reported as `intended`.
 */
function judgeQuirk(
  f: CompiledFilter,
  c: CompiledAbi,
  s: SyscallRef,
  args: readonly bigint[],
  ret: number,
  tree: Reading,
  rules: Reading,
  refusal: Pick<Decision, 'conflicts'>,
): Judged {
  const verdict = verdictOf(ret);
  const intended = { ...withVerdict(verdictOf(rules.action)), ...(rules.app === undefined ? {} : { rule: rules.app.add.source }) };
  const bits = abiWordBits(c.abi);
  const rulesText = `the rules say ${readingText(rules)}`;
  if (tree.action === ret && tree.app !== undefined) {
    // the tree and the BPF agree, but the rule add that put this verdict in the tree does not match
    const app = tree.app;
    return {
      outcome: { ...withVerdict(verdict), source: 'rule', rule: app.add.source, syscall: s, ...refusal, intended },
      texts: () => {
        const failed = firstFailing(bits, app.conds, args) as ArgCondition;
        return {
          considered: considerRules(f, c, s, args, app),
          why: `the filter gives rule #${app.add.source}'s ${formatVerdict(verdict)} for ${s.name} on ${c.abi}, although ${ruleLabel(app)} does not match (${describeFailure(bits, failed, args[failed.index] ?? 0n)}) and ${rulesText}; ${SHARED}`,
        };
      },
    };
  }
  const treeText = `its rule tree says ${readingText(tree)}${tree.action === rules.action && tree.app === rules.app ? '' : ` and ${rulesText}`}`;
  const landings = (c.landings.get(s.nr) ?? []).filter((a) => !f.failed.has(a.id) && a.add.action === ret);
  const app = landings.find((a) => firstFailing(bits, a.conds, args) === undefined) ?? landings[0];
  if (ret === f.defaultAction || app === undefined) {
    return {
      outcome: { ...withVerdict(verdict), source: 'default', syscall: s, ...refusal, intended },
      texts: () => ({
        considered: considerRules(f, c, s, args, undefined),
        why: `the filter gives the default action ${formatVerdict(verdict)} for ${s.name} on ${c.abi}, although ${treeText}; ${QUIRK}`,
      }),
    };
  }
  return {
    outcome: {
      ...withVerdict(verdict),
      source: 'rule',
      rule: app.add.source,
      syscall: s,
      ...refusal,
      intended,
      ...(firstFailing(bits, app.conds, args) === undefined ? { conditions: [...app.conds] } : {}),
    },
    texts: () => ({
      considered: considerRules(f, c, s, args, app),
      why: `the filter gives rule #${app.add.source}'s ${formatVerdict(verdict)} for ${s.name} on ${c.abi}, although ${treeText}; ${QUIRK}`,
    }),
  };
}

/** True when libseccomp's filter finds every condition true (exported for diff/audit helpers). */
export function conditionsHold(abi: Arch, conds: readonly ArgCondition[], args: readonly bigint[]): boolean {
  return conds.every((c) => conditionHolds(abiWordBits(abi), c, args[c.index] ?? 0n));
}
