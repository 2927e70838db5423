// Decodes a located JSON tree (from Docker/OCI JSON or a Kubernetes SeccompProfile spec) into
// the profile IR, collecting every problem with its JSON path and line:column.

import { closest } from 'fastest-levenshtein';
import { ARCHES, ARCH_INFO, familyAbis, hostArch, type Arch } from '../../syscalls/arch.js';
import { abisOf, isKnownSyscall, suggestSyscall, syscallNumber } from '../../syscalls/table.js';
import { oneLine, type Issue, type IssueCode, type ParseResult } from '../../source/issues.js';
import type { LocatedJson } from '../../source/located-json.js';
import { FILTER_FLAGS, emptyFilter, type ArchMapEntry, type ArgCondition, type Profile, type Rule, type RuleFilter } from '../../profile/model.js';
import { ERRNO } from '../../syscalls/errno.js';
import { CAPABILITIES, RULE_ARCH_NAMES, SCMP_ACTIONS, SCMP_OPS } from './vocabulary.js';

const U64_MAX = (1n << 64n) - 1n;
const SCMP_ARCH_NAMES = ARCHES.map((a) => ARCH_INFO[a].scmp);

class Reader {
  readonly issues: Issue[] = [];

  report(
    node: LocatedJson | { path: string; line?: number; column?: number },
    code: IssueCode,
    message: string,
    hint?: string,
    severity: Issue['severity'] = 'error',
  ): void {
    this.issues.push({
      severity,
      code,
      message: oneLine(message),
      path: oneLine(node.path),
      ...(node.line === undefined ? {} : { line: node.line }),
      ...(node.column === undefined ? {} : { column: node.column }),
      ...(hint === undefined ? {} : { hint: oneLine(hint) }),
    });
  }

  object(node: LocatedJson, allowed: readonly string[], what: string): Map<string, LocatedJson> | undefined {
    if (node.kind !== 'object') {
      this.report(node, 'type', `${what} must be an object, found ${describe(node)}`);
      return undefined;
    }
    const m = new Map<string, LocatedJson>();
    for (const [k, v] of node.entries) {
      if (!allowed.includes(k)) {
        this.report(v, 'unknown-key', `unknown key ${JSON.stringify(k)} in ${what}`, `did you mean '${closest(k, allowed)}'? Allowed: ${allowed.join(', ')}`);
        continue;
      }
      m.set(k, v);
    }
    return m;
  }

  string(node: LocatedJson | undefined, what: string): string | undefined {
    if (node === undefined || node.kind === 'null') return undefined;
    if (node.kind !== 'string') {
      this.report(node, 'type', `${what} must be a string, found ${describe(node)}`);
      return undefined;
    }
    return node.value;
  }

  array(node: LocatedJson | undefined, what: string): LocatedJson[] {
    if (node === undefined || node.kind === 'null') return [];
    if (node.kind !== 'array') {
      this.report(node, 'type', `${what} must be an array, found ${describe(node)}`);
      return [];
    }
    return node.items;
  }

  /** A non-negative integer literal, exact, within [0, max]. */
  uint(node: LocatedJson | undefined, what: string, max: bigint): bigint | undefined {
    if (node === undefined || node.kind === 'null') return undefined;
    if (node.kind !== 'number' || !/^\d+$/.test(node.raw)) {
      this.report(node, 'type', `${what} must be a non-negative integer, found ${node.kind === 'number' ? node.raw : describe(node)}`);
      return undefined;
    }
    const v = BigInt(node.raw);
    if (v > max) {
      this.report(node, 'range', `${what} ${node.raw} is out of range (max ${max})`);
      return undefined;
    }
    return v;
  }
}

function describe(n: LocatedJson): string {
  return n.kind === 'string' ? `string "${n.value.slice(0, 40)}"` : n.kind === 'number' ? `number ${n.raw}` : n.kind;
}

function enumValue<T>(r: Reader, node: LocatedJson | undefined, table: Readonly<Record<string, T>>, what: string): T | undefined {
  const s = r.string(node, what);
  if (s === undefined || node === undefined) return undefined;
  const v = Object.hasOwn(table, s) ? table[s] : undefined;
  if (v === undefined) {
    r.report(node, 'unknown-value', `unknown ${what} '${s}'`, `did you mean '${closest(s, Object.keys(table))}'?`);
  }
  return v;
}

