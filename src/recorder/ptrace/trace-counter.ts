// Counts what `strace -f` saw the way the eBPF recorder counts it: only calls a task makes while
// it has a seccomp filter (from the moment the runtime installs it: seccomp(SET_MODE_FILTER) or
// prctl(PR_SET_SECCOMP, FILTER), per thread, all threads with TSYNC, inherited by clone), per ABI,
// the runtime's own calls (the installer's, until it execs the tool) apart, the first process per
// syscall, and the danger arguments' values (alone, or as tuples: socket's family, type and
// protocol), and the paths of successful execs under the filter. Threads whose parent is not known yet (strace can print a child's first calls before
// the parent's clone returns) wait until it is.

import { basename } from 'node:path';
import type { Arch } from '../../syscalls/arch.js';
import { syscallName } from '../../syscalls/table.js';
import { DANGER_ARGS, recordedValue, type ArgField } from '../arg-spec.js';
import type { RawArgValue, RawExec, RawSyscall } from '../recorder.js';
import { cloneFlags, parseStraceLine, rawArgs, returnValue, type StraceLine } from './strace-line.js';
import { SOCKETCALL_CODES } from '../../syscalls/multiplexers.js';

/** A task that was already there when strace attached. */
export interface SeedTask {
  tid: number;
  tgid: number;
  comm: string;
  exe: string;
  /** It had a seccomp filter already (calls before the attach were missed). */
  filtered: boolean;
}

interface Task {
  tid: number;
  tgid: number;
  comm: string;
  exe: string;
  /** The ABI strace decodes this task's calls in (its personality); undefined until known. */
  pers: Arch | undefined;
  /** The parent's ABI when the task was cloned: the guess for its first call. */
  parentPers: Arch;
  filtered: boolean;
  /** In the container runtime's image after the runtime installed the filter, before it execs. */
  runtime: boolean;
  unfinished?: { abi: Arch; nr: number; name: string; args: string };
}

export interface TraceLosses {
  /** Lines in no known form. */
  unparsed: number;
  /** Filtered calls whose number strace could not read. */
  unknownNr: number;
  /** Danger arguments that were not printed as integers. */
  args: number;
  /** Lines of threads whose parent never became known. */
  orphanLines: number;
}

const CLONE_THREAD = 0x10000n;
const PR_SET_SECCOMP = 22n;
const SECCOMP_MODE_FILTER = 2n;
const SECCOMP_SET_MODE_FILTER = 1n;
const SECCOMP_FILTER_FLAG_TSYNC = 1n;
const X32_BIT = 0x40000000;

// i386 socketcall(call, args): strace prints the sub-call by name; the call number is the argument
// (SOCKETCALL_CODES, syscalls/multiplexers.ts).

const PERSONALITY_ABI: Readonly<Record<string, Arch>> = { '64 bit': 'x86_64', '32 bit': 'x86', x32: 'x32' };

/** The syscall number as the footprint and the tables write it (x32 carries its 0x40000000 bit). */
function tableNr(abi: Arch, nr: number): number {
  return abi === 'x32' ? (nr | X32_BIT) >>> 0 : nr;
}

/** The ABI whose table has this number under this name, when exactly one of x86_64 and i386 does. */
function abiByName(nr: number, name: string): Arch | undefined {
  const hits = (['x86_64', 'x86'] as const).filter((a) => syscallName(a, nr) === name);
  return hits.length === 1 ? hits[0] : undefined;
}

