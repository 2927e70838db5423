// Doctor checks about the kernel: seccomp filter actions, BTF, tracefs with the raw_syscalls
// tracepoints, and a cgroup v2 hierarchy (the eBPF recorder tells containers apart by it).

import { release } from 'node:os';
import { fileSize, readMounts, readText } from '../host-files.js';
import { failed, passed, type DoctorCheck } from '../model.js';

/** The kernel's names for seccomp actions (actions_avail), as clawfence names them. */
const KERNEL_ACTION_NAMES: Record<string, string> = { user_notif: 'notify' };
/** Actions clawfence's profiles and verify --complain rely on. */
const NEEDED_ACTIONS = ['allow', 'errno', 'kill_thread', 'kill_process', 'log'] as const;

export async function checkKernelSeccomp(): Promise<DoctorCheck> {
  const title = 'seccomp in the kernel';
  const status = await readText('/proc/self/status');
  const avail = await readText('/proc/sys/kernel/seccomp/actions_avail');
  if (status === undefined || !/^Seccomp:/m.test(status) || avail === undefined) {
    return failed(
      'kernel-seccomp',
      title,
      'this kernel has no seccomp filter support (no Seccomp: in /proc/self/status or no actions_avail)',
      'use a kernel built with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER (any distribution kernel ≥ 4.14)',
    );
  }
  const actions = avail
    .trim()
    .split(/\s+/)
    .map((a) => KERNEL_ACTION_NAMES[a] ?? a);
  const missing = NEEDED_ACTIONS.filter((a) => !actions.includes(a));
  if (missing.length > 0) {
    return failed(
      'kernel-seccomp',
      title,
      `available actions: ${actions.join(' ')}; missing: ${missing.join(' ')}`,
      'use a kernel ≥ 4.14 (log, kill_process): without them generated profiles and `verify --complain` cannot run',
    );
  }
  return passed('kernel-seccomp', title, `available actions: ${actions.join(' ')}`);
}

export async function checkBtf(): Promise<DoctorCheck> {
  const size = await fileSize('/sys/kernel/btf/vmlinux');
  if (size === undefined) {
    return failed(
      'btf',
      'kernel BTF',
      '/sys/kernel/btf/vmlinux is missing: the eBPF recorder cannot run',
      'use a kernel built with CONFIG_DEBUG_INFO_BTF=y; until then `clawfence record` falls back to ptrace (strace)',
      'warning',
    );
  }
  return passed('btf', 'kernel BTF', `/sys/kernel/btf/vmlinux (${(size / 1048576).toFixed(1)} MiB)`, 'warning');
}

const TRACE_EVENTS = ['raw_syscalls/sys_enter', 'raw_syscalls/sys_exit'] as const;

export async function checkTracefs(): Promise<DoctorCheck> {
  const title = 'tracefs and raw_syscalls tracepoints';
  const mounts = (await readMounts()).filter((m) => m.type === 'tracefs').map((m) => m.target);
  const ordered = [...mounts.filter((m) => m === '/sys/kernel/tracing'), ...mounts.filter((m) => m !== '/sys/kernel/tracing')];
  const root = ordered[0];
  if (root === undefined) {
    return failed('tracefs', title, 'tracefs is not mounted', 'mount -t tracefs nodev /sys/kernel/tracing (scripts/setup-host.sh does it)', 'warning');
  }
  const missing: string[] = [];
  for (const ev of TRACE_EVENTS) if ((await readText(`${root}/events/${ev}/id`)) === undefined) missing.push(ev);
  if (missing.length > 0) {
    return failed(
      'tracefs',
      title,
      `tracefs at ${root}, but ${missing.join(' and ')} cannot be read`,
      'run as root, on a kernel with CONFIG_FTRACE_SYSCALLS (raw_syscalls tracepoints)',
      'warning',
    );
  }
  return passed('tracefs', title, `tracefs at ${root}; ${TRACE_EVENTS.join(', ')} present`, 'warning');
}

export async function checkCgroup2(): Promise<DoctorCheck> {
  const title = 'cgroup v2 hierarchy';
  const mount = (await readMounts()).find((m) => m.type === 'cgroup2');
  if (mount === undefined) {
    return failed(
      'cgroup2',
      title,
      'no cgroup2 hierarchy is mounted: the eBPF recorder cannot tell containers apart',
      'mount -t cgroup2 none /sys/fs/cgroup/unified (or boot with systemd.unified_cgroup_hierarchy=1)',
      'warning',
    );
  }
  // The ptrace recorder freezes its run cgroup while strace attaches: cgroup.freeze, Linux 5.2+.
  const [major = 0, minor = 0] = release()
    .split('.')
    .map((n) => Number.parseInt(n, 10));
  const freezer = major > 5 || (major === 5 && minor >= 2);
  return passed(
    'cgroup2',
    title,
    `cgroup2 at ${mount.target}${freezer ? '; freezer (cgroup.freeze) for the ptrace recorder' : '; no cgroup.freeze (Linux < 5.2): the ptrace recorder cannot run'}`,
    'warning',
  );
}