/** containers/common's `errno`/`defaultErrno` name, reconciled with the numeric errnoRet. */
function errnoByName(r: Reader, nameNode: LocatedJson | undefined, numeric: bigint | undefined, what: string): bigint | undefined {
  const name = r.string(nameNode, what);
  if (name === undefined || nameNode === undefined) return numeric;
  const n = Object.hasOwn(ERRNO, name) ? ERRNO[name] : undefined;
  if (n === undefined) {
    r.report(nameNode, 'unknown-errno', `unknown errno name '${name}'`, `did you mean '${closest(name, Object.keys(ERRNO))}'?`);
    return numeric;
  }
  if (numeric !== undefined && BigInt(n) !== numeric) {
    r.report(nameNode, 'errno-mismatch', `${what} '${name}' (${n}) disagrees with the numeric value ${numeric}`, 'make them agree or drop one');
  }
  return numeric ?? BigInt(n);
}

function scmpArch(r: Reader, node: LocatedJson, what: string): Arch | undefined {
  const s = r.string(node, what);
  if (s === undefined) return undefined;
  const a = ARCHES.find((x) => ARCH_INFO[x].scmp === s);
  if (a === undefined) r.report(node, 'unknown-arch', `unknown architecture '${s}'`, `did you mean '${closest(s, SCMP_ARCH_NAMES)}'?`);
  return a;
}

function filter(r: Reader, node: LocatedJson | undefined, what: string): RuleFilter {
  const f = emptyFilter();
  if (node === undefined || node.kind === 'null') return f;
  const m = r.object(node, ['caps', 'arches', 'minKernel'], what);
  if (m === undefined) return f;
  for (const c of r.array(m.get('caps'), `${what}.caps`)) {
    const s = r.string(c, 'capability');
    if (s === undefined) continue;
    if (!(CAPABILITIES as readonly string[]).includes(s)) {
      r.report(c, 'unknown-capability', `unknown capability '${s}'`, `did you mean '${closest(s, [...CAPABILITIES])}'?`);
    }
    f.caps.push(s);
  }
  for (const a of r.array(m.get('arches'), `${what}.arches`)) {
    const s = r.string(a, 'architecture');
    if (s === undefined) continue;
    if (!RULE_ARCH_NAMES.includes(s)) {
      r.report(
        a,
        'unknown-arch',
        `unknown architecture '${s}' (includes/excludes use moby's host arch names)`,
        `did you mean '${closest(s, RULE_ARCH_NAMES)}'?`,
      );
    }
    f.arches.push(s);
  }
  const mk = m.get('minKernel');
  const k = r.string(mk, 'minKernel');
  if (k !== undefined && mk !== undefined) {
    if (!/^\d+\.\d+(\.\d+)?$/.test(k)) r.report(mk, 'bad-kernel-version', `minKernel '${k}' is not a kernel version`, "write it as '5.8' or '5.8.1'");
    else f.minKernel = k;
  }
  return f;
}

function argCondition(r: Reader, node: LocatedJson, what: string): ArgCondition | undefined {
  const m = r.object(node, ['index', 'value', 'valueTwo', 'op'], what);
  if (m === undefined) return undefined;
  const index = r.uint(m.get('index'), 'index', 5n);
  const value = r.uint(m.get('value'), 'value', U64_MAX);
  const valueTwo = r.uint(m.get('valueTwo'), 'valueTwo', U64_MAX);
  const op = enumValue(r, m.get('op'), SCMP_OPS, 'operator');
  if (!m.has('index')) r.report(node, 'missing', `${what} has no 'index'`, 'add "index": 0..5');
  if (!m.has('op')) r.report(node, 'missing', `${what} has no 'op'`, 'add e.g. "op": "SCMP_CMP_EQ"');
  if (index === undefined || op === undefined) return undefined;
  return { index: Number(index), op, value: value ?? 0n, valueTwo: valueTwo ?? 0n };
}

