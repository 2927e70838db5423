// The shape of `clawfence doctor`'s answer: one check per prerequisite, each with a fix when it fails.

import type { Engine } from '../engine/engine-info.js';

/** error: clawfence's main job cannot run; warning: something works in a degraded way or is optional. */
export type CheckSeverity = 'error' | 'warning';

export interface DoctorCheck {
  /** Stable id, e.g. "engine", "kernel-seccomp", "btf". */
  id: string;
  /** A short human title, e.g. "Docker engine". */
  title: string;
  ok: boolean;
  /** What was found (also when ok), one line. */
  detail: string;
  /** What to do, when not ok: a command or a one-line instruction. */
  fix?: string;
  /** How much a failure matters (meaningful when not ok). */
  severity: CheckSeverity;
}

export interface DoctorReport {
  /** True when no check of severity "error" failed. */
  ok: boolean;
  checks: DoctorCheck[];
  /** The engine found, when one answered. */
  engine?: Engine;
}

/** Builds a passing check. */
export function passed(id: string, title: string, detail: string, severity: CheckSeverity = 'error'): DoctorCheck {
  return { id, title, ok: true, detail, severity };
}

/** Builds a failing check with its fix. */
export function failed(id: string, title: string, detail: string, fix: string, severity: CheckSeverity = 'error'): DoctorCheck {
  return { id, title, ok: false, detail, fix, severity };
}
