// Syscall name ↔ number look-ups per ABI, over the generated libseccomp tables.

import { closest } from 'fastest-levenshtein';
import { ClawfenceError } from '../errors.js';
import { ARCH_INFO, ARCHES, type Arch, type TableColumn } from './arch.js';
import { ALL_NAMES, SOURCE } from './generated/index.js';
import { numbers as aarch64 } from './generated/aarch64.js';
import { numbers as arm } from './generated/arm.js';
import { numbers as loongarch64 } from './generated/loongarch64.js';
import { numbers as m68k } from './generated/m68k.js';
import { numbers as mips } from './generated/mips.js';
import { numbers as mips64 } from './generated/mips64.js';
import { numbers as mips64n32 } from './generated/mips64n32.js';
import { numbers as parisc } from './generated/parisc.js';
import { numbers as parisc64 } from './generated/parisc64.js';
import { numbers as ppc } from './generated/ppc.js';
import { numbers as ppc64 } from './generated/ppc64.js';
import { numbers as riscv64 } from './generated/riscv64.js';
import { numbers as s390 } from './generated/s390.js';
import { numbers as s390x } from './generated/s390x.js';
import { numbers as sh } from './generated/sh.js';
import { numbers as x32 } from './generated/x32.js';
import { numbers as x86 } from './generated/x86.js';
import { numbers as x86_64 } from './generated/x86_64.js';

export { SOURCE as SYSCALL_TABLE_SOURCE };

const COLUMNS: Readonly<Record<TableColumn, Readonly<Record<string, number>>>> = {
  aarch64,
  arm,
  loongarch64,
  m68k,
  mips,
  mips64,
  mips64n32,
  parisc,
  parisc64,
  ppc,
  ppc64,
  riscv64,
  s390,
  s390x,
  sh,
  x32,
  x86,
  x86_64,
};

const byName = new Map<TableColumn, Map<string, number>>();
const byNumber = new Map<TableColumn, Map<number, string>>();
const allNames = new Set(ALL_NAMES);

/** The syscall number on this ABI, or undefined when the syscall does not exist there. */
export function syscallNumber(arch: Arch, name: string): number | undefined {
  // A Map per table, made on first use: the evaluator looks names up thousands of times per
  // profile, and a Map finds them faster than the generated object literal does.
  const col = ARCH_INFO[arch].table;
  let m = byName.get(col);
  if (m === undefined) {
    m = new Map(Object.entries(COLUMNS[col]));
    byName.set(col, m);
  }
  return m.get(name);
}

/** The syscall name for a number on this ABI. */
export function syscallName(arch: Arch, nr: number): string | undefined {
  const col = ARCH_INFO[arch].table;
  let m = byNumber.get(col);
  if (m === undefined) {
    m = new Map(Object.entries(COLUMNS[col]).map(([n, v]) => [v, n]));
    byNumber.set(col, m);
  }
  return m.get(nr);
}

const inNumberOrder = new Map<TableColumn, readonly string[]>();

/** Every syscall name that exists on this ABI, sorted by number. */
export function syscallsOf(arch: Arch): string[] {
  const col = ARCH_INFO[arch].table;
  let names = inNumberOrder.get(col);
  if (names === undefined) {
    names = Object.entries(COLUMNS[col])
      .sort((a, b) => a[1] - b[1])
      .map(([n]) => n);
    inNumberOrder.set(col, names);
  }
  return [...names];
}

/** True when libseccomp knows the name on at least one ABI. */
export function isKnownSyscall(name: string): boolean {
  return allNames.has(name);
}

export function knownSyscallNames(): readonly string[] {
  return ALL_NAMES;
}

export function suggestSyscall(name: string): string {
  return closest(name, ALL_NAMES);
}

/** ABIs on which the name exists. */
export function abisOf(name: string): Arch[] {
  return ARCHES.filter((a) => syscallNumber(a, name) !== undefined);
}

/** Resolves a syscall given by name or number; throws a bad-input error with a suggestion. */
export function resolveSyscall(arch: Arch, nameOrNumber: string): { name: string; nr: number } {
  if (/^(0x[0-9a-f]+|\d+)$/i.test(nameOrNumber)) {
    const nr = Number(nameOrNumber);
    const name = syscallName(arch, nr);
    if (name === undefined) {
      throw new ClawfenceError('bad-input', `no syscall numbered ${nameOrNumber} on ${arch}`, {
        hint: `list them with 'clawfence syscalls --arch ${arch}'`,
      });
    }
    return { name, nr };
  }
  const nr = syscallNumber(arch, nameOrNumber);
  if (nr !== undefined) return { name: nameOrNumber, nr };
  if (isKnownSyscall(nameOrNumber)) {
    throw new ClawfenceError('bad-input', `syscall '${nameOrNumber}' does not exist on ${arch}`, {
      hint: `it exists on: ${abisOf(nameOrNumber).join(', ')}; pass --arch`,
    });
  }
  throw new ClawfenceError('bad-input', `unknown syscall '${nameOrNumber}'`, {
    hint: `did you mean '${suggestSyscall(nameOrNumber)}'?`,
  });
}
