// fast-check arbitraries shared by the property and fuzz tests: valid profiles (they parse back
// to themselves), the same profiles written redundantly, host contexts, syscall calls, and
// malformed documents grown from valid ones. Values come from small pools with boundaries (0, ±1
// around constants, 32-bit edges, 2^63, 2^64-1) so that random rules overlap and random calls hit
// rule edges; a few are fully random 64-bit values.

import fc from 'fast-check';
import type { Arch } from '../../src/syscalls/arch.js';
import { syscallNumber } from '../../src/syscalls/table.js';
import { runcSplits } from '../../src/evaluator/runc.js';
import { MULTIPLEXERS } from '../../src/syscalls/multiplexers.js';
import {
  ACTIONS,
  FILTER_FLAGS,
  OPS,
  type Action,
  type ArgCondition,
  type ArchMapEntry,
  type Profile,
  type Rule,
  type RuleFilter,
} from '../../src/profile/model.js';
import type { HostContext } from '../../src/profile/resolve.js';

export const SYSCALL_POOL = ['read', 'write', 'openat', 'socket', 'clone', 'personality', 'ioctl', 'mmap', 'kill', 'prctl', 'getpid', 'close'] as const;
export const ABI_POOL: readonly Arch[] = ['x86_64', 'x86', 'x32'];
export const CAP_POOL = ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYSLOG'] as const;
const RULE_ARCH_POOL = ['amd64', 'x86', 'x32', 'arm64'] as const;
const KERNEL_POOL = ['4.8', '5.8', '6.1'] as const;
const ERRNO_POOL = [1, 13, 22, 38, 95, 4095] as const;

const U64_MAX = (1n << 64n) - 1n;

/** Argument values: boundaries that make rules overlap, plus some fully random 64-bit values. */
export const argValue: fc.Arbitrary<bigint> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      0n,
      1n,
      2n,
      3n,
      4n,
      5n,
      8n,
      0x10n,
      0x26n,
      0xffn,
      0x7e020000n,
      0x10000000n,
      0xfffffffen,
      0xffffffffn,
      0x100000000n,
      0x100000001n,
      0xffffffff00000000n,
      1n << 63n,
      U64_MAX - 1n,
      U64_MAX,
    ),
  },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: U64_MAX }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 0x40n }) },
);

const op: fc.Arbitrary<ArgCondition['op']> = fc.constantFrom(...OPS);

/** Masks as real profiles write them (flag sets, bytes, words), now and then a random one. */
const maskValue: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(1n, 0x3n, 0xffn, 0x7e020000n, 0x10000000n, 0xffffffffn, 0xffffffff00000000n, U64_MAX) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: U64_MAX }) },
);

export const argCondition: fc.Arbitrary<ArgCondition> = fc
  .record({
    index: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 1 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 5 }) }),
    op,
    value: argValue,
    mask: maskValue,
    valueTwo: argValue,
  })
  .map((c) =>
    c.op === 'masked_eq'
      ? { index: c.index, op: c.op, value: c.mask, valueTwo: c.valueTwo }
      : { index: c.index, op: c.op, value: c.value, valueTwo: c.valueTwo & 0xffn },
  );

const subsetOf = <T>(xs: readonly T[]): fc.Arbitrary<T[]> => fc.subarray([...xs]);
/** A fresh empty array per value (values must not share mutable state). */
const none = <T>(): fc.Arbitrary<T[]> => fc.constant(0).map(() => [] as T[]);

const ruleFilter: fc.Arbitrary<RuleFilter> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(0).map((): RuleFilter => ({ caps: [], arches: [] })) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        caps: fc.oneof(none<string>(), subsetOf(CAP_POOL)),
        arches: fc.oneof(none<string>(), subsetOf(RULE_ARCH_POOL)),
        minKernel: fc.option(fc.constantFrom(...KERNEL_POOL), { nil: undefined }),
      })
      .map(({ minKernel, ...f }) => (minKernel === undefined ? f : { ...f, minKernel })),
  },
);

function withErrno<T extends { action: Action }>(base: T, errno: number | undefined): T & { errnoRet?: number } {
  return errno === undefined || (base.action !== 'errno' && base.action !== 'trace') ? base : { ...base, errnoRet: errno };
}

