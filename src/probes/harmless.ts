// Which calls the kernel probe may really make: every replayed call also runs allowed (in the
// baseline and whenever a profile allows it), so only calls whose effect stays inside the probe's
// own short-lived container are accepted, each with the reason it is harmless.

import type { Arch } from '../syscalls/arch.js';
import { syscallName } from '../syscalls/table.js';

export type HarmlessVerdict = { ok: true; why: string } | { ok: false; why: string };

const LOW32 = 0xffffffffn;
const CLONE_VM = 0x100n;
const CLONE_VFORK = 0x4000n;
const CLONE_THREAD = 0x10000n;
const CLONE_SETTLS = 0x80000n;
const CLONE_PARENT_SETTID = 0x100000n;
const CLONE_CHILD_CLEARTID = 0x200000n;
const CLONE_CHILD_SETTID = 0x1000000n;
const CLONE_SHARING = CLONE_VM | CLONE_VFORK | CLONE_THREAD | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;
const TTY_QUERIES = new Set([0x5401n /* TCGETS */, 0x5413n /* TIOCGWINSZ */]);

type Check = (args: readonly bigint[]) => HarmlessVerdict;

const ok = (why: string): HarmlessVerdict => ({ ok: true, why });
const no = (why: string): HarmlessVerdict => ({ ok: false, why });
const always =
  (why: string): Check =>
  () =>
    ok(why);
const arg = (args: readonly bigint[], i: number): bigint => args[i] ?? 0n;
const zeroFrom = (args: readonly bigint[], first: number): boolean => args.slice(first).every((a) => a === 0n);

const CHECKS: Record<string, Check> = {
  getpid: always("reads the probe's own pid"),
  getppid: always('reads the parent pid'),
  getuid: always("reads the probe's uid"),
  getpriority: always('reads a scheduling priority'),
  getpgid: always('reads a process group id'),
  getsid: always('reads a session id'),
  sched_getscheduler: always('reads a scheduling policy'),
  sched_get_priority_max: always('reads a constant of a scheduling policy'),
  sched_get_priority_min: always('reads a constant of a scheduling policy'),
  sched_getparam: (a) =>
    arg(a, 1) === 0n ? ok('reads scheduling parameters into a null pointer: fails before writing') : no('sched_getparam with a non-null buffer pointer'),
  umask: always("changes only the probe's own file-creation mask"),
  personality: always("changes only the probe's own execution domain; the probe exits right after"),
  ioctl: (a) =>
    arg(a, 0) === 0n && TTY_QUERIES.has(arg(a, 1) & LOW32) && arg(a, 2) === 0n
      ? ok('a read-only terminal query (TCGETS/TIOCGWINSZ) on stdin (/dev/null) with a null pointer')
      : no('ioctl other than TCGETS/TIOCGWINSZ on fd 0 with a null pointer'),
  socket: always('creates a socket the probe closes at once, in a container without network'),
  socketpair: (a) =>
    arg(a, 3) === 0n
      ? ok('socketpair with a null result pointer: the two sockets are closed when the copy fails with EFAULT')
      : no('socketpair with a result pointer'),
  setsockopt: (a) =>
    (arg(a, 0) & LOW32) === LOW32 && arg(a, 3) === 0n
      ? ok('setsockopt on fd -1 with a null value: fails with EBADF before reading anything')
      : no('setsockopt on a descriptor or with a value'),
  socketcall: (a) => (arg(a, 1) === 0n ? ok('socketcall with a null argument block fails with EFAULT') : no('socketcall with an argument block')),
  clone: (a) =>
    (arg(a, 0) & CLONE_SHARING) === 0n && zeroFrom(a, 1)
      ? ok('a fork-like child (no shared memory or thread group) that exits at once')
      : no('clone sharing memory, TLS or thread ids with the probe'),
  clone3: (a) => (arg(a, 0) === 0n ? ok('clone3 with a null argument block fails with EFAULT') : no('clone3 with an argument block')),
  mount: (a) => (zeroFrom(a, 0) ? ok('mount with null source, target and type fails without touching any mount') : no('mount with arguments')),
};

/** Whether the probe may make this call for real, and why (`nr` is the number on `abi`). */
export function harmless(abi: Arch, nr: number, args: readonly bigint[]): HarmlessVerdict {
  if (abi !== 'x86_64' && abi !== 'x86') return no(`the probe makes x86_64 and i386 calls only, not ${abi}`);
  const name = syscallName(abi, nr);
  if (name === undefined) return ok(`no syscall has number ${nr} on ${abi}: the kernel answers ENOSYS`);
  const check = CHECKS[name];
  if (check === undefined) return no(`${name} is not on the probe's list of calls that are harmless when allowed`);
  return check(args);
}