function rule(r: Reader, node: LocatedJson, i: number, listed: Arch[]): Rule | undefined {
  const what = `syscalls[${i}]`;
  const m = r.object(node, ['name', 'names', 'action', 'errnoRet', 'errno', 'args', 'includes', 'excludes', 'comment'], what);
  if (m === undefined) return undefined;
  const names: string[] = [];
  const nameNode = m.get('name');
  const namesNode = m.get('names');
  if (nameNode !== undefined && namesNode !== undefined && namesNode.kind !== 'null' && nameNode.kind !== 'null') {
    r.report(node, 'name-and-names', `${what} has both 'name' and 'names'`, "use either 'name' or 'names'");
  }
  const nameItems = namesNode !== undefined && namesNode.kind !== 'null' ? r.array(namesNode, 'names') : nameNode !== undefined ? [nameNode] : [];
  const includes = filter(r, m.get('includes'), `${what}.includes`);
  const excludes = filter(r, m.get('excludes'), `${what}.excludes`);
  // A rule limited to some hosts is loaded there even when archMap lacks them (runc always loads
  // the host's native ABI), so those ABIs count as listed for this rule.
  const ruleAbis = [...listed, ...ARCHES.filter((a) => includes.arches.includes(ARCH_INFO[a].mobyArch ?? ''))];
  const seen = new Set<string>();
  for (const n of nameItems) {
    if (n.kind === 'null') r.report(n, 'type', 'syscall name must be a string, found null', 'remove the empty entry');
    const s = r.string(n, 'syscall name');
    if (s === undefined) continue;
    if (!isKnownSyscall(s)) {
      r.report(n, 'unknown-syscall', `unknown syscall '${s}'`, `did you mean '${suggestSyscall(s)}'?`);
    } else if (!ruleAbis.some((a) => syscallNumber(a, s) !== undefined)) {
      r.report(
        n,
        'syscall-not-on-abi',
        `syscall '${s}' exists on none of the ABIs this rule can be loaded for (${[...new Set(ruleAbis)].join(', ')}); libseccomp ignores it silently`,
        `it exists on: ${abisOf(s).join(', ')}`,
        'warning',
      );
    }
    if (seen.has(s)) r.report(n, 'duplicate-name', `syscall '${s}' is named twice in this rule`, 'remove the duplicate', 'warning');
    seen.add(s);
    names.push(s);
  }
  if (nameItems.length === 0) r.report(node, 'no-names', `${what} names no syscall`, "add 'names': [ ... ]");
  const actionNode = m.get('action');
  const action = enumValue(r, actionNode, SCMP_ACTIONS, 'action');
  if (actionNode === undefined) r.report(node, 'missing', `${what} has no 'action'`, 'add e.g. "action": "SCMP_ACT_ALLOW"');
  const errnoNode = m.get('errnoRet');
  const errnoRet = errnoByName(r, m.get('errno'), r.uint(errnoNode, 'errnoRet', 0xffffffffn), 'errno');
  if (errnoRet !== undefined && errnoNode !== undefined && action !== undefined && action !== 'errno' && action !== 'trace') {
    r.report(
      errnoNode,
      'errno-without-errno-action',
      `errnoRet is set but the action is not SCMP_ACT_ERRNO or SCMP_ACT_TRACE`,
      'remove errnoRet or change the action',
    );
  }
  if (errnoRet !== undefined && errnoRet > 4095n && errnoNode !== undefined) {
    r.report(
      errnoNode,
      'errno-range',
      `errnoRet ${errnoRet} is above 4095; the kernel caps it at 4095`,
      'use a real errno such as 1 (EPERM) or 38 (ENOSYS)',
      'warning',
    );
  }
  const args: ArgCondition[] = [];
  r.array(m.get('args'), 'args').forEach((a, j) => {
    const c = argCondition(r, a, `${what}.args[${j}]`);
    if (c !== undefined) args.push(c);
  });

  const comment = r.string(m.get('comment'), 'comment');
  if (action === undefined) return undefined;
  return {
    names,
    action,
    args,
    includes,
    excludes,
    ...(errnoRet === undefined ? {} : { errnoRet: Number(errnoRet) }),
    ...(comment === undefined || comment === '' ? {} : { comment }),
  };
}

