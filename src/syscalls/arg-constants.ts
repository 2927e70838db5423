// Named flag constants for syscall arguments (CLONE_*, AF_*, SOCK_*, NETLINK_*, PER_*, PR_*, PROT_*,
// MAP_*, O_*, SIG*), as data: the families, their values, and which argument of which syscall takes
// which family. Values are the Linux UAPI ones for x86_64 and the asm-generic ABIs (aarch64, riscv64,
// loongarch64); a few differ elsewhere (MIPS swaps SOCK_STREAM/SOCK_DGRAM, arm/aarch64 move some O_*
// bits, MIPS, alpha and parisc renumber signals) — those ABIs are not modelled here. Cross-checked
// against the kernel headers by constants.test.ts.

export type FamilyId =
  | 'clone'
  | 'namespace'
  | 'signal'
  | 'address-family'
  | 'socket-type'
  | 'netlink'
  | 'ipproto'
  | 'socket-protocol'
  | 'sockopt-level'
  | 'so'
  | 'tcp-opt'
  | 'ip-opt'
  | 'ipv6-opt'
  | 'sockopt'
  | 'personality'
  | 'prctl'
  | 'prot'
  | 'mmap'
  | 'open';

export interface Family {
  readonly id: FamilyId;
  /** What the argument means, for messages ("address family (AF_*)"). */
  readonly title: string;
  /** 'enum': the value is one of the names; 'flags': an OR of bits, optionally with an enum field. */
  readonly kind: 'enum' | 'flags';
  /** Canonical names in the order a description lists them (composites before their parts). */
  readonly names: readonly (readonly [string, bigint])[];
  /** Other spellings accepted when parsing, never produced. */
  readonly aliases?: Readonly<Record<string, bigint>>;
  /** For 'flags': the low field that is an enumeration (CSIGNAL, O_ACCMODE, MAP_TYPE, PER_MASK). */
  readonly field?: { readonly mask: bigint; readonly family: FamilyId | 'self' };
  /** Name for the value 0 of a flags family (O_RDONLY, PROT_NONE); none means '0' is not named. */
  readonly zero?: string;
  /** Other families whose names are accepted when parsing this one (clone takes SIG*). */
  readonly accepts?: readonly FamilyId[];
}

const b = (n: number | bigint): bigint => BigInt(n);

// linux/sched.h. CLONE_NEWTIME (0x80) lies inside CSIGNAL, so clone() cannot carry it; it is only
// meaningful for unshare(), setns() and clone3().
const CLONE_FLAGS: [string, bigint][] = [
  ['CLONE_VM', b(0x100)],
  ['CLONE_FS', b(0x200)],
  ['CLONE_FILES', b(0x400)],
  ['CLONE_SIGHAND', b(0x800)],
  ['CLONE_PIDFD', b(0x1000)],
  ['CLONE_PTRACE', b(0x2000)],
  ['CLONE_VFORK', b(0x4000)],
  ['CLONE_PARENT', b(0x8000)],
  ['CLONE_THREAD', b(0x10000)],
  ['CLONE_NEWNS', b(0x20000)],
  ['CLONE_SYSVSEM', b(0x40000)],
  ['CLONE_SETTLS', b(0x80000)],
  ['CLONE_PARENT_SETTID', b(0x100000)],
  ['CLONE_CHILD_CLEARTID', b(0x200000)],
  ['CLONE_DETACHED', b(0x400000)],
  ['CLONE_UNTRACED', b(0x800000)],
  ['CLONE_CHILD_SETTID', b(0x1000000)],
  ['CLONE_NEWCGROUP', b(0x2000000)],
  ['CLONE_NEWUTS', b(0x4000000)],
  ['CLONE_NEWIPC', b(0x8000000)],
  ['CLONE_NEWUSER', b(0x10000000)],
  ['CLONE_NEWPID', b(0x20000000)],
  ['CLONE_NEWNET', b(0x40000000)],
  ['CLONE_IO', b(0x80000000)],
  ['CLONE_CLEAR_SIGHAND', 0x100000000n],
  ['CLONE_INTO_CGROUP', 0x200000000n],
];

