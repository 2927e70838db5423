// Doctor checks about recording: the eBPF recorder's build toolchain and binary, strace for the
// ptrace fallback, and the privileges tracing needs.

import { ClawfenceError } from '../../errors.js';
import { firstLine, runCommand } from '../../engine/run-command.js';
import { straceVersion } from '../../recorder/ptrace/strace.js';
import { isExecutable, readText } from '../host-files.js';
import { failed, passed, type DoctorCheck } from '../model.js';

const TOOLCHAIN_FIX = 'apt-get install clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev (scripts/setup-host.sh does it)';

async function versionOf(file: string, args: string[]): Promise<string | undefined> {
  const r = await runCommand(file, args, { timeoutMs: 10_000 });
  return r.code === 0 ? firstLine(r.stdout) || firstLine(r.stderr) : undefined;
}

/** clang, bpftool and the libbpf headers: what `npm run build:recorder` needs. */
export async function checkRecorderToolchain(): Promise<DoctorCheck> {
  const title = 'eBPF recorder toolchain';
  const [clang, bpftool, header] = await Promise.all([
    versionOf('clang', ['--version']),
    versionOf('bpftool', ['version']),
    readText('/usr/include/bpf/libbpf.h'),
  ]);
  const missing = [
    clang === undefined ? 'clang' : '',
    bpftool === undefined ? 'bpftool' : '',
    header === undefined ? 'libbpf headers (/usr/include/bpf/libbpf.h)' : '',
  ].filter((m) => m !== '');
  if (missing.length > 0) return failed('recorder-toolchain', title, `missing: ${missing.join(', ')}`, TOOLCHAIN_FIX, 'warning');
  return passed('recorder-toolchain', title, `${clang}; ${bpftool}; libbpf headers present`, 'warning');
}

/** The built eBPF recorder binary. */
export async function checkRecorderBinary(path: string): Promise<DoctorCheck> {
  const title = 'eBPF recorder binary';
  if (!(await isExecutable(path))) {
    return failed(
      'recorder',
      title,
      `${path} is not built`,
      'npm run build:recorder (scripts/build-recorder.sh; needs the eBPF recorder toolchain)',
      'warning',
    );
  }
  return passed('recorder', title, path, 'warning');
}

/** strace (5.15 or later), the ptrace fallback recorder. */
export function checkStrace(): DoctorCheck {
  const title = 'strace (ptrace fallback)';
  try {
    return passed('strace', title, `strace ${straceVersion()}`, 'warning');
  } catch (e) {
    if (!(e instanceof ClawfenceError)) throw e;
    return failed('strace', title, e.message, e.hint ?? 'apt-get install strace', 'warning');
  }
}

const CAP = { SYS_PTRACE: 19, SYS_ADMIN: 21, PERFMON: 38, BPF: 39 } as const;
type CapName = keyof typeof CAP;

/** The capabilities in this process's effective set, among those tracing cares about. */
export async function effectiveCaps(): Promise<CapName[]> {
  const status = (await readText('/proc/self/status')) ?? '';
  const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (hex === undefined) return [];
  const eff = BigInt(`0x${hex}`);
  return (Object.keys(CAP) as CapName[]).filter((c) => (eff >> BigInt(CAP[c])) & 1n);
}

/** Root, or CAP_BPF+CAP_PERFMON (or CAP_SYS_ADMIN): what loading the eBPF recorder needs. */
export async function checkPrivileges(uid: number | undefined): Promise<DoctorCheck> {
  const title = 'privileges for tracing';
  const caps = await effectiveCaps();
  const capText = caps.length === 0 ? 'no tracing capabilities' : caps.map((c) => `CAP_${c}`).join(', ');
  const who = uid === 0 ? 'root' : `uid ${uid ?? '?'}`;
  const canBpf = (caps.includes('BPF') && caps.includes('PERFMON')) || caps.includes('SYS_ADMIN');
  if (!canBpf) {
    return failed(
      'privileges',
      title,
      `${who} with ${capText}: cannot load the eBPF recorder`,
      'run clawfence record/profile as root (sudo), or grant the recorder CAP_BPF and CAP_PERFMON: sudo setcap cap_bpf,cap_perfmon+ep .cache/recorder/clawfence-rec',
    );
  }
  return passed('privileges', title, `${who} with ${capText}`);
}
