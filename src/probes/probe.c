/*
 * clawfence kernel probe: issues one raw syscall inside a container and prints, as one JSON line,
 * what the kernel did with it. src/probes/replay.ts builds it (gcc -static; -m32 for the i386
 * build) and runs it under a seccomp profile to check the evaluator against the kernel.
 *
 *   probe [--int80] NR A0 A1 A2 A3 A4 A5      (numbers in decimal or 0x hex; missing args are 0)
 *
 * The x86_64 build issues NR with the `syscall` instruction (x86_64 ABI), or with `int $0x80`
 * (the i386 ABI: the kernel reports AUDIT_ARCH_I386 and i386 numbers, and passes the low 32 bits
 * of each argument) when given --int80. The i386 build (-m32) always makes i386 calls.
 *
 * The call runs in a second thread, so that the outcomes can be told apart:
 *   {"outcome":"returned","ret":"N","errno":E}   the call returned (errno 0: no error)
 *   {"outcome":"trapped",...}                     SIGSYS was delivered to our handler (SECCOMP_RET_TRAP)
 *   {"outcome":"thread-killed"}                   the calling thread died, the process lives (KILL_THREAD)
 * A killed process (KILL_PROCESS) prints nothing after its {"phase":"ready"} line and dies of
 * SIGSYS; a probe whose own start-up calls are killed prints nothing at all.
 *
 * Only calls that are harmless when they really run may be passed (replay.ts checks): a fork-like
 * clone's child exits at once, a socket the call creates is closed at once, and clone with
 * CLONE_VM, CLONE_VFORK or CLONE_THREAD is refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLONE_VM_BIT 0x00000100UL
#define CLONE_VFORK_BIT 0x00004000UL
#define CLONE_THREAD_BIT 0x00010000UL

#if defined(__x86_64__)
#define PROBE_BUILD "x86_64"
#elif defined(__i386__)
#define PROBE_BUILD "i386"
#else
#error "the probe is built for x86_64 or i386"
#endif

struct call {
  int compat;          /* 1: i386 ABI (int $0x80 or the -m32 build) */
  unsigned long long nr;
  unsigned long long a[6];
};

static struct call the_call;
static volatile int finished;
static volatile long long result;
static volatile sig_atomic_t trapped;
static volatile int trap_syscall, trap_arch, trap_errno;

/* Writes a whole string to fd 1 with write(2), so no stdio state or terminal query is involved. */
static void say(const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(1, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

static int parse_number(const char *s, unsigned long long *out) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno != 0 || end == s || *end != '\0') return -1;
  *out = v;
  return 0;
}

#if defined(__x86_64__)
static long long raw_syscall64(const struct call *c) {
  unsigned long ret;
  register unsigned long r10 __asm__("r10") = c->a[3];
  register unsigned long r8 __asm__("r8") = c->a[4];
  register unsigned long r9 __asm__("r9") = c->a[5];
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(c->nr), "D"(c->a[0]), "S"(c->a[1]), "d"(c->a[2]), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory", "cc");
  return (long long)ret;
}

/* i386 ABI from a 64-bit process: int $0x80 reads eax, ebx, ecx, edx, esi, edi, ebp. rbp is
 * saved in r13 (no stack use, so the red zone is safe). */
static long long raw_int80(const struct call *c) {
  unsigned long ret;
  register unsigned long r12 __asm__("r12") = c->a[5];
  __asm__ volatile("mov %%rbp, %%r13\n\t"
                   "mov %%r12, %%rbp\n\t"
                   "int $0x80\n\t"
                   "mov %%r13, %%rbp\n\t"
                   : "=a"(ret)
                   : "a"(c->nr), "b"(c->a[0]), "c"(c->a[1]), "d"(c->a[2]), "S"(c->a[3]), "D"(c->a[4]), "r"(r12)
                   : "r8", "r9", "r10", "r11", "r13", "memory", "cc");
  return (long long)(int)ret; /* an i386 caller sees eax */
}

static long long issue(const struct call *c) { return c->compat ? raw_int80(c) : raw_syscall64(c); }
#else
/* The -m32 build: glibc's syscall() enters the kernel the i386 way (vDSO or int $0x80) with all
 * six arguments; it turns -4095..-1 into -1 and errno, which we turn back. */
static long long issue(const struct call *c) {
  errno = 0;
  long r = syscall((long)c->nr, (long)c->a[0], (long)c->a[1], (long)c->a[2], (long)c->a[3], (long)c->a[4], (long)c->a[5]);
  if (r == -1 && errno != 0) return -(long long)errno;
  return (long long)r;
}
#endif