// asm-generic/signal.h (x86, arm, aarch64, riscv, s390 …).
const SIGNALS: [string, bigint][] = [
  ['SIGHUP', 1],
  ['SIGINT', 2],
  ['SIGQUIT', 3],
  ['SIGILL', 4],
  ['SIGTRAP', 5],
  ['SIGABRT', 6],
  ['SIGBUS', 7],
  ['SIGFPE', 8],
  ['SIGKILL', 9],
  ['SIGUSR1', 10],
  ['SIGSEGV', 11],
  ['SIGUSR2', 12],
  ['SIGPIPE', 13],
  ['SIGALRM', 14],
  ['SIGTERM', 15],
  ['SIGSTKFLT', 16],
  ['SIGCHLD', 17],
  ['SIGCONT', 18],
  ['SIGSTOP', 19],
  ['SIGTSTP', 20],
  ['SIGTTIN', 21],
  ['SIGTTOU', 22],
  ['SIGURG', 23],
  ['SIGXCPU', 24],
  ['SIGXFSZ', 25],
  ['SIGVTALRM', 26],
  ['SIGPROF', 27],
  ['SIGWINCH', 28],
  ['SIGIO', 29],
  ['SIGPWR', 30],
  ['SIGSYS', 31],
].map(([n, v]) => [n as string, b(v as number)]);

// linux/socket.h (AF_MAX 46 as of Linux 6.x).
const ADDRESS_FAMILIES: [string, bigint][] = [
  'AF_UNSPEC',
  'AF_UNIX',
  'AF_INET',
  'AF_AX25',
  'AF_IPX',
  'AF_APPLETALK',
  'AF_NETROM',
  'AF_BRIDGE',
  'AF_ATMPVC',
  'AF_X25',
  'AF_INET6',
  'AF_ROSE',
  'AF_DECnet',
  'AF_NETBEUI',
  'AF_SECURITY',
  'AF_KEY',
  'AF_NETLINK',
  'AF_PACKET',
  'AF_ASH',
  'AF_ECONET',
  'AF_ATMSVC',
  'AF_RDS',
  'AF_SNA',
  'AF_IRDA',
  'AF_PPPOX',
  'AF_WANPIPE',
  'AF_LLC',
  'AF_IB',
  'AF_MPLS',
  'AF_CAN',
  'AF_TIPC',
  'AF_BLUETOOTH',
  'AF_IUCV',
  'AF_RXRPC',
  'AF_ISDN',
  'AF_PHONET',
  'AF_IEEE802154',
  'AF_CAIF',
  'AF_ALG',
  'AF_NFC',
  'AF_VSOCK',
  'AF_KCM',
  'AF_QIPCRTR',
  'AF_SMC',
  'AF_XDP',
  'AF_MCTP',
].map((n, i) => [n, b(i)]);

const AF_ALIASES: Record<string, bigint> = {
  AF_LOCAL: 1n,
  AF_FILE: 1n,
  AF_ROUTE: 16n,
  ...Object.fromEntries(ADDRESS_FAMILIES.map(([n, v]) => [`PF_${n.slice(3)}`, v])),
  PF_LOCAL: 1n,
  PF_FILE: 1n,
  PF_ROUTE: 16n,
};

// linux/net.h (socket types) and linux/net.h SOCK_NONBLOCK = O_NONBLOCK, SOCK_CLOEXEC = O_CLOEXEC.
const SOCKET_TYPES: [string, bigint][] = [
  ['SOCK_STREAM', 1n],
  ['SOCK_DGRAM', 2n],
  ['SOCK_RAW', 3n],
  ['SOCK_RDM', 4n],
  ['SOCK_SEQPACKET', 5n],
  ['SOCK_DCCP', 6n],
  ['SOCK_PACKET', 10n],
];
const SOCKET_TYPE_FLAGS: [string, bigint][] = [
  ['SOCK_NONBLOCK', 0o4000n],
  ['SOCK_CLOEXEC', 0o2000000n],
];