const comment = fc.option(fc.oneof(fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }), fc.constant('\u0000big:5')), { nil: undefined, freq: 4 });

/** How large random profiles get. Diffing costs grow with the conditions per syscall, so the
 * diff properties use smaller profiles than the format and normalisation properties. */
export interface ProfileSize {
  maxRules: number;
  maxConditions: number;
  /** The syscall names rules use; SYSCALL_POOL unless given. */
  names?: readonly string[];
}

const FULL_SIZE: ProfileSize = { maxRules: 8, maxConditions: 3 };

function ruleArb(notify: boolean, size: ProfileSize): fc.Arbitrary<Rule> {
  const actions = ACTIONS.filter((a) => notify || a !== 'notify');
  return fc
    .record({
      names: fc.array(fc.constantFrom(...(size.names ?? SYSCALL_POOL)), { minLength: 1, maxLength: 3 }),
      action: fc.constantFrom(...actions),
      errno: fc.option(fc.constantFrom(...ERRNO_POOL), { nil: undefined }),
      args: fc.oneof(
        { weight: 2, arbitrary: none<ArgCondition>() },
        { weight: 3, arbitrary: fc.array(argCondition, { minLength: 1, maxLength: size.maxConditions }) },
      ),
      includes: ruleFilter,
      excludes: ruleFilter,
      comment,
    })
    .map(({ errno, comment: c, ...r }) => withErrno({ ...r, ...(c === undefined ? {} : { comment: c }) }, errno));
}

const abis: fc.Arbitrary<{ architectures: Arch[]; archMap: ArchMapEntry[] }> = fc.oneof(
  { weight: 4, arbitrary: subsetOf(ABI_POOL).map((architectures) => ({ architectures, archMap: [] })) },
  {
    weight: 1,
    arbitrary: subsetOf(['x86', 'x32'] as Arch[]).map((subs) => ({
      architectures: [],
      archMap: [{ architecture: 'x86_64' as const, subArchitectures: subs }],
    })),
  },
);

/** A valid profile: printDockerProfile then parseDockerProfile gives it back unchanged. */
export function profileOf(size: ProfileSize): fc.Arbitrary<Profile> {
  return fc
    .record({
      defaultAction: fc.constantFrom(...ACTIONS.filter((a) => a !== 'notify')),
      defaultErrno: fc.option(fc.constantFrom(...ERRNO_POOL), { nil: undefined }),
      abis,
      flags: fc.oneof({ weight: 3, arbitrary: none<string>() }, { weight: 1, arbitrary: subsetOf(FILTER_FLAGS) }),
      notify: fc.boolean(),
    })
    .chain(({ defaultAction, defaultErrno, abis: a, flags, notify }) =>
      fc.array(ruleArb(notify, size), { maxLength: size.maxRules }).map((syscalls): Profile => ({
        defaultAction,
        ...(defaultErrno !== undefined && (defaultAction === 'errno' || defaultAction === 'trace') ? { defaultErrnoRet: defaultErrno } : {}),
        architectures: a.architectures,
        archMap: a.archMap,
        flags,
        syscalls,
        ...(notify ? { listenerPath: '/run/agent.sock' } : {}),
      })),
    );
}

export const profile = profileOf(FULL_SIZE);

/** Profiles small enough to diff quickly: up to 5 rules of up to 2 conditions. */
export const smallProfile = profileOf({ maxRules: 5, maxConditions: 2 });

/** A small change to a profile, so that pairs differ in a few places only. */
export function mutateProfile(p: Profile): fc.Arbitrary<Profile> {
  const n = p.syscalls.length;
  const options: fc.Arbitrary<Profile>[] = [
    fc.constantFrom(...ACTIONS.filter((a) => a !== 'notify' && a !== p.defaultAction)).map((defaultAction) => {
      const { defaultErrnoRet: _d, ...rest } = p;
      return { ...rest, defaultAction };
    }),
    subsetOf(ABI_POOL).map((architectures) => ({ ...p, architectures, archMap: [] })),
  ];
  if (n > 0) {
    options.push(
      fc.integer({ min: 0, max: n - 1 }).map((i) => ({ ...p, syscalls: p.syscalls.filter((_, j) => j !== i) })),
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constantFrom(...ACTIONS.filter((a) => a !== 'notify'))).map(([i, action]) => ({
        ...p,
        syscalls: p.syscalls.map((r, j) => (j === i ? withErrno({ ...stripErrno(r), action }, r.errnoRet) : r)),
      })),
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), argCondition).map(([i, c]) => ({
        ...p,
        syscalls: p.syscalls.map((r, j) => (j === i ? { ...r, args: r.args.length === 0 ? [c] : [c, ...r.args.slice(1)] } : r)),
      })),
    );
  }
  return fc.oneof(...options);
}

