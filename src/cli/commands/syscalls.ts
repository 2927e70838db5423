// `clawfence syscalls [NAME|NUMBER] [--arch A|all] [--group G] [--tier T]`: per-ABI look-ups with
// groups and the risk catalog's tier; for named syscalls, the tier's reason and sources.

import Table from 'cli-table3';
import { closest } from 'fastest-levenshtein';
import { TIERS, type SyscallRisk, type Tier } from '../../catalog/model.js';
import { syscallRisk } from '../../catalog/syscall-risk.js';
import { ARCHES, ARCH_INFO, hostArch, parseArch, type Arch } from '../../syscalls/arch.js';
import { groupHelp, groupMembers, groupsOf } from '../../syscalls/groups.js';
import { ClawfenceError } from '../../errors.js';
import { abisOf, isKnownSyscall, resolveSyscall, suggestSyscall, syscallName, syscallNumber, syscallsOf, SYSCALL_TABLE_SOURCE } from '../../syscalls/table.js';
import { toJson, write } from '../output.js';

export interface SyscallsOptions {
  arch?: string;
  group?: string;
  tier?: string;
  json?: boolean;
  color?: boolean | undefined;
}

interface Row {
  name: string;
  numbers: Partial<Record<Arch, number>>;
  groups: string[];
  /** The risk catalog's entry; null for a name it does not classify (one of no x86 ABI). */
  risk: SyscallRisk | null;
}

function row(name: string, abis: Arch[]): Row {
  const numbers: Partial<Record<Arch, number>> = {};
  for (const a of abis) {
    const n = syscallNumber(a, name);
    if (n !== undefined) numbers[a] = n;
  }
  return { name, numbers, groups: groupsOf(name), risk: syscallRisk(name) ?? null };
}

function render(rows: Row[], abis: Arch[]): string {
  const t = new Table({ head: ['syscall', ...abis, 'tier', 'groups'], style: { head: [], border: [] } });
  for (const r of rows) {
    t.push([r.name, ...abis.map((a) => (r.numbers[a] === undefined ? '—' : String(r.numbers[a]))), r.risk?.tier ?? '—', r.groups.join(' ')]);
  }
  return t.toString();
}

/** "mount: dangerous (mount; namespace-escape, high, needs CAP_SYS_ADMIN): mounts …" and its sources. */
function describeRisk(r: Row): string {
  const e = r.risk;
  if (e === null) return `${r.name}: not classified (the risk catalog covers x86_64, x86 and x32)`;
  const d = e.risk;
  const detail = d === undefined ? e.family : `${e.family}; ${d.category}, ${d.severity}${d.capability === undefined ? '' : `, needs ${d.capability}`}`;
  return `${r.name}: ${e.tier} (${detail}): ${e.reason}\n  sources: ${e.sources.join('; ')}`;
}

function parseTier(t: string): Tier {
  if ((TIERS as readonly string[]).includes(t)) return t as Tier;
  throw new ClawfenceError('bad-input', `unknown risk tier '${t}'`, { hint: `use one of ${TIERS.join(', ')} (did you mean '${closest(t, [...TIERS])}'?)` });
}

function riskJson(e: SyscallRisk | null): Record<string, unknown> | null {
  if (e === null) return null;
  const o: Record<string, unknown> = { tier: e.tier, family: e.family };
  if (e.risk !== undefined) {
    o['category'] = e.risk.category;
    o['severity'] = e.risk.severity;
    if (e.risk.capability !== undefined) o['capability'] = e.risk.capability;
  }
  o['reason'] = e.reason;
  o['sources'] = [...e.sources];
  return o;
}

export async function runSyscalls(query: string | undefined, o: SyscallsOptions): Promise<number> {
  const all = o.arch === 'all';
  const abis: Arch[] = all ? [...ARCHES] : [o.arch === undefined ? hostArch() : parseArch(o.arch)];
  const primary = abis[0] ?? hostArch();
  const tier = o.tier === undefined ? undefined : parseTier(o.tier);
  let names: string[];
  let title: string;
  if (o.group !== undefined) {
    names = groupMembers(o.group);
    title = `${o.group}: ${groupHelp(o.group)}`;
  } else if (query === undefined) {
    names = syscallsOf(primary);
    title = `${names.length} syscalls on ${primary} (${SYSCALL_TABLE_SOURCE.upstream}, ${SYSCALL_TABLE_SOURCE.version})`;
  } else if (/^(0x[0-9a-f]+|\d+)$/i.test(query)) {
    if (all) {
      names = [...new Set(ARCHES.map((a) => syscallName(a, Number(query))).filter((n): n is string => n !== undefined))];
      if (names.length === 0) throw new ClawfenceError('bad-input', `no ABI has a syscall numbered ${query}`, { hint: 'numbers are per ABI; check the value' });
    } else names = [resolveSyscall(primary, query).name];
    title = `syscall number ${query}`;
  } else {
    if (!isKnownSyscall(query)) {
      throw new ClawfenceError('bad-input', `unknown syscall '${query}'`, { hint: `did you mean '${suggestSyscall(query)}'?` });
    }
    names = [query];
    const on = abisOf(query);
    title = `${query}: exists on ${on.length} ABI(s): ${on.join(', ')}`;
  }
  if (tier !== undefined) {
    names = names.filter((n) => syscallRisk(n)?.tier === tier);
    title = `${title}; ${names.length} of them ${tier}`;
  }
  const shownAbis = all && query !== undefined ? abis.filter((a) => names.some((n) => syscallNumber(a, n) !== undefined)) : abis;
  const rows = names.map((n) => row(n, shownAbis));
  if (o.json === true) {
    write(toJson({ title, abis: shownAbis.map((a) => ({ abi: a, scmp: ARCH_INFO[a].scmp })), syscalls: rows.map((r) => ({ ...r, risk: riskJson(r.risk) })) }));
    return 0;
  }
  const details = query === undefined ? '' : `\n${rows.map(describeRisk).join('\n')}`;
  write(`${title}\n${render(rows, shownAbis)}${details}`);
  return 0;
}
