// The ptrace recorder's counter as rows of data: strace transcripts (the options of strace.ts;
// lines cut from what strace 6.1 printed on this project's live runs of
// test/fixtures/programs/seccomp-boundary.c and known-syscalls.c under runc 1.1.5 in Docker 20.10,
// and of an i386 program calling socketcall; thread ids renumbered; T10, T12, T13, T15-T18 put
// together from such lines for cases those runs do not show; T19 from strace 6.1's lines for
// known-syscalls.c's socket calls and Python's socketpair) and the counts they must give:
// nothing before the filter, the installer's calls after it the runtime's until it execs,
// per-thread filters and TSYNC, inheritance through clone, i386, the danger arguments, and what is
// counted as lost. Needs no root, strace or engine.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Arch } from '../../syscalls/arch.js';
import { syscallName } from '../../syscalls/table.js';
import { execPath, TraceCounter, unescapeStrace, type SeedTask, type TraceLosses } from './trace-counter.js';

interface Row {
  id: string;
  what: string;
  /** The tasks strace attached to (default: one runc init without a filter, tid 100). */
  seed?: SeedTask[];
  lines: string[];
  /** "<abi> <syscall>" → count, " (runtime)" appended for the runtime's own calls: all of them. */
  counts: Record<string, number>;
  /** The first caller of some of those ("<abi> <syscall>[ (runtime)]" as in counts). */
  first?: Record<string, { comm?: string; exe?: string; pid?: number }>;
  /** "<abi> <syscall>[<index>,…]=<hex value>,…" → count (one value per recorded index: a tuple
   * where several are recorded together): all of them (default none). */
  args?: Record<string, number>;
  /** Paths exec'd successfully under the filter → how many times: all of them (default none). */
  execs?: Record<string, number>;
  /** Losses other than zero. */
  lost?: Partial<TraceLosses>;
}

const RUNC: SeedTask = { tid: 100, tgid: 100, comm: 'runc:[2:INIT]', exe: 'runc', filtered: false };
const BOUNDARY: SeedTask = { tid: 100, tgid: 100, comm: 'seccomp-boundar', exe: 'seccomp-boundary', filtered: false };

/** seccomp-boundary.c's main thread starts a thread, then installs the filter with these flags
 * while the thread waits on a pipe; the thread then makes getpgid (TSYNC reaches it, a per-thread
 * filter does not). The thread's first call is printed before its parent's clone3 returns. */
function threadAndFilter(flags: string): string[] {
  return [
    '100<seccomp-boundar> [ 435] clone3({flags=0x3d0f00, child_tid=0x7f7f274c4990, parent_tid=0x7f7f274c4990, exit_signal=0, stack=0x7f7f26cc4000, stack_size=0x800300, tls=0x7f7f274c46c0} <unfinished ...>',
    '101<seccomp-boundar> [ 334] rseq(0x7f7f274c4fe0, 0x20, 0, 0x53053053 <unfinished ...>',
    '100<seccomp-boundar> [ 435] <... clone3 resumed> => {parent_tid=[101<seccomp-boundar>]}, 88) = 101<seccomp-boundar>',
    '101<seccomp-boundar> [ 334] <... rseq resumed>) = 0',
    '100<seccomp-boundar> [ 157] prctl(0x26, 0x1, 0, 0, 0) = 0',
    `100<seccomp-boundar> [ 317] seccomp(0x1, ${flags}, 0x7ffe1f6fe850 <unfinished ...>`,
    '101<seccomp-boundar> [   0] read(3,  <unfinished ...>',
    '100<seccomp-boundar> [ 317] <... seccomp resumed>) = 0',
    '100<seccomp-boundar> [   1] write(4, ""..., 1 <unfinished ...>',
    '101<seccomp-boundar> [   0] <... read resumed>""..., 1) = 1',
    '100<seccomp-boundar> [   1] <... write resumed>) = 1',
    '101<seccomp-boundar> [ 121] getpgid(0) = 13217',
    '101<seccomp-boundar> [  60] exit(0)   = ?',
    '101<seccomp-boundar> [  60] +++ exited with 0 +++',
    '100<seccomp-boundar> [ 100] times(0x7ffe1f6fe890) = 1718043579',
  ];
}

