/*
 * hostile-tool: an example tool that does honest work and, in the same run, tries ten calls a
 * minimal seccomp profile should refuse. Every attempt is harmless when the kernel allows it (see
 * README.md); the tool only reports what the kernel answered, and never pretends to know whether a
 * seccomp filter, a missing capability or a missing kernel feature said no.
 *
 *   hostile-tool [work]   honest work + the attempts (the image's CMD)
 *   hostile-tool honest   honest work only
 *
 * Honest work: read /etc/hostile-tool/config (or $HOSTILE_TOOL_CONFIG), sum its values and
 * checksum its bytes (FNV-1a, 64 bits), print `result: …`. It writes no file anywhere.
 * Exit codes: 0 the honest work succeeded (whatever the attempts did), 1 it failed, 2 bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

#define CONFIG_PATH "/etc/hostile-tool/config"
#define MAX_CONFIG 65536
#define MAX_VALUES 256

/* clone3's argument, version 0 (CLONE_ARGS_SIZE_VER0 = 64 bytes): glibc 2.36 does not declare it. */
struct cf_clone_args {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static void report(const char *name, long r, int err) {
  if (r >= 0) {
    printf("attempt %s: ALLOWED (returned %ld)\n", name, r);
  } else {
    const char *e = strerrorname_np(err);
    if (e != NULL) printf("attempt %s: DENIED (errno %s)\n", name, e);
    else printf("attempt %s: DENIED (errno %d)\n", name, err);
  }
}

/* A child made by clone/clone3 without a new stack runs on a copy of ours, like fork's: it leaves
 * at once (_exit: no atexit handlers, no stdio flush), and the parent reaps it. */
static void reap(long pid) {
  int status;
  while (waitpid((pid_t)pid, &status, 0) < 0 && errno == EINTR) {}
}

static void attempt_unshare_newuser(void) {
  /* A new user namespace for this process only: it gains capabilities over nothing outside it. */
  long r = syscall(SYS_unshare, CLONE_NEWUSER);
  report("unshare-newuser", r, errno);
}

static void attempt_clone_newuser(void) {
  /* x86_64 raw clone: (flags, newsp, parent_tid, child_tid, tls); newsp 0 = the caller's stack. */
  long r = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), 0UL, 0UL, 0UL, 0UL);
  if (r == 0) _exit(0);
  int err = errno;
  if (r > 0) reap(r);
  report("clone-newuser", r, err);
}

static void attempt_clone3(void) {
  struct cf_clone_args args;
  memset(&args, 0, sizeof args);
  args.flags = CLONE_NEWUSER;
  args.exit_signal = SIGCHLD; /* stack and stack_size 0: the child runs on a copy of our stack */
  long r = syscall(SYS_clone3, &args, sizeof args);
  if (r == 0) _exit(0);
  int err = errno;
  if (r > 0) reap(r);
  report("clone3", r, err);
}

static void attempt_mount(void) {
  /* The target does not exist in the image, so the kernel answers ENOENT when it looks at all. */
  long r = mount("none", "/nonexistent-cf", "tmpfs", 0, NULL);
  report("mount", r, errno);
}

static void attempt_keyctl(void) {
  /* Only asks for the session keyring's id (create = 0). */
  long r = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
  report("keyctl", r, errno);
}

static void attempt_add_key(void) {
  /* A one-byte "user" key in the process keyring, which goes away when this process exits. */
  long r = syscall(SYS_add_key, "user", "clawfence-hostile", "x", (size_t)1, KEY_SPEC_PROCESS_KEYRING);
  report("add_key", r, errno);
}

static void attempt_personality(void) {
  /* Returns the old persona, which is put back at once. */
  int r = personality(READ_IMPLIES_EXEC);
  int err = errno;
  if (r >= 0) personality((unsigned long)r);
  report("personality-read-implies-exec", r, err);
}

static void attempt_socket(const char *name, int domain, int type) {
  int fd = socket(domain, type, 0);
  int err = errno;
  if (fd >= 0) close(fd);
  report(name, fd, err);
}

static void attempts(void) {
  attempt_clone_newuser();
  attempt_clone3();
  attempt_mount();
  attempt_keyctl();
  attempt_add_key();
  attempt_personality();
  /* AF_PACKET with protocol 0 receives nothing until it is bound to one. */
  attempt_socket("socket-af-packet", AF_PACKET, SOCK_RAW);
  attempt_socket("socket-af-vsock", AF_VSOCK, SOCK_STREAM);
  attempt_socket("socket-af-alg", AF_ALG, SOCK_SEQPACKET);
  /* Last: once it succeeds this process is in a user namespace of its own where its uid is
   * unmapped, so a later clone(CLONE_NEWUSER) would fail for that reason (EPERM) alone. What is
   * left after it (checksumming a buffer, writing to stdout) does not depend on that. */
  attempt_unshare_newuser();
}

static int read_config(const char *path, char *buf, size_t cap, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t n = 0;
  for (;;) {
    ssize_t k = read(fd, buf + n, cap - 1 - n);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) { int e = errno; close(fd); errno = e; return -1; }
    if (k == 0) break;
    n += (size_t)k;
    if (n == cap - 1) { close(fd); errno = EFBIG; return -1; }
  }
  close(fd);
  buf[n] = '\0';
  *len = n;
  return 0;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) *--e = '\0';
  return s;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "work";
  int hostile;
  if (argc <= 2 && strcmp(mode, "work") == 0) hostile = 1;
  else if (argc == 2 && strcmp(mode, "honest") == 0) hostile = 0;
  else {
    fprintf(stderr, "usage: hostile-tool [work|honest]\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0); /* a line per attempt, even if a later one kills the process */

  const char *path = getenv("HOSTILE_TOOL_CONFIG");
  if (path == NULL || *path == '\0') path = CONFIG_PATH;
  static char buf[MAX_CONFIG];
  size_t len = 0;
  if (read_config(path, buf, sizeof buf, &len) != 0) {
    fprintf(stderr, "hostile-tool: cannot read %s: %s\n", path, strerror(errno));
    return 1;
  }

  if (hostile) attempts();

  uint64_t h = 1469598103934665603ULL; /* FNV-1a 64 over the file's bytes */
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)buf[i]) * 1099511628211ULL;

  char name[128] = "";
  long long sum = 0;
  int count = 0, have_values = 0;
  for (char *line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n")) {
    char *l = trim(line);
    if (*l == '\0' || *l == '#') continue;
    char *eq = strchr(l, '=');
    if (eq == NULL) { fprintf(stderr, "hostile-tool: %s: not `key = value`: %s\n", path, l); return 1; }
    *eq = '\0';
    char *key = trim(l), *val = trim(eq + 1);
    if (strcmp(key, "name") == 0) {
      snprintf(name, sizeof name, "%s", val);
    } else if (strcmp(key, "values") == 0) {
      have_values = 1;
      for (char *p = val; *p != '\0';) {
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (end == p || errno != 0 || count == MAX_VALUES) { fprintf(stderr, "hostile-tool: %s: bad values: %s\n", path, val); return 1; }
        sum += v;
        count++;
        p = end;
        while (*p == ' ' || *p == '\t') p++;
      }
    } else {
      fprintf(stderr, "hostile-tool: %s: unknown key %s\n", path, key);
      return 1;
    }
  }
  if (*name == '\0' || !have_values) { fprintf(stderr, "hostile-tool: %s: needs name and values\n", path); return 1; }

  printf("result: name=%s values=%d sum=%lld checksum=%016" PRIx64 "\n", name, count, sum, h);
  return fflush(stdout) == 0 ? 0 : 1;
}
