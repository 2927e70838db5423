/*
 * clawfence probe battery (docs/battery.md): one probe per escape technique, each making one call
 * with arguments the kernel rejects harmlessly, printing what the kernel (or seccomp) answered as
 * one JSON line. Built without libc (gcc -static -nostdlib), so it needs no start-up syscalls of
 * its own: the harness uses only write, exit_group and, per probe, clone(SIGCHLD) and wait4.
 *
 *   battery list                               the probe ids, one per line
 *   battery hold                               stays alive (the container's process; the sibling)
 *   battery run [--no-fork] [--target PID] ID… runs the probes, printing for each
 *       {"probe":ID,"phase":"start"} and then exactly one of
 *       {"probe":ID,"ret":"N","errno":E}  {"probe":ID,"signal":N}
 *       {"probe":ID,"prerequisite":CALL,"errno":E}  {"probe":ID,"harness":"fork","errno":E}
 *   Each probe runs in a forked child (no pipes); {"phase":"fork-check"} comes before the first
 *   fork. When the fork fails the probe is reported as a harness failure, never as a result.
 */

typedef unsigned long u64;
typedef long i64;

#define NR_read 0
#define NR_write 1
#define NR_close 3
#define NR_sched_yield 24
#define NR_pause 34
#define NR_nanosleep 35
#define NR_getpid 39
#define NR_socket 41
#define NR_clone 56
#define NR_exit 60
#define NR_wait4 61
#define NR_setsockopt 54
#define NR_ptrace 101
#define NR_syslog 103
#define NR_personality 135
#define NR_chroot 161
#define NR_acct 163
#define NR_mount 165
#define NR_umount2 166
#define NR_swapon 167
#define NR_reboot 169
#define NR_sethostname 170
#define NR_iopl 172
#define NR_init_module 175
#define NR_pivot_root 155
#define NR_clock_settime 227
#define NR_exit_group 231
#define NR_add_key 248
#define NR_request_key 249
#define NR_keyctl 250
#define NR_kexec_load 246
#define NR_unshare 272
#define NR_splice 275
#define NR_vmsplice 278
#define NR_perf_event_open 298
#define NR_fanotify_init 300
#define NR_name_to_handle_at 303
#define NR_open_by_handle_at 304
#define NR_process_vm_readv 310
#define NR_kcmp 312
#define NR_finit_module 313
#define NR_memfd_create 319
#define NR_bpf 321
#define NR_execveat 322
#define NR_userfaultfd 323
#define NR_io_uring_setup 425
#define NR_open_tree 428
#define NR_fsopen 430
#define NR_clone3 435
#define NR_pidfd_getfd 438
#define X32_BIT 0x40000000UL

#define SIGCHLD 17
#define CLONE_NEWNS 0x00020000UL
#define CLONE_NEWUSER 0x10000000UL
#define AT_FDCWD ((u64)(i64)-100)

static i64 sys6(u64 nr, u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
  u64 ret;
  register u64 r10 __asm__("r10") = d;
  register u64 r8 __asm__("r8") = e;
  register u64 r9 __asm__("r9") = f;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory", "cc");
  return (i64)ret;
}
#define S0(n) sys6(n, 0, 0, 0, 0, 0, 0)
#define S1(n, a) sys6(n, (u64)(a), 0, 0, 0, 0, 0)
#define S2(n, a, b) sys6(n, (u64)(a), (u64)(b), 0, 0, 0, 0)
#define S3(n, a, b, c) sys6(n, (u64)(a), (u64)(b), (u64)(c), 0, 0, 0)
#define S4(n, a, b, c, d) sys6(n, (u64)(a), (u64)(b), (u64)(c), (u64)(d), 0, 0)
#define S5(n, a, b, c, d, e) sys6(n, (u64)(a), (u64)(b), (u64)(c), (u64)(d), (u64)(e), 0)
#define S6(n, a, b, c, d, e, f) sys6(n, (u64)(a), (u64)(b), (u64)(c), (u64)(d), (u64)(e), (u64)(f))

