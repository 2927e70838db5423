// clawfence-rec: loads recorder.bpf.c for one cgroup, prints "ready", and on SIGINT/SIGTERM or
// when its standard input closes (clawfence exited) prints what it counted as JSON lines.
//   clawfence-rec --cgroup DIR --level N [--arg ABI:NR:INDEX[&MASK][,INDEX[&MASK]]...]...
// --arg records the values of up to MAX_TUPLE arguments of one syscall together (indices
// ascending, masks in hex or decimal: 1&0xf keeps argument 1's low four bits); each combination
// seen is printed as {"type":"arg","abi":…,"nr":…,"indices":[…],"values":["…",…],"count":…};
// every path the run's tasks exec'd under their filter as {"type":"exec","path":"…","count":…}.
// Exit codes: 0 ok, 2 bad usage, 3 the BPF program could not be loaded or attached.

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "recorder.skel.h"

#define NR_SLOTS 1024
#define N_ABIS 3
#define N_GROUPS (N_ABIS * 2)

#define MAX_TUPLE 3
#define MAX_SPECS 256

struct first_seen { __u64 ts; __u32 pid; __u32 tgid; char comm[16]; char exe[32]; };
struct arg_spec { __u8 n; __u8 index[MAX_TUPLE]; __u32 pad; __u64 mask[MAX_TUPLE]; };
struct arg_key { __u32 slot; __u32 pad; __u64 value[MAX_TUPLE]; };
#define EXEC_PATH 256
struct exec_key { char path[EXEC_PATH]; };

// "ABI:NR:I[&M],…" → the spec's slot and fields; 0 when it is not that form (or out of range).
static int parse_arg(const char *text, __u32 *slot, struct arg_spec *spec) {
  char *end;
  unsigned long abi = strtoul(text, &end, 10);
  if (end == text || *end != ':' || abi >= N_ABIS) return 0;
  const char *p = end + 1;
  unsigned long nr = strtoul(p, &end, 10);
  if (end == p || *end != ':' || nr >= NR_SLOTS) return 0;
  memset(spec, 0, sizeof *spec);
  p = end + 1;
  for (;;) {
    if (spec->n == MAX_TUPLE || *p < '0' || *p > '9') return 0;
    unsigned long index = strtoul(p, &end, 10);
    if (index > 5 || (spec->n > 0 && index <= spec->index[spec->n - 1])) return 0;
    unsigned long long mask = ~0ULL;
    if (*end == '&') {
      p = end + 1;
      if (*p < '0' || *p > '9') return 0;
      mask = strtoull(p, &end, 0);
    }
    spec->index[spec->n] = (__u8)index;
    spec->mask[spec->n] = mask;
    spec->n++;
    if (*end == 0) break;
    if (*end != ',') return 0;
    p = end + 1;
  }
  *slot = (__u32)(abi * NR_SLOTS + nr);
  return 1;
}

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

