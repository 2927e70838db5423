// `clawfence syscalls [NAME|NUMBER] [--arch A|all] [--group G]`: per-ABI look-ups with groups.

import Table from 'cli-table3';
import { ARCHES, ARCH_INFO, hostArch, parseArch, type Arch } from '../../syscalls/arch.js';
import { groupHelp, groupMembers, groupsOf } from '../../syscalls/groups.js';
import { ClawfenceError } from '../../errors.js';
import { abisOf, isKnownSyscall, resolveSyscall, suggestSyscall, syscallName, syscallNumber, syscallsOf, SYSCALL_TABLE_SOURCE } from '../../syscalls/table.js';
import { toJson, write } from '../output.js';

export interface SyscallsOptions {
  arch?: string;
  group?: string;
  json?: boolean;
  color?: boolean | undefined;
}

interface Row {
  name: string;
  numbers: Partial<Record<Arch, number>>;
  groups: string[];
}

function row(name: string, abis: Arch[]): Row {
  const numbers: Partial<Record<Arch, number>> = {};
  for (const a of abis) {
    const n = syscallNumber(a, name);
    if (n !== undefined) numbers[a] = n;
  }
  return { name, numbers, groups: groupsOf(name) };
}

function render(rows: Row[], abis: Arch[]): string {
  const t = new Table({ head: ['syscall', ...abis, 'groups'], style: { head: [], border: [] } });
  for (const r of rows) t.push([r.name, ...abis.map((a) => (r.numbers[a] === undefined ? '—' : String(r.numbers[a]))), r.groups.join(' ')]);
  return t.toString();
}

export async function runSyscalls(query: string | undefined, o: SyscallsOptions): Promise<number> {
  const all = o.arch === 'all';
  const abis: Arch[] = all ? [...ARCHES] : [o.arch === undefined ? hostArch() : parseArch(o.arch)];
  const primary = abis[0] ?? hostArch();
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
  const shownAbis = all && query !== undefined ? abis.filter((a) => names.some((n) => syscallNumber(a, n) !== undefined)) : abis;
  const rows = names.map((n) => row(n, shownAbis));
  if (o.json === true) {
    write(toJson({ title, abis: shownAbis.map((a) => ({ abi: a, scmp: ARCH_INFO[a].scmp })), syscalls: rows }));
    return 0;
  }
  write(`${title}\n${render(rows, shownAbis)}`);
  return 0;
}