const ROWS: Row[] = [
  {
    id: 'T01',
    what: "nothing before the filter; the installer's calls after it are the runtime's until its execve returns, then the tool's",
    seed: [BOUNDARY],
    lines: [
      '100<seccomp-boundar> [  36] getitimer(0, 0x7ffe1f6fe870) = 0',
      '100<seccomp-boundar> [  99] sysinfo(0x7ffe1f6fe890) = 0',
      '100<seccomp-boundar> [ 157] prctl(0x26, 0x1, 0, 0, 0) = 0',
      '100<seccomp-boundar> [ 317] seccomp(0x1, 0, 0x7ffe1f6fe850) = 0',
      '100<seccomp-boundar> [ 100] times(0x7ffe1f6fe890) = 1718043579',
      '100<seccomp-boundar> [ 157] prctl(0x15, 0, 0, 0, 0) = 0x2',
      '100<seccomp-boundar> [  59] execve("/proc/self/exe", 0x7ffe1f6fe7c0, 0x7ffe1f6feb80) = 0',
      '100<exe> [  98] getrusage(0, 0x7ffde72b2eb0) = 0',
      '100<exe> [ 157] prctl(0x15, 0, 0, 0, 0) = 0x2',
      '100<exe> [ 231] exit_group(0)         = ?',
      '100<exe> [ 231] +++ exited with 0 +++',
    ],
    execs: { '/proc/self/exe': 1 },
    counts: {
      'x86_64 times (runtime)': 1,
      'x86_64 prctl (runtime)': 1,
      'x86_64 execve (runtime)': 1,
      'x86_64 getrusage': 1,
      'x86_64 prctl': 1,
      'x86_64 exit_group': 1,
    },
    first: {
      'x86_64 times (runtime)': { comm: 'seccomp-boundar', exe: 'seccomp-boundary', pid: 100 },
      'x86_64 getrusage': { comm: 'exe', exe: 'exe', pid: 100 },
    },
    args: { 'x86_64 prctl[0]=0x15': 2 },
  },
  {
    id: 'T02',
    what: 'a per-thread filter: the thread that existed before gets none; seccomp() takes effect when it returns',
    seed: [BOUNDARY],
    lines: threadAndFilter('0'),
    counts: { 'x86_64 write (runtime)': 1, 'x86_64 times (runtime)': 1 },
    first: { 'x86_64 write (runtime)': { comm: 'seccomp-boundar', pid: 100 } },
  },
  {
    id: 'T03',
    what: "TSYNC: every thread of the process gets the filter, and is the runtime's; the call it was in when it got it is not counted",
    seed: [BOUNDARY],
    lines: threadAndFilter('0x1'),
    counts: { 'x86_64 write (runtime)': 1, 'x86_64 getpgid (runtime)': 1, 'x86_64 exit (runtime)': 1, 'x86_64 times (runtime)': 1 },
    first: { 'x86_64 getpgid (runtime)': { comm: 'seccomp-boundar', pid: 100 } },
  },
  {
    id: 'T04',
    what: "libseccomp's probes (a failed SET_MODE_FILTER, GET_ACTION_AVAIL, GET_NOTIF_SIZES) and a failed prctl install nothing",
    seed: [RUNC],
    lines: [
      '100<runc:[2:INIT]> [ 317] seccomp(0, 0x1, 0) = -1 EINVAL (Invalid argument)',
      '100<runc:[2:INIT]> [ 317] seccomp(0x1, 0x1, 0 <unfinished ...>',
      '100<runc:[2:INIT]> [ 317] <... seccomp resumed>) = -1 EFAULT (Bad address)',
      '100<runc:[2:INIT]> [ 317] seccomp(0x1, 0x2, 0) = -1 EFAULT (Bad address)',
      '100<runc:[2:INIT]> [ 317] seccomp(0x2, 0, 0x7ffdb55d299c) = 0',
      '100<runc:[2:INIT]> [ 317] seccomp(0x3, 0, 0x7ffdb55d29a2) = 0',
      '100<runc:[2:INIT]> [ 157] prctl(0x16, 0x2, 0xc00019f770, 0, 0) = -1 EINVAL (Invalid argument)',
      '100<runc:[2:INIT]> [ 157] prctl(0x15, 0, 0, 0, 0) = 0',
      '100<runc:[2:INIT]> [   3] close(6) = 0',
    ],
    counts: {},
  },
  {
    id: 'T05',
    what: 'runc: prctl(PR_SET_SECCOMP, FILTER) filters its own thread only (its Go threads stay outside); the tool after execve',
    seed: [RUNC, { ...RUNC, tid: 101 }],
    lines: [
      '101<runc:[2:INIT]> [  35] nanosleep(0x7f30695edd98,  <unfinished ...>',
      '100<runc:[2:INIT]> [ 157] prctl(0x16, 0x2, 0xc00019f770, 0, 0) = 0',
      '100<runc:[2:INIT]> [ 257] openat(-100, "/proc/self/fd", 0x80000 <unfinished ...>',
      '101<runc:[2:INIT]> [  35] <... nanosleep resumed>NULL) = 0',
      '101<runc:[2:INIT]> [  35] nanosleep(0x7f30695edd98,  <unfinished ...>',
      '100<runc:[2:INIT]> [ 257] <... openat resumed>) = 6',
      '100<runc:[2:INIT]> [ 233] epoll_ctl(7, 0x1, 6, 0xc00019f5f4) = -1 EPERM (Operation not permitted)',
      '100<runc:[2:INIT]> [  59] execve("/t/ks", 0xc000013968, 0xc000024920 <unfinished ...>',
      '101<runc:[2:INIT]> [  35] <... nanosleep resumed>NULL) = 0',
      '101<runc:[2:INIT]> [  35] +++ exited with 0 +++',
      '100<ks> [  59] <... execve resumed>) = 0',
      '100<ks> [ 110] getppid()            = 0',
      "100<ks> [ 124] getsid(0)            = 1 /* 13892 in strace's PID NS */",
      '100<ks> [ 231] exit_group(3)        = ?',
      '100<ks> [ 231] +++ exited with 3 +++',
    ],
    execs: { '/t/ks': 1 },
    counts: {
      'x86_64 openat (runtime)': 1,
      'x86_64 epoll_ctl (runtime)': 1,
      'x86_64 execve (runtime)': 1,
      'x86_64 getppid': 1,
      'x86_64 getsid': 1,
      'x86_64 exit_group': 1,
    },
    first: { 'x86_64 execve (runtime)': { comm: 'runc:[2:INIT]', exe: 'runc', pid: 100 }, 'x86_64 getppid': { comm: 'ks', exe: 'ks', pid: 100 } },
  },
  {
    id: 'T06',
    what: 'a fork after the filter inherits it and the runtime mark, until the child execs',
    seed: [BOUNDARY],
    lines: [
      '100<seccomp-boundar> [ 317] seccomp(0x1, 0, 0x7ffe1f6fe850) = 0',
      '100<seccomp-boundar> [  56] clone(child_stack=NULL, flags=0x1200000|17, child_tidptr=0x1861d690) = 200<seccomp-boundar>',
      '200<seccomp-boundar> [ 273] set_robust_list(0x1861d6a0, 24) = 0',
      '100<seccomp-boundar> [  61] wait4(200<seccomp-boundar>,  <unfinished ...>',
      '200<seccomp-boundar> [ 124] getsid(0) = 21313',
      '200<seccomp-boundar> [  59] execve("/proc/self/exe", 0x7ffe1f6fe7c0, 0x7ffe1f6feb80) = 0',
      '200<exe> [  98] getrusage(0, 0x7ffde72b2eb0) = 0',
      '200<exe> [ 231] exit_group(0)         = ?',
      '200<exe> [ 231] +++ exited with 0 +++',
      '100<seccomp-boundar> [  61] <... wait4 resumed>0x7ffe1f6fe84c, 0, NULL) = 200',
    ],
    execs: { '/proc/self/exe': 1 },
    counts: {
      'x86_64 clone (runtime)': 1,
      'x86_64 set_robust_list (runtime)': 1,
      'x86_64 wait4 (runtime)': 1,
      'x86_64 getsid (runtime)': 1,
      'x86_64 execve (runtime)': 1,
      'x86_64 getrusage': 1,
      'x86_64 exit_group': 1,
    },
    first: {
      'x86_64 getsid (runtime)': { comm: 'seccomp-boundar', exe: 'seccomp-boundary', pid: 200 },
      'x86_64 getrusage': { comm: 'exe', exe: 'exe', pid: 200 },
    },
    args: { 'x86_64 clone[0]=0x1200011': 1 },
  },
  {
    id: 'T07',
    what: 'a fork before the filter stays outside it',
    seed: [BOUNDARY],
    lines: [
      '100<seccomp-boundar> [  56] clone(child_stack=NULL, flags=0x1200000|17, child_tidptr=0x1861d690) = 200<seccomp-boundar>',
      '100<seccomp-boundar> [ 317] seccomp(0x1, 0, 0x7ffe1f6fe850) = 0',
      '200<seccomp-boundar> [ 124] getsid(0) = 21313',
      '100<seccomp-boundar> [ 100] times(0x7ffe1f6fe890) = 1718043579',
    ],
    counts: { 'x86_64 times (runtime)': 1 },
  },
  {
    id: 'T08',
    what: "a thread's first calls, printed before its parent's clone3 returns (in the container's pid numbering), count once it is known",
    seed: [RUNC],
    lines: [
      '100<runc:[2:INIT]> [ 157] prctl(0x16, 0x2, 0xc00019f770, 0, 0) = 0',
      '100<runc:[2:INIT]> [ 435] clone3({flags=0x3d0f00, child_tid=0x7f30695ee990, parent_tid=0x7f30695ee990, exit_signal=0, stack=0x7f3068dee000, stack_size=0x7fff80, tls=0x7f30695ee6c0} <unfinished ...>',
      '13925<runc:[2:INIT]> [ 334] rseq(0x7f30695eefe0, 0x20, 0, 0x53053053 <unfinished ...>',
      "100<runc:[2:INIT]> [ 435] <... clone3 resumed> => {parent_tid=[2<runc:[2:INIT]> /* 13925 in strace's PID NS */]}, 88) = 2<runc:[2:INIT]> /* 13925 in strace's PID NS */",
      '13925<runc:[2:INIT]> [ 334] <... rseq resumed>) = 0',
      '13925<runc:[2:INIT]> [  35] nanosleep(0x7f30695edd98,  <unfinished ...>',
    ],
    counts: { 'x86_64 clone3 (runtime)': 1, 'x86_64 rseq (runtime)': 1, 'x86_64 nanosleep (runtime)': 1 },
    first: { 'x86_64 rseq (runtime)': { comm: 'runc:[2:INIT]', pid: 100 } },
  },
  {
    id: 'T09',
    what: "an i386 tool: from the personality switch on, its calls are x86 with i386 numbers (execve itself is the runtime's x86_64 call)",
    seed: [RUNC],
    lines: [
      '100<runc:[2:INIT]> [ 157] prctl(0x16, 0x2, 0xc00019f770, 0, 0) = 0',
      '100<runc:[2:INIT]> [  59] execve("/t/ks32", 0xc000013968, 0xc000024920 <unfinished ...>',
      '100<ks32> [  59] <... execve resumed>) = 0',
      '100<ks32> [  59] [ Process PID=100 runs in 32 bit mode. ]',
      '100<ks32> [  45] brk(NULL)            = 0x9e9c880',
      '100<ks32> [  64] getppid()            = 0',
      '100<ks32> [ 136] personality(0xffffffff) = 0',
      '100<ks32> [ 125] mprotect(0x80e9000, 0x3000, 0x1) = 0',
      "100<ks32> [ 147] getsid(0)            = 1 /* 13892 in strace's PID NS */",
      '100<ks32> [ 252] exit_group(3)        = ?',
      '100<ks32> [ 252] +++ exited with 3 +++',
    ],
    execs: { '/t/ks32': 1 },
    counts: { 'x86_64 execve (runtime)': 1, 'x86 brk': 1, 'x86 getppid': 1, 'x86 personality': 1, 'x86 mprotect': 1, 'x86 getsid': 1, 'x86 exit_group': 1 },
    first: { 'x86 getppid': { comm: 'ks32', exe: 'ks32', pid: 100 } },
    args: { 'x86 personality[0]=0xffffffff': 1, 'x86 mprotect[2]=0x1': 1 },
  },
  {
    id: 'T10',
    what: "the child of an i386 process: its first call's ABI is the table that has that number under that name",
    seed: [{ ...RUNC, filtered: true }],
    lines: [
      '100<ks32> [  59] [ Process PID=100 runs in 32 bit mode. ]',
      '100<ks32> [ 120] clone(child_stack=NULL, flags=0x1200000|17, child_tidptr=0x9e9c3e8) = 200<ks32>',
      '200<ks32> [  20] getpid()             = 200',
      '200<ks32> [  64] getppid()            = 100',
    ],
    counts: { 'x86 clone': 1, 'x86 getpid': 1, 'x86 getppid': 1 },
    first: { 'x86 getpid': { pid: 200 } },
    args: { 'x86 clone[0]=0x1200011': 1 },
  },
  {
    id: 'T11',
    what: "a task already under a filter when strace attached (docker exec): its calls count, as the tool's",
    seed: [{ tid: 300, tgid: 300, comm: 'sh', exe: 'dash', filtered: true }],
    lines: ["300<sh> [  39] getpid()             = 7 /* 300 in strace's PID NS */", '300<sh> [ 231] exit_group(0)        = ?'],
    counts: { 'x86_64 getpid': 1, 'x86_64 exit_group': 1 },
    first: { 'x86_64 getpid': { comm: 'sh', exe: 'dash', pid: 300 } },
  },
  {
    id: 'T12',
    what: "a thread that execs takes over its leader's id (\"superseded\"): the leader's id then carries the thread's filter",
    seed: [RUNC],
    lines: [
      '100<runc:[2:INIT]> [ 435] clone3({flags=0x3d0f00, child_tid=0x7f30695ee990, parent_tid=0x7f30695ee990, exit_signal=0, stack=0x7f3068dee000, stack_size=0x7fff80, tls=0x7f30695ee6c0}) = 101<runc:[2:INIT]>',
      '101<runc:[2:INIT]> [ 157] prctl(0x16, 0x2, 0xc00019f770, 0, 0) = 0',
      '101<runc:[2:INIT]> [  59] execve("/bin/tool", 0xc000013968, 0xc000024920 <unfinished ...>',
      '100<runc:[2:INIT]> [  59] +++ superseded by execve in pid 101 +++',
      '100<tool> [  59] <... execve resumed>) = 0',
      '100<tool> [ 110] getppid()            = 0',
    ],
    execs: { '/bin/tool': 1 },
    counts: { 'x86_64 execve (runtime)': 1, 'x86_64 getppid': 1 },
    first: { 'x86_64 getppid': { comm: 'tool', exe: 'tool', pid: 100 } },
  },
  {
    id: 'T13',
    what: "an exited task's id is free: calls under it wait for the new parent's clone and inherit from that parent",
    seed: [
      { ...RUNC, filtered: true },
      { tid: 150, tgid: 150, comm: 'other', exe: 'other', filtered: false },
    ],
    lines: [
      '100<runc:[2:INIT]> [  56] clone(child_stack=NULL, flags=0x1200000|17, child_tidptr=0x1861d690) = 200<runc:[2:INIT]>',
      '200<runc:[2:INIT]> [ 231] exit_group(0)        = ?',
      '200<runc:[2:INIT]> [ 231] +++ exited with 0 +++',
      '150<other> [ 435] clone3({flags=0x3d0f00, child_tid=0x7f30695ee990, parent_tid=0x7f30695ee990, exit_signal=0, stack=0x7f3068dee000, stack_size=0x7fff80, tls=0x7f30695ee6c0} <unfinished ...>',
      '200<other> [  39] getpid()             = 150',
      '150<other> [ 435] <... clone3 resumed> => {parent_tid=[200<other>]}, 88) = 200<other>',
    ],
    counts: { 'x86_64 clone': 1, 'x86_64 exit_group': 1 },
    args: { 'x86_64 clone[0]=0x1200011': 1 },
  },
  {
    id: 'T14',
    what: "the danger arguments' values, one row per value (i386 socketcall: the sub-call's number)",
    seed: [{ ...RUNC, filtered: true }],
    lines: [
      '100<runc:[2:INIT]> [  41] socket(0x10, 0x80003, 0) = 0x6',
      '100<runc:[2:INIT]> [  41] socket(0x10, 0x80003, 0 <unfinished ...>',
      '100<runc:[2:INIT]> [  41] <... socket resumed>) = 0x6',
      '100<runc:[2:INIT]> [  41] socket(0x1, 0x80001, 0) = 0x7',
      '100<runc:[2:INIT]> [   9] mmap(0, 0x801000, 0, 0x20022, 0xffffffff, 0) = 0x7f7f26cc4000',
      '100<runc:[2:INIT]> [  10] mprotect(0x7f7f26cc5000, 0x800000, 0x3) = 0',
      '100<runc:[2:INIT]> [  59] execve("/t/t32", 0xc000013968, 0xc000024920) = 0',
      '100<t32> [  59] [ Process PID=100 runs in 32 bit mode. ]',
      '100<t32> [ 102] socket(0xa, 0x1, 0)  = 0x3',
      '100<t32> [ 102] connect(3, NULL, 0)  = -1 EINVAL (Invalid argument)',
    ],
    execs: { '/t/t32': 1 },
    counts: { 'x86_64 socket': 3, 'x86_64 mmap': 1, 'x86_64 mprotect': 1, 'x86_64 execve': 1, 'x86 socketcall': 2 },
    args: {
      'x86_64 socket[0,1,2]=0x10,0x3,0x0': 2,
      'x86_64 socket[0,1,2]=0x1,0x1,0x0': 1,
      'x86_64 mmap[2]=0x0': 1,
      'x86_64 mprotect[2]=0x3': 1,
      'x86 socketcall[0]=0x1': 1,
      'x86 socketcall[0]=0x3': 1,
    },
  },
  {
    id: 'T15',
    what: 'a call strace could not number is lost under the filter and ignored before it',
    seed: [RUNC],
    lines: [
      '100 [????] ????( <unfinished ...>',
      '100<runc:[2:INIT]> [ 157] prctl(0x16, 0x2, 0xc00019f770, 0, 0) = 0',
      '100 [????] ????( <unfinished ...>',
      '100<runc:[2:INIT]> [  35] ???( <unfinished ...>',
    ],
    counts: {},
    lost: { unknownNr: 2 },
  },
  {
    id: 'T16',
    what: 'threads killed by another thread\'s execve, whose registers strace could not read ("???" under a stale number): unknown, lost only under the filter',
    seed: [RUNC, { ...RUNC, tid: 101 }, { ...RUNC, tid: 102 }],
    lines: [
      '100<runc:[2:INIT]> [ 157] prctl(0x16, 0x2, 0xc00019f770, 0, 0) = 0',
      '100<runc:[2:INIT]> [  59] execve("/t/ks", 0xc000013968, 0xc000024920 <unfinished ...>',
      '101<runc:[2:INIT]> [  35] ???( <unfinished ...>',
      '101<runc:[2:INIT]> [  35] <... ??? resumed>)   = ?',
      '101<runc:[2:INIT]> [  35] +++ exited with 0 +++',
      '102<runc:[2:INIT]> [  35] <... nanosleep resumed> <unfinished ...>) = ?',
      '102<runc:[2:INIT]> [  35] +++ exited with 0 +++',
      '100<ks> [  59] <... execve resumed>) = 0',
      '100<ks> [ 110] getppid()            = 0',
    ],
    execs: { '/t/ks': 1 },
    counts: { 'x86_64 execve (runtime)': 1, 'x86_64 getppid': 1 },
  },
  {
    id: 'T17',
    what: 'lost: a line in no known form, a danger argument not printed as a number, a call of a task whose parent never appeared',
    seed: [{ ...RUNC, filtered: true }],
    lines: [
      '',
      'strace: Process 5 attached',
      '100<runc:[2:INIT]> [  16] ioctl(1, TCGETS, 0x7ffd5e4f1c40) = 0',
      '555<stray> [  39] getpid()             = 5',
      '555<stray> [  39] +++ exited with 0 +++',
    ],
    counts: { 'x86_64 ioctl': 1 },
    lost: { unparsed: 1, args: 1, orphanLines: 1 },
  },
  {
    id: 'T18',
    what: "a tool that installs a filter of its own under the runtime's stays the tool (only a task without one becomes the runtime)",
    seed: [{ tid: 100, tgid: 100, comm: 'sandboxed', exe: 'sandboxed', filtered: true }],
    lines: [
      '100<sandboxed> [ 157] prctl(0x26, 0x1, 0, 0, 0) = 0',
      '100<sandboxed> [ 317] seccomp(0x1, 0x1, 0x7ffe1f6fe850) = 0',
      '100<sandboxed> [  98] getrusage(0, 0x7ffde72b2eb0) = 0',
    ],
    counts: { 'x86_64 prctl': 1, 'x86_64 seccomp': 1, 'x86_64 getrusage': 1 },
    args: { 'x86_64 prctl[0]=0x26': 1 },
  },
  {
    id: 'T19',
    what: "argument tuples: socket's family, type without SOCK_NONBLOCK|SOCK_CLOEXEC, and protocol; socketpair's family and type; setsockopt's level and optname (i386's own socket calls too); a tuple with an argument not printed as a number is lost",
    seed: [{ ...RUNC, filtered: true }],
    lines: [
      '100<known-syscalls> [  41] socket(0x2, 0x80002, 0) = 0x3',
      '100<known-syscalls> [  41] socket(0x10, 0x3, 0) = 0x4',
      '100<known-syscalls> [  41] socket(0x10, 0x80003, 0x9 <unfinished ...>',
      '100<known-syscalls> [  41] <... socket resumed>) = 0x5',
      '100<known-syscalls> [  41] socket(0xa, 0x80801, 0x6) = 0x6',
      '100<known-syscalls> [  41] socket(0xa, 0x1, 0x6) = 0x7',
      '100<known-syscalls> [  54] setsockopt(0x3, 0x1, 0x2, 0x7fff5a95c18c, 0x4) = 0',
      '100<known-syscalls> [  54] setsockopt(0x3, 0x1, 0x2, 0x7fff5a95c18c, 0x4) = 0',
      '100<known-syscalls> [  54] setsockopt(0x6, 0, 0x40, 0x7fff5a95c18c, 0x2d0) = -1 ENOPROTOOPT (Protocol not available)',
      '100<known-syscalls> [  53] socketpair(0x1, 0x80001, 0, 0x7ffc0f73a8e8) = 0',
      '100<known-syscalls> [  54] setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0',
      '100<known-syscalls> [  59] execve("/t/ks32", 0xc000013968, 0xc000024920) = 0',
      '100<ks32> [  59] [ Process PID=100 runs in 32 bit mode. ]',
      '100<ks32> [ 359] socket(0x2, 0x80002, 0) = 0x3',
      '100<ks32> [ 366] setsockopt(0x3, 0x1, 0x2, 0xffccd48c, 0x4) = 0',
    ],
    execs: { '/t/ks32': 1 },
    counts: { 'x86_64 socket': 5, 'x86_64 setsockopt': 4, 'x86_64 socketpair': 1, 'x86_64 execve': 1, 'x86 socket': 1, 'x86 setsockopt': 1 },
    args: {
      'x86_64 socket[0,1,2]=0x2,0x2,0x0': 1,
      'x86_64 socket[0,1,2]=0x10,0x3,0x0': 1,
      'x86_64 socket[0,1,2]=0x10,0x3,0x9': 1,
      'x86_64 socket[0,1,2]=0xa,0x1,0x6': 2,
      'x86_64 setsockopt[1,2]=0x1,0x2': 2,
      'x86_64 setsockopt[1,2]=0x0,0x40': 1,
      'x86_64 socketpair[0,1]=0x1,0x1': 1,
      'x86 socket[0,1,2]=0x2,0x2,0x0': 1,
      'x86 setsockopt[1,2]=0x1,0x2': 1,
    },
    lost: { args: 1 },
  },
];

