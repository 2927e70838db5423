// The doctor's summary of recording: eBPF when its prerequisites hold, else the ptrace fallback.

import { failed, passed, type DoctorCheck } from '../model.js';

const EBPF_NEEDS = ['btf', 'tracefs', 'cgroup2', 'privileges'] as const;
const PTRACE_NEEDS = ['strace', 'cgroup2', 'privileges'] as const;

/** Which recorder `clawfence record` can use, from the other checks' results. */
export function checkRecording(checks: readonly DoctorCheck[]): DoctorCheck {
  const byId = (id: string): DoctorCheck | undefined => checks.find((c) => c.id === id);
  const blocking = EBPF_NEEDS.filter((id) => byId(id)?.ok !== true);
  const binary = byId('recorder')?.ok === true;
  const toolchain = byId('recorder-toolchain')?.ok === true;
  const title = 'recording';
  if (blocking.length === 0 && (binary || toolchain)) {
    return passed('recording', title, binary ? 'eBPF recorder ready' : 'eBPF recorder can be built (npm run build:recorder)');
  }
  const why = [...blocking, ...(binary || toolchain ? [] : ['recorder-toolchain'])];
  // The ptrace fallback attaches strace to a frozen cgroup v2 (it needs root for both).
  const ptraceWhy = PTRACE_NEEDS.filter((id) => byId(id)?.ok !== true);
  if (ptraceWhy.length === 0) {
    return passed('recording', title, `ptrace fallback (strace), much slower: eBPF needs ${why.join(', ')}`);
  }
  return failed(
    'recording',
    title,
    `no recorder can run: eBPF needs ${why.join(', ')}; ptrace needs ${ptraceWhy.join(', ')}`,
    `fix the ${[...new Set([...why, ...ptraceWhy])].join(', ')} check(s) above`,
  );
}
