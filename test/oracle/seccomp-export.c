/*
 * Test oracle for clawfence's evaluator: builds a seccomp filter with the real libseccomp the way
 * runc does (libcontainer/seccomp InitSeccomp + matchCall + patchbpf's -ENOSYS stub) and prints
 * the BPF program, which test/oracle/bpf-interpreter.ts then runs. Written for clawfence; it
 * reimplements runc's steps independently of the TypeScript model it checks.
 *
 * Input (stdin), any number of blocks:
 *   profile
 *   native <arch>                     libseccomp arch name, e.g. x86_64
 *   default <action> <errnoRet|->     action in clawfence's IR spelling (allow, errno, ...)
 *   arch <arch>                       each ABI of the filter, native included
 *   rule <source> <action> <errnoRet|-> <nargs> {<index> <op> <value> <valueTwo>}* <nnames> <name>*
 *   runtime runc|crun                 (optional, default runc: crun has no -ENOSYS stub)
 *   end
 *   resolve <arch> <name>             prints the number libseccomp gives the name on that arch
 * Output per profile block:
 *   profile / skip|add <source> <name> ... / error <source> <name> <rc> / stub <n> / bpf <n> /
 *   <code jt jf k>* / end      (the first <stub> instructions are runc's -ENOSYS stub)
 *   A rule add (or the export) that does not return within HANG_CPU_SECONDS of CPU time is
 *   reported as `error <source> <name> hang` (<source> -1, <name> export for the export):
 *   libseccomp loops forever on some profiles, and so would the runtime.
 * Build: gcc -O1 -o seccomp-export seccomp-export.c -lseccomp (Debian: libseccomp-dev).
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_RULES 4096
#define MAX_NAMES 512
#define AUDIT_X86_64 0xc000003eU

struct cond { unsigned idx; char op[16]; uint64_t a, b; };
struct rule {
	int source; uint32_t action; int is_notify;
	unsigned nargs; struct cond c[8];
	unsigned nnames; char **names;
};

static struct rule rules[MAX_RULES];

/* libseccomp hangs on some profiles (a circular level list in its rule tree): a CPU-time timer
 * jumps back to run_profile, which reports the hang; the corrupt context is leaked. */
#define HANG_CPU_SECONDS 2
static sigjmp_buf hang_jmp;
static volatile sig_atomic_t hang_armed;
static int hang_source;
static const char *hang_name;

static void on_hang(int sig)
{
	(void)sig;
	if (hang_armed) siglongjmp(hang_jmp, 1);
}

static void arm_hang(int on)
{
	struct itimerval t = { { 0, 0 }, { on ? HANG_CPU_SECONDS : 0, 0 } };
	hang_armed = on;
	setitimer(ITIMER_VIRTUAL, &t, NULL);
}

static uint32_t get_action(const char *name, const char *errno_ret, int *ok)
{
	long e = strcmp(errno_ret, "-") == 0 ? EPERM : strtol(errno_ret, NULL, 10);
	uint16_t data = (uint16_t)(int16_t)e; /* libseccomp-golang SetReturnCode(int16(*errnoRet)) */
	*ok = 1;
	if (!strcmp(name, "allow")) return SCMP_ACT_ALLOW;
	if (!strcmp(name, "errno")) return SCMP_ACT_ERRNO(data);
	if (!strcmp(name, "kill_thread")) return SCMP_ACT_KILL_THREAD;
	if (!strcmp(name, "kill_process")) return SCMP_ACT_KILL_PROCESS;
	if (!strcmp(name, "trap")) return SCMP_ACT_TRAP;
	if (!strcmp(name, "trace")) return SCMP_ACT_TRACE(data);
	if (!strcmp(name, "log")) return SCMP_ACT_LOG;
	if (!strcmp(name, "notify")) return SCMP_ACT_NOTIFY;
	*ok = 0;
	return 0;
}

static enum scmp_compare get_op(const char *op)
{
	if (!strcmp(op, "ne")) return SCMP_CMP_NE;
	if (!strcmp(op, "lt")) return SCMP_CMP_LT;
	if (!strcmp(op, "le")) return SCMP_CMP_LE;
	if (!strcmp(op, "eq")) return SCMP_CMP_EQ;
	if (!strcmp(op, "ge")) return SCMP_CMP_GE;
	if (!strcmp(op, "gt")) return SCMP_CMP_GT;
	if (!strcmp(op, "masked_eq")) return SCMP_CMP_MASKED_EQ;
	return _SCMP_CMP_MIN;
}

