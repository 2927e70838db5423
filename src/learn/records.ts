// The kernel's seccomp records, parsed from log text (pure: no I/O). The kernel writes one
// `type=1326` (AUDIT_SECCOMP) record per logged call: through printk when no audit daemon listens
// (`dmesg`, /dev/kmsg, `journalctl -k`), or to auditd (`type=SECCOMP` in /var/log/audit/audit.log).
// A record names the process (pid, comm, exe), the ABI (AUDIT_ARCH_*), the syscall number and the
// filter's return code; never the arguments. The kernel rate-limits these records: the parser also
// collects the lines that say records were dropped (docs/learn.md#rate-limits).

import { ARCHES, ARCH_INFO, type Arch } from '../syscalls/arch.js';
import { syscallName } from '../syscalls/table.js';

/** What the filter returned, from the record's code (SECCOMP_RET_ACTION_FULL). */
export type RecordAction = 'kill_process' | 'kill_thread' | 'trap' | 'errno' | 'notify' | 'trace' | 'log' | 'allow' | 'unknown';

export interface SeccompRecord {
  /** 1-based line in the text. */
  line: number;
  /** Wall-clock time of the call, ms since the epoch (the audit stamp). */
  timeMs: number;
  /** The audit serial (unique per boot). */
  serial: number;
  pid: number;
  comm: string;
  /** The executable ("/" for runc's init before it execs the tool); undefined when not given. */
  exe?: string;
  /** undefined when the AUDIT_ARCH_* is none clawfence knows. */
  abi?: Arch;
  auditArch: number;
  /** The syscall number as the kernel reports it (x32's include the 0x40000000 bit, as the tables do). */
  nr: number;
  /** undefined when the number is not in the ABI's table. */
  syscall?: string;
  action: RecordAction;
  /** The return data (errno), when the record gives it; the kernel's seccomp records give only
   * the action (code=0x50000 for an errno denial, whatever the errno), so normally undefined. */
  errno?: number;
  code: number;
}

export type SuppressionKind = 'callbacks-suppressed' | 'rate-limit-exceeded' | 'audit-lost' | 'backlog-limit' | 'hold-queue-overflow' | 'kmsg-gap';

/** A line saying that records (possibly seccomp records) were dropped. */
export interface Suppression {
  line: number;
  kind: SuppressionKind;
  /** How many messages, when the line says (kmsg-gap: how many sequence numbers are missing). */
  count?: number;
  text: string;
  /** Estimated wall-clock time, ms since the epoch, when it can be told (see estimateTimes). */
  timeMs?: number;
  /** The kernel's monotonic time of the line (dmesg's [seconds], kmsg's usec), in seconds. */
  monotonic?: number;
}

export interface ParsedLog {
  records: SeccompRecord[];
  suppressions: Suppression[];
  /** type=1326 lines that could not be read (line numbers), for the report. */
  unreadable: number[];
}

const ACTIONS: readonly [number, RecordAction][] = [
  [0x80000000, 'kill_process'],
  [0x00000000, 'kill_thread'],
  [0x00030000, 'trap'],
  [0x00050000, 'errno'],
  [0x7fc00000, 'notify'],
  [0x7ff00000, 'trace'],
  [0x7ffc0000, 'log'],
  [0x7fff0000, 'allow'],
];

const X32_BIT = 0x40000000;

/** The action and data of a seccomp return code. */
export function decodeCode(code: number): { action: RecordAction; data: number } {
  const full = (code & 0xffff0000) >>> 0;
  const hit = ACTIONS.find(([c]) => c === full);
  return { action: hit?.[1] ?? 'unknown', data: code & 0xffff };
}

/** The ABI of a record: AUDIT_ARCH_* plus, for x86_64, the x32 bit of the number. */
export function abiOf(auditArch: number, rawNr: number): { abi?: Arch; nr: number } {
  const candidates = ARCHES.filter((a) => ARCH_INFO[a].auditArch === auditArch >>> 0);
  if (candidates.includes('x86_64')) return { abi: (rawNr & X32_BIT) !== 0 ? 'x32' : 'x86_64', nr: rawNr };
  const abi = candidates[0];
  return abi === undefined ? { nr: rawNr } : { abi, nr: rawNr };
}

/** key=value and key="value" fields; an unquoted value of hex digits for comm/exe is decoded (audit
 * hex-encodes strings with spaces, quotes or control characters). */
export function auditFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  // auditd's enriched format appends the interpreted fields after a 0x1d separator.
  for (const m of text.matchAll(/(\w+)=("([^"]*)"|([^\s\x1d]+))/g)) {
    const key = m[1] ?? '';
    if (out.has(key)) continue;
    const quoted = m[3];
    const bare = m[4] ?? '';
    out.set(key, quoted ?? ((key === 'comm' || key === 'exe') && /^([0-9A-F]{2})+$/.test(bare) ? Buffer.from(bare, 'hex').toString('utf8') : bare));
  }
  return out;
}

const RECORD = /\btype=(?:1326|SECCOMP)\b.*?\baudit\((\d+)\.(\d{3}):(\d+)\):\s*(.*)$/;
/** dmesg's "[ 1234.567890] " and /dev/kmsg's "6,1234,1234567890,-;" prefixes. */
const DMESG_TIME = /^\s*\[\s*(\d+)\.(\d+)\]\s/;
const KMSG_PREFIX = /^(\d+),(\d+),(\d+),[^;]*;/;