// linux/netlink.h.
const NETLINK: [string, bigint][] = [
  ['NETLINK_ROUTE', 0],
  ['NETLINK_UNUSED', 1],
  ['NETLINK_USERSOCK', 2],
  ['NETLINK_FIREWALL', 3],
  ['NETLINK_SOCK_DIAG', 4],
  ['NETLINK_NFLOG', 5],
  ['NETLINK_XFRM', 6],
  ['NETLINK_SELINUX', 7],
  ['NETLINK_ISCSI', 8],
  ['NETLINK_AUDIT', 9],
  ['NETLINK_FIB_LOOKUP', 10],
  ['NETLINK_CONNECTOR', 11],
  ['NETLINK_NETFILTER', 12],
  ['NETLINK_IP6_FW', 13],
  ['NETLINK_DNRTMSG', 14],
  ['NETLINK_KOBJECT_UEVENT', 15],
  ['NETLINK_GENERIC', 16],
  ['NETLINK_SCSITRANSPORT', 18],
  ['NETLINK_ECRYPTFS', 19],
  ['NETLINK_RDMA', 20],
  ['NETLINK_CRYPTO', 21],
  ['NETLINK_SMC', 22],
].map(([n, v]) => [n as string, b(v as number)]);

// setsockopt(2) levels (sys/socket.h, netinet/in.h, netinet/tcp.h): SOL_IP is IPPROTO_IP and so on.
const SOCKOPT_LEVELS: [string, bigint][] = [
  ['SOL_IP', 0],
  ['SOL_SOCKET', 1],
  ['SOL_TCP', 6],
  ['SOL_UDP', 17],
  ['SOL_IPV6', 41],
  ['SOL_ICMPV6', 58],
  ['SOL_RAW', 255],
  ['SOL_PACKET', 263],
  ['SOL_NETLINK', 270],
  ['SOL_ALG', 279],
  ['SOL_TLS', 282],
  ['SOL_XDP', 283],
].map(([n, v]) => [n as string, b(v as number)]);

// SOL_SOCKET options (asm-generic/socket.h; x86_64 values, 64-bit time).
const SO_OPTIONS: [string, bigint][] = [
  ['SO_DEBUG', 1],
  ['SO_REUSEADDR', 2],
  ['SO_TYPE', 3],
  ['SO_ERROR', 4],
  ['SO_DONTROUTE', 5],
  ['SO_BROADCAST', 6],
  ['SO_SNDBUF', 7],
  ['SO_RCVBUF', 8],
  ['SO_KEEPALIVE', 9],
  ['SO_OOBINLINE', 10],
  ['SO_NO_CHECK', 11],
  ['SO_PRIORITY', 12],
  ['SO_LINGER', 13],
  ['SO_BSDCOMPAT', 14],
  ['SO_REUSEPORT', 15],
  ['SO_PASSCRED', 16],
  ['SO_PEERCRED', 17],
  ['SO_RCVLOWAT', 18],
  ['SO_SNDLOWAT', 19],
  ['SO_RCVTIMEO', 20],
  ['SO_SNDTIMEO', 21],
  ['SO_BINDTODEVICE', 25],
  ['SO_ATTACH_FILTER', 26],
  ['SO_DETACH_FILTER', 27],
  ['SO_PEERNAME', 28],
  ['SO_TIMESTAMP', 29],
  ['SO_ACCEPTCONN', 30],
  ['SO_PEERSEC', 31],
  ['SO_SNDBUFFORCE', 32],
  ['SO_RCVBUFFORCE', 33],
  ['SO_PASSSEC', 34],
  ['SO_MARK', 36],
  ['SO_RXQ_OVFL', 40],
  ['SO_PEEK_OFF', 42],
  ['SO_LOCK_FILTER', 44],
  ['SO_BUSY_POLL', 46],
  ['SO_INCOMING_CPU', 49],
  ['SO_ATTACH_BPF', 50],
  ['SO_ATTACH_REUSEPORT_CBPF', 51],
  ['SO_ATTACH_REUSEPORT_EBPF', 52],
  ['SO_COOKIE', 57],
  ['SO_ZEROCOPY', 60],
  ['SO_TXTIME', 61],
  ['SO_BINDTOIFINDEX', 62],
].map(([n, v]) => [n as string, b(v as number)]);