static void json_str(const char *s, size_t max) {
  putchar('"');
  for (size_t i = 0; i < max && s[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20 || c >= 0x7f) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

// A path as a JSON string: bytes from 0x80 up pass through (a UTF-8 name stays UTF-8; Node reads
// any other byte as U+FFFD), control characters, quotes and backslashes are escaped.
static void json_path(const char *s, size_t max) {
  putchar('"');
  for (size_t i = 0; i < max && s[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20 || c == 0x7f) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  return vfprintf(stderr, fmt, args);
}

int main(int argc, char **argv) {
  const char *cgroup = NULL;
  int level = -1;
  static struct arg_spec specs[MAX_SPECS];
  static __u32 spec_slots[MAX_SPECS];
  int nspecs = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--cgroup") && i + 1 < argc) cgroup = argv[++i];
    else if (!strcmp(argv[i], "--level") && i + 1 < argc) level = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--arg") && i + 1 < argc && nspecs < MAX_SPECS) {
      if (!parse_arg(argv[++i], &spec_slots[nspecs], &specs[nspecs])) { fprintf(stderr, "clawfence-rec: bad --arg %s\n", argv[i]); return 2; }
      nspecs++;
    } else { fprintf(stderr, "usage: clawfence-rec --cgroup DIR --level N [--arg ABI:NR:INDEX[&MASK][,INDEX[&MASK]]...]...\n"); return 2; }
  }
  if (!cgroup || level < 1) { fprintf(stderr, "clawfence-rec: --cgroup and --level are required\n"); return 2; }
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  struct stat st;
  if (stat(cgroup, &st)) { fprintf(stderr, "clawfence-rec: %s: %s\n", cgroup, strerror(errno)); return 2; }
  libbpf_set_print(libbpf_quiet);

  struct recorder_bpf *skel = recorder_bpf__open();
  if (!skel) { fprintf(stderr, "clawfence-rec: cannot open the BPF object\n"); return 3; }
  skel->rodata->target_cgid = st.st_ino;
  skel->rodata->target_level = (unsigned)level;
  if (recorder_bpf__load(skel)) { fprintf(stderr, "clawfence-rec: cannot load the BPF program (need root, BTF and CAP_BPF)\n"); return 3; }
  int spec_fd = bpf_map__fd(skel->maps.argspec);
  for (int i = 0; i < nspecs; i++) {
    if (bpf_map_update_elem(spec_fd, &spec_slots[i], &specs[i], BPF_ANY)) {
      fprintf(stderr, "clawfence-rec: cannot set --arg for slot %u: %s\n", spec_slots[i], strerror(errno));
      return 2;
    }
  }
  if (recorder_bpf__attach(skel)) { fprintf(stderr, "clawfence-rec: cannot attach to tp_btf/sys_enter\n"); return 3; }

  struct sigaction sa = { .sa_handler = on_signal };
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  printf("{\"type\":\"ready\",\"cgroupId\":%llu}\n", (unsigned long long)st.st_ino);
  fflush(stdout);

  struct pollfd p = { .fd = 0, .events = POLLIN };
  while (!stop) {
    int r = poll(&p, 1, 1000);
    if (r > 0) {
      char buf[64];
      ssize_t n = read(0, buf, sizeof buf);
      if (n <= 0) break; // clawfence went away or asked to stop by closing stdin
      if (memchr(buf, 'q', (size_t)n)) break;
    }
  }

  int ncpu = libbpf_num_possible_cpus();
  __u64 *vals = calloc((size_t)ncpu, sizeof(__u64));
  int counts_fd = bpf_map__fd(skel->maps.counts), first_fd = bpf_map__fd(skel->maps.first);
  unsigned long long out_of_range = 0;
  for (__u32 k = 0; k <= N_GROUPS * NR_SLOTS; k++) {
    if (bpf_map_lookup_elem(counts_fd, &k, vals)) continue;
    unsigned long long total = 0;
    for (int c = 0; c < ncpu; c++) total += vals[c];
    if (!total) continue;
    if (k == N_GROUPS * NR_SLOTS) { out_of_range = total; continue; }
    struct first_seen f;
    memset(&f, 0, sizeof f);
    bpf_map_lookup_elem(first_fd, &k, &f);
    printf("{\"type\":\"count\",\"abi\":%u,\"runtime\":%s,\"nr\":%u,\"count\":%llu,\"pid\":%u,\"tgid\":%u,\"ts\":%llu,\"comm\":", k / NR_SLOTS / 2, (k / NR_SLOTS) % 2 ? "true" : "false", k % NR_SLOTS, total, f.pid, f.tgid, (unsigned long long)f.ts);
    json_str(f.comm, sizeof f.comm);
    printf(",\"exe\":");
    json_str(f.exe, sizeof f.exe);
    printf("}\n");
  }
  int args_fd = bpf_map__fd(skel->maps.argvals);
  struct arg_key key, next;
  __u64 unlisted = 0;
  int has = bpf_map_get_next_key(args_fd, NULL, &next) == 0;
  while (has) {
    key = next;
    __u64 n = 0;
    struct arg_spec spec;
    if (bpf_map_lookup_elem(args_fd, &key, &n)) {
      // not there any more: cannot be, nothing deletes
    } else if (bpf_map_lookup_elem(spec_fd, &key.slot, &spec) || spec.n == 0 || spec.n > MAX_TUPLE) {
      unlisted += n; // values of a syscall without a spec cannot be either; counted as lost, not dropped
    } else {
      printf("{\"type\":\"arg\",\"abi\":%u,\"nr\":%u,\"indices\":[", key.slot / NR_SLOTS, key.slot % NR_SLOTS);
      for (int i = 0; i < spec.n; i++) printf("%s%u", i ? "," : "", spec.index[i]);
      printf("],\"values\":[");
      for (int i = 0; i < spec.n; i++) printf("%s\"%llu\"", i ? "," : "", (unsigned long long)key.value[i]);
      printf("],\"count\":%llu}\n", (unsigned long long)n);
    }
    has = bpf_map_get_next_key(args_fd, &key, &next) == 0;
  }
  int execs_fd = bpf_map__fd(skel->maps.execs);
  struct exec_key ekey, enext;
  has = bpf_map_get_next_key(execs_fd, NULL, &enext) == 0;
  while (has) {
    ekey = enext;
    __u64 n = 0;
    if (!bpf_map_lookup_elem(execs_fd, &ekey, &n)) {
      printf("{\"type\":\"exec\",\"path\":");
      json_path(ekey.path, sizeof ekey.path);
      printf(",\"count\":%llu}\n", (unsigned long long)n);
    }
    has = bpf_map_get_next_key(execs_fd, &ekey, &enext) == 0;
  }
  __u64 lost[3] = {0, 0, 0};
  for (__u32 i = 0; i < 3; i++) bpf_map_lookup_elem(bpf_map__fd(skel->maps.lost), &i, &lost[i]);
  lost[1] += unlisted;
  printf("{\"type\":\"summary\",\"outOfRange\":%llu,\"lostFirstSeen\":%llu,\"lostArgs\":%llu,\"lostExecs\":%llu}\n", out_of_range, (unsigned long long)lost[0], (unsigned long long)lost[1], (unsigned long long)lost[2]);
  fflush(stdout);
  recorder_bpf__destroy(skel);
  free(vals);
  return 0;
}
