// The comment on each generated rule: the evidence for the syscall (per ABI: how many calls,
// which process made it first, in which workloads, or that the container runtime needed it
// after installing the filter) and what else the rule lets through that was not recorded.

import type { ProcessRef } from '../footprint/model.js';
import type { Arch } from '../syscalls/arch.js';
import type { AbiUse, SyscallEvidence } from './evidence.js';
import type { Widening } from './widening.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "python3 (/usr/local/bin/python3.11)"; the pid is left out so that recordings diff cleanly. */
export function describeProcess(p: ProcessRef): string {
  return p.exe === undefined || p.exe === '' ? p.comm : `${p.comm} (${p.exe})`;
}

function describeUse(u: AbiUse): string {
  const who = u.runtime
    ? `needed by the container runtime (${u.firstBy?.comm ?? 'its init process'}) after installing the filter`
    : u.firstBy === undefined
      ? 'first process not recorded'
      : `first by ${describeProcess(u.firstBy)}`;
  const wl = u.workloads.length === 0 ? '' : `, ${u.workloads.length === 1 ? 'workload' : 'workloads'} ${u.workloads.join(', ')}`;
  return `${u.abi}: ${plural(u.count, 'call')}, ${who}${wl}`;
}

function listAbis(abis: readonly Arch[]): string {
  return abis.length <= 1 ? abis.join('') : `${abis.slice(0, -1).join(', ')} and ${abis.at(-1) ?? ''}`;
}

/** Notes for the rule of `name` from the widenings of the whole filter. */
export function wideningNotes(name: string, widened: readonly Widening[]): string[] {
  const notes: string[] = [];
  const elsewhere = widened.filter((w) => w.kind === 'other-abi' && w.syscall === name).map((w) => w.abi);
  if (elsewhere.length > 0) {
    notes.push(`also allowed on ${listAbis(elsewhere)}, where it was not recorded: a rule applies to every ABI the filter loads`);
  }
  for (const w of widened) {
    if (w.kind !== 'multiplexer') continue;
    const m = w.members.find((x) => x.name === name);
    if (m !== undefined) notes.push(`on ${w.abi} libseccomp also allows ${w.syscall}(${m.call}), the multiplexed form of ${name}`);
  }
  return notes;
}

/** "read — x86_64: 12 calls, first by python3 (/usr/bin/python3), workload get; …". */
export function ruleComment(e: SyscallEvidence, notes: readonly string[]): string {
  return [`${e.name} — ${e.uses.map(describeUse).join('; ')}`, ...notes].join('; ');
}
