// Readable syscall groups in systemd's style (@file-system, @network-io …), for reports and for the
// systemd exporter. The membership below is our transcription of `systemd-analyze syscall-filter`
// from systemd 252 (Debian 12, 252.38-1~deb12u1); systemd's own table is src/shared/seccomp-util.c.
// @known (every syscall systemd knows) is left out: clawfence's syscall table plays that role.
// Groups change between systemd versions (systemd.exec(5): "Contents of the sets may also change").

import { closest } from 'fastest-levenshtein';
import { ClawfenceError } from '../errors.js';

interface GroupDef {
  readonly help: string;
  /** Syscall names and, for composite groups, other groups (prefixed with '@'). */
  readonly members: readonly string[];
}

/** Which systemd release the membership was taken from. */
export const GROUPS_SOURCE = 'systemd 252 (systemd-analyze syscall-filter, Debian 12)';

const GROUP_DEFS: Readonly<Record<string, GroupDef>> = {
  '@default': {
    help: 'System calls that are always permitted',
    members: [
      'arch_prctl',
      'brk',
      'cacheflush',
      'clock_getres',
      'clock_getres_time64',
      'clock_gettime',
      'clock_gettime64',
      'clock_nanosleep',
      'clock_nanosleep_time64',
      'execve',
      'exit',
      'exit_group',
      'futex',
      'futex_time64',
      'futex_waitv',
      'get_robust_list',
      'get_thread_area',
      'getegid',
      'getegid32',
      'geteuid',
      'geteuid32',
      'getgid',
      'getgid32',
      'getgroups',
      'getgroups32',
      'getpgid',
      'getpgrp',
      'getpid',
      'getppid',
      'getrandom',
      'getresgid',
      'getresgid32',
      'getresuid',
      'getresuid32',
      'getrlimit',
      'getsid',
      'gettid',
      'gettimeofday',
      'getuid',
      'getuid32',
      'membarrier',
      'mmap',
      'mmap2',
      'mprotect',
      'munmap',
      'nanosleep',
      'pause',
      'prlimit64',
      'restart_syscall',
      'riscv_flush_icache',
      'riscv_hwprobe',
      'rseq',
      'rt_sigreturn',
      'sched_getaffinity',
      'sched_yield',
      'set_robust_list',
      'set_thread_area',
      'set_tid_address',
      'set_tls',
      'sigreturn',
      'time',
      'ugetrlimit',
      'uretprobe',
    ],
  },
  '@aio': {
    help: 'Asynchronous IO',
    members: [
      'io_cancel',
      'io_destroy',
      'io_getevents',
      'io_pgetevents',
      'io_pgetevents_time64',
      'io_setup',
      'io_submit',
      'io_uring_enter',
      'io_uring_register',
      'io_uring_setup',
    ],
  },
  '@basic-io': {
    help: 'Basic IO',
    members: [
      '_llseek',
      'close',
      'close_range',
      'dup',
      'dup2',
      'dup3',
      'lseek',
      'pread64',
      'preadv',
      'preadv2',
      'pwrite64',
      'pwritev',
      'pwritev2',
      'read',
      'readv',
      'write',
      'writev',
    ],
  },
  '@chown': {
    help: 'Change ownership of files and directories',
    members: ['chown', 'chown32', 'fchown', 'fchown32', 'fchownat', 'lchown', 'lchown32'],
  },
  '@clock': {
    help: 'Change the system time',
    members: ['adjtimex', 'clock_adjtime', 'clock_adjtime64', 'clock_settime', 'clock_settime64', 'settimeofday'],
  },
  '@cpu-emulation': {
    help: 'System calls for CPU emulation functionality',
    members: ['modify_ldt', 'subpage_prot', 'switch_endian', 'vm86', 'vm86old'],
  },
  '@debug': {
    help: 'Debugging, performance monitoring and tracing functionality',
    members: ['lookup_dcookie', 'perf_event_open', 'pidfd_getfd', 'ptrace', 'rtas', 's390_runtime_instr', 'sys_debug_setcontext'],
  },
  '@file-system': {
    help: 'File system operations',
    members: [
      'access',
      'chdir',
      'chmod',
      'close',
      'creat',
      'faccessat',
      'faccessat2',
      'fallocate',
      'fchdir',
      'fchmod',
      'fchmodat',
      'fchmodat2',
      'fcntl',
      'fcntl64',
      'fgetxattr',
      'flistxattr',
      'fremovexattr',
      'fsetxattr',
      'fstat',
      'fstat64',
      'fstatat64',
      'fstatfs',
      'fstatfs64',
      'ftruncate',
      'ftruncate64',
      'futimesat',
      'getcwd',
      'getdents',
      'getdents64',
      'getxattr',
      'inotify_add_watch',
      'inotify_init',
      'inotify_init1',
      'inotify_rm_watch',
      'lgetxattr',
      'link',
      'linkat',
      'listxattr',
      'llistxattr',
      'lremovexattr',
      'lsetxattr',
      'lstat',
      'lstat64',
      'mkdir',
      'mkdirat',
      'mknod',
      'mknodat',
      'newfstatat',
      'oldfstat',
      'oldlstat',
      'oldstat',
      'open',
      'openat',
      'openat2',
      'readlink',
      'readlinkat',
      'removexattr',
      'rename',
      'renameat',
      'renameat2',
      'rmdir',
      'setxattr',
      'stat',
      'stat64',
      'statfs',
      'statfs64',
      'statx',
      'symlink',
      'symlinkat',
      'truncate',
      'truncate64',
      'unlink',
      'unlinkat',
      'utime',
      'utimensat',
      'utimensat_time64',
      'utimes',
    ],
  },
  '@io-event': {
    help: 'Event loop system calls',
    members: [
      '_newselect',
      'epoll_create',
      'epoll_create1',
      'epoll_ctl',
      'epoll_ctl_old',
      'epoll_pwait',
      'epoll_pwait2',
      'epoll_wait',
      'epoll_wait_old',
      'eventfd',
      'eventfd2',
      'poll',
      'ppoll',
      'ppoll_time64',
      'pselect6',
      'pselect6_time64',
      'select',
    ],
  },
  '@ipc': {
    help: 'SysV IPC, POSIX Message Queues or other IPC',
    members: [
      'ipc',
      'memfd_create',
      'mq_getsetattr',
      'mq_notify',
      'mq_open',
      'mq_timedreceive',
      'mq_timedreceive_time64',
      'mq_timedsend',
      'mq_timedsend_time64',
      'mq_unlink',
      'msgctl',
      'msgget',
      'msgrcv',
      'msgsnd',
      'pipe',
      'pipe2',
      'process_madvise',
      'process_vm_readv',
      'process_vm_writev',
      'semctl',
      'semget',
      'semop',
      'semtimedop',
      'semtimedop_time64',
      'shmat',
      'shmctl',
      'shmdt',
      'shmget',
    ],
  },
  '@keyring': {
    help: 'Kernel keyring access',
    members: ['add_key', 'keyctl', 'request_key'],
  },
  '@memlock': {
    help: 'Memory locking control',
    members: ['mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall'],
  },
  '@module': {
    help: 'Loading and unloading of kernel modules',
    members: ['delete_module', 'finit_module', 'init_module'],
  },
  '@mount': {
    help: 'Mounting and unmounting of file systems',
    members: ['chroot', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'mount', 'mount_setattr', 'move_mount', 'open_tree', 'pivot_root', 'umount', 'umount2'],
  },
  '@network-io': {
    help: 'Network or Unix socket IO, should not be needed if not network facing',
    members: [
      'accept',
      'accept4',
      'bind',
      'connect',
      'getpeername',
      'getsockname',
      'getsockopt',
      'listen',
      'recv',
      'recvfrom',
      'recvmmsg',
      'recvmmsg_time64',
      'recvmsg',
      'send',
      'sendmmsg',
      'sendmsg',
      'sendto',
      'setsockopt',
      'shutdown',
      'socket',
      'socketcall',
      'socketpair',
    ],
  },
  '@obsolete': {
    help: 'Unusual, obsolete or unimplemented system calls',
    members: [
      '_sysctl',
      'afs_syscall',
      'bdflush',
      'break',
      'create_module',
      'ftime',
      'get_kernel_syms',
      'getpmsg',
      'gtty',
      'idle',
      'lock',
      'mpx',
      'prof',
      'profil',
      'putpmsg',
      'query_module',
      'security',
      'sgetmask',
      'ssetmask',
      'stime',
      'stty',
      'sysfs',
      'tuxcall',
      'ulimit',
      'uselib',
      'ustat',
      'vserver',
    ],
  },
  '@pkey': {
    help: 'System calls used for memory protection keys',
    members: ['pkey_alloc', 'pkey_free', 'pkey_mprotect'],
  },
  '@privileged': {
    help: 'All system calls which need super-user capabilities',
    members: [
      '@chown',
      '@clock',
      '@module',
      '@raw-io',
      '@reboot',
      '@swap',
      '_sysctl',
      'acct',
      'bpf',
      'capset',
      'chroot',
      'fanotify_init',
      'fanotify_mark',
      'nfsservctl',
      'open_by_handle_at',
      'pivot_root',
      'quotactl',
      'quotactl_fd',
      'setdomainname',
      'setfsuid',
      'setfsuid32',
      'setgroups',
      'setgroups32',
      'sethostname',
      'setresuid',
      'setresuid32',
      'setreuid',
      'setreuid32',
      'setuid',
      'setuid32',
      'vhangup',
    ],
  },
  '@process': {
    help: 'Process control, execution, namespacing operations',
    members: [
      'capget',
      'clone',
      'clone3',
      'execveat',
      'fork',
      'getrusage',
      'kill',
      'pidfd_open',
      'pidfd_send_signal',
      'prctl',
      'rt_sigqueueinfo',
      'rt_tgsigqueueinfo',
      'setns',
      'swapcontext',
      'tgkill',
      'times',
      'tkill',
      'unshare',
      'vfork',
      'wait4',
      'waitid',
      'waitpid',
    ],
  },
  '@raw-io': {
    help: 'Raw I/O port access',
    members: ['ioperm', 'iopl', 'pciconfig_iobase', 'pciconfig_read', 'pciconfig_write', 's390_pci_mmio_read', 's390_pci_mmio_write'],
  },
  '@reboot': {
    help: 'Reboot and reboot preparation/kexec',
    members: ['kexec_file_load', 'kexec_load', 'reboot'],
  },
  '@resources': {
    help: 'Alter resource settings',
    members: [
      'ioprio_set',
      'mbind',
      'migrate_pages',
      'move_pages',
      'nice',
      'sched_setaffinity',
      'sched_setattr',
      'sched_setparam',
      'sched_setscheduler',
      'set_mempolicy',
      'set_mempolicy_home_node',
      'setpriority',
      'setrlimit',
    ],
  },
  '@setuid': {
    help: 'Operations for changing user/group credentials',
    members: [
      'setgid',
      'setgid32',
      'setgroups',
      'setgroups32',
      'setregid',
      'setregid32',
      'setresgid',
      'setresgid32',
      'setresuid',
      'setresuid32',
      'setreuid',
      'setreuid32',
      'setuid',
      'setuid32',
    ],
  },
  '@signal': {
    help: 'Process signal handling',
    members: [
      'rt_sigaction',
      'rt_sigpending',
      'rt_sigprocmask',
      'rt_sigsuspend',
      'rt_sigtimedwait',
      'rt_sigtimedwait_time64',
      'sigaction',
      'sigaltstack',
      'signal',
      'signalfd',
      'signalfd4',
      'sigpending',
      'sigprocmask',
      'sigsuspend',
    ],
  },
  '@swap': {
    help: 'Enable/disable swap devices',
    members: ['swapoff', 'swapon'],
  },
  '@sync': {
    help: 'Synchronize files and memory to storage',
    members: ['fdatasync', 'fsync', 'msync', 'sync', 'sync_file_range', 'sync_file_range2', 'syncfs'],
  },
  '@system-service': {
    help: 'General system service operations',
    members: [
      '@aio',
      '@basic-io',
      '@chown',
      '@default',
      '@file-system',
      '@io-event',
      '@ipc',
      '@keyring',
      '@memlock',
      '@network-io',
      '@process',
      '@resources',
      '@setuid',
      '@signal',
      '@sync',
      '@timer',
      'arm_fadvise64_64',
      'capget',
      'capset',
      'copy_file_range',
      'fadvise64',
      'fadvise64_64',
      'flock',
      'get_mempolicy',
      'getcpu',
      'getpriority',
      'ioctl',
      'ioprio_get',
      'kcmp',
      'madvise',
      'mremap',
      'name_to_handle_at',
      'oldolduname',
      'olduname',
      'personality',
      'readahead',
      'readdir',
      'remap_file_pages',
      'sched_get_priority_max',
      'sched_get_priority_min',
      'sched_getattr',
      'sched_getparam',
      'sched_getscheduler',
      'sched_rr_get_interval',
      'sched_rr_get_interval_time64',
      'sched_yield',
      'sendfile',
      'sendfile64',
      'setfsgid',
      'setfsgid32',
      'setfsuid',
      'setfsuid32',
      'setpgid',
      'setsid',
      'splice',
      'sysinfo',
      'tee',
      'umask',
      'uname',
      'userfaultfd',
      'vmsplice',
    ],
  },
  '@timer': {
    help: 'Schedule operations by time',
    members: [
      'alarm',
      'getitimer',
      'setitimer',
      'timer_create',
      'timer_delete',
      'timer_getoverrun',
      'timer_gettime',
      'timer_gettime64',
      'timer_settime',
      'timer_settime64',
      'timerfd_create',
      'timerfd_gettime',
      'timerfd_gettime64',
      'timerfd_settime',
      'timerfd_settime64',
      'times',
    ],
  },
};

