// The robustness table's model and its pure parts: the generalisation levels to measure (from the
// generator when it exports them), what a profile lets through of the catalogued doors, the per-level
// tallies and the Markdown. Pure: the same results give the same text (test/bench/robustness.test.ts).

import { dangerousValues } from '../../src/catalog/dangerous-values.js';
import { syscallDoors } from '../../src/diff/doors.js';
import { computeSurface } from '../../src/evaluator/surface.js';
import { decideOutcome } from '../../src/evaluator/evaluate.js';
import { DOCKER_DEFAULT_CAPS } from '../../src/formats/shared/vocabulary.js';
import type { Profile } from '../../src/profile/model.js';
import { resolveProfile } from '../../src/profile/resolve.js';
import type { Arch } from '../../src/syscalls/arch.js';

/** What the generator says about its levels: the list when it exports GENERALIZE_LEVELS, else only
 * 'exact' (today's behaviour) and `option: false` (generate gets no option at all). */
export interface Levels {
  levels: string[];
  /** The generator's default level (DEFAULT_GENERALIZE_LEVEL), when it exports one. */
  defaultLevel?: string;
  /** Whether generate takes a `generalize` option (the generator exports the levels). */
  option: boolean;
}

/** Reads the levels from a module's exports (the generator's index). */
export function levelsFrom(mod: Readonly<Record<string, unknown>>): Levels {
  const list = mod['GENERALIZE_LEVELS'];
  const def = mod['DEFAULT_GENERALIZE_LEVEL'];
  if (!Array.isArray(list) || list.length === 0 || !list.every((l): l is string => typeof l === 'string')) return { levels: ['exact'], option: false };
  return { levels: [...list], option: true, ...(typeof def === 'string' && list.includes(def) ? { defaultLevel: def } : {}) };
}

/** Picks levels from `--levels`-style text ("exact,families"), keeping the generator's order. */
export function pickLevels(all: Levels, wanted: readonly string[] | undefined): string[] {
  if (wanted === undefined || wanted.length === 0) return all.levels;
  const bad = wanted.filter((w) => !all.levels.includes(w));
  if (bad.length > 0) throw new Error(`the generator has no generalisation level ${bad.join(', ')} (it has ${all.levels.join(', ')})`);
  return all.levels.filter((l) => wanted.includes(l));
}

/** The catalogued doors a profile lets through on its ABIs, with Docker's default capabilities:
 * syscalls dangerous in themselves (mount, bpf, ptrace …) allowed for some arguments, and the
 * dangerous argument values (clone CLONE_NEWUSER, socket AF_VSOCK …) whose call it allows.
 * Names on the native ABI are bare; others carry the ABI ("ptrace (x86)"). */
export function dangerousAllowed(profile: Profile, native: Arch): { syscalls: string[]; values: string[] } {
  const cp = resolveProfile(profile, { native, caps: [...DOCKER_DEFAULT_CAPS] });
  const doors = syscallDoors();
  const tag = (abi: Arch, s: string): string => (abi === native ? s : `${s} (${abi})`);
  const syscalls: string[] = [];
  for (const [abi, s] of computeSurface(cp)) for (const n of s.allowed) if (doors.has(n)) syscalls.push(tag(abi, n));
  const values: string[] = [];
  for (const abi of cp.architectures) {
    for (const v of dangerousValues()) {
      const args = [0n, 0n, 0n, 0n, 0n, 0n];
      args[v.index] = v.value;
      const a = decideOutcome(cp, abi, v.syscall, args).action;
      if (a === 'allow' || a === 'log') values.push(tag(abi, `${v.syscall}(arg${v.index} = ${v.name})`));
    }
  }
  return { syscalls: syscalls.sort(), values: [...new Set(values)].sort() };
}

/** pass: as expected; fail: ran to the end but not as expected; hung: killed at the timeout;
 * invalid: the workload fails under Docker's default profile too (not counted). */
export type PathVerdict = 'pass' | 'fail' | 'hung' | 'invalid';

export interface PathResult {
  name: string;
  verdict: PathVerdict;
  seconds: number;
  /** Why it failed ("exit code 159, expected 0"). */
  reasons: string[];
  /** What the profile denied that the run made (the complain pass), "x86_64 rename". */
  denied?: string[];
}

