// The catalog's closed vocabularies: severities and risk categories of the dangerous syscalls, and
// the tiers and families every syscall of data/catalog/syscall-risk.json carries
// (docs/risk-catalog.md explains each).

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

/** Least risky first. */
export const TIERS = ['benign', 'moderate', 'dangerous'] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_HELP: Readonly<Record<Tier, string>> = {
  benign: "changes nothing outside the calling process's own resources and reads nothing beyond its own view",
  moderate: 'reaches shared state or other processes, as ordinary container work does',
  dangerous: 'in the risk catalog: a door out of the container or into the kernel',
};

/** What a syscall is for, one word each (a closed list: a generaliser adds syscalls by family). */
export const RISK_FAMILY_HELP = {
  'fd-io': 'data I/O on descriptors the process already holds (read, write, splice, AIO, io_uring)',
  fd: 'the descriptor table: close, dup, fcntl, flock, ioctl',
  'file-open': 'opening files by path (open, openat, openat2, open_by_handle_at)',
  'file-metadata': 'reading file metadata and directories (stat family, access, readlink, getxattr, getdents)',
  'file-mutation': 'creating, renaming, removing files and changing their metadata (mkdir, rename, chmod, chown, setxattr, utimensat)',
  'file-sync': 'flushing files or filesystems to storage (fsync, fdatasync, sync, syncfs)',
  memory: 'the address space: mmap, mprotect, madvise, mlock, NUMA placement, memfd',
  process: 'processes: fork, exec, exit_group, wait, process ids, rlimits, prctl, working directory',
  thread: 'thread setup and exit: exit, set_tid_address, arch_prctl, rseq',
  futex: 'futexes and robust lists',
  signal: 'signal handling and sending',
  time: 'clocks, sleeps and timers (and setting the host clock)',
  'event-wait': 'waiting for events: poll, select, epoll, eventfd, inotify, fanotify',
  ipc: 'pipes, System V IPC, POSIX message queues',
  socket: 'sockets and the socketcall multiplexer',
  identity: 'user and group ids, capabilities',
  scheduling: 'CPU and I/O scheduling, yielding',
  'system-info': 'reading system-wide information: uname, sysinfo, getrandom',
  'security-policy': 'restricting or labelling the process itself: seccomp, Landlock, LSM attributes',
  'cpu-emulation': 'x86 segment and virtual-8086 modes: modify_ldt, vm86',
  tracing: 'observing or instrumenting processes and the kernel: ptrace, perf, bpf, uprobes',
  namespace: 'namespaces: unshare, setns, listns',
  mount: 'mounting and the root directory: mount, the new mount API, pivot_root, chroot, listmount',
  keyring: 'the kernel keyring',
  module: 'kernel modules',
  privileged: 'host administration that needs a capability: reboot, swap, quotas, kexec, I/O ports, host name',
  obsolete: 'removed or never implemented by Linux',
} as const;
export type RiskFamily = keyof typeof RISK_FAMILY_HELP;
export const RISK_FAMILIES = Object.keys(RISK_FAMILY_HELP) as RiskFamily[];

/** One syscall of the risk catalog. */
export interface SyscallRisk {
  syscall: string;
  tier: Tier;
  family: RiskFamily;
  /** One line saying what the call can do (for dangerous ones: the clause after "<syscall> is allowed: "). */
  reason: string;
  /** What the tier rests on: man pages, Docker's and Podman's defaults, systemd groups, CVEs. */
  sources: readonly string[];
  /** The dangerous tier's audit entry (category, severity, capability). */
  risk?: RiskEntry;
}
