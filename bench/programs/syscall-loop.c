// syscall-loop: makes N calls of one cheap syscall in a tight loop and prints how long the loop
// took, measured with clock_gettime(CLOCK_MONOTONIC) (the vDSO: no syscall of its own). Built static
// by the bench (gcc -O2 -static) and mounted read-only into debian:bookworm-slim.
//   syscall-loop [N] [getppid|fcntl]   (default 1000000 getppid)
// getppid: raw getppid(2), which no profile puts an argument rule on (B1, B2).
// fcntl:   raw fcntl(1, F_GETFL), a hot syscall that `clawfence generate --args strict` puts an
//          argument rule on (B2 per level): with a rule, the kernel's constant-action bitmap can no
//          longer skip the filter, so every call runs it.
// Prints one line: "loop_ns=<nanoseconds> calls=<N>"; exit 0, or 2 on a bad argument or a failed call.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  long n = 1000000;
  if (argc > 1) {
    char *end;
    n = strtol(argv[1], &end, 10);
    if (*end != '\0' || n < 1 || n > 100000000) {
      fprintf(stderr, "syscall-loop: N must be a count from 1 to 100000000\n");
      return 2;
    }
  }
  int use_fcntl = 0;
  if (argc > 2) {
    if (strcmp(argv[2], "fcntl") == 0) use_fcntl = 1;
    else if (strcmp(argv[2], "getppid") != 0) {
      fprintf(stderr, "syscall-loop: the syscall must be getppid or fcntl\n");
      return 2;
    }
  }
  if (argc > 3) {
    fprintf(stderr, "usage: syscall-loop [N] [getppid|fcntl]\n");
    return 2;
  }
  long long t0 = now_ns();
  if (use_fcntl) {
    for (long i = 0; i < n; i++) {
      // The raw syscall, not glibc's wrapper (which may pick fcntl64 or add work of its own).
      if (syscall(SYS_fcntl, 1, F_GETFL) < 0) {
        perror("syscall-loop: fcntl(F_GETFL)");
        return 2;
      }
    }
  } else {
    for (long i = 0; i < n; i++) {
      // The raw syscall, not glibc's wrapper, so nothing can be cached.
      if (syscall(SYS_getppid) < 0) {
        perror("syscall-loop: getppid");
        return 2;
      }
    }
  }
  long long t1 = now_ns();
  printf("loop_ns=%lld calls=%ld\n", t1 - t0, n);
  return 0;
}