function monotonicOf(line: string): { seconds?: number; seq?: number } {
  const d = DMESG_TIME.exec(line);
  if (d !== null) return { seconds: Number(`${d[1] ?? '0'}.${d[2] ?? '0'}`) };
  const k = KMSG_PREFIX.exec(line);
  if (k !== null) return { seconds: Number(k[3] ?? '0') / 1e6, seq: Number(k[2] ?? '0') };
  return {};
}

function num(s: string | undefined, radix = 10): number | undefined {
  if (s === undefined || s === '') return undefined;
  const v = radix === 16 ? Number.parseInt(s.replace(/^0x/i, ''), 16) : Number(s);
  return Number.isFinite(v) ? v : undefined;
}

function parseRecord(lineNo: number, m: RegExpExecArray): SeccompRecord | undefined {
  const f = auditFields(m[4] ?? '');
  const pid = num(f.get('pid'));
  const arch = num(f.get('arch'), 16);
  const rawNr = num(f.get('syscall'));
  const code = num(f.get('code'), 16);
  if (pid === undefined || arch === undefined || rawNr === undefined || code === undefined) return undefined;
  const { abi, nr } = abiOf(arch, rawNr);
  const { action, data } = decodeCode(code);
  const syscall = abi === undefined ? undefined : syscallName(abi, nr);
  const exe = f.get('exe');
  return {
    line: lineNo,
    timeMs: Number(m[1]) * 1000 + Number(m[2]),
    serial: Number(m[3]),
    pid,
    comm: f.get('comm') ?? '',
    ...(exe === undefined ? {} : { exe }),
    ...(abi === undefined ? {} : { abi }),
    auditArch: arch >>> 0,
    nr,
    ...(syscall === undefined ? {} : { syscall }),
    action,
    ...(action === 'errno' && data !== 0 ? { errno: data } : {}),
    code: code >>> 0,
  };
}

function parseSuppression(lineNo: number, line: string): Omit<Suppression, 'monotonic'> | undefined {
  // printk's ratelimit: "kauditd_printk_skb: 582 callbacks suppressed" (audit's own functions only;
  // "net_ratelimit: 3 callbacks suppressed" is about other messages).
  const cb = /\b(\w*audit\w*): (\d+) callbacks suppressed/.exec(line);
  if (cb !== null) return { line: lineNo, kind: 'callbacks-suppressed', count: Number(cb[2]), text: cb[0] };
  if (/\baudit: rate limit exceeded/.test(line)) return { line: lineNo, kind: 'rate-limit-exceeded', text: 'audit: rate limit exceeded' };
  const lost = /\baudit: audit_lost=(\d+)/.exec(line);
  if (lost !== null) return { line: lineNo, kind: 'audit-lost', count: Number(lost[1]), text: line.slice(line.indexOf('audit: audit_lost=')).trim() };
  if (/\baudit: backlog limit exceeded/.test(line)) return { line: lineNo, kind: 'backlog-limit', text: 'audit: backlog limit exceeded' };
  if (/\baudit: kauditd hold queue overflow/.test(line)) return { line: lineNo, kind: 'hold-queue-overflow', text: 'audit: kauditd hold queue overflow' };
  return undefined;
}

/** Parses kernel log text: dmesg, /dev/kmsg, `journalctl -k` or auditd's audit.log lines. */
export function parseKernelLog(text: string): ParsedLog {
  const records: SeccompRecord[] = [];
  const suppressions: Suppression[] = [];
  const unreadable: number[] = [];
  let lastSeq: number | undefined;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    const mono = monotonicOf(line);
    if (mono.seq !== undefined) {
      // /dev/kmsg numbers every message: a gap means the ring buffer lost messages.
      if (lastSeq !== undefined && mono.seq > lastSeq + 1)
        suppressions.push({
          line: lineNo,
          kind: 'kmsg-gap',
          count: mono.seq - lastSeq - 1,
          text: `kernel log messages ${lastSeq + 1}…${mono.seq - 1} are missing`,
          ...(mono.seconds === undefined ? {} : { monotonic: mono.seconds }),
        });
      lastSeq = mono.seq;
    }
    const m = RECORD.exec(line);
    if (m !== null) {
      const r = parseRecord(lineNo, m);
      if (r === undefined) unreadable.push(lineNo);
      else records.push(r);
      return;
    }
    const s = parseSuppression(lineNo, line);
    if (s !== undefined) suppressions.push({ ...s, ...(mono.seconds === undefined ? {} : { monotonic: mono.seconds }) });
  });
  return { records, suppressions: estimateTimes(suppressions, records, lines), unreadable };
}

/**
 * Suppression lines carry no audit stamp. Where the records around them do: a dmesg/kmsg line's
 * monotonic time is turned into wall time with the offset the records show (their audit stamp minus
 * their monotonic time); otherwise the next record's time is used (printk reports the suppressed
 * count just before the next message it lets through).
 */
function estimateTimes(sups: Suppression[], records: readonly SeccompRecord[], lines: readonly string[]): Suppression[] {
  const offsets = records
    .map((r) => {
      const s = monotonicOf(lines[r.line - 1] ?? '').seconds;
      return s === undefined ? undefined : r.timeMs - s * 1000;
    })
    .filter((x): x is number => x !== undefined)
    .sort((a, b) => a - b);
  const offset = offsets.length === 0 ? undefined : offsets[Math.floor(offsets.length / 2)];
  return sups.map((s) => {
    if (s.monotonic !== undefined && offset !== undefined) return { ...s, timeMs: Math.round(offset + s.monotonic * 1000) };
    const next = records.find((r) => r.line > s.line) ?? [...records].reverse().find((r) => r.line < s.line);
    return next === undefined ? s : { ...s, timeMs: next.timeMs };
  });
}
