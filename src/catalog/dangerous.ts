// The risk catalog: syscalls a container workload rarely needs and an attacker often wants, with
// a category, a severity and the reason, as data. docs/audit.md explains the severity choices.

/** Most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The four kinds of dangerous syscall the risk catalog knows. */
export const RISK_CATEGORIES = ['namespace-escape', 'kernel-attack-surface', 'introspection', 'host-state'] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

export interface RiskEntry {
  syscall: string;
  category: RiskCategory;
  severity: Severity;
  /** Why allowing it matters, as a clause that follows "<syscall> is allowed: ". */
  reason: string;
  /** The capability the kernel also demands for the harmful use, if any (shown in reports). */
  capability?: string;
  /** Which argument carries CLONE_NEW* flags (clone, unshare): the audit then checks which
   * namespace flags get through instead of reporting every allowed call. clone3 has none: its
   * flags live in memory that no filter can read. */
  namespaceFlagsArg?: number;
}

type Row = [syscall: string, severity: Severity, reason: string, capability?: string];

function group(category: RiskCategory, rows: Row[]): RiskEntry[] {
  return rows.map(([syscall, severity, reason, capability]) => ({
    syscall,
    category,
    severity,
    reason,
    ...(capability === undefined ? {} : { capability }),
  }));
}

const NEW_MOUNT_API = 'part of the new mount API, as powerful as mount(2)';

