// The run cgroup as the ptrace recorder sees it: frozen before the container exists (cgroup v2
// cgroup.freeze, inherited by the container's cgroup the runtime creates below it), so strace can
// attach to the runtime's first process before it runs a single instruction; the tasks below it;
// and what /proc says of each task (its process, tracer, seccomp mode, name, executable).

import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ClawfenceError } from '../../errors.js';

/** Freezes (true) or thaws (false) every task in the cgroup and below it, present and future. */
export function setFrozen(dir: string, frozen: boolean): void {
  const file = join(dir, 'cgroup.freeze');
  if (!existsSync(file)) {
    throw new ClawfenceError('environment', `${file} does not exist: the ptrace recorder needs the cgroup v2 freezer (Linux 5.2 or later)`, {
      hint: 'use a kernel with cgroup v2 freezing, or record with --recorder ebpf',
    });
  }
  writeFileSync(file, frozen ? '1' : '0');
}

/** Thaws without throwing (cleanup paths; the cgroup may already be gone). */
export function thawQuietly(dir: string): void {
  try {
    writeFileSync(join(dir, 'cgroup.freeze'), '0');
  } catch {
    /* removed already */
  }
}

/** Process ids in the cgroup and every cgroup below it. */
export function processesUnder(dir: string): number[] {
  const out: number[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    try {
      for (const l of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) if (/^\d+$/.test(l)) out.push(Number(l));
    } catch {
      /* removed meanwhile */
    }
    for (const e of entries) if (e.isDirectory()) walk(join(d, e.name));
  };
  walk(dir);
  return out;
}

export interface TaskInfo {
  tid: number;
  tgid: number;
  tracerPid: number;
  /** 0 none, 1 strict, 2 filter. */
  seccomp: number;
  comm: string;
  exe: string;
  /** Exited (zombie or dead): it makes no more calls, and its tracer may have let go of it. */
  exited: boolean;
}

/** The threads of a process (empty when it is gone). */
export function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .filter((t) => /^\d+$/.test(t))
      .map(Number);
  } catch {
    return [];
  }
}

/** What /proc says of a thread, or undefined when it is gone. */
export function taskInfo(pid: number, tid: number): TaskInfo | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
    let exe = '';
    try {
      exe = basename(readlinkSync(`/proc/${pid}/exe`));
    } catch {
      /* kernel thread or gone */
    }
    const comm = field('Name');
    // A runtime running from a detached copy of its binary shows "/" here: name it by its comm.
    const exited = /^[ZX]/.test(field('State'));
    return {
      tid,
      tgid: Number(field('Tgid')),
      tracerPid: Number(field('TracerPid')),
      seccomp: Number(field('Seccomp')),
      comm,
      exe: exe === '' ? comm : exe,
      exited,
    };
  } catch {
    return undefined;
  }
}