function stripErrno(r: Rule): Rule {
  const { errnoRet: _e, ...rest } = r;
  return rest;
}

/** Two profiles: unrelated, or one a small change of the other. */
export function pairOf(base: fc.Arbitrary<Profile>): fc.Arbitrary<[Profile, Profile]> {
  return fc.oneof(
    fc.tuple(base, base),
    base.chain((p) => mutateProfile(p).map((q): [Profile, Profile] => [p, q])),
  );
}

export const profilePair = pairOf(profile);

/** Names that meet in one libseccomp tree on i386: socketcall, ipc and some of their members. */
export const MULTIPLEXED_POOL = ['socketcall', 'socket', 'connect', 'bind', 'ipc', 'shmget', 'semget', 'getpid'] as const;

/** Profiles whose rules name multiplexers and their members (rule names that share a tree). */
export const multiplexedProfile = profileOf({ maxRules: 6, maxConditions: 2, names: MULTIPLEXED_POOL });

/** A host: x86_64, a few capabilities, and a kernel version or "new enough". */
export const host: fc.Arbitrary<HostContext> = fc
  .record({ caps: subsetOf(CAP_POOL), kernel: fc.option(fc.constantFrom('4.4', '5.8', '6.8'), { nil: undefined }) })
  .map(({ caps, kernel }) => ({ native: 'x86_64', caps, ...(kernel === undefined ? {} : { kernel }) }));

/** A call: ABI, syscall (mostly from the pool the rules use), six argument values. */
export const call: fc.Arbitrary<{ abi: Arch; name: string; args: bigint[] }> = fc
  .record({
    abi: fc.constantFrom(...ABI_POOL),
    name: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom<string>(...SYSCALL_POOL) },
      { weight: 1, arbitrary: fc.constantFrom('mount', 'bpf', 'exit_group', 'socketcall', 'futex') },
    ),
    args: fc.array(argValue, { minLength: 6, maxLength: 6 }),
  })
  .filter((c) => syscallNumber(c.abi, c.name) !== undefined);

/** Calls for multiplexedProfile: mostly socketcall and ipc on i386, with sub-call numbers in arg0. */
export const multiplexedCall: fc.Arbitrary<{ abi: Arch; name: string; args: bigint[] }> = fc
  .record({
    abi: fc.constantFrom<Arch>('x86', 'x86', 'x86', 'x86_64'),
    name: fc.constantFrom<string>(...MULTIPLEXED_POOL),
    code: fc.constantFrom(0n, 1n, 2n, 3n, 23n, 2n, 0x100000001n),
    args: fc.array(argValue, { minLength: 5, maxLength: 5 }),
  })
  .map(({ abi, name, code, args }) => ({ abi, name, args: [code, ...args] }))
  .filter((c) => syscallNumber(c.abi, c.name) !== undefined);

function shuffled<T>(xs: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });
}

/** True when two different names of the rule reach one multiplexer's libseccomp tree (i386). */
function namesShareATree(names: readonly string[]): boolean {
  const groups = Object.entries(MULTIPLEXERS).map(([mux, members]) => new Set(names.filter((n) => n === mux || Object.hasOwn(members, n))));
  return groups.some((g) => g.size > 1);
}

/** The same rule written redundantly: names and conditions reordered, a name repeated, or the
 * rule split into neighbouring rules that differ only in their names, or written twice. Only
 * rewritings that keep runc's sequence of rule adds into each libseccomp tree, except for an add
 * repeated right after itself (the same chain again): when two conditions name one argument,
 * runc adds one rule per condition in the order written, and libseccomp 2.5 builds another
 * filter for another order of those adds or for them repeated (evaluator cases E133/E134,
 * E137/E138); names that reach one multiplexer's tree add into it in the order written
 * (E135/E136). See normalizeNames and normalizeConditions in src/profile/normalize.ts. */