export interface LevelResult {
  tool: string;
  level: string;
  /** Syscalls recorded on x86_64, and what the profile allows there. */
  recorded: number;
  allowed: number;
  /** What Docker's default allows on x86_64 (moby v0.2.3, Docker's default capabilities). */
  dockerDefault: number;
  /** Allowed without being recorded (the runtime's calibrated set, clone3's ENOSYS companions, generalisation). */
  widened: string[];
  dangerous: { syscalls: string[]; values: string[] };
  /** Doors wider than Docker's default (generate's own check), and doors the recording used that stay shut. */
  wider: string[];
  refused: string[];
  train: PathResult[];
  heldout: PathResult[];
}

export interface RobustnessResults {
  schema: 'clawfence-robustness/1';
  startedAt: string;
  seconds: number;
  /** Every corpus tool measured (else a partial run). */
  complete: boolean;
  levels: string[];
  defaultLevel?: string;
  /** Whether the generator took the level as an option (false: it has no levels yet; 'exact' is today's generate). */
  levelOption: boolean;
  tools: string[];
  timeoutSeconds: number;
  /** Where it ran: "kernel 6.18.0, Docker 20.10.24, clawfence commit 62f29d4". */
  machine: string;
  /** Per tool: its held-out workloads that fail under Docker's default (not counted). */
  invalid: Record<string, string[]>;
  results: LevelResult[];
  notes: string[];
}

export interface Tally {
  pass: number;
  fail: number;
  hung: number;
  /** Counted paths (pass + fail + hung): invalid ones are left out. */
  total: number;
}

export function tally(paths: readonly PathResult[]): Tally {
  const n = (v: PathVerdict): number => paths.filter((p) => p.verdict === v).length;
  return { pass: n('pass'), fail: n('fail'), hung: n('hung'), total: n('pass') + n('fail') + n('hung') };
}

export interface LevelSummary {
  level: string;
  heldout: Tally;
  train: Tally;
  /** Tools whose profile allows more than half of Docker's default on x86_64. */
  overHalf: string[];
  dangerous: number;
  /** Dangerous doors allowed here that the exact profile does not allow (what generalisation added). */
  addedDangerous: string[];
}

export function summarizeLevel(results: readonly LevelResult[], level: string): LevelSummary {
  const here = results.filter((r) => r.level === level);
  const sum = (f: (r: LevelResult) => readonly PathResult[]): PathResult[] => here.flatMap(f);
  const added: string[] = [];
  for (const r of here) {
    const exact = results.find((x) => x.tool === r.tool && x.level === 'exact');
    if (exact === undefined || level === 'exact') continue;
    const before = new Set([...exact.dangerous.syscalls, ...exact.dangerous.values]);
    for (const d of [...r.dangerous.syscalls, ...r.dangerous.values]) if (!before.has(d)) added.push(`${r.tool}: ${d}`);
  }
  return {
    level,
    heldout: tally(sum((r) => r.heldout)),
    train: tally(sum((r) => r.train)),
    overHalf: here.filter((r) => r.allowed * 2 > r.dockerDefault).map((r) => r.tool),
    dangerous: here.reduce((n, r) => n + r.dangerous.syscalls.length + r.dangerous.values.length, 0),
    addedDangerous: added,
  };
}

function pct(a: number, b: number): string {
  return b === 0 ? '—' : `${((100 * a) / b).toFixed(0)}%`;
}

