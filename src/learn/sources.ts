// Where the kernel's seccomp records are read from (I/O; the parsing is records.ts). In order of
// preference for `--source auto`: auditd's log (when auditd runs, the kernel sends the records to
// it instead of printk), the journal's kernel messages (`journalctl -k`), then the kernel ring
// buffer (`dmesg`, or /dev/kmsg read without blocking). Never cleared, never written.

import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { ClawfenceError } from '../errors.js';

export const LOG_SOURCES = ['auto', 'audit', 'journal', 'dmesg', 'kmsg'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

export const AUDIT_LOG = '/var/log/audit/audit.log';

export interface LogText {
  /** What was read, for messages and rule comments: "dmesg", "journalctl -k", a file name. */
  source: string;
  text: string;
}

function run(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return undefined;
  }
}

/** /dev/kmsg from its oldest kept message to now, without blocking (one message per read). */
export function readKmsg(): string {
  let fd: number;
  try {
    fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new ClawfenceError('environment', `cannot read /dev/kmsg: ${(e as Error).message}`, { hint: 'run as root, or use --source dmesg' });
  }
  const lines: string[] = [];
  const buf = Buffer.alloc(16384);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') break;
        if (code === 'EPIPE') continue; // overwritten while reading: the next read resumes (the seq gap shows it)
        throw e;
      }
      if (n === 0) break;
      lines.push(buf.toString('utf8', 0, n).replace(/\n$/, '').split('\n')[0] ?? '');
    }
  } finally {
    closeSync(fd);
  }
  return lines.join('\n');
}

function auditdRuns(): boolean {
  return existsSync('/var/run/auditd.pid') || existsSync('/run/auditd.pid');
}

/** Reads the chosen source (or the file given). */
export function readKernelLog(source: LogSource, file?: string): LogText {
  if (file !== undefined) {
    try {
      return { source: file, text: readFileSync(file, 'utf8') };
    } catch (e) {
      throw new ClawfenceError('not-found', `cannot read --log ${file}: ${(e as Error).message}`, { hint: 'give a saved dmesg, journalctl -k or audit.log' });
    }
  }
  const pick = source === 'auto' ? (auditdRuns() && existsSync(AUDIT_LOG) ? 'audit' : 'chain') : source;
  if (pick === 'audit') {
    try {
      return { source: AUDIT_LOG, text: readFileSync(AUDIT_LOG, 'utf8') };
    } catch (e) {
      throw new ClawfenceError('environment', `cannot read ${AUDIT_LOG}: ${(e as Error).message}`, { hint: 'run as root, or choose --source dmesg' });
    }
  }
  if (pick === 'journal' || pick === 'chain') {
    const t = run('journalctl', ['-k', '-o', 'short-iso', '--no-pager', '-q']);
    if (t !== undefined && t.trim() !== '') return { source: 'journalctl -k', text: t };
    if (pick === 'journal') throw new ClawfenceError('environment', 'journalctl -k gave no kernel messages here', { hint: 'use --source dmesg (or auto)' });
  }
  if (pick === 'kmsg') return { source: '/dev/kmsg', text: readKmsg() };
  const d = run('dmesg', []);
  if (d !== undefined) return { source: 'dmesg', text: d };
  return { source: '/dev/kmsg', text: readKmsg() };
}

/** The cgroup of a live pid (/proc/PID/cgroup), undefined when it has exited. */
export function cgroupOfPid(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return undefined;
  }
}

/** printk's rate limit for the records that come through printk (not auditd's log). */
export function printkRatelimit(source: string): { intervalMs: number; burst: number } | undefined {
  if (source === AUDIT_LOG) return undefined;
  try {
    const interval = Number(readFileSync('/proc/sys/kernel/printk_ratelimit', 'utf8').trim());
    const burst = Number(readFileSync('/proc/sys/kernel/printk_ratelimit_burst', 'utf8').trim());
    return Number.isFinite(interval) && Number.isFinite(burst) ? { intervalMs: interval * 1000, burst } : undefined;
  } catch {
    return undefined;
  }
}