function redundantRule(r: Rule): fc.Arbitrary<Rule[]> {
  const split = runcSplits(r.args);
  const shared = namesShareATree(r.names);
  const names: fc.Arbitrary<string[]> = shared ? fc.constant(0).map(() => [...r.names]) : shuffled(r.names);
  const args: fc.Arbitrary<ArgCondition[]> = split ? fc.constant(0).map(() => [...r.args]) : shuffled(r.args);
  const variants: fc.Arbitrary<Rule[]>[] = [
    fc.constant([r]),
    fc.tuple(names, args).map(([n, a]) => [{ ...r, names: n, args: a }]),
    fc.constant(r.names.map((n) => ({ ...r, names: [n] }))),
  ];
  if (!split && !shared) {
    variants.push(
      fc.constantFrom(...r.names).map((n) => [{ ...r, names: [...r.names, n] }]),
      fc.constant([r, r]),
    );
  }
  return fc.oneof(...variants);
}

/** A profile with the same meaning as `p` but written redundantly (what normalizing undoes). */
export function redundantProfile(p: Profile): fc.Arbitrary<Profile> {
  return fc
    .tuple(p.syscalls.length === 0 ? fc.constant([] as Rule[][]) : fc.tuple(...p.syscalls.map(redundantRule)), shuffled(p.architectures), fc.boolean())
    .map(([rules, architectures, dupArch]) => ({
      ...p,
      architectures: dupArch && architectures.length > 0 ? [...architectures, architectures[0] as Arch] : architectures,
      flags: [...p.flags].reverse(),
      syscalls: rules.flat(),
    }));
}

// ---- malformed inputs, for the parser fuzz tests -----------------------------------------
// A JSON document is held as a tree whose leaves are raw literal text, so that mutations can
// write what JSON.stringify cannot: duplicate keys, 1e999, 18446744073709551616, -0, lone
// surrogates. Mutations pick nodes by index into a walk of the tree.

export type JTree = { t: 'raw'; s: string } | { t: 'arr'; items: JTree[] } | { t: 'obj'; entries: [string, JTree][] };

export function toTree(v: unknown): JTree {
  if (Array.isArray(v)) return { t: 'arr', items: v.map(toTree) };
  if (v !== null && typeof v === 'object') return { t: 'obj', entries: Object.entries(v).map(([k, x]) => [k, toTree(x)]) };
  return { t: 'raw', s: JSON.stringify(v) ?? 'null' };
}

/** JSON text; `indent` spreads it over lines (so issues land on many lines and columns). */
export function treeText(t: JTree, indent: boolean, depth = 0): string {
  const nl = indent ? `\n${'  '.repeat(depth + 1)}` : '';
  const end = indent ? `\n${'  '.repeat(depth)}` : '';
  if (t.t === 'raw') return t.s;
  if (t.t === 'arr') return t.items.length === 0 ? '[]' : `[${t.items.map((x) => nl + treeText(x, indent, depth + 1)).join(',')}${end}]`;
  return t.entries.length === 0 ? '{}' : `{${t.entries.map(([k, x]) => `${nl}${JSON.stringify(k)}: ${treeText(x, indent, depth + 1)}`).join(',')}${end}}`;
}

/** Plain value of a tree (for the YAML writer); raw literals JSON cannot read become strings. */
export function treeValue(t: JTree): unknown {
  if (t.t === 'arr') return t.items.map(treeValue);
  if (t.t === 'obj') return Object.fromEntries(t.entries.map(([k, x]) => [k, treeValue(x)]));
  try {
    return JSON.parse(t.s) as unknown;
  } catch {
    return t.s;
  }
}

/** A place in a tree: the root (parent null) or child i of an array or object. */
interface Place {
  parent: Extract<JTree, { t: 'arr' | 'obj' }> | null;
  i: number;
}

function places(root: JTree): Place[] {
  const out: Place[] = [{ parent: null, i: 0 }];
  const stack: JTree[] = [root];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (n.t === 'raw') continue;
    const kids = n.t === 'arr' ? n.items : n.entries.map((e) => e[1]);
    for (let i = 0; i < kids.length; i++) {
      out.push({ parent: n, i });
      stack.push(kids[i] as JTree);
    }
  }
  return out;
}