/** strace's C-style string escapes (\\, \", \n, \t, \ooo octal, \xhh) back to the bytes, read as UTF-8. */
export function unescapeStrace(text: string): string {
  const bytes: number[] = [];
  const simple: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, v: 11, f: 12, a: 7, b: 8, e: 27 };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== '\\' || i + 1 >= text.length) {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = text[i + 1] as string;
    const oct = /^[0-7]{1,3}/.exec(text.slice(i + 1));
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(i + 1));
    if (oct !== null) {
      bytes.push(parseInt(oct[0], 8) & 0xff);
      i += oct[0].length;
    } else if (hex !== null) {
      bytes.push(parseInt(hex[1] ?? '0', 16));
      i += hex[0].length;
    } else {
      bytes.push(simple[n] ?? n.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The quoted strings of a call's arguments, unescaped, in order. */
function quotedStrings(args: string): string[] {
  return [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unescapeStrace(m[1] ?? ''));
}

/** The path an exec was given, as the kernel names it (bprm->filename, what the eBPF recorder
 * reads): execve's first argument; execveat's path, or relative to its descriptor "/dev/fd/N/PATH"
 * ("/dev/fd/N" with AT_EMPTY_PATH). */
export function execPath(sname: string, args: string): string | undefined {
  const strings = quotedStrings(args);
  if (sname === 'execve') return strings[0];
  const path = strings[0];
  const fd = /^\s*(-?\d+|AT_FDCWD)\s*,/.exec(args)?.[1];
  if (path === undefined || fd === undefined) return undefined;
  if (path.startsWith('/') || ((fd === 'AT_FDCWD' || fd === '-100') && path !== '')) return path;
  return path === '' ? `/dev/fd/${fd}` : `/dev/fd/${fd}/${path}`;
}

export class TraceCounter {
  private readonly tasks = new Map<number, Task>();
  private readonly waiting = new Map<number, StraceLine[]>();
  private readonly counts = new Map<string, RawSyscall>();
  private readonly argValues = new Map<string, RawArgValue>();
  private readonly execs = new Map<string, number>();
  private seq = 0;
  readonly lost: TraceLosses = { unparsed: 0, unknownNr: 0, args: 0, orphanLines: 0 };
  /** A few of the lines that could not be parsed, for the error message. */
  readonly unparsedSample: string[] = [];

  /** Registers a task strace attached to (its threads included); strace starts it in 64-bit mode. */
  seed(t: SeedTask): void {
    this.tasks.set(t.tid, { ...t, pers: 'x86_64', parentPers: 'x86_64', runtime: false });
  }

  push(text: string): void {
    if (text.trim() === '') return;
    const line = parseStraceLine(text);
    if (line === undefined) {
      this.lost.unparsed++;
      if (this.unparsedSample.length < 3) this.unparsedSample.push(text.slice(0, 200));
      return;
    }
    this.apply(line);
  }

  private apply(line: StraceLine): void {
    const task = this.tasks.get(line.tid);
    if (task === undefined) {
      if (line.kind === 'superseded') this.supersede(line.tid, line.oldTid);
      else this.waiting.set(line.tid, [...(this.waiting.get(line.tid) ?? []), line]);
      return;
    }
    switch (line.kind) {
      case 'personality':
        task.pers = PERSONALITY_ABI[line.mode];
        return;
      case 'superseded':
        this.supersede(line.tid, line.oldTid);
        return;
      case 'exit':
        this.tasks.delete(line.tid);
        return;
      case 'notice':
        return;
      case 'unknown-call':
        if (task.filtered) this.lost.unknownNr++;
        return;
      case 'call': {
        if (line.comm !== undefined) task.comm = line.comm;
        const abi = this.abiOf(task, line.nr, line.name);
        if (task.filtered) this.count(task, abi, line.nr, line.name, line.args);
        if (line.unfinished) task.unfinished = { abi, nr: line.nr, name: line.name, args: line.args };
        else this.effects(task, abi, line.nr, line.name, line.args, line.ret, line.retPid);
        return;
      }
      case 'resumed': {
        if (line.comm !== undefined) task.comm = line.comm;
        const u = task.unfinished;
        delete task.unfinished;
        this.effects(task, u?.abi ?? this.abiOf(task, line.nr, line.name), line.nr, line.name, `${u?.args ?? ''}${line.args}`, line.ret, line.retPid);
        return;
      }
    }
  }

  private abiOf(task: Task, nr: number, name: string): Arch {
    if (task.pers === undefined) task.pers = abiByName(nr, name) ?? task.parentPers;
    return task.pers;
  }

  private count(task: Task, abi: Arch, nr: number, name: string, args: string): void {
    const n = tableNr(abi, nr);
    const key = `${abi}/${n}/${task.runtime ? 'r' : 't'}`;
    const row = this.counts.get(key);
    if (row === undefined) {
      this.counts.set(key, { abi, nr: n, count: 1, runtime: task.runtime, comm: task.comm, exe: task.exe, pid: task.tgid, ts: this.seq++ });
    } else row.count++;
    const sname = syscallName(abi, n);
    if (sname === undefined || !Object.hasOwn(DANGER_ARGS, sname)) return;
    const fields = DANGER_ARGS[sname] ?? [];
    const values = this.argsOf(sname, name, args, fields);
    if (values === undefined) {
      this.lost.args++;
      return;
    }
    const indices = fields.map((f) => f.index);
    const akey = `${abi}/${n}/${indices.join(',')}/${values.join(',')}`;
    const a = this.argValues.get(akey);
    if (a === undefined) this.argValues.set(akey, { abi, nr: n, indices, values, count: 1 });
    else a.count++;
  }

  /** The recorded arguments' values as the BPF program reads them from the registers (masked
   * alike); undefined when strace did not print one of them as an integer. */
  private argsOf(sname: string, name: string, args: string, fields: readonly ArgField[]): bigint[] | undefined {
    // i386 socketcall: strace prints the sub-call by name; its number is the first argument.
    if (sname === 'socketcall' && name !== 'socketcall') {
      const call = SOCKETCALL_CODES[name];
      return call === undefined ? undefined : [BigInt(call)];
    }
    if (sname === 'clone') {
      const flags = cloneFlags(args);
      return flags === undefined ? undefined : [flags];
    }
    const raw = rawArgs(args);
    const out: bigint[] = [];
    for (const f of fields) {
      const v = raw?.[f.index];
      if (v === undefined) return undefined;
      out.push(recordedValue(f, v));
    }
    return out;
  }

  /** What a finished call changes: the filter, the image, new tasks. */
  private effects(task: Task, abi: Arch, nr: number, name: string, args: string, retText: string | undefined, retPid: number | undefined): void {
    const ret = returnValue(retText);
    if (ret === undefined || ret < 0n) return;
    // A child's id as the host numbers it (strace translates pids returned into a container).
    const child = retPid ?? Number(ret);
    const sname = syscallName(abi, tableNr(abi, nr)) ?? name;
    switch (sname) {
      case 'execve':
      case 'execveat': {
        if (ret !== 0n) return;
        task.runtime = false;
        const path = execPath(sname, args);
        if (path === undefined) return;
        task.exe = basename(path);
        if (task.filtered) this.execs.set(path, (this.execs.get(path) ?? 0) + 1);
        return;
      }
      case 'seccomp': {
        const a = rawArgs(args);
        if (a?.[0] === SECCOMP_SET_MODE_FILTER) this.install(task, ((a[1] ?? 0n) & SECCOMP_FILTER_FLAG_TSYNC) !== 0n);
        return;
      }
      case 'prctl': {
        const a = rawArgs(args);
        if (a?.[0] === PR_SET_SECCOMP && a[1] === SECCOMP_MODE_FILTER && ret === 0n) this.install(task, false);
        return;
      }
      case 'clone':
      case 'clone3':
        if (ret > 0n) this.link(child, task, ((cloneFlags(args) ?? 0n) & CLONE_THREAD) !== 0n);
        return;
      case 'fork':
      case 'vfork':
        if (ret > 0n) this.link(child, task, false);
        return;
      default:
        return;
    }
  }

  /** A filter installed by a task that had none is the runtime's: its calls are the runtime's
   * until it execs. With TSYNC every thread of the process gets it. */
  private install(task: Task, tsync: boolean): void {
    const threads = tsync ? [...this.tasks.values()].filter((t) => t.tgid === task.tgid) : [task];
    for (const t of threads) {
      if (!t.filtered) t.runtime = true;
      t.filtered = true;
    }
  }

  private link(tid: number, parent: Task, thread: boolean): void {
    this.tasks.set(tid, {
      tid,
      tgid: thread ? parent.tgid : tid,
      comm: parent.comm,
      exe: parent.exe,
      pers: undefined,
      parentPers: parent.pers ?? parent.parentPers,
      filtered: parent.filtered,
      runtime: parent.runtime,
    });
    const lines = this.waiting.get(tid);
    if (lines === undefined) return;
    this.waiting.delete(tid);
    for (const l of lines) this.apply(l);
  }

  /** A thread other than the leader exec'd: it takes over the leader's id. */
  private supersede(leader: number, oldTid: number): void {
    const t = this.tasks.get(oldTid);
    if (t === undefined) return;
    this.tasks.delete(oldTid);
    this.tasks.set(leader, { ...t, tid: leader });
  }

  /** Every counted syscall and argument value; lines of tasks never linked count as lost. */
  result(): { syscalls: RawSyscall[]; args: RawArgValue[]; execs: RawExec[] } {
    for (const lines of this.waiting.values()) this.lost.orphanLines += lines.filter((l) => l.kind === 'call').length;
    this.waiting.clear();
    return { syscalls: [...this.counts.values()], args: [...this.argValues.values()], execs: [...this.execs].map(([path, count]) => ({ path, count })) };
  }
}