/* Syscall numbers the probe treats specially, per ABI. */
static int is_fork_like(const struct call *c) {
  if (c->compat) return c->nr == 2 || c->nr == 120 || c->nr == 190 || c->nr == 435;
  return c->nr == 56 || c->nr == 57 || c->nr == 58 || c->nr == 435;
}
static int is_clone(const struct call *c) { return c->compat ? c->nr == 120 : c->nr == 56; }
static int makes_fd(const struct call *c) {
  if (c->compat) return c->nr == 359 || c->nr == 102; /* socket, socketcall */
  return c->nr == 41;                                /* socket */
}

static void *run_call(void *unused) {
  (void)unused;
  long long r = issue(&the_call);
  if (r == 0 && is_fork_like(&the_call)) _exit(0); /* the child of a fork-like clone */
  result = r;
  if (r > 0 && is_fork_like(&the_call)) waitpid((pid_t)r, NULL, __WALL);
  if (r >= 0 && makes_fd(&the_call)) close((int)r);
  finished = 1;
  return NULL;
}

static void *report_tid(void *unused) {
  (void)unused;
  return (void *)(long)gettid();
}

/* The container's pid namespace hands out ids in order, and runc init's Go threads (gone at
 * execve) used a varying number of the small ones, so the calling thread's id would vary between
 * runs and a call naming a small pid (getpriority(PRIO_PROCESS, 7)) could name the caller itself.
 * Short-lived threads move the next id past FIRST_CALL_TID: pids 2..FIRST_CALL_TID-1 then never
 * exist, and every run sees the same thing. */
#define FIRST_CALL_TID 100
static void move_past_small_pids(void) {
  for (int i = 0; i < 2 * FIRST_CALL_TID; i++) {
    pthread_t t;
    void *tid = NULL;
    if (pthread_create(&t, NULL, report_tid, NULL) != 0) return;
    pthread_join(t, &tid);
    if ((long)tid >= FIRST_CALL_TID - 1) return;
  }
}

static void on_sigsys(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  trap_syscall = si->si_syscall;
  trap_arch = (int)si->si_arch;
  trap_errno = si->si_errno;
  trapped = 1;
}

int main(int argc, char **argv) {
  char line[256];
  int i = 1;
  memset(&the_call, 0, sizeof the_call);
#if defined(__i386__)
  the_call.compat = 1;
#endif
  if (i < argc && strcmp(argv[i], "--int80") == 0) {
    the_call.compat = 1;
    i++;
  }
  if (argc - i < 1 || argc - i > 7 || parse_number(argv[i], &the_call.nr) != 0) {
    say("{\"outcome\":\"usage\",\"message\":\"probe [--int80] NR [A0..A5]\"}\n");
    return 2;
  }
  for (int k = 0; k < argc - i - 1; k++) {
    if (parse_number(argv[i + 1 + k], &the_call.a[k]) != 0) {
      say("{\"outcome\":\"usage\",\"message\":\"bad argument\"}\n");
      return 2;
    }
  }
  if (the_call.compat) {
    for (int k = 0; k < 6; k++) the_call.a[k] &= 0xffffffffULL;
  }
  if (is_clone(&the_call) && (the_call.a[0] & (CLONE_VM_BIT | CLONE_VFORK_BIT | CLONE_THREAD_BIT)) != 0) {
    say("{\"outcome\":\"refused\",\"message\":\"clone sharing memory or thread group is not harmless\"}\n");
    return 2;
  }
  if (is_fork_like(&the_call) && !is_clone(&the_call) && the_call.nr != 435) {
    say("{\"outcome\":\"refused\",\"message\":\"fork/vfork are not replayed\"}\n");
    return 2;
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, NULL);

  snprintf(line, sizeof line, "{\"phase\":\"ready\",\"build\":\"%s\",\"abi\":\"%s\",\"nr\":%llu}\n", PROBE_BUILD,
           the_call.compat ? "i386" : "x86_64", the_call.nr);
  say(line);

  move_past_small_pids();
  pthread_t t;
  int rc = pthread_create(&t, NULL, run_call, NULL);
  if (rc != 0) {
    snprintf(line, sizeof line, "{\"outcome\":\"probe-error\",\"message\":\"pthread_create: %d\"}\n", rc);
    say(line);
    return 3;
  }
  pthread_join(t, NULL);

  if (trapped) {
    snprintf(line, sizeof line, "{\"outcome\":\"trapped\",\"syscall\":%d,\"arch\":%u,\"errno\":%d}\n", trap_syscall,
             (unsigned)trap_arch, trap_errno);
  } else if (!finished) {
    snprintf(line, sizeof line, "{\"outcome\":\"thread-killed\"}\n");
  } else {
    long long r = result;
    int err = (r < 0 && r >= -4095) ? (int)-r : 0;
    snprintf(line, sizeof line, "{\"outcome\":\"returned\",\"ret\":\"%lld\",\"errno\":%d}\n", r, err);
  }
  say(line);
  return 0;
}