/** Group names, '@' included, in systemd's order (@default first, the rest alphabetical). */
export const GROUPS: readonly string[] = Object.keys(GROUP_DEFS);

/** Groups that only bundle others (and a few extras); summaries prefer the specific groups. */
const COMPOSITE = new Set(['@system-service', '@privileged', '@default']);

const expanded = new Map<string, readonly string[]>();

function expand(group: string, seen: Set<string> = new Set()): readonly string[] {
  const done = expanded.get(group);
  if (done !== undefined) return done;
  const def = GROUP_DEFS[group];
  if (def === undefined || seen.has(group)) return [];
  seen.add(group);
  const out = new Set<string>();
  for (const m of def.members) {
    if (m.startsWith('@')) for (const x of expand(m, seen)) out.add(x);
    else out.add(m);
  }
  const list = [...out].sort();
  expanded.set(group, list);
  return list;
}

function normalise(group: string): string {
  return group.startsWith('@') ? group : `@${group}`;
}

export function isGroup(name: string): boolean {
  return Object.hasOwn(GROUP_DEFS, normalise(name));
}

/** systemd's one-line description of a group. */
export function groupHelp(group: string): string {
  return GROUP_DEFS[normalise(group)]?.help ?? '';
}

/** Every syscall in a group, nested groups expanded, sorted. Accepts 'network-io' or '@network-io'. */
export function groupMembers(group: string): string[] {
  const g = normalise(group);
  if (!isGroup(g)) {
    throw new ClawfenceError('bad-input', `unknown syscall group '${group}'`, {
      hint: `did you mean '${closest(g, [...GROUPS])}'? Known: ${GROUPS.join(' ')}`,
    });
  }
  return [...expand(g)];
}

