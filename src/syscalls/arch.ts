// The one canonical spelling of every ABI clawfence knows, and translations to the spellings
// used at the edges (libseccomp SCMP_ARCH_*, Go GOARCH as in moby's includes.arches, systemd).

import { closest } from 'fastest-levenshtein';
import { ClawfenceError } from '../errors.js';

/** Canonical ABI names. Table column: which libseccomp syscall-table column numbers it. */
export const ARCHES = [
  'x86_64',
  'x86',
  'x32',
  'aarch64',
  'arm',
  'riscv64',
  'loongarch64',
  'mips',
  'mipsel',
  'mips64',
  'mipsel64',
  'mips64n32',
  'mipsel64n32',
  'ppc',
  'ppc64',
  'ppc64le',
  's390',
  's390x',
  'parisc',
  'parisc64',
  'm68k',
  'sh',
  'sheb',
] as const;
export type Arch = (typeof ARCHES)[number];

/** The libseccomp table columns (src/syscalls.csv). */
export const TABLE_COLUMNS = [
  'x86',
  'x86_64',
  'x32',
  'arm',
  'aarch64',
  'loongarch64',
  'm68k',
  'mips',
  'mips64',
  'mips64n32',
  'parisc',
  'parisc64',
  'ppc',
  'ppc64',
  'riscv64',
  's390',
  's390x',
  'sh',
] as const;
export type TableColumn = (typeof TABLE_COLUMNS)[number];

export interface ArchInfo {
  readonly arch: Arch;
  readonly scmp: string; // SCMP_ARCH_*
  readonly table: TableColumn;
  readonly bits: 32 | 64;
  /** The 64-bit ABI of the same CPU family that a host runs natively (x86 → x86_64). */
  readonly family: Arch;
  /** moby's name for this ABI as a host (goToNative in moby/profiles seccomp_linux.go), which is
   * what includes/excludes.arches are compared with; undefined when moby has none. */
  readonly mobyArch: string | undefined;
  /** systemd's SystemCallArchitectures= name. */
  readonly systemd: string | undefined;
  /** AUDIT_ARCH_* value the kernel reports in seccomp_data.arch. */
  readonly auditArch: number;
}

const EM = { X86_64: 62, I386: 3, AARCH64: 183, ARM: 40, RISCV: 243, LOONGARCH: 258, MIPS: 8, PPC: 20, PPC64: 21, S390: 22, PARISC: 15, M68K: 4, SH: 42 };
const A64 = 0x80000000; // __AUDIT_ARCH_64BIT
const ALE = 0x40000000; // __AUDIT_ARCH_LE

function info(
  arch: Arch,
  scmp: string,
  table: TableColumn,
  bits: 32 | 64,
  family: Arch,
  mobyArch: string | undefined,
  systemd: string | undefined,
  auditArch: number,
): ArchInfo {
  return { arch, scmp, table, bits, family, mobyArch, systemd, auditArch: auditArch >>> 0 };
}

export const ARCH_INFO: Readonly<Record<Arch, ArchInfo>> = {
  x86_64: info('x86_64', 'SCMP_ARCH_X86_64', 'x86_64', 64, 'x86_64', 'amd64', 'x86-64', EM.X86_64 | A64 | ALE),
  x86: info('x86', 'SCMP_ARCH_X86', 'x86', 32, 'x86_64', 'x86', 'x86', EM.I386 | ALE),
  // x32 reports AUDIT_ARCH_X86_64; the kernel marks its syscall numbers with bit 0x40000000.
  x32: info('x32', 'SCMP_ARCH_X32', 'x32', 32, 'x86_64', undefined, 'x32', EM.X86_64 | A64 | ALE),
  aarch64: info('aarch64', 'SCMP_ARCH_AARCH64', 'aarch64', 64, 'aarch64', 'arm64', 'arm64', EM.AARCH64 | A64 | ALE),
  arm: info('arm', 'SCMP_ARCH_ARM', 'arm', 32, 'aarch64', 'arm', 'arm', EM.ARM | ALE),
  riscv64: info('riscv64', 'SCMP_ARCH_RISCV64', 'riscv64', 64, 'riscv64', 'riscv64', 'riscv64', EM.RISCV | A64 | ALE),
  loongarch64: info('loongarch64', 'SCMP_ARCH_LOONGARCH64', 'loongarch64', 64, 'loongarch64', 'loongarch64', 'loongarch64', EM.LOONGARCH | A64 | ALE),
  mips: info('mips', 'SCMP_ARCH_MIPS', 'mips', 32, 'mips64', undefined, 'mips', EM.MIPS),
  mipsel: info('mipsel', 'SCMP_ARCH_MIPSEL', 'mips', 32, 'mipsel64', 'mipsel', 'mips-le', EM.MIPS | ALE),
  mips64: info('mips64', 'SCMP_ARCH_MIPS64', 'mips64', 64, 'mips64', 'mips64', 'mips64', EM.MIPS | A64),
  mipsel64: info('mipsel64', 'SCMP_ARCH_MIPSEL64', 'mips64', 64, 'mipsel64', 'mipsel64', 'mips64-le', EM.MIPS | A64 | ALE),
  mips64n32: info('mips64n32', 'SCMP_ARCH_MIPS64N32', 'mips64n32', 32, 'mips64', 'mips64n32', 'mips64-n32', EM.MIPS | A64 | 0x20000000),
  mipsel64n32: info('mipsel64n32', 'SCMP_ARCH_MIPSEL64N32', 'mips64n32', 32, 'mipsel64', 'mips3l64n32', 'mips64-le-n32', EM.MIPS | A64 | ALE | 0x20000000),
  ppc: info('ppc', 'SCMP_ARCH_PPC', 'ppc', 32, 'ppc64', 'ppc', 'ppc', EM.PPC),
  ppc64: info('ppc64', 'SCMP_ARCH_PPC64', 'ppc64', 64, 'ppc64', 'ppc64', 'ppc64', EM.PPC64 | A64),
  ppc64le: info('ppc64le', 'SCMP_ARCH_PPC64LE', 'ppc64', 64, 'ppc64le', 'ppc64le', 'ppc64-le', EM.PPC64 | A64 | ALE),
  s390: info('s390', 'SCMP_ARCH_S390', 's390', 32, 's390x', 's390', 's390', EM.S390),
  s390x: info('s390x', 'SCMP_ARCH_S390X', 's390x', 64, 's390x', 's390x', 's390x', EM.S390 | A64),
  parisc: info('parisc', 'SCMP_ARCH_PARISC', 'parisc', 32, 'parisc64', undefined, 'parisc', EM.PARISC),
  parisc64: info('parisc64', 'SCMP_ARCH_PARISC64', 'parisc64', 64, 'parisc64', undefined, 'parisc64', EM.PARISC | A64),
  m68k: info('m68k', 'SCMP_ARCH_M68K', 'm68k', 32, 'm68k', undefined, 'm68k', EM.M68K),
  sh: info('sh', 'SCMP_ARCH_SH', 'sh', 32, 'sh', undefined, 'sh', EM.SH | ALE),
  sheb: info('sheb', 'SCMP_ARCH_SHEB', 'sh', 32, 'sheb', undefined, 'sh-be', EM.SH),
};