/* The i386 entry from a 64-bit process: eax = number; the kernel sees AUDIT_ARCH_I386. */
static i64 int80(u64 nr) {
  u64 ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "r8", "r9", "r10", "r11", "memory", "cc");
  return (i64)(int)ret;
}

/* gcc may emit calls to these even when freestanding. */
void *memset(void *d, int c, unsigned long n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}
void *memcpy(void *d, const void *s, unsigned long n) {
  unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}

static int seq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

/* Output: one line assembled in a buffer, written with one write (loop on short writes). */
static char line[512];
static unsigned long at;
static void put(const char *s) {
  while (*s && at < sizeof line - 1) line[at++] = *s++;
}
static void putnum(i64 v) {
  char b[24];
  int i = 0;
  u64 u = v < 0 ? (u64)(-(v + 1)) + 1 : (u64)v;
  if (v < 0) put("-");
  do b[i++] = (char)('0' + u % 10); while ((u /= 10) != 0);
  char o[2] = {0, 0};
  while (i > 0) { o[0] = b[--i]; put(o); }
}
static void flush(void) {
  unsigned long off = 0;
  while (off < at) {
    i64 w = S3(NR_write, 1, line + off, at - off);
    if (w <= 0) break;
    off += (unsigned long)w;
  }
  at = 0;
}
static void head(const char *id) { put("{\"probe\":\""); put(id); put("\""); }

/* A probe's answer: the call's raw return, or a failed prerequisite. */
struct answer { i64 ret; const char *pre; };
static struct answer ret(i64 r) { struct answer a = {r, 0}; return a; }
static struct answer pre(const char *call, i64 r) { struct answer a = {r, call}; return a; }

static i64 target = 1;
static volatile u64 sample = 0x636c617766656e63UL; /* read from the hold process by process_vm_readv */
static const char nofs[] = "clawfence-nofs";
static const char nopath[] = "/nonexistent-clawfence";
static char zeros[128];

