// The doctor's summary of recording: eBPF when its prerequisites hold, else the ptrace fallback.

import { failed, passed, type DoctorCheck } from '../model.js';

const EBPF_NEEDS = ['btf', 'tracefs', 'cgroup2', 'privileges'] as const;

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
  if (byId('strace')?.ok === true && byId('privileges')?.ok === true) {
    return passed('recording', title, `ptrace fallback (strace), slower: eBPF needs ${why.join(', ')}`);
  }
  return failed('recording', title, `no recorder can run: eBPF needs ${why.join(', ')}; ptrace needs strace and privileges`,
    `fix the ${why.join(', ')} check(s) above, or apt-get install strace and run as root`);
}