// SOL_TCP options (netinet/tcp.h).
const TCP_OPTIONS: [string, bigint][] = [
  ['TCP_NODELAY', 1],
  ['TCP_MAXSEG', 2],
  ['TCP_CORK', 3],
  ['TCP_KEEPIDLE', 4],
  ['TCP_KEEPINTVL', 5],
  ['TCP_KEEPCNT', 6],
  ['TCP_SYNCNT', 7],
  ['TCP_LINGER2', 8],
  ['TCP_DEFER_ACCEPT', 9],
  ['TCP_WINDOW_CLAMP', 10],
  ['TCP_INFO', 11],
  ['TCP_QUICKACK', 12],
  ['TCP_CONGESTION', 13],
  ['TCP_MD5SIG', 14],
  ['TCP_USER_TIMEOUT', 18],
  ['TCP_REPAIR', 19],
  ['TCP_FASTOPEN', 23],
  ['TCP_TIMESTAMP', 24],
  ['TCP_NOTSENT_LOWAT', 25],
  ['TCP_FASTOPEN_CONNECT', 30],
  ['TCP_ULP', 31],
  ['TCP_ZEROCOPY_RECEIVE', 35],
  ['TCP_INQ', 36],
].map(([n, v]) => [n as string, b(v as number)]);

// SOL_IP options (netinet/in.h) and the netfilter table replacements that share the level
// (linux/netfilter_ipv4/ip_tables.h, netfilter_arp/arp_tables.h, netfilter_bridge/ebtables.h,
// netfilter/ipset/ip_set.h).
const IP_OPTIONS: [string, bigint][] = [
  ['IP_TOS', 1],
  ['IP_TTL', 2],
  ['IP_HDRINCL', 3],
  ['IP_OPTIONS', 4],
  ['IP_RECVOPTS', 6],
  ['IP_RETOPTS', 7],
  ['IP_PKTINFO', 8],
  ['IP_MTU_DISCOVER', 10],
  ['IP_RECVERR', 11],
  ['IP_RECVTTL', 12],
  ['IP_RECVTOS', 13],
  ['IP_MTU', 14],
  ['IP_FREEBIND', 15],
  ['IP_TRANSPARENT', 19],
  ['IP_BIND_ADDRESS_NO_PORT', 24],
  ['IP_MULTICAST_IF', 32],
  ['IP_MULTICAST_TTL', 33],
  ['IP_MULTICAST_LOOP', 34],
  ['IP_ADD_MEMBERSHIP', 35],
  ['IP_DROP_MEMBERSHIP', 36],
  ['IPT_SO_SET_REPLACE', 64],
  ['IPT_SO_SET_ADD_COUNTERS', 65],
  ['SO_IP_SET', 83],
  ['ARPT_SO_SET_REPLACE', 96],
  ['ARPT_SO_SET_ADD_COUNTERS', 97],
  ['EBT_SO_SET_ENTRIES', 128],
  ['EBT_SO_SET_COUNTERS', 129],
].map(([n, v]) => [n as string, b(v as number)]);

// SOL_IPV6 options (netinet/in.h) and ip6_tables' replacement (linux/netfilter_ipv6/ip6_tables.h).
const IPV6_OPTIONS: [string, bigint][] = [
  ['IPV6_ADDRFORM', 1],
  ['IPV6_UNICAST_HOPS', 16],
  ['IPV6_MULTICAST_IF', 17],
  ['IPV6_MULTICAST_HOPS', 18],
  ['IPV6_MULTICAST_LOOP', 19],
  ['IPV6_JOIN_GROUP', 20],
  ['IPV6_LEAVE_GROUP', 21],
  ['IPV6_ROUTER_ALERT', 22],
  ['IPV6_MTU_DISCOVER', 23],
  ['IPV6_MTU', 24],
  ['IPV6_RECVERR', 25],
  ['IPV6_V6ONLY', 26],
  ['IP6T_SO_SET_REPLACE', 64],
  ['IP6T_SO_SET_ADD_COUNTERS', 65],
  ['IPV6_RECVPKTINFO', 49],
  ['IPV6_PKTINFO', 50],
  ['IPV6_TCLASS', 67],
].map(([n, v]) => [n as string, b(v as number)]);