static int next_tok(char *buf, size_t len)
{
	char fmt[16];
	snprintf(fmt, sizeof(fmt), "%%%zus", len - 1);
	return scanf(fmt, buf) == 1;
}

/* ---- runc's -ENOSYS stub (patchbpf/enosys_linux.go), re-expressed with labels ---- */

struct insn { uint16_t code; int jt, jf; uint32_t k; };
#define L_FILTER (-1000)
#define L_ENOSYS (-1001)
static struct insn stub[128];
static int nstub;

static void emit(uint16_t code, int jt, int jf, uint32_t k)
{
	stub[nstub].code = code; stub[nstub].jt = jt; stub[nstub].jf = jf; stub[nstub].k = k; nstub++;
}

struct group { uint32_t audit; uint32_t scmp[2]; int64_t max[2]; int n; int s390; int start; };

static int64_t largest(uint32_t arch, int nrules)
{
	int64_t max = 0;
	for (int r = 0; r < nrules; r++)
		for (unsigned i = 0; i < rules[r].nnames; i++) {
			int nr = seccomp_syscall_resolve_name_arch(arch, rules[r].names[i]);
			if (nr == __NR_SCMP_ERROR) continue;
			if (nr > max) max = nr;
		}
	return max;
}

/* Builds the stub into stub[]/nstub; jump targets are labels until resolved. */
static void build_stub(uint32_t *arches, int narch, int nrules)
{
	struct group g[16];
	int ng = 0;
	nstub = 0;
	for (int a = 0; a < narch; a++) {
		uint32_t audit = arches[a] == SCMP_ARCH_X32 ? AUDIT_X86_64 : arches[a];
		int64_t max = largest(arches[a], nrules);
		if (max == 0) continue;
		int gi;
		for (gi = 0; gi < ng; gi++) if (g[gi].audit == audit) break;
		if (gi == ng) { memset(&g[ng], 0, sizeof(g[ng])); g[ng].audit = audit; ng++; }
		int dup = 0;
		for (int j = 0; j < g[gi].n; j++) if (g[gi].scmp[j] == arches[a]) dup = 1;
		if (dup) continue;
		g[gi].scmp[g[gi].n] = arches[a]; g[gi].max[g[gi].n] = max; g[gi].n++;
		if (arches[a] == SCMP_ARCH_S390 || arches[a] == SCMP_ARCH_S390X) g[gi].s390 = 1;
	}
	emit(BPF_LD | BPF_W | BPF_ABS, 0, 0, 4);
	for (int i = 0; i < ng; i++) emit(BPF_JMP | BPF_JEQ | BPF_K, -2000 - i, 0, g[i].audit);
	emit(BPF_JMP | BPF_JA, 0, 0, 0); stub[nstub - 1].jt = L_FILTER; /* ja FILTER */
	for (int i = 0; i < ng; i++) {
		g[i].start = nstub;
		emit(BPF_LD | BPF_W | BPF_ABS, 0, 0, 0);
		if (g[i].n == 2) {
			int amd = g[i].scmp[0] == SCMP_ARCH_X86_64 ? 0 : 1;
			emit(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1u << 30);
			emit(BPF_JMP | BPF_JGT | BPF_K, L_ENOSYS, L_FILTER, (uint32_t)g[i].max[amd]);
			emit(BPF_JMP | BPF_JGT | BPF_K, L_ENOSYS, L_FILTER, (uint32_t)g[i].max[1 - amd]);
			continue;
		}
		if (g[i].s390) emit(BPF_JMP | BPF_JEQ | BPF_K, L_ENOSYS, 0, 0);
		if (g[i].scmp[0] == SCMP_ARCH_X86_64) emit(BPF_JMP | BPF_JSET | BPF_K, L_FILTER, 0, 1u << 30);
		if (g[i].scmp[0] == SCMP_ARCH_X32) emit(BPF_JMP | BPF_JSET | BPF_K, 0, L_FILTER, 1u << 30);
		emit(BPF_JMP | BPF_JGT | BPF_K, L_ENOSYS, L_FILTER, (uint32_t)g[i].max[0]);
	}
	int enosys = nstub;
	emit(BPF_RET | BPF_K, 0, 0, SCMP_ACT_ERRNO(ENOSYS));
	int filter = nstub;
	for (int pc = 0; pc < nstub; pc++) {
		int *t[2] = { &stub[pc].jt, &stub[pc].jf };
		if (stub[pc].code == (BPF_JMP | BPF_JA)) {
			stub[pc].k = (uint32_t)(filter - (pc + 1));
			stub[pc].jt = 0;
			continue;
		}
		for (int j = 0; j < 2; j++) {
			int target;
			if (*t[j] == L_FILTER) target = filter;
			else if (*t[j] == L_ENOSYS) target = enosys;
			else if (*t[j] <= -2000) target = g[-2000 - *t[j]].start;
			else continue; /* already relative */
			*t[j] = target - (pc + 1);
		}
	}
}

