// The hardening report's model (docs/report.md): everything the terminal table, the JSON and the
// HTML page show, computed once; the renderers only lay it out. `clawfence probe` fills it, and
// `clawfence profile` / `verify` fill it with their footprint, audit and coverage too.

import type { ProbeCell, ProbeSpec, Verdict } from '../battery/model.js';

export const REPORT_SCHEMA = 'clawfence.report/v1';

/** One column of the probe matrix: a seccomp configuration the battery ran under. */
export interface ProbeColumn {
  /** "unconfined" | "engine-default" | "docker-reference" | "profile" */
  id: string;
  /** "Unconfined", "Engine's built-in default (Docker 20.10.24)", "Docker's reference default (moby profiles v0.2.3)", "This profile". */
  title: string;
  /** How the column's profile was obtained ("read from the OCI bundle runc was given", a file path, a digest). */
  source: string;
  /** sha256 of the Docker JSON the battery ran under (absent for unconfined). */
  profileDigest?: string;
}

export interface ProbeRow {
  probe: ProbeSpec;
  /** One cell per column, in the order of `columns`. */
  cells: ProbeCell[];
  /** The probed syscall is in the tool's recorded footprint (the tool needs it). */
  recorded?: boolean;
}

export interface ProbeMatrix {
  columns: ProbeColumn[];
  rows: ProbeRow[];
  /** Per column id: how many probes got each verdict. */
  counts: Record<string, Record<Verdict, number>>;
  /** The marker errno the denied answers were replaced by, and the method in a paragraph. */
  markerErrno: number;
  method: string;
  /** The run options the battery shared with the tool (user, capabilities, …), as given. */
  runOptions: string[];
}

/** How one syscall stands in a profile, for the syscall map. */
export type MapState =
  /** allowed without conditions */
  | 'allowed'
  /** allowed only for some argument values */
  | 'conditional'
  /** allowed because clawfence generalised beyond the recording */
  | 'generalised'
  /** allowed (with or without conditions) while its risk tier is dangerous */
  | 'dangerous-allowed'
  | 'denied';

export interface MapCell {
  name: string;
  nr: number;
  tier: 'benign' | 'moderate' | 'dangerous';
  profile: MapState;
  dockerDefault: MapState;
}

export interface SyscallMap {
  abi: string;
  cells: MapCell[];
  /** Per state: how many syscalls of the ABI the profile / Docker's default leave in it. */
  counts: { profile: Record<MapState, number>; dockerDefault: Record<MapState, number> };
  /** Which default the right-hand map is ("Docker's reference default, moby profiles v0.2.3"). */
  dockerDefaultTitle: string;
}

export interface ReportFinding {
  id: string;
  severity: string;
  title: string;
  message: string;
  syscall?: string;
}

export interface Provenance {
  clawfenceVersion: string;
  generatedAt: string;
  image: string;
  imageDigest?: string;
  profilePath?: string;
  profileDigest?: string;
  engine: string;
  engineVersion: string;
  runtime: string;
  runtimeVersion: string;
  libseccompVersion?: string;
  kernel: string;
  workloads: string[];
  recorder?: string;
}

export interface HardeningReport {
  schema: typeof REPORT_SCHEMA;
  /** The tool's name (image or workloads file). */
  title: string;
  provenance: Provenance;
  /** The tool's footprint: recorded syscalls per ABI (absent for `clawfence probe` without a footprint). */
  footprint?: { abi: string; recorded: number; allowed: number; dockerDefault: number; total: number }[];
  map?: SyscallMap;
  probes?: ProbeMatrix;
  findings: ReportFinding[];
  /** The coverage report's notes, one line each. */
  coverage: string[];
  /** The headline: a few sentences a reviewer reads first. */
  summary: string[];
}