/** The groups a syscall belongs to (nested membership included), sorted. */
export function groupsOf(name: string): string[] {
  return GROUPS.filter((g) => expand(g).includes(name)).sort();
}

export interface GroupSummary {
  groups: { group: string; names: string[] }[];
  /** Names in no group. */
  other: string[];
}

/** The most specific group of a name: the smallest plain group, else the smallest composite one. */
function homeGroup(name: string): string | undefined {
  const gs = groupsOf(name);
  const pick = (list: string[]): string | undefined => list.sort((a, b) => expand(a).length - expand(b).length || a.localeCompare(b))[0];
  return pick(gs.filter((g) => !COMPOSITE.has(g))) ?? pick(gs);
}

/** Partitions names into groups (each name counted once, in its most specific group). */
export function summarizeGroups(names: readonly string[]): GroupSummary {
  const by = new Map<string, string[]>();
  const other: string[] = [];
  for (const n of [...new Set(names)].sort()) {
    const g = homeGroup(n);
    if (g === undefined) other.push(n);
    else by.set(g, [...(by.get(g) ?? []), n]);
  }
  const groups = [...by.entries()]
    .map(([group, ns]) => ({ group, names: ns }))
    .sort((a, b) => b.names.length - a.names.length || a.group.localeCompare(b.group));
  return { groups, other };
}

/** Compact one-line summary for reports: "@file-system (20), @basic-io (12), …, other: x, y". */
export function describeGroups(names: readonly string[], opts: { maxOther?: number } = {}): string {
  const s = summarizeGroups(names);
  const parts = s.groups.map((g) => `${g.group} (${g.names.length})`);
  if (s.other.length > 0) {
    const max = opts.maxOther ?? Infinity;
    const shown = s.other.slice(0, max);
    const more = s.other.length - shown.length;
    parts.push(`other: ${shown.join(', ')}${more > 0 ? `, +${more} more` : ''}`);
  }
  return parts.join(', ');
}
