// syscall-loop: makes N getppid(2) calls in a tight loop and prints how long the loop took, measured
// with clock_gettime(CLOCK_MONOTONIC) (the vDSO: no syscall of its own). Built static by the bench
// (gcc -O2 -static) and mounted read-only into debian:bookworm-slim.
//   syscall-loop [N]   (default 1000000)
// Prints one line: "loop_ns=<nanoseconds> calls=<N>"; exit 0, or 2 on a bad argument or a failed call.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
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
  long long t0 = now_ns();
  for (long i = 0; i < n; i++) {
    // The raw syscall, not glibc's wrapper, so nothing can be cached.
    if (syscall(SYS_getppid) < 0) {
      perror("syscall-loop: getppid");
      return 2;
    }
  }
  long long t1 = now_ns();
  printf("loop_ns=%lld calls=%ld\n", t1 - t0, n);
  return 0;
}