// linux/in.h (the common ones).
const IPPROTO: [string, bigint][] = [
  ['IPPROTO_IP', 0],
  ['IPPROTO_ICMP', 1],
  ['IPPROTO_IGMP', 2],
  ['IPPROTO_IPIP', 4],
  ['IPPROTO_TCP', 6],
  ['IPPROTO_EGP', 8],
  ['IPPROTO_PUP', 12],
  ['IPPROTO_UDP', 17],
  ['IPPROTO_IDP', 22],
  ['IPPROTO_TP', 29],
  ['IPPROTO_DCCP', 33],
  ['IPPROTO_IPV6', 41],
  ['IPPROTO_RSVP', 46],
  ['IPPROTO_GRE', 47],
  ['IPPROTO_ESP', 50],
  ['IPPROTO_AH', 51],
  ['IPPROTO_ICMPV6', 58],
  ['IPPROTO_MTP', 92],
  ['IPPROTO_BEETPH', 94],
  ['IPPROTO_ENCAP', 98],
  ['IPPROTO_PIM', 103],
  ['IPPROTO_COMP', 108],
  ['IPPROTO_L2TP', 115],
  ['IPPROTO_SCTP', 132],
  ['IPPROTO_UDPLITE', 136],
  ['IPPROTO_MPLS', 137],
  ['IPPROTO_ETHERNET', 143],
  ['IPPROTO_RAW', 255],
  ['IPPROTO_MPTCP', 262],
].map(([n, v]) => [n as string, b(v as number)]);

// linux/personality.h: flag bits, then personas (a persona is a base number in PER_MASK plus flags).
const PERSONALITY_FLAGS: [string, bigint][] = [
  ['UNAME26', 0x20000n],
  ['ADDR_NO_RANDOMIZE', 0x40000n],
  ['FDPIC_FUNCPTRS', 0x80000n],
  ['MMAP_PAGE_ZERO', 0x100000n],
  ['ADDR_COMPAT_LAYOUT', 0x200000n],
  ['READ_IMPLIES_EXEC', 0x400000n],
  ['ADDR_LIMIT_32BIT', 0x800000n],
  ['SHORT_INODE', 0x1000000n],
  ['WHOLE_SECONDS', 0x2000000n],
  ['STICKY_TIMEOUTS', 0x4000000n],
  ['ADDR_LIMIT_3GB', 0x8000000n],
];
const STICKY = 0x4000000n;
const SHORT = 0x1000000n;
const WHOLE = 0x2000000n;
const ZERO_PAGE = 0x100000n;
export const PERSONAS: [string, bigint][] = [
  ['PER_LINUX', 0n],
  ['PER_LINUX_32BIT', 0x800000n],
  ['PER_LINUX_FDPIC', 0x80000n],
  ['PER_SVR4', 1n | STICKY | ZERO_PAGE],
  ['PER_SVR3', 2n | STICKY | SHORT],
  ['PER_SCOSVR3', 3n | STICKY | WHOLE | SHORT],
  ['PER_OSR5', 3n | STICKY | WHOLE],
  ['PER_WYSEV386', 4n | STICKY | SHORT],
  ['PER_ISCR4', 5n | STICKY],
  ['PER_BSD', 6n],
  ['PER_SUNOS', 6n | STICKY],
  ['PER_XENIX', 7n | STICKY | SHORT],
  ['PER_LINUX32', 8n],
  ['PER_LINUX32_3GB', 8n | 0x8000000n],
  ['PER_IRIX32', 9n | STICKY],
  ['PER_IRIXN32', 0xan | STICKY],
  ['PER_IRIX64', 0xbn | STICKY],
  ['PER_RISCOS', 0xcn],
  ['PER_SOLARIS', 0xdn | STICKY],
  ['PER_UW7', 0xen | STICKY | ZERO_PAGE],
  ['PER_OSF4', 0xfn],
  ['PER_HPUX', 0x10n],
];
/** personality(0xffffffff) changes nothing and returns the current persona. */
export const PERSONALITY_QUERY = 0xffffffffn;

