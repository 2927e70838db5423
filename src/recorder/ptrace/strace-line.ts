// Parses one line of `strace -f -n --decode-pids=comm,pidns -X raw -o FILE` output into what the
// ptrace recorder needs: whose line it is (a host thread id), the syscall number and name, the
// argument text and the return value (a pid returned into a container translated to the host's
// numbering); or a personality switch, an exit, or a thread's exec taking over its leader.

export type StraceLine =
  | { kind: 'call'; tid: number; comm?: string; nr: number; name: string; args: string; ret?: string; retPid?: number; unfinished: boolean }
  | { kind: 'resumed'; tid: number; comm?: string; nr: number; name: string; args: string; ret?: string; retPid?: number }
  | { kind: 'personality'; tid: number; mode: '64 bit' | '32 bit' | 'x32' }
  | { kind: 'superseded'; tid: number; oldTid: number }
  /** A syscall whose number strace could not read ("[????] ????(", or "[ 230] ???(" when it could
   * not read the registers of a thread that was being killed: the number shown is then the
   * thread's previous call's). */
  | { kind: 'unknown-call'; tid: number }
  /** The task ended ("+++ exited with 0 +++", "+++ killed by SIGKILL +++"): its id may be reused. */
  | { kind: 'exit'; tid: number }
  /** Signal and detach notices: nothing to count. */
  | { kind: 'notice'; tid: number };

// "1234<comm> [  59] rest" — the comm part comes from -Y, the number from -n.
const PREFIX = /^(\d+)(?:<(.*?)>)? +(?:\[ *(\d+|\?+)\] )?(.*)$/;
const PERSONALITY = /^\[ Process PID=\d+ runs in (64 bit|32 bit|x32) mode\. \]$/;
const SUPERSEDED = /^\+\+\+ superseded by execve in pid (\d+) \+\+\+$/;
const RESUMED = /^<\.\.\. ([A-Za-z0-9_]+) resumed>(.*)$/;
const CALL = /^([A-Za-z0-9_]+)\((.*)$/;
const UNFINISHED = ' <unfinished ...>';
// What follows the arguments of a finished call: ") = 0", ")      = -1 ENOENT (…)",
// ") = 7<sh> /* 27543 in strace's PID NS */" (a child's pid, and the same pid on the host).
const RETURN_TAIL = /^\) += (\?|-?\d+|0x[0-9a-fA-F]+)(?:<.*?>)?(?: \/\* (\d+) in strace's PID NS \*\/)?(?: .*)?$/;

/** Splits "ARGS) = RET…" at the last ") = " that is followed by a return value. */
function returnOf(rest: string): { args: string; ret?: string; retPid?: number } {
  const closes = [...rest.matchAll(/\) +=/g)].map((m) => m.index);
  for (let k = closes.length - 1; k >= 0; k--) {
    const at = closes[k] ?? 0;
    const m = RETURN_TAIL.exec(rest.slice(at));
    if (m !== null) return { args: rest.slice(0, at), ...(m[1] === undefined ? {} : { ret: m[1] }), ...(m[2] === undefined ? {} : { retPid: Number(m[2]) }) };
  }
  return { args: rest };
}

/** Parses a line; undefined when it is not in any form the recorder knows (counted as a loss). */
export function parseStraceLine(line: string): StraceLine | undefined {
  const p = PREFIX.exec(line);
  if (p === null) return undefined;
  const tid = Number(p[1]);
  const comm = p[2];
  const nrText = p[3];
  const body = p[4] ?? '';
  const who = { tid, ...(comm === undefined ? {} : { comm }) };
  const personality = PERSONALITY.exec(body);
  if (personality !== null) return { kind: 'personality', tid, mode: personality[1] as '64 bit' | '32 bit' | 'x32' };
  const superseded = SUPERSEDED.exec(body);
  if (superseded !== null) return { kind: 'superseded', tid, oldTid: Number(superseded[1]) };
  if (/^\+\+\+ (exited with|killed by) /.test(body)) return { kind: 'exit', tid };
  if (body.startsWith('+++ ') || body.startsWith('--- ') || body.startsWith('<detached')) return { kind: 'notice', tid };
  if (nrText === undefined) return undefined;
  if (nrText.startsWith('?') || body.startsWith('???(')) return { kind: 'unknown-call', tid };
  // The end of such a call: nothing more to learn from it.
  if (body.startsWith('<... ??? resumed>')) return { kind: 'notice', tid };
  const nr = Number(nrText);
  const resumed = RESUMED.exec(body);
  if (resumed !== null) {
    return { kind: 'resumed', ...who, nr, name: resumed[1] ?? '', ...returnOf(resumed[2] ?? '') };
  }
  const call = CALL.exec(body);
  if (call === null) return undefined;
  const rest = call[2] ?? '';
  if (rest.endsWith(UNFINISHED)) {
    return { kind: 'call', ...who, nr, name: call[1] ?? '', args: rest.slice(0, -UNFINISHED.length), unfinished: true };
  }
  return { kind: 'call', ...who, nr, name: call[1] ?? '', ...returnOf(rest), unfinished: false };
}

/** The arguments of a call printed raw (-e raw=…): each a hex or decimal integer. Undefined when
 * an argument is anything else. */
export function rawArgs(args: string): bigint[] | undefined {
  const text = args.trim();
  if (text === '') return [];
  const out: bigint[] = [];
  for (const a of text.split(', ')) {
    if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(a)) return undefined;
    out.push(BigInt(a));
  }
  return out;
}

/** A return value as a number (hex when the call was printed raw); undefined for "?". */
export function returnValue(ret: string | undefined): bigint | undefined {
  if (ret === undefined || ret === '?') return undefined;
  return ret.startsWith('-') ? -BigInt(ret.slice(1)) : BigInt(ret);
}

/** clone's flags as -X raw prints them ("flags=0x1200000|17": the flags and the exit signal). */
export function cloneFlags(args: string): bigint | undefined {
  const m = /\bflags=((?:0x[0-9a-fA-F]+|\d+)(?:\|(?:0x[0-9a-fA-F]+|\d+))*)/.exec(args);
  if (m?.[1] === undefined) return undefined;
  return m[1].split('|').reduce((acc, part) => acc | BigInt(part), 0n);
}