function getAt(root: { t: JTree }, p: Place): JTree {
  if (p.parent === null) return root.t;
  return p.parent.t === 'arr' ? (p.parent.items[p.i] as JTree) : (p.parent.entries[p.i] as [string, JTree])[1];
}

function setAt(root: { t: JTree }, p: Place, v: JTree): void {
  if (p.parent === null) root.t = v;
  else if (p.parent.t === 'arr') p.parent.items[p.i] = v;
  else p.parent.entries[p.i] = [(p.parent.entries[p.i] as [string, JTree])[0], v];
}

const KEYS = [
  'names',
  'name',
  'action',
  'args',
  'index',
  'value',
  'valueTwo',
  'op',
  'errnoRet',
  'errno',
  'includes',
  'excludes',
  'caps',
  'arches',
  'minKernel',
  'comment',
  'defaultAction',
  'defaultErrnoRet',
  'defaultErrno',
  'architectures',
  'archMap',
  'subArchitectures',
  'architecture',
  'syscalls',
  'flags',
  'listenerPath',
  'schemaVersion',
  'arch',
  'count',
  'apiVersion',
  'kind',
  'spec',
  'metadata',
  'linux',
  'seccomp',
  'ociVersion',
  'x86_64',
  'read',
  '__proto__',
  'constructor',
  'toString',
  '',
] as const;

const oddKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom('names\n', 'a\u2028b', 'SCMP_ACT_ALLOW', 'x\u0000y', '\ud800') },
);

const RAW_VALUES = [
  'null',
  'true',
  'false',
  '0',
  '-0',
  '-1',
  '1.5',
  '1e3',
  '1e999',
  '-1e999',
  '4294967295',
  '4294967296',
  '4095',
  '4096',
  '65536',
  '18446744073709551615',
  '18446744073709551616',
  '99999999999999999999999999999',
  '-18446744073709551615',
  '9007199254740993',
  '[]',
  '{}',
  '""',
  '"\\u0000"',
  '"\\ud800"',
  '"\\n"',
  '"SCMP_ACT_ALLOW"',
  '"SCMP_ACT_KILL"',
  '"SCMP_ACT_NOTIFY"',
  '"SCMP_ARCH_X86_64"',
  '"SCMP_ARCH_X86"',
  '"SCMP_CMP_MASKED_EQ"',
  '"SCMP_CMP_FOO"',
  '"read"',
  '"socketcall"',
  '"CAP_SYS_ADMIN"',
  '"amd64"',
  '"5.8"',
  '"5.8.1.2"',
  '"x86_64"',
  '"__proto__"',
  '"\\u0000big:5"',
  '"security-profiles-operator.x-k8s.io/v1"',
  '"SeccompProfile"',
  '["SCMP_ARCH_X86_64"]',
  '[{"index":0}]',
  '{"caps":["CAP_BPF"]}',
  '{"count":1}',
] as const;

/** A value that is wrong somewhere: wrong type, out of range, odd text, deep nesting. */
export const oddValue: fc.Arbitrary<JTree> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...RAW_VALUES).map((s): JTree => ({ t: 'raw', s })) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }).map((s): JTree => ({ t: 'raw', s: JSON.stringify(s) })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(toTree) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map((v): JTree => ({ t: 'raw', s: v.toString() })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }).map((d): JTree => ({ t: 'raw', s: `${'['.repeat(d)}${']'.repeat(d)}` })) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20000 }).map((n): JTree => ({ t: 'raw', s: JSON.stringify('a'.repeat(n)) })) },
);

type TreeMutation =
  | { op: 'delete' | 'dup'; at: number }
  | { op: 'replace'; at: number; with: JTree }
  | { op: 'rename'; at: number; key: string }
  | { op: 'insert'; at: number; key: string; with: JTree }
  | { op: 'wrap'; at: number; arr: boolean };

const treeMutation: fc.Arbitrary<TreeMutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete' as const, 'dup' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), with: oddValue }),
  fc.record({ op: fc.constant('rename' as const), at: fc.nat(), key: oddKey }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), key: oddKey, with: oddValue }),
  fc.record({ op: fc.constant('wrap' as const), at: fc.nat(), arr: fc.boolean() }),
);