// linux/prctl.h (options up to PR_GET_MEMORY_MERGE, Linux 6.4, plus PR_SET_VMA).
const PRCTL: [string, bigint][] = [
  ['PR_SET_PDEATHSIG', 1],
  ['PR_GET_PDEATHSIG', 2],
  ['PR_GET_DUMPABLE', 3],
  ['PR_SET_DUMPABLE', 4],
  ['PR_GET_UNALIGN', 5],
  ['PR_SET_UNALIGN', 6],
  ['PR_GET_KEEPCAPS', 7],
  ['PR_SET_KEEPCAPS', 8],
  ['PR_GET_FPEMU', 9],
  ['PR_SET_FPEMU', 10],
  ['PR_GET_FPEXC', 11],
  ['PR_SET_FPEXC', 12],
  ['PR_GET_TIMING', 13],
  ['PR_SET_TIMING', 14],
  ['PR_SET_NAME', 15],
  ['PR_GET_NAME', 16],
  ['PR_GET_ENDIAN', 19],
  ['PR_SET_ENDIAN', 20],
  ['PR_GET_SECCOMP', 21],
  ['PR_SET_SECCOMP', 22],
  ['PR_CAPBSET_READ', 23],
  ['PR_CAPBSET_DROP', 24],
  ['PR_GET_TSC', 25],
  ['PR_SET_TSC', 26],
  ['PR_GET_SECUREBITS', 27],
  ['PR_SET_SECUREBITS', 28],
  ['PR_SET_TIMERSLACK', 29],
  ['PR_GET_TIMERSLACK', 30],
  ['PR_TASK_PERF_EVENTS_DISABLE', 31],
  ['PR_TASK_PERF_EVENTS_ENABLE', 32],
  ['PR_MCE_KILL', 33],
  ['PR_MCE_KILL_GET', 34],
  ['PR_SET_MM', 35],
  ['PR_SET_CHILD_SUBREAPER', 36],
  ['PR_GET_CHILD_SUBREAPER', 37],
  ['PR_SET_NO_NEW_PRIVS', 38],
  ['PR_GET_NO_NEW_PRIVS', 39],
  ['PR_GET_TID_ADDRESS', 40],
  ['PR_SET_THP_DISABLE', 41],
  ['PR_GET_THP_DISABLE', 42],
  ['PR_MPX_ENABLE_MANAGEMENT', 43],
  ['PR_MPX_DISABLE_MANAGEMENT', 44],
  ['PR_SET_FP_MODE', 45],
  ['PR_GET_FP_MODE', 46],
  ['PR_CAP_AMBIENT', 47],
  ['PR_SVE_SET_VL', 50],
  ['PR_SVE_GET_VL', 51],
  ['PR_GET_SPECULATION_CTRL', 52],
  ['PR_SET_SPECULATION_CTRL', 53],
  ['PR_PAC_RESET_KEYS', 54],
  ['PR_SET_TAGGED_ADDR_CTRL', 55],
  ['PR_GET_TAGGED_ADDR_CTRL', 56],
  ['PR_SET_IO_FLUSHER', 57],
  ['PR_GET_IO_FLUSHER', 58],
  ['PR_SET_SYSCALL_USER_DISPATCH', 59],
  ['PR_PAC_SET_ENABLED_KEYS', 60],
  ['PR_PAC_GET_ENABLED_KEYS', 61],
  ['PR_SCHED_CORE', 62],
  ['PR_SME_SET_VL', 63],
  ['PR_SME_GET_VL', 64],
  ['PR_SET_MDWE', 65],
  ['PR_GET_MDWE', 66],
  ['PR_SET_MEMORY_MERGE', 67],
  ['PR_GET_MEMORY_MERGE', 68],
  ['PR_SET_VMA', 0x53564d41],
].map(([n, v]) => [n as string, b(v as number)]);