static int run_profile(void)
{
	char tok[256], native[64] = "", def_act[32] = "", def_err[32] = "-", runtime[16] = "runc";
	uint32_t arches[32];
	int narch = 0, nrules = 0, ok;

	while (next_tok(tok, sizeof(tok))) {
		if (!strcmp(tok, "end")) break;
		if (!strcmp(tok, "native")) { next_tok(native, sizeof(native)); continue; }
		if (!strcmp(tok, "runtime")) { next_tok(runtime, sizeof(runtime)); continue; }
		if (!strcmp(tok, "default")) { next_tok(def_act, sizeof(def_act)); next_tok(def_err, sizeof(def_err)); continue; }
		if (!strcmp(tok, "arch")) {
			next_tok(tok, sizeof(tok));
			arches[narch] = seccomp_arch_resolve_name(tok);
			if (arches[narch] == 0) { printf("fatal unknown-arch %s\n", tok); return 1; }
			narch++;
			continue;
		}
		if (!strcmp(tok, "rule")) {
			struct rule *r = &rules[nrules++];
			char act[32], err[32];
			if (scanf("%d %31s %31s %u", &r->source, act, err, &r->nargs) != 4) return 1;
			r->action = get_action(act, err, &ok);
			r->is_notify = !strcmp(act, "notify");
			if (!ok) { printf("fatal bad-action %s\n", act); return 1; }
			for (unsigned i = 0; i < r->nargs; i++)
				if (scanf("%u %15s %" SCNu64 " %" SCNu64, &r->c[i].idx, r->c[i].op, &r->c[i].a, &r->c[i].b) != 4) return 1;
			if (scanf("%u", &r->nnames) != 1) return 1;
			r->names = calloc(r->nnames, sizeof(char *));
			for (unsigned i = 0; i < r->nnames; i++) {
				next_tok(tok, sizeof(tok));
				r->names[i] = strdup(tok);
			}
			continue;
		}
		printf("fatal bad-token %s\n", tok);
		return 1;
	}

	printf("profile\n");
	uint32_t def = get_action(def_act, def_err, &ok);
	if (def == SCMP_ACT_NOTIFY) { printf("error -1 - notify-default\nend\n"); fflush(stdout); return 0; }
	for (int r = 0; r < nrules; r++)
		for (unsigned i = 0; i < rules[r].nnames; i++)
			if (rules[r].is_notify && !strcmp(rules[r].names[i], "write")) {
				printf("error %d write notify-write\nend\n", rules[r].source);
				fflush(stdout);
				return 0;
			}

	scmp_filter_ctx ctx = seccomp_init(def);
	hang_source = -1;
	hang_name = "init";
	if (sigsetjmp(hang_jmp, 1) != 0) {
		arm_hang(0);
		printf("error %d %s hang\nend\n", hang_source, hang_name);
		fflush(stdout);
		return 0; /* ctx is left as it is: libseccomp's tree is corrupt */
	}
	arm_hang(1);
	uint32_t native_tok = seccomp_arch_resolve_name(native);
	for (int a = 0; a < narch; a++) {
		int rc = seccomp_arch_add(ctx, arches[a]);
		if (rc != 0 && rc != -EEXIST) { printf("fatal arch-add %d\n", rc); return 1; }
	}
	if (native_tok != seccomp_arch_native()) seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);

	int ncalls = 0;
	for (int r = 0; r < nrules; r++) ncalls += (int)rules[r].nnames;
	if (ncalls > 32) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

	for (int r = 0; r < nrules; r++) {
		struct rule *ru = &rules[r];
		for (unsigned i = 0; i < ru->nnames; i++) {
			const char *name = ru->names[i];
			if (ru->action == def) { printf("skip %d %s default\n", ru->source, name); continue; }
			int nr = seccomp_syscall_resolve_name(name);
			if (nr == __NR_SCMP_ERROR) { printf("skip %d %s unknown\n", ru->source, name); continue; }
			hang_source = ru->source;
			hang_name = name;
			struct scmp_arg_cmp cmp[8];
			unsigned count[6] = { 0 };
			int multiple = 0, rc = 0;
			for (unsigned k = 0; k < ru->nargs; k++) {
				cmp[k].arg = ru->c[k].idx;
				cmp[k].op = get_op(ru->c[k].op);
				cmp[k].datum_a = ru->c[k].a;
				cmp[k].datum_b = ru->c[k].b;
				if (ru->c[k].idx < 6 && ++count[ru->c[k].idx] > 1) multiple = 1;
			}
			if (ru->nargs == 0) {
				rc = seccomp_rule_add(ctx, ru->action, nr, 0);
			} else if (multiple) {
				for (unsigned k = 0; k < ru->nargs && rc == 0; k++)
					rc = seccomp_rule_add_array(ctx, ru->action, nr, 1, &cmp[k]);
			} else {
				rc = seccomp_rule_add_array(ctx, ru->action, nr, ru->nargs, cmp);
			}
			if (rc != 0) {
				arm_hang(0);
				printf("error %d %s %d\nend\n", ru->source, name, rc);
				fflush(stdout);
				seccomp_release(ctx);
				return 0;
			}
			printf("add %d %s\n", ru->source, name);
		}
	}

	hang_source = -1;
	hang_name = "export";
	FILE *tmp = tmpfile();
	if (tmp == NULL || seccomp_export_bpf(ctx, fileno(tmp)) != 0) { printf("fatal export\n"); return 1; }
	arm_hang(0);
	long size = lseek(fileno(tmp), 0, SEEK_END);
	lseek(fileno(tmp), 0, SEEK_SET);
	unsigned char *buf = malloc((size_t)size);
	if (read(fileno(tmp), buf, (size_t)size) != size) { printf("fatal read\n"); return 1; }
	fclose(tmp);

	nstub = 0;
	int wants_stub = strcmp(runtime, "runc") == 0 && !(def == SCMP_ACT_ALLOW || def == SCMP_ACT_LOG || (def & 0xffff0000U) == SCMP_ACT_TRACE(0));
	if (wants_stub && !(strcmp(def_err, "-") != 0 && strtoul(def_err, NULL, 10) == SCMP_ACT_ERRNO(ENOSYS))) {
		uint32_t all[33];
		int n = 0;
		for (int a = 0; a < narch; a++) all[n++] = arches[a];
		all[n++] = native_tok;
		build_stub(all, n, nrules);
	}
	int total = nstub + (int)(size / 8);
	printf("stub %d\n", nstub);
	printf("bpf %d\n", total);
	for (int pc = 0; pc < nstub; pc++)
		printf("%u %d %d %u\n", stub[pc].code, stub[pc].jt, stub[pc].jf, stub[pc].k);
	for (long off = 0; off < size; off += 8) {
		uint16_t code; uint8_t jt, jf; uint32_t k;
		memcpy(&code, buf + off, 2); jt = buf[off + 2]; jf = buf[off + 3]; memcpy(&k, buf + off + 4, 4);
		printf("%u %u %u %u\n", code, jt, jf, k);
	}
	printf("end\n");
	fflush(stdout);
	free(buf);
	for (int r = 0; r < nrules; r++) {
		for (unsigned i = 0; i < rules[r].nnames; i++) free(rules[r].names[i]);
		free(rules[r].names);
	}
	seccomp_release(ctx);
	return 0;
}

int main(void)
{
	char tok[256];
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hang;
	sigaction(SIGVTALRM, &sa, NULL);
	while (next_tok(tok, sizeof(tok))) {
		if (!strcmp(tok, "profile")) {
			if (run_profile() != 0) return 1;
		} else if (!strcmp(tok, "resolve")) {
			char arch[64], name[256];
			next_tok(arch, sizeof(arch));
			next_tok(name, sizeof(name));
			printf("resolve %s %s %d\n", arch, name, seccomp_syscall_resolve_name_arch(seccomp_arch_resolve_name(arch), name));
		} else {
			printf("fatal bad-command %s\n", tok);
			return 1;
		}
	}
	return 0;
}