export const RISK_CATALOG: readonly RiskEntry[] = [
  ...group('namespace-escape', [
    ['mount', 'high', 'mounts filesystems; inside a user namespace or with CAP_SYS_ADMIN it can expose or shadow host paths', 'CAP_SYS_ADMIN'],
    ['umount2', 'high', 'unmounts filesystems, which can uncover paths the runtime masked (e.g. under /proc)', 'CAP_SYS_ADMIN'],
    ['umount', 'high', 'unmounts filesystems (old i386 entry point of umount2)', 'CAP_SYS_ADMIN'],
    ['pivot_root', 'high', 'swaps the root mount, a standard step of container escapes', 'CAP_SYS_ADMIN'],
    [
      'chroot',
      'medium',
      'changes the root directory; with a directory fd kept outside it, it leaves the chroot (containers get their root from a mount namespace, so the gain is small)',
      'CAP_SYS_CHROOT',
    ],
    ['setns', 'high', 'joins another namespace given a namespace fd, e.g. one leaked from the host', 'CAP_SYS_ADMIN'],
    ['open_tree', 'high', NEW_MOUNT_API, 'CAP_SYS_ADMIN'],
    ['open_tree_attr', 'high', NEW_MOUNT_API, 'CAP_SYS_ADMIN'],
    ['move_mount', 'high', NEW_MOUNT_API, 'CAP_SYS_ADMIN'],
    ['fsopen', 'high', NEW_MOUNT_API, 'CAP_SYS_ADMIN'],
    ['fsconfig', 'high', NEW_MOUNT_API, 'CAP_SYS_ADMIN'],
    ['fsmount', 'high', NEW_MOUNT_API, 'CAP_SYS_ADMIN'],
    ['fspick', 'high', NEW_MOUNT_API, 'CAP_SYS_ADMIN'],
    ['mount_setattr', 'high', NEW_MOUNT_API, 'CAP_SYS_ADMIN'],
  ]),
  {
    syscall: 'clone',
    category: 'namespace-escape',
    severity: 'high',
    namespaceFlagsArg: 0,
    reason: 'CLONE_NEW* flags create namespaces; a new user namespace grants every capability inside it and opens much more of the kernel',
  },
  {
    syscall: 'unshare',
    category: 'namespace-escape',
    severity: 'high',
    namespaceFlagsArg: 0,
    reason: 'CLONE_NEW* flags create namespaces; a new user namespace grants every capability inside it and opens much more of the kernel',
  },
  {
    syscall: 'clone3',
    category: 'namespace-escape',
    severity: 'high',
    reason: 'its flags live in memory that no seccomp filter can read, so it can create every kind of namespace',
  },
  ...group('kernel-attack-surface', [
    ['bpf', 'high', 'loads eBPF programs and maps, a frequent source of kernel privilege escalations', 'CAP_BPF'],
    ['perf_event_open', 'high', 'a large, often exploited kernel interface that also leaks kernel addresses', 'CAP_PERFMON'],
    ['userfaultfd', 'high', 'lets a process stall kernel page faults, the standard trick to win kernel race conditions'],
    ['io_uring_setup', 'high', 'io_uring has had many kernel exploits, and its operations bypass the seccomp rules of the syscalls they replace'],
    ['io_uring_enter', 'high', 'io_uring has had many kernel exploits, and its operations bypass the seccomp rules of the syscalls they replace'],
    ['io_uring_register', 'high', 'io_uring has had many kernel exploits, and its operations bypass the seccomp rules of the syscalls they replace'],
    ['keyctl', 'high', 'the kernel keyring is not namespaced: keys are shared with the host and other containers, and it has a history of bugs'],
    ['add_key', 'high', 'adds keys to the kernel keyring, which is not namespaced'],
    ['request_key', 'high', "asks the kernel keyring (not namespaced) for keys and can trigger the host's key upcall"],
    ['kexec_load', 'high', 'loads a new kernel to boot into', 'CAP_SYS_BOOT'],
    ['kexec_file_load', 'high', 'loads a new kernel to boot into', 'CAP_SYS_BOOT'],
    ['init_module', 'high', 'loads code into the host kernel', 'CAP_SYS_MODULE'],
    ['finit_module', 'high', 'loads code into the host kernel', 'CAP_SYS_MODULE'],
    ['delete_module', 'high', 'unloads host kernel modules', 'CAP_SYS_MODULE'],
    [
      'open_by_handle_at',
      'high',
      'opens any file of a mounted filesystem by handle, ignoring the mount namespace (the "shocker" escape)',
      'CAP_DAC_READ_SEARCH',
    ],
    ['name_to_handle_at', 'medium', 'produces file handles for open_by_handle_at and leaks inode identities; harmless while open_by_handle_at is denied'],
  ]),
  ...group('introspection', [
    ['ptrace', 'high', "reads and writes other processes' memory and registers (before Linux 4.8 it could also bypass seccomp)"],
    ['process_vm_readv', 'high', "reads another process's memory"],
    ['process_vm_writev', 'high', "writes another process's memory"],
    ['pidfd_getfd', 'high', 'copies a file descriptor out of another process'],
    ['kcmp', 'medium', 'compares kernel objects of two processes, leaking information about kernel pointers'],
  ]),
  ...group('host-state', [
    ['settimeofday', 'medium', 'sets the host clock (the clock is not namespaced)', 'CAP_SYS_TIME'],
    ['stime', 'medium', 'sets the host clock (the clock is not namespaced)', 'CAP_SYS_TIME'],
    ['clock_settime', 'medium', 'sets the host clock (the clock is not namespaced)', 'CAP_SYS_TIME'],
    ['clock_settime64', 'medium', 'sets the host clock (the clock is not namespaced)', 'CAP_SYS_TIME'],
    ['adjtimex', 'medium', 'adjusts the host clock (read-only queries are harmless; changes need CAP_SYS_TIME)', 'CAP_SYS_TIME'],
    ['clock_adjtime', 'medium', 'adjusts the host clock (read-only queries are harmless; changes need CAP_SYS_TIME)', 'CAP_SYS_TIME'],
    ['clock_adjtime64', 'medium', 'adjusts the host clock (read-only queries are harmless; changes need CAP_SYS_TIME)', 'CAP_SYS_TIME'],
    ['reboot', 'medium', 'reboots the host, or ends the container when it runs in its own PID namespace', 'CAP_SYS_BOOT'],
    ['swapon', 'medium', "changes the host's swap devices", 'CAP_SYS_ADMIN'],
    ['swapoff', 'medium', "changes the host's swap devices", 'CAP_SYS_ADMIN'],
    ['acct', 'medium', 'switches host process accounting on or off', 'CAP_SYS_PACCT'],
    ['quotactl', 'medium', 'changes disk quotas of host filesystems', 'CAP_SYS_ADMIN'],
    ['quotactl_fd', 'medium', 'changes disk quotas of host filesystems', 'CAP_SYS_ADMIN'],
    ['syslog', 'medium', 'reads or clears the kernel log, which leaks kernel addresses', 'CAP_SYSLOG'],
    ['sethostname', 'medium', "sets the host name (the host's own when the container shares the UTS namespace)", 'CAP_SYS_ADMIN'],
    ['setdomainname', 'medium', "sets the NIS domain name (the host's own when the container shares the UTS namespace)", 'CAP_SYS_ADMIN'],
    ['iopl', 'high', 'gives direct access to hardware I/O ports', 'CAP_SYS_RAWIO'],
    ['ioperm', 'high', 'gives direct access to hardware I/O ports', 'CAP_SYS_RAWIO'],
  ]),
];

const BY_NAME = new Map(RISK_CATALOG.map((e) => [e.syscall, e]));

export function riskOf(syscall: string): RiskEntry | undefined {
  return BY_NAME.get(syscall);
}

/** CLONE_NEW* flags, as clone(2) and unshare(2) take them. CLONE_NEWTIME (0x80) overlaps the
 * exit-signal bits of clone, so only unshare and clone3 accept it. */
export const NAMESPACE_FLAGS: readonly { name: string; value: bigint; cloneToo: boolean }[] = [
  { name: 'CLONE_NEWNS', value: 0x00020000n, cloneToo: true },
  { name: 'CLONE_NEWCGROUP', value: 0x02000000n, cloneToo: true },
  { name: 'CLONE_NEWUTS', value: 0x04000000n, cloneToo: true },
  { name: 'CLONE_NEWIPC', value: 0x08000000n, cloneToo: true },
  { name: 'CLONE_NEWUSER', value: 0x10000000n, cloneToo: true },
  { name: 'CLONE_NEWPID', value: 0x20000000n, cloneToo: true },
  { name: 'CLONE_NEWNET', value: 0x40000000n, cloneToo: true },
  { name: 'CLONE_NEWTIME', value: 0x00000080n, cloneToo: false },
];