/** Decodes a profile object (Docker/OCI JSON root or SeccompProfile .spec). */
export function decodeProfile(root: LocatedJson): ParseResult<Profile> {
  const r = new Reader();
  const m = r.object(
    root,
    ['defaultAction', 'defaultErrnoRet', 'defaultErrno', 'architectures', 'archMap', 'syscalls', 'flags', 'listenerPath', 'listenerMetadata'],
    'profile',
  );
  if (m === undefined) return { ok: false, issues: r.issues };
  const daNode = m.get('defaultAction');
  const defaultAction = enumValue(r, daNode, SCMP_ACTIONS, 'action');
  if (daNode === undefined) r.report(root, 'missing', "profile has no 'defaultAction'", 'add e.g. "defaultAction": "SCMP_ACT_ERRNO"');
  else if (daNode.kind === 'null') r.report(daNode, 'missing', 'defaultAction is empty', 'set it to an action such as SCMP_ACT_ERRNO');
  const derNode = m.get('defaultErrnoRet');
  const defaultErrnoRet = errnoByName(r, m.get('defaultErrno'), r.uint(derNode, 'defaultErrnoRet', 0xffffffffn), 'defaultErrno');
  if (defaultErrnoRet !== undefined && derNode !== undefined && defaultAction !== undefined && defaultAction !== 'errno' && defaultAction !== 'trace') {
    r.report(
      derNode,
      'errno-without-errno-action',
      'defaultErrnoRet is set but defaultAction is not SCMP_ACT_ERRNO or SCMP_ACT_TRACE',
      'remove defaultErrnoRet or change defaultAction',
    );
  }
  const architectures: Arch[] = [];
  for (const a of r.array(m.get('architectures'), 'architectures')) {
    const v = scmpArch(r, a, 'architecture');
    if (v !== undefined) architectures.push(v);
  }
  const archMap: ArchMapEntry[] = [];
  r.array(m.get('archMap'), 'archMap').forEach((e, i) => {
    const em = r.object(e, ['architecture', 'subArchitectures'], `archMap[${i}]`);
    if (em === undefined) return;
    const an = em.get('architecture');
    if (an === undefined) {
      r.report(e, 'missing', `archMap[${i}] has no 'architecture'`);
      return;
    }
    const arch = scmpArch(r, an, 'architecture');
    const subs: Arch[] = [];
    for (const s of r.array(em.get('subArchitectures'), 'subArchitectures')) {
      const v = scmpArch(r, s, 'architecture');
      if (v !== undefined) subs.push(v);
    }
    if (arch !== undefined) archMap.push({ architecture: arch, subArchitectures: subs });
  });
  const archNode = m.get('architectures');
  if (architectures.length > 0 && archMap.length > 0 && archNode !== undefined) {
    r.report(
      archNode,
      'architectures-and-archmap',
      "both 'architectures' and 'archMap' are set; Docker refuses this",
      "use either 'architectures' or 'archMap'",
    );
  }
  const flags: string[] = [];
  for (const f of r.array(m.get('flags'), 'flags')) {
    const s = r.string(f, 'flag');
    if (s === undefined) continue;
    if (!(FILTER_FLAGS as readonly string[]).includes(s))
      r.report(f, 'unknown-flag', `unknown flag '${s}'`, `did you mean '${closest(s, [...FILTER_FLAGS])}'?`);
    else flags.push(s);
  }
  const listenerPath = r.string(m.get('listenerPath'), 'listenerPath');
  const listenerMetadata = r.string(m.get('listenerMetadata'), 'listenerMetadata');
  // The ABIs a name must exist on somewhere: everything the profile can load, or the host family.
  const listed = new Set<Arch>([...architectures, ...archMap.flatMap((e) => [e.architecture, ...e.subArchitectures])]);
  if (listed.size === 0) for (const a of familyAbis(hostArch())) listed.add(a);
  const syscalls: Rule[] = [];
  r.array(m.get('syscalls'), 'syscalls').forEach((n, i) => {
    const v = rule(r, n, i, [...listed]);
    if (v !== undefined) syscalls.push(v);
  });
  const usesNotify = defaultAction === 'notify' || syscalls.some((s) => s.action === 'notify');
  if (usesNotify && (listenerPath === undefined || listenerPath === '')) {
    r.report(
      root,
      'notify-without-listener',
      'SCMP_ACT_NOTIFY is used but listenerPath is not set; runc refuses this',
      'set "listenerPath" to the seccomp agent socket',
    );
  }
  if (r.issues.some((i) => i.severity === 'error') || defaultAction === undefined) return { ok: false, issues: r.issues };
  return {
    ok: true,
    issues: r.issues,
    value: {
      defaultAction,
      ...(defaultErrnoRet === undefined ? {} : { defaultErrnoRet: Number(defaultErrnoRet) }),
      architectures,
      archMap,
      flags,
      syscalls,
      ...(listenerPath === undefined ? {} : { listenerPath }),
      ...(listenerMetadata === undefined ? {} : { listenerMetadata }),
    },
  };
}