// asm-generic/mman-common.h (+ x86's MAP_32BIT).
const PROT: [string, bigint][] = [
  ['PROT_READ', 0x1n],
  ['PROT_WRITE', 0x2n],
  ['PROT_EXEC', 0x4n],
  ['PROT_SEM', 0x8n],
  ['PROT_GROWSDOWN', 0x01000000n],
  ['PROT_GROWSUP', 0x02000000n],
];
const MAP_TYPES: [string, bigint][] = [
  ['MAP_SHARED', 1n],
  ['MAP_PRIVATE', 2n],
  ['MAP_SHARED_VALIDATE', 3n],
];
const MAP_FLAGS: [string, bigint][] = [
  ['MAP_FIXED', 0x10n],
  ['MAP_ANONYMOUS', 0x20n],
  ['MAP_32BIT', 0x40n],
  ['MAP_GROWSDOWN', 0x100n],
  ['MAP_DENYWRITE', 0x800n],
  ['MAP_EXECUTABLE', 0x1000n],
  ['MAP_LOCKED', 0x2000n],
  ['MAP_NORESERVE', 0x4000n],
  ['MAP_POPULATE', 0x8000n],
  ['MAP_NONBLOCK', 0x10000n],
  ['MAP_STACK', 0x20000n],
  ['MAP_HUGETLB', 0x40000n],
  ['MAP_SYNC', 0x80000n],
  ['MAP_FIXED_NOREPLACE', 0x100000n],
  ['MAP_UNINITIALIZED', 0x4000000n],
];

// asm-generic/fcntl.h (x86 uses these; arm/aarch64 swap O_DIRECTORY/O_NOFOLLOW/O_DIRECT/O_LARGEFILE).
const OPEN_MODES: [string, bigint][] = [
  ['O_RDONLY', 0n],
  ['O_WRONLY', 1n],
  ['O_RDWR', 2n],
];
const OPEN_FLAGS: [string, bigint][] = [
  ['O_SYNC', 0o4010000n],
  ['O_TMPFILE', 0o20200000n], // composites first: they contain O_DSYNC, O_DIRECTORY
  ['O_CREAT', 0o100n],
  ['O_EXCL', 0o200n],
  ['O_NOCTTY', 0o400n],
  ['O_TRUNC', 0o1000n],
  ['O_APPEND', 0o2000n],
  ['O_NONBLOCK', 0o4000n],
  ['O_DSYNC', 0o10000n],
  ['O_ASYNC', 0o20000n],
  ['O_DIRECT', 0o40000n],
  ['O_LARGEFILE', 0o100000n],
  ['O_DIRECTORY', 0o200000n],
  ['O_NOFOLLOW', 0o400000n],
  ['O_NOATIME', 0o1000000n],
  ['O_CLOEXEC', 0o2000000n],
  ['O_PATH', 0o10000000n],
];