static i64 reap(i64 pid) {
  int status = 0;
  if (pid > 0) S4(NR_wait4, pid, &status, 0, 0);
  return pid;
}
/* A fork-like clone whose child exits at once. */
static i64 clone_exit(u64 flags) {
  i64 r = S5(NR_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (r == 0) S1(NR_exit_group, 0);
  return reap(r);
}
static i64 closing(i64 fd) {
  if (fd >= 0) S1(NR_close, fd);
  return fd;
}

static struct answer p_unshare_newuser(void) { return ret(S1(NR_unshare, CLONE_NEWUSER)); }
static struct answer p_userns_mount(void) {
  i64 r = S1(NR_unshare, CLONE_NEWUSER | CLONE_NEWNS);
  if (r < 0) return pre("unshare", r);
  return ret(S5(NR_mount, "none", "/", nofs, 0, 0));
}
static struct answer p_clone_newuser(void) { return ret(clone_exit(CLONE_NEWUSER)); }
static struct answer p_clone_newns(void) { return ret(clone_exit(CLONE_NEWNS)); }
static struct answer p_clone3(void) { return ret(S2(NR_clone3, zeros, 8)); }
static struct answer p_mount(void) { return ret(S5(NR_mount, "none", "/", nofs, 0, 0)); }
static struct answer p_umount2(void) { return ret(S2(NR_umount2, nopath, 0xffffff00UL)); }
static struct answer p_pivot_root(void) { return ret(S2(NR_pivot_root, nopath, nopath)); }
static struct answer p_chroot(void) { return ret(S1(NR_chroot, nopath)); }
static struct answer p_open_tree(void) { return ret(closing(S3(NR_open_tree, AT_FDCWD, nopath, 1 /* OPEN_TREE_CLONE */))); }
static struct answer p_fsopen(void) { return ret(closing(S2(NR_fsopen, nofs, 0))); }
static struct answer p_open_by_handle_at(void) { return ret(S3(NR_open_by_handle_at, -1, 0, 0)); }
static struct answer p_name_to_handle_at(void) { return ret(S5(NR_name_to_handle_at, AT_FDCWD, "/", 0, 0, 0)); }
static struct answer p_keyctl(void) { return ret(S4(NR_keyctl, 11 /* KEYCTL_READ */, 0x7ffffff0, 0, 0)); }
static struct answer p_add_key(void) { return ret(S5(NR_add_key, 0, 0, 0, 0, -3 /* KEY_SPEC_SESSION_KEYRING */)); }
static struct answer p_request_key(void) { return ret(S4(NR_request_key, 0, 0, 0, 0)); }
static struct answer p_bpf(void) { return ret(closing(S3(NR_bpf, 5 /* BPF_PROG_LOAD */, 0, 0))); }
static struct answer p_perf_event_open(void) { return ret(S5(NR_perf_event_open, 0, 0, -1, -1, 0)); }
static struct answer p_userfaultfd(void) { return ret(closing(S1(NR_userfaultfd, 0xffff0000UL))); }
static struct answer p_io_uring_setup(void) { return ret(closing(S2(NR_io_uring_setup, 0, 0))); }
static struct answer p_ptrace_traceme(void) { return ret(S4(NR_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0)); }
static struct answer p_ptrace_attach(void) { return ret(S4(NR_ptrace, 0x4206 /* PTRACE_SEIZE */, target, 0, 0)); }
static struct answer p_process_vm_readv(void) {
  u64 got = 0;
  struct { void *base; u64 len; } local = {&got, 8}, remote = {(void *)&sample, 8};
  return ret(S6(NR_process_vm_readv, target, &local, 1, &remote, 1, 0));
}
static struct answer p_kcmp(void) { return ret(S5(NR_kcmp, S0(NR_getpid), target, 1 /* KCMP_VM */, 0, 0)); }
static struct answer p_pidfd_getfd(void) { return ret(S3(NR_pidfd_getfd, -1, 0, 0)); }
static i64 sock(u64 family, u64 type, u64 proto) { return closing(S3(NR_socket, family, type, proto)); }
static struct answer p_nl_route(void) { return ret(sock(16, 3, 0)); }
static struct answer p_nl_sock_diag(void) { return ret(sock(16, 3, 4)); }
static struct answer p_nl_xfrm(void) { return ret(sock(16, 3, 6)); }
static struct answer p_nl_audit(void) { return ret(sock(16, 3, 9)); }
static struct answer p_nl_netfilter(void) { return ret(sock(16, 3, 12)); }
static struct answer p_nl_uevent(void) { return ret(sock(16, 3, 15)); }
static struct answer p_nl_generic(void) { return ret(sock(16, 3, 16)); }
static struct answer p_nl_rdma(void) { return ret(sock(16, 3, 20)); }
static struct answer p_nl_crypto(void) { return ret(sock(16, 3, 21)); }
static struct answer p_packet(void) { return ret(sock(17, 3, 0x0300 /* htons(ETH_P_ALL) */)); }
static struct answer p_vsock(void) { return ret(sock(40, 1, 0)); }
static struct answer p_alg(void) { return ret(sock(38, 5, 0)); }
static struct answer p_inet_raw(void) { return ret(sock(2, 3, 255)); }
static struct answer p_netfilter_sockopt(void) { return ret(S5(NR_setsockopt, -1, 0 /* SOL_IP */, 64 /* IPT_SO_SET_REPLACE */, 0, 0)); }
static struct answer p_personality(void) { return ret(S1(NR_personality, 0x0400000 /* READ_IMPLIES_EXEC */)); }
static struct answer p_memfd_create(void) { return ret(closing(S2(NR_memfd_create, "clawfence", 1 /* MFD_CLOEXEC */))); }
static struct answer p_memfd_execveat(void) {
  i64 fd = S2(NR_memfd_create, "clawfence", 1);
  if (fd < 0) return pre("memfd_create", fd);
  static char *const none[] = {0};
  return ret(S5(NR_execveat, fd, "", none, none, 0x1000 /* AT_EMPTY_PATH */));
}
static struct answer p_vmsplice(void) { return ret(S4(NR_vmsplice, -1, 0, 0, 0)); }
static struct answer p_splice(void) { return ret(S6(NR_splice, -1, 0, -1, 0, 0, 0)); }
static struct answer p_kexec_load(void) { return ret(S4(NR_kexec_load, 0, 0, 0, 0xffff0000UL)); }
static struct answer p_init_module(void) { return ret(S3(NR_init_module, 0, 0, "")); }
static struct answer p_finit_module(void) { return ret(S3(NR_finit_module, -1, "", 0)); }
static struct answer p_reboot(void) { return ret(S4(NR_reboot, 0xdeadbeefUL, 0, 0, 0)); }
static struct answer p_swapon(void) { return ret(S2(NR_swapon, nopath, 0)); }
static struct answer p_acct(void) { return ret(S1(NR_acct, nopath)); }
static struct answer p_sethostname(void) { return ret(S2(NR_sethostname, zeros, -1)); }
static struct answer p_clock_settime(void) { return ret(S2(NR_clock_settime, 0 /* CLOCK_REALTIME */, 0)); }
static struct answer p_syslog(void) { return ret(S3(NR_syslog, 3 /* SYSLOG_ACTION_READ_ALL */, 0, 0)); }
static struct answer p_iopl(void) { return ret(S1(NR_iopl, 4)); }
static struct answer p_fanotify_init(void) { return ret(closing(S2(NR_fanotify_init, 0xffffffffUL, 0))); }
static struct answer p_i386_getpid(void) { return ret(int80(20)); }
static struct answer p_x32_getpid(void) { return ret(S0(NR_getpid | X32_BIT)); }

struct probe { const char *id; struct answer (*run)(void); };
/* The order and ids are src/battery/probes.ts's. */
static const struct probe PROBES[] = {
  {"unshare-newuser", p_unshare_newuser},
  {"userns-mount", p_userns_mount},
  {"clone-newuser", p_clone_newuser},
  {"clone-newns", p_clone_newns},
  {"clone3", p_clone3},
  {"mount", p_mount},
  {"umount2", p_umount2},
  {"pivot-root", p_pivot_root},
  {"chroot", p_chroot},
  {"open-tree", p_open_tree},
  {"fsopen", p_fsopen},
  {"open-by-handle-at", p_open_by_handle_at},
  {"name-to-handle-at", p_name_to_handle_at},
  {"keyctl", p_keyctl},
  {"add-key", p_add_key},
  {"request-key", p_request_key},
  {"bpf", p_bpf},
  {"perf-event-open", p_perf_event_open},
  {"userfaultfd", p_userfaultfd},
  {"io-uring-setup", p_io_uring_setup},
  {"ptrace-traceme", p_ptrace_traceme},
  {"ptrace-attach", p_ptrace_attach},
  {"process-vm-readv", p_process_vm_readv},
  {"kcmp", p_kcmp},
  {"pidfd-getfd", p_pidfd_getfd},
  {"socket-netlink-route", p_nl_route},
  {"socket-netlink-sock-diag", p_nl_sock_diag},
  {"socket-netlink-xfrm", p_nl_xfrm},
  {"socket-netlink-audit", p_nl_audit},
  {"socket-netlink-netfilter", p_nl_netfilter},
  {"socket-netlink-kobject-uevent", p_nl_uevent},
  {"socket-netlink-generic", p_nl_generic},
  {"socket-netlink-rdma", p_nl_rdma},
  {"socket-netlink-crypto", p_nl_crypto},
  {"socket-packet", p_packet},
  {"socket-vsock", p_vsock},
  {"socket-alg", p_alg},
  {"socket-inet-raw", p_inet_raw},
  {"setsockopt-netfilter", p_netfilter_sockopt},
  {"personality-read-implies-exec", p_personality},
  {"memfd-create", p_memfd_create},
  {"memfd-execveat", p_memfd_execveat},
  {"vmsplice", p_vmsplice},
  {"splice", p_splice},
  {"kexec-load", p_kexec_load},
  {"init-module", p_init_module},
  {"finit-module", p_finit_module},
  {"reboot", p_reboot},
  {"swapon", p_swapon},
  {"acct", p_acct},
  {"sethostname", p_sethostname},
  {"clock-settime", p_clock_settime},
  {"syslog", p_syslog},
  {"iopl", p_iopl},
  {"fanotify-init", p_fanotify_init},
  {"i386-getpid", p_i386_getpid},
  {"x32-getpid", p_x32_getpid},
};
#define NPROBES (sizeof PROBES / sizeof PROBES[0])

static void report(const char *id, struct answer a) {
  head(id);
  if (a.pre != 0) {
    put(",\"prerequisite\":\""); put(a.pre); put("\",\"errno\":"); putnum(-a.ret);
  } else {
    put(",\"ret\":\""); putnum(a.ret); put("\",\"errno\":"); putnum(a.ret < 0 && a.ret > -4096 ? -a.ret : 0);
  }
  put("}\n");
  flush();
}

static int forked;
static void run_one(const struct probe *p, int nofork) {
  head(p->id); put(",\"phase\":\"start\"}\n"); flush();
  if (nofork) { report(p->id, p->run()); return; }
  if (!forked) { put("{\"phase\":\"fork-check\"}\n"); flush(); forked = 1; }
  i64 pid = S5(NR_clone, SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) {
    report(p->id, p->run());
    S1(NR_exit_group, 0);
  }
  if (pid < 0) {
    head(p->id); put(",\"harness\":\"fork\",\"errno\":"); putnum(-pid); put("}\n"); flush();
    return;
  }
  int status = 0;
  i64 w = S4(NR_wait4, pid, &status, 0, 0);
  if (w < 0) {
    head(p->id); put(",\"harness\":\"wait4\",\"errno\":"); putnum(-w); put("}\n"); flush();
    return;
  }
  if ((status & 0x7f) != 0) { head(p->id); put(",\"signal\":"); putnum(status & 0x7f); put("}\n"); flush(); }
}

static i64 parse(const char *s) {
  i64 v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
  return v;
}

static void hold(void) {
  for (;;) {
    if (S0(NR_pause) != -4 /* EINTR */) break;
  }
  struct { i64 s, ns; } t = {3600, 0};
  for (;;) {
    if (S2(NR_nanosleep, &t, 0) < 0 && S0(NR_sched_yield) < 0) { /* nothing left to wait with: spin */ }
  }
}

int cmain(long *sp) {
  int argc = (int)sp[0];
  char **argv = (char **)(sp + 1);
  if (argc >= 2 && seq(argv[1], "list")) {
    for (unsigned long i = 0; i < NPROBES; i++) { put(PROBES[i].id); put("\n"); flush(); }
    return 0;
  }
  if (argc >= 2 && seq(argv[1], "hold")) hold();
  if (argc >= 2 && seq(argv[1], "run")) {
    int nofork = 0;
    int i = 2;
    for (; i < argc; i++) {
      if (seq(argv[i], "--no-fork")) nofork = 1;
      else if (seq(argv[i], "--target") && i + 1 < argc) target = parse(argv[++i]);
      else break;
    }
    for (; i < argc; i++) {
      unsigned long k = 0;
      while (k < NPROBES && !seq(PROBES[k].id, argv[i])) k++;
      if (k == NPROBES) { head(argv[i]); put(",\"harness\":\"unknown probe\",\"errno\":0}\n"); flush(); continue; }
      run_one(&PROBES[k], nofork);
    }
    return 0;
  }
  put("usage: battery list | hold | run [--no-fork] [--target PID] ID...\n");
  flush();
  return 2;
}

__asm__(".text\n.global _start\n_start:\n\txor %rbp, %rbp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall cmain\n\tmov %eax, %edi\n\tmov $231, %eax\n\tsyscall\n\thlt\n");