const BY_SCMP = new Map<string, Arch>(ARCHES.map((a) => [ARCH_INFO[a].scmp, a]));
const ALIASES = new Map<string, Arch>([
  ['amd64', 'x86_64'],
  ['x86-64', 'x86_64'],
  ['i386', 'x86'],
  ['i686', 'x86'],
  ['386', 'x86'],
  ['arm64', 'aarch64'],
  ['armhf', 'arm'],
  ['armv7', 'arm'],
  ['loong64', 'loongarch64'],
  ['mipsle', 'mipsel'],
  ['mips64le', 'mipsel64'],
  ['powerpc', 'ppc'],
  ['powerpc64', 'ppc64'],
  ['powerpc64le', 'ppc64le'],
  ['ppc64el', 'ppc64le'],
]);

export function isArch(s: string): s is Arch {
  return (ARCHES as readonly string[]).includes(s);
}

/** Accepts a canonical name, an SCMP_ARCH_* constant, a Go GOARCH or a Debian/uname spelling. */
export function lookupArch(s: string): Arch | undefined {
  if (isArch(s)) return s;
  return BY_SCMP.get(s) ?? ALIASES.get(s) ?? ALIASES.get(s.toLowerCase()) ?? (isArch(s.toLowerCase()) ? (s.toLowerCase() as Arch) : undefined);
}

export function suggestArch(s: string): string {
  const pool = s.startsWith('SCMP_') ? ARCHES.map((a) => ARCH_INFO[a].scmp) : [...ARCHES];
  return closest(s, pool);
}

/** Like lookupArch but throws a bad-input error with a suggestion. */
export function parseArch(s: string): Arch {
  const a = lookupArch(s);
  if (a === undefined) {
    throw new ClawfenceError('bad-input', `unknown architecture '${s}'`, {
      hint: `did you mean '${suggestArch(s)}'? Known: ${ARCHES.join(', ')}`,
    });
  }
  return a;
}

/** The ABIs a host of this family can run (the native one first). */
export function familyAbis(native: Arch): Arch[] {
  return ARCHES.filter((a) => ARCH_INFO[a].family === ARCH_INFO[native].family).sort((a, b) => (a === native ? -1 : b === native ? 1 : 0));
}

/** The host ABI clawfence runs on, from Node's process.arch. */
export function hostArch(): Arch {
  const m: Record<string, Arch> = {
    x64: 'x86_64',
    ia32: 'x86',
    arm64: 'aarch64',
    arm: 'arm',
    riscv64: 'riscv64',
    s390x: 's390x',
    ppc64: 'ppc64le',
    loong64: 'loongarch64',
    mips: 'mips',
    mipsel: 'mipsel',
  };
  return m[process.arch] ?? 'x86_64';
}

/** Number added by the kernel ABI to the table's syscall numbers (x32's bit, MIPS bases). */
export function syscallBase(arch: Arch): number {
  switch (arch) {
    case 'x32':
      return 0x40000000;
    case 'mips':
    case 'mipsel':
      return 4000;
    case 'mips64':
    case 'mipsel64':
      return 5000;
    case 'mips64n32':
    case 'mipsel64n32':
      return 6000;
    default:
      return 0;
  }
}