function tallyText(t: Tally): string {
  return `${t.pass}/${t.total}${t.total === 0 ? '' : ` (${pct(t.pass, t.total)})`}`;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(mdCell).join(' | ')} |`;
}

export const TABLE_HEAD = [
  'Tool',
  'Train pass',
  'Held-out pass',
  'Hung',
  'x86_64 allowed (recorded)',
  "Docker's default",
  'Share',
  'Dangerous allowed',
  'Failing held-out paths',
];

/** One line per tool at one level, and a total line. */
export function levelTable(results: readonly LevelResult[], level: string): string[] {
  const here = results.filter((r) => r.level === level);
  const lines = [row(TABLE_HEAD), `|${TABLE_HEAD.map(() => '---').join('|')}|`];
  for (const r of here) {
    const h = tally(r.heldout);
    const failing = r.heldout
      .filter((p) => p.verdict === 'fail' || p.verdict === 'hung')
      .map((p) => `${p.name}${p.verdict === 'hung' ? ' (hung)' : ''}${p.denied === undefined || p.denied.length === 0 ? '' : `: ${p.denied.join(', ')}`}`);
    const danger = [...r.dangerous.syscalls, ...r.dangerous.values];
    lines.push(
      row([
        r.tool,
        tallyText(tally(r.train)),
        tallyText(h),
        String(h.hung),
        `${r.allowed} (${r.recorded})`,
        String(r.dockerDefault),
        pct(r.allowed, r.dockerDefault),
        danger.length === 0 ? '0' : `${danger.length}: ${danger.join(', ')}`,
        failing.length === 0 ? '—' : failing.join('; '),
      ]),
    );
  }
  const s = summarizeLevel(results, level);
  const allowed = here.map((r) => r.allowed);
  lines.push(
    row([
      '**all**',
      tallyText(s.train),
      `**${tallyText(s.heldout)}**`,
      String(s.heldout.hung),
      allowed.length === 0 ? '—' : `${Math.min(...allowed)}–${Math.max(...allowed)}`,
      [...new Set(here.map((r) => r.dockerDefault))].join(', '),
      s.overHalf.length === 0 ? 'every tool ≤ 50%' : `over 50%: ${s.overHalf.join(', ')}`,
      String(s.dangerous),
      '',
    ]),
  );
  return lines;
}

export function renderRobustness(res: RobustnessResults): string {
  const out = [
    '# clawfence robustness: held-out paths of the corpus',
    '',
    `${res.complete ? 'All corpus tools' : `Partial run (${res.tools.join(', ')})`}, ${res.startedAt}, ${Math.round(res.seconds)} s. ` +
      'Each tool of bench/corpus is recorded once on its train workloads (eBPF, as `clawfence profile --workloads` does), a profile is generated per generalisation level from those footprints, ' +
      `and every held-out workload runs under it (\`verify\`: exit code and stdout checked; ${res.timeoutSeconds} s timeout, after which the run counts as hung and its containers are removed). ` +
      'A held-out workload that fails under Docker\'s default profile is not counted. "x86_64 allowed" is what the filter lets through on x86_64 (the evaluator\'s count), with the syscalls recorded there in brackets; ' +
      "Docker's default is moby v0.2.3 with Docker's default capabilities on the same ABI. \"Dangerous allowed\" lists the risk catalog's syscalls and dangerous argument values the profile lets through (with Docker's default capabilities).",
    '',
    `Machine: ${res.machine}.`,
    '',
    `Levels: ${res.levels.join(', ')}${res.levelOption ? '' : " (the generator exports no GENERALIZE_LEVELS yet: 'exact' is today's generate, called without a level)"}${res.defaultLevel === undefined ? '' : `; default ${res.defaultLevel}`}.`,
    '',
    '## Summary',
    '',
    row(['Level', 'Held-out pass', 'Hung', 'Train pass', 'Profiles ≤ 50% of Docker default', 'Dangerous allowed', 'Added by generalisation']),
    '|---|---|---|---|---|---|---|',
  ];
  for (const level of res.levels) {
    const s = summarizeLevel(res.results, level);
    const n = res.results.filter((r) => r.level === level).length;
    out.push(
      row([
        `${level}${level === res.defaultLevel ? ' (default)' : ''}`,
        tallyText(s.heldout),
        String(s.heldout.hung),
        tallyText(s.train),
        `${n - s.overHalf.length}/${n}`,
        String(s.dangerous),
        level === 'exact' ? '—' : s.addedDangerous.length === 0 ? '0' : s.addedDangerous.join(', '),
      ]),
    );
  }
  for (const level of res.levels) out.push('', `## Level ${level}`, '', ...levelTable(res.results, level));
  const invalid = Object.entries(res.invalid).filter(([, v]) => v.length > 0);
  if (invalid.length > 0) out.push('', "## Not counted (fail under Docker's default)", '', ...invalid.map(([t, v]) => `- ${t}: ${v.join(', ')}`));
  if (res.notes.length > 0) out.push('', '## Notes', '', ...res.notes.map((n) => `- ${n}`));
  out.push(
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm run bench -- --only robustness                       # every corpus tool (writes bench/results/robustness.*)',
    'npm run bench -- --only robustness --tools git,zstd      # some tools (writes bench/results/robustness-partial.*)',
    '```',
    '',
  );
  return out.join('\n');
}