function key(abi: Arch, nr: number, runtime: boolean): string {
  return `${abi} ${syscallName(abi, nr) ?? `#${nr}`}${runtime ? ' (runtime)' : ''}`;
}

function count(row: Row): { counter: TraceCounter; result: ReturnType<TraceCounter['result']> } {
  const counter = new TraceCounter();
  for (const t of row.seed ?? [RUNC]) counter.seed(t);
  for (const l of row.lines) counter.push(l);
  return { counter, result: counter.result() };
}

describe('TraceCounter on strace transcripts', () => {
  it('has stable, consecutive row ids', () => {
    ROWS.forEach((row, i) => assert.equal(row.id, `T${String(i + 1).padStart(2, '0')}`));
  });

  for (const row of ROWS) {
    it(`${row.id} ${row.what}`, () => {
      const { counter, result } = count(row);
      const counts = Object.fromEntries(result.syscalls.map((s) => [key(s.abi, s.nr, s.runtime), s.count]));
      assert.equal(result.syscalls.length, Object.keys(counts).length, 'one row per ABI, syscall and runtime mark');
      assert.deepEqual(counts, row.counts);
      for (const [k, want] of Object.entries(row.first ?? {})) {
        const s = result.syscalls.find((x) => key(x.abi, x.nr, x.runtime) === k);
        assert.ok(s, `${k} was counted`);
        const got = {
          ...(want.comm === undefined ? {} : { comm: s.comm }),
          ...(want.exe === undefined ? {} : { exe: s.exe }),
          ...(want.pid === undefined ? {} : { pid: s.pid }),
        };
        assert.deepEqual(got, want, `${k}: its first caller`);
      }
      const args = Object.fromEntries(
        result.args.map((a) => [
          `${a.abi} ${syscallName(a.abi, a.nr) ?? `#${a.nr}`}[${a.indices.join(',')}]=${a.values.map((v) => `0x${v.toString(16)}`).join(',')}`,
          a.count,
        ]),
      );
      assert.deepEqual(args, row.args ?? {});
      assert.deepEqual(Object.fromEntries(result.execs.map((e) => [e.path, e.count])), row.execs ?? {}, 'the execs under the filter');
      assert.deepEqual(counter.lost, { unparsed: 0, unknownNr: 0, args: 0, orphanLines: 0, ...row.lost });
    });
  }

  it("numbers calls under their ABI's own table (i386 getppid is 64) and orders first calls as they came", () => {
    const row = ROWS.find((r) => r.id === 'T09');
    assert.ok(row);
    const { result } = count(row);
    assert.equal(result.syscalls.find((s) => s.abi === 'x86' && syscallName('x86', s.nr) === 'getppid')?.nr, 64);
    const order = [...result.syscalls].sort((a, b) => a.ts - b.ts).map((s) => key(s.abi, s.nr, s.runtime));
    assert.deepEqual(order, ['x86_64 execve (runtime)', 'x86 brk', 'x86 getppid', 'x86 personality', 'x86 mprotect', 'x86 getsid', 'x86 exit_group']);
  });

  it('keeps a few unparsed lines for the error message', () => {
    const counter = new TraceCounter();
    for (let i = 0; i < 5; i++) counter.push(`strace: something ${i}`);
    assert.equal(counter.lost.unparsed, 5);
    assert.deepEqual(counter.unparsedSample, ['strace: something 0', 'strace: something 1', 'strace: something 2']);
  });

  it('reads the path an exec was given as the kernel names it: escapes undone, execveat relative to its descriptor', () => {
    assert.equal(unescapeStrace('/a\\"b\\\\c\\303\\251\\x41\\n'), '/a"b\\cé' + 'A\n');
    assert.equal(execPath('execve', '"/usr/bin/env", 0x7ffd, 0x7ffe'), '/usr/bin/env');
    assert.equal(execPath('execveat', '-100, "./run.sh", 0x7ffd, 0x7ffe, 0'), './run.sh');
    assert.equal(execPath('execveat', 'AT_FDCWD, "/bin/true", 0x7ffd, 0x7ffe, 0'), '/bin/true');
    assert.equal(execPath('execveat', '3, "", 0x7ffd, 0x7ffe, 0x1000'), '/dev/fd/3');
    assert.equal(execPath('execveat', '5, "sub/tool", 0x7ffd, 0x7ffe, 0'), '/dev/fd/5/sub/tool');
    assert.equal(execPath('execveat', '5, "/abs", 0x7ffd, 0x7ffe, 0'), '/abs');
  });

  it('counts only successful execs, only under the filter', () => {
    const counter = new TraceCounter();
    counter.seed({ tid: 7, tgid: 7, comm: 'sh', exe: 'sh', filtered: true });
    for (const l of [
      '7<sh> [  59] execve("/usr/local/bin/nope", 0x1, 0x2) = -1 ENOENT (No such file or directory)',
      '7<sh> [  57] fork() = 8',
      '8<sh> [  59] execve("/usr/bin/true", 0x1, 0x2) = 0',
      '8<true> [ 231] exit_group(0) = ?',
      '8<true> [ 231] +++ exited with 0 +++',
      '7<sh> [ 322] execveat(3, "", 0x1, 0x2, 0x1000) = 0',
    ])
      counter.push(l);
    const unfiltered = new TraceCounter();
    unfiltered.seed({ tid: 9, tgid: 9, comm: 'runc', exe: 'runc', filtered: false });
    unfiltered.push('9<runc> [  59] execve("/proc/self/exe", 0x1, 0x2) = 0');
    assert.deepEqual(counter.result().execs, [
      { path: '/usr/bin/true', count: 1 },
      { path: '/dev/fd/3', count: 1 },
    ]);
    assert.deepEqual(unfiltered.result().execs, []);
  });
});