export const FAMILIES: Readonly<Record<FamilyId, Family>> = {
  clone: {
    id: 'clone',
    title: 'clone flags (CLONE_*, exit signal in the low byte)',
    kind: 'flags',
    names: CLONE_FLAGS,
    field: { mask: 0xffn, family: 'signal' },
    accepts: ['signal'],
    aliases: { CSIGNAL: 0xffn },
  },
  namespace: { id: 'namespace', title: 'namespace flags (CLONE_NEW*)', kind: 'flags', names: [['CLONE_NEWTIME', 0x80n], ...CLONE_FLAGS] },
  signal: { id: 'signal', title: 'signal number (SIG*)', kind: 'enum', names: SIGNALS, aliases: { SIGIOT: 6n, SIGPOLL: 29n, SIGUNUSED: 31n } },
  'address-family': { id: 'address-family', title: 'address family (AF_*)', kind: 'enum', names: ADDRESS_FAMILIES, aliases: AF_ALIASES },
  'socket-type': {
    id: 'socket-type',
    title: 'socket type (SOCK_*)',
    kind: 'flags',
    names: SOCKET_TYPE_FLAGS,
    field: { mask: 0xfn, family: 'self' },
    aliases: Object.fromEntries(SOCKET_TYPES),
  },
  netlink: { id: 'netlink', title: 'netlink protocol (NETLINK_*)', kind: 'enum', names: NETLINK, aliases: { NETLINK_INET_DIAG: 4n } },
  ipproto: { id: 'ipproto', title: 'IP protocol (IPPROTO_*)', kind: 'enum', names: IPPROTO },
  'socket-protocol': {
    id: 'socket-protocol',
    title: 'protocol (NETLINK_* for AF_NETLINK, IPPROTO_* for AF_INET/AF_INET6)',
    kind: 'enum',
    names: [],
    accepts: ['netlink', 'ipproto'],
  },
  'sockopt-level': { id: 'sockopt-level', title: 'socket option level (SOL_*)', kind: 'enum', names: SOCKOPT_LEVELS },
  so: { id: 'so', title: 'socket option (SO_*)', kind: 'enum', names: SO_OPTIONS },
  'tcp-opt': { id: 'tcp-opt', title: 'TCP option (TCP_*)', kind: 'enum', names: TCP_OPTIONS },
  'ip-opt': { id: 'ip-opt', title: 'IP option (IP_*, netfilter IPT_SO_*)', kind: 'enum', names: IP_OPTIONS },
  'ipv6-opt': { id: 'ipv6-opt', title: 'IPv6 option (IPV6_*, netfilter IP6T_SO_*)', kind: 'enum', names: IPV6_OPTIONS },
  sockopt: {
    id: 'sockopt',
    title: 'socket option (SO_*, TCP_*, IP_*, IPV6_*, read per level)',
    kind: 'enum',
    names: [],
    accepts: ['so', 'tcp-opt', 'ip-opt', 'ipv6-opt'],
  },
  personality: {
    id: 'personality',
    title: 'persona (PER_*, with personality flags)',
    kind: 'flags',
    names: PERSONALITY_FLAGS,
    field: { mask: 0xffn, family: 'self' },
    aliases: Object.fromEntries(PERSONAS),
  },
  prctl: { id: 'prctl', title: 'prctl option (PR_*)', kind: 'enum', names: PRCTL },
  prot: { id: 'prot', title: 'memory protection (PROT_*)', kind: 'flags', names: PROT, zero: 'PROT_NONE' },
  mmap: {
    id: 'mmap',
    title: 'mapping flags (MAP_*)',
    kind: 'flags',
    names: MAP_FLAGS,
    field: { mask: 0xfn, family: 'self' },
    aliases: { ...Object.fromEntries(MAP_TYPES), MAP_ANON: 0x20n, MAP_FILE: 0n },
  },
  open: {
    id: 'open',
    title: 'open flags (O_*)',
    kind: 'flags',
    names: OPEN_FLAGS,
    field: { mask: 3n, family: 'self' },
    aliases: { ...Object.fromEntries(OPEN_MODES), O_NDELAY: 0o4000n, O_FSYNC: 0o4010000n, O_RSYNC: 0o4010000n },
  },
};

/** The values of an enum field, by family (SOCK_STREAM for socket-type, O_RDONLY for open …). */
export const FIELD_VALUES: Partial<Record<FamilyId, readonly (readonly [string, bigint])[]>> = {
  'socket-type': SOCKET_TYPES,
  personality: PERSONAS,
  mmap: MAP_TYPES,
  open: OPEN_MODES,
};

/** Which argument of which syscall takes which family. Index = argument position (0-based). */
export const ARGUMENTS: Readonly<Record<string, Readonly<Record<number, FamilyId>>>> = {
  clone: { 0: 'clone' },
  unshare: { 0: 'namespace' },
  setns: { 1: 'namespace' },
  socket: { 0: 'address-family', 1: 'socket-type', 2: 'socket-protocol' },
  socketpair: { 0: 'address-family', 1: 'socket-type', 2: 'socket-protocol' },
  personality: { 0: 'personality' },
  setsockopt: { 1: 'sockopt-level', 2: 'sockopt' },
  getsockopt: { 1: 'sockopt-level', 2: 'sockopt' },
  prctl: { 0: 'prctl' },
  mmap: { 2: 'prot', 3: 'mmap' },
  mmap2: { 2: 'prot', 3: 'mmap' },
  mprotect: { 2: 'prot' },
  pkey_mprotect: { 2: 'prot' },
  open: { 1: 'open' },
  openat: { 2: 'open' },
  open_by_handle_at: { 2: 'open' },
  kill: { 1: 'signal' },
  tkill: { 1: 'signal' },
  tgkill: { 2: 'signal' },
  rt_sigqueueinfo: { 1: 'signal' },
  rt_tgsigqueueinfo: { 2: 'signal' },
  pidfd_send_signal: { 1: 'signal' },
};