function mutateTree(t: JTree, ms: readonly TreeMutation[]): JTree {
  const root = { t: structuredClone(t) };
  for (const m of ms) {
    const all = places(root.t);
    const p = all[m.at % all.length] as Place;
    const par = p.parent;
    if (m.op === 'delete') {
      if (par === null) root.t = { t: 'raw', s: '' };
      else if (par.t === 'arr') par.items.splice(p.i, 1);
      else par.entries.splice(p.i, 1);
    } else if (m.op === 'dup') {
      if (par?.t === 'arr') par.items.splice(p.i, 0, par.items[p.i] as JTree);
      else if (par?.t === 'obj') par.entries.splice(p.i, 0, [...(par.entries[p.i] as [string, JTree])]);
    } else if (m.op === 'replace') {
      setAt(root, p, m.with);
    } else if (m.op === 'rename') {
      if (par?.t === 'obj') par.entries[p.i] = [m.key, (par.entries[p.i] as [string, JTree])[1]];
    } else if (m.op === 'wrap') {
      const n = getAt(root, p);
      setAt(root, p, m.arr ? { t: 'arr', items: [n] } : { t: 'obj', entries: [['x', n]] });
    } else if (m.op === 'insert') {
      const n = getAt(root, p);
      if (n.t === 'obj') n.entries.splice(m.at % (n.entries.length + 1), 0, [m.key, m.with]);
      else if (n.t === 'arr') n.items.splice(m.at % (n.items.length + 1), 0, m.with);
    }
  }
  return root.t;
}

type TextMutation =
  | { op: 'flip'; at: number; ch: string }
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; len: number }
  | { op: 'truncate'; at: number }
  | { op: 'copy'; at: number; len: number; to: number };

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({
    op: fc.constant('flip' as const),
    at: fc.nat(),
    ch: fc.oneof(
      fc.constantFrom(
        '{',
        '}',
        '[',
        ']',
        '"',
        ',',
        ':',
        '\\',
        '0',
        '-',
        'e',
        '.',
        '\n',
        '\r',
        '\t',
        ' ',
        '\u0000',
        '\ufeff',
        '\ud800',
        'é',
        '𝕏',
        '#',
        '-',
        '&',
        '*',
        '!',
        '|',
        '>',
      ),
      fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
    ),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom('{', '}', '"x": 1,', '[[[[', 'null', ',', '1e999', '\u2028', '/* c */', '// c\n', '\n---\n', '\n  - ', ': ', '&a ', '*a', '!!binary '),
      fc.string({ maxLength: 8, unit: 'binary' }),
    ),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('copy' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }), to: fc.nat() }),
);

function mutateText(s: string, ms: readonly TextMutation[]): string {
  let t = s;
  for (const m of ms) {
    const at = m.at % (t.length + 1);
    if (m.op === 'flip') t = t.slice(0, at) + m.ch + t.slice(at + 1);
    else if (m.op === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.op === 'delete') t = t.slice(0, at) + t.slice(at + m.len);
    else if (m.op === 'truncate') t = t.slice(0, at);
    else {
      const piece = t.slice(at, at + m.len);
      const to = m.to % (t.length + 1);
      t = t.slice(0, to) + piece + t.slice(to);
    }
  }
  return t;
}

/** Malformed documents grown from valid ones: tree mutations (wrong types, huge and negative
 * numbers, deleted/duplicated/renamed keys, odd unicode, nesting), then byte-level damage
 * (flips, insertions, deletions, truncation, copied chunks); plus random JSON and random text.
 * `write` turns a mutated tree into text (JSON by default; pass a YAML writer for YAML). */
export function malformed(bases: fc.Arbitrary<JTree>, write?: (t: JTree, indent: boolean) => string): fc.Arbitrary<string> {
  const out = write ?? treeText;
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(bases, fc.array(treeMutation, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.array(textMutation, { maxLength: 2 }))
        .map(([b, tm, ind, xm]) => mutateText(out(mutateTree(b, tm), ind), xm)),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(bases, fc.boolean(), fc.array(textMutation, { minLength: 1, maxLength: 5 })).map(([b, ind, xm]) => mutateText(out(b, ind), xm)),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
  );
}
