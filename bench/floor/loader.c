// bench-floor: attaches empty.bpf.c to tp_btf/sys_enter, prints "ready", and detaches when it gets
// SIGTERM or SIGINT or its standard input closes (the bench went away). Built by bench/build-floor.sh.
// Exit codes: 0 ok, 3 the BPF program could not be loaded or attached.

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "empty.skel.h"

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  return vfprintf(stderr, fmt, args);
}

int main(void) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  libbpf_set_print(libbpf_quiet);
  struct sigaction sa = { .sa_handler = on_signal };
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  struct empty_bpf *skel = empty_bpf__open_and_load();
  if (!skel) { fprintf(stderr, "bench-floor: cannot load the BPF program (need root, BTF and CAP_BPF)\n"); return 3; }
  if (empty_bpf__attach(skel)) { fprintf(stderr, "bench-floor: cannot attach to tp_btf/sys_enter\n"); empty_bpf__destroy(skel); return 3; }
  printf("ready\n");
  fflush(stdout);
  struct pollfd p = { .fd = 0, .events = POLLIN };
  while (!stop) {
    int r = poll(&p, 1, 1000);
    if (r < 0 && errno != EINTR) break;
    if (r > 0) {
      char buf[64];
      ssize_t n = read(0, buf, sizeof buf);
      if (n <= 0) break; // stdin closed: the bench is done or gone
    }
  }
  empty_bpf__destroy(skel);
  return 0;
}
