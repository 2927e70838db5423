// Robustness (issue 10): do generated profiles keep working on paths the workloads did not take?
// For each tool of the held-out corpus (bench/corpus/<tool>/): its train workloads are recorded
// once (as `clawfence profile --workloads` records them; cached per image and recorder), a profile
// is generated from those footprints per generalisation level, and every held-out workload runs
// under it through the verifier (exit code and stdout checked; a run that does not end within the
// timeout counts as hung and its containers are removed). The held-out workloads run once under
// Docker's default first: one that fails there is the workload's fault and is not counted.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import * as generatorApi from '../../src/generator/index.js';
import { generateProfile, type GenerateOptions } from '../../src/generator/index.js';
import { parseRunCommand } from '../../src/engine/run-argv.js';
import { runContainer } from '../../src/engine/run-session.js';
import { parseFootprint } from '../../src/footprint/parse.js';
import type { Footprint } from '../../src/footprint/model.js';
import { calibrationId, sameRuntime, type RuntimeCalibration } from '../../src/footprint/runtime-calibration.js';
import { printDockerProfile } from '../../src/formats/docker.js';
import { describeWider } from '../../src/diff/doors.js';
import { describeRefusal } from '../../src/generator/index.js';
import { loadWorkloads, type Workload } from '../../src/pipeline/workloads.js';
import { ensureCalibration } from '../../src/recorder/calibrate.js';
import { calibrationsFor, runtimeCacheDir } from '../../src/recorder/calibration-cache.js';
import { recordWorkload } from '../../src/recorder/record.js';
import { interruptedBy } from '../../src/util/cleanup.js';
import { toJsonText } from '../../src/util/json.js';
import { verifyWorkload } from '../../src/verifier/verify.js';
import { lastLine, type Ctx } from '../lib/measure.js';
import { CORPUS_TOOLS, type Row } from '../lib/model.js';
import { BenchStopped, run } from '../lib/proc.js';
import {
  dangerousAllowed,
  levelsFrom,
  pickLevels,
  renderRobustness,
  summarizeLevel,
  type LevelResult,
  type PathResult,
  type RobustnessResults,
} from '../lib/robustness.js';
import { CACHE, ROOT, adaptArgv } from '../lib/setup.js';

/** A held-out (or train) run that takes longer counts as hung: a profile that denies a thread's
 * `exit` makes glibc retry it forever. Every corpus workload ends within a few seconds unconfined. */
export const PATH_TIMEOUT_MS = 30_000;
/** The bar at the default level (issue 10). */
export const PASS_TARGET = 0.95;

interface ToolSetup {
  tool: string;
  image: string;
  train: Workload[];
  heldout: Workload[];
  footprints: Footprint[];
  calibrations: RuntimeCalibration[];
  /** Held-out workloads that fail under Docker's default (not counted), with why. */
  invalid: Map<string, string>;
}

function clawfenceVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function sha(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Every file under `dir` (path and content), for the footprint cache's key. */
function treeText(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...treeText(p));
    else if (statSync(p).size < 4_000_000) out.push(p.slice(ROOT.length), readFileSync(p, 'utf8'));
  }
  return out;
}

/** The workload with the bench's label on its container (so that the bench's cleanup finds it). */
function labelled(ctx: Ctx, image: string, w: Workload): Workload {
  return { ...w, argv: adaptArgv(w.argv, image, ['--label', ctx.label]) };
}

function stdoutRe(w: Workload): RegExp | undefined {
  return w.expectStdout === undefined ? undefined : new RegExp(w.expectStdout, 'm');
}

async function buildImages(ctx: Ctx, tools: readonly string[]): Promise<void> {
  ctx.log(`robustness: building the corpus images that are missing or stale (${tools.join(', ')})`);
  const r = await run(['bash', join(ROOT, 'scripts/build-examples.sh'), '--corpus', ...tools], { env: ctx.env, cwd: ROOT, timeoutMs: 1_800_000 });
  if (r.code !== 0) throw new Error(`scripts/build-examples.sh --corpus failed: ${lastLine(r.stderr) || lastLine(r.stdout)}`);
  for (const l of r.stdout.split('\n')) if (/built /.test(l)) ctx.log(`robustness: ${l.replace(/^corpus: /, '')}`);
}

/** Runs a workload under Docker's default profile: is it a sound workload? (undefined: yes). */
export async function baseline(env: NodeJS.ProcessEnv, w: Workload, timeoutMs = PATH_TIMEOUT_MS): Promise<string | undefined> {
  const cmd = parseRunCommand(w.argv);
  const r = await runContainer(cmd, { runId: randomBytes(6).toString('hex'), extra: [], env, stdio: 'pipe', timeoutMs });
  if (r.timedOut === true) return `did not finish within ${timeoutMs / 1000} s`;
  const exit = r.containerExit ?? r.exitCode;
  if (exit !== (w.expectExit ?? 0)) return `exit ${exit}, expected ${w.expectExit ?? 0}: ${lastLine(r.stderr)}`;
  const re = stdoutRe(w);
  if (re !== undefined && !re.test(r.stdout)) return `stdout does not match /${re.source}/`;
  return undefined;
}

/** The runtime calibrations the profile allows the sets of, as `profile` finds them. */
async function calibrations(ctx: Ctx, argv: readonly string[], fps: readonly Footprint[]): Promise<RuntimeCalibration[]> {
  const dir = runtimeCacheDir(ctx.env);
  const cmd = parseRunCommand([...argv]);
  const out: RuntimeCalibration[] = [];
  const r = await ensureCalibration({
    engine: [cmd.binary, ...cmd.globalOpts],
    env: ctx.env,
    clawfenceVersion: clawfenceVersion(),
    dir,
    calibrating: () => ctx.log('robustness: calibrating the container runtime (once; cached)'),
  });
  if (r.status !== 'unknown-runtime') out.push(r.calibration);
  for (const c of calibrationsFor(fps, dir).calibrations) if (!out.some((x) => sameRuntime(calibrationId(x), calibrationId(c)))) out.push(c);
  return out;
}

/** Records the train workloads (or reads them from the cache: same image, workloads and recorder). */
async function trainFootprints(ctx: Ctx, tool: string, image: string, train: readonly Workload[]): Promise<Footprint[]> {
  const id = await run(['docker', 'image', 'inspect', '-f', '{{.Id}}', image], { env: ctx.env, timeoutMs: 60_000 });
  if (id.code !== 0) throw new Error(`docker image inspect ${image}: ${lastLine(id.stderr)}`);
  const key = sha([
    id.stdout.trim(),
    readFileSync(join(ROOT, `bench/corpus/${tool}/train.workloads.json`), 'utf8'),
    clawfenceVersion(),
    ...treeText(join(ROOT, 'src/recorder')),
    ...treeText(join(ROOT, 'src/footprint')),
  ]);
  const dir = join(CACHE, 'robustness');
  const file = join(dir, `${tool}.footprints.json`);
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { key?: string; footprints?: string[] };
    if (cached.key === key && Array.isArray(cached.footprints)) {
      const fps = cached.footprints.map((t) => parseFootprint(t));
      if (fps.every((f) => f.ok)) {
        ctx.log(`robustness: ${tool}: train footprints from the cache (${file.slice(ROOT.length)})`);
        return fps.map((f) => (f.ok ? f.value : ({} as Footprint)));
      }
    }
  }
  const fps: Footprint[] = [];
  for (const w of train) {
    ctx.log(`robustness: ${tool}: recording train workload ${w.name}`);
    const r = await recordWorkload({
      argv: w.argv,
      workload: w.name,
      env: ctx.env,
      stdio: 'pipe',
      clawfenceVersion: clawfenceVersion(),
      timeoutMs: PATH_TIMEOUT_MS * 4,
    });
    const exit = r.outcome.containerExit ?? r.outcome.exitCode;
    if (exit !== (w.expectExit ?? 0)) throw new Error(`${tool}: train workload ${w.name} exited ${exit} while recording: ${lastLine(r.outcome.stderr)}`);
    const re = stdoutRe(w);
    if (re !== undefined && !re.test(r.outcome.stdout))
      throw new Error(`${tool}: train workload ${w.name}: stdout does not match /${re.source}/ while recording`);
    fps.push(r.footprint);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ key, footprints: fps.map((f) => toJsonText(f)) })}\n`);
  renameSync(`${file}.tmp`, file);
  return fps;
}

async function prepare(ctx: Ctx, tool: string): Promise<ToolSetup> {
  const load = (kind: 'train' | 'heldout'): { image: string; workloads: Workload[] } => {
    const f = loadWorkloads(join(ROOT, `bench/corpus/${tool}/${kind}.workloads.json`));
    if (f.image === undefined) throw new Error(`bench/corpus/${tool}/${kind}.workloads.json names no image`);
    return { image: f.image, workloads: f.workloads };
  };
  const t = load('train');
  const h = load('heldout');
  const train = t.workloads.map((w) => labelled(ctx, t.image, w));
  const heldout = h.workloads.map((w) => labelled(ctx, h.image, w));
  const invalid = new Map<string, string>();
  for (const w of heldout) {
    const why = await baseline(ctx.env, w);
    if (why !== undefined) {
      invalid.set(w.name, why);
      ctx.log(`robustness: ${tool}: held-out ${w.name} fails under Docker's default (${why}): not counted`);
    }
  }
  const footprints = await trainFootprints(ctx, tool, t.image, train);
  return { tool, image: t.image, train, heldout, footprints, calibrations: await calibrations(ctx, train[0]?.argv ?? [], footprints), invalid };
}

/** One run under the profile, through the verifier (its complain pass names what was denied); a
 * run still going at the timeout is hung, and the verifier removes its containers. */
export async function verifyPath(env: NodeJS.ProcessEnv, w: Workload, profileFile: string, native: string, timeoutMs = PATH_TIMEOUT_MS): Promise<PathResult> {
  const t0 = Date.now();
  const re = stdoutRe(w);
  const v = await verifyWorkload({
    argv: w.argv,
    profileFile,
    env,
    clawfenceVersion: clawfenceVersion(),
    stdio: 'pipe',
    timeoutMs,
    ...(w.expectExit === undefined ? {} : { expectExit: w.expectExit }),
    ...(re === undefined ? {} : { expectStdout: re }),
  });
  // verify's own words for a run it ended at the timeout (src/verifier/verify.ts).
  const hung = v.reasons.some((r) => r.startsWith('did not finish within'));
  const denied = (v.denied ?? []).map(
    (d) => `${d.syscall}${d.abi === native ? '' : ` (${d.abi})`}${d.values === undefined ? '' : ` [${d.values.join('; ')}]`}${d.runtime ? ' (runtime)' : ''}`,
  );
  return {
    name: w.name,
    verdict: v.pass ? 'pass' : hung ? 'hung' : 'fail',
    seconds: (Date.now() - t0) / 1000,
    reasons: v.reasons,
    ...(v.pass ? {} : { denied }),
  };
}

async function measureLevel(ctx: Ctx, s: ToolSetup, level: string, option: boolean): Promise<LevelResult> {
  // The one line that passes the level to generate (no option at all while the generator has no levels).
  const generalize = (option ? { generalize: level } : {}) as Partial<GenerateOptions>;
  const gen = generateProfile(s.footprints, { labels: s.train.map((w) => w.name), runtimeCalibrations: s.calibrations, ...generalize });
  const native = gen.stats.native;
  const file = join(ctx.tmp, `robustness-${s.tool}-${level}.seccomp.json`);
  writeFileSync(file, printDockerProfile(gen.profile));
  const abi = gen.stats.perAbi.find((a) => a.abi === native);
  const result: LevelResult = {
    tool: s.tool,
    level,
    recorded: abi?.recorded ?? 0,
    allowed: abi?.allowed ?? 0,
    dockerDefault: abi?.dockerDefault ?? 0,
    widened: abi?.widened ?? [],
    dangerous: dangerousAllowed(gen.profile, native),
    wider: gen.wider.map(describeWider),
    refused: gen.refusals.map(describeRefusal),
    train: [],
    heldout: [],
  };
  ctx.log(`robustness: ${s.tool} at ${level}: ${result.allowed} of Docker's ${result.dockerDefault} allowed on ${native} (${result.recorded} recorded)`);
  for (const w of s.train) result.train.push(await verifyPath(ctx.env, w, file, native));
  for (const w of s.heldout) {
    if (s.invalid.has(w.name)) continue;
    const p = await verifyPath(ctx.env, w, file, native);
    ctx.log(`robustness: ${s.tool} at ${level}: held-out ${w.name}: ${p.verdict.toUpperCase()}${p.verdict === 'pass' ? '' : ` (${p.reasons.join('; ')})`}`);
    result.heldout.push(p);
  }
  return result;
}

async function machineLine(ctx: Ctx): Promise<string> {
  const commit = await run(['git', '-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], { timeoutMs: 30_000 }).catch(() => undefined);
  const dirty = await run(['git', '-C', ROOT, 'status', '--porcelain', '--untracked-files=no'], { timeoutMs: 30_000 }).catch(() => undefined);
  const c = commit?.code === 0 ? commit.stdout.trim() : 'unknown';
  return `${cpus().length} cores, kernel ${release()}, Docker ${ctx.engineVersion}, clawfence commit ${c}${dirty !== undefined && dirty.stdout.trim() !== '' ? ' + uncommitted changes' : ''}`;
}

function writeResults(res: RobustnessResults): string {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, res.complete ? 'robustness' : 'robustness-partial');
  for (const [ext, text] of [
    ['json', `${JSON.stringify(res, null, 2)}\n`],
    ['md', renderRobustness(res)],
  ] as const) {
    writeFileSync(`${stem}.${ext}.tmp`, text);
    renameSync(`${stem}.${ext}.tmp`, `${stem}.${ext}`);
  }
  return stem.slice(ROOT.length);
}

/** The bench rows: one per level, judged against issue 10's bar at the generator's default level. */
export function robustnessRows(res: RobustnessResults, errors: readonly string[]): Row[] {
  const paths = res.results.filter((r) => r.level === res.levels[0]).reduce((n, r) => n + r.heldout.length, 0);
  return res.levels.map((level): Row => {
    const s = summarizeLevel(res.results, level);
    const n = res.results.filter((r) => r.level === level).length;
    const judged = level === res.defaultLevel;
    const ok =
      s.heldout.total > 0 && s.heldout.pass >= PASS_TARGET * s.heldout.total && s.overHalf.length === 0 && s.addedDangerous.length === 0 && s.dangerous === 0;
    const detail =
      `${s.heldout.pass}/${s.heldout.total} held-out pass, ${s.heldout.hung} hung; train ${s.train.pass}/${s.train.total}; ` +
      `${n - s.overHalf.length}/${n} profiles ≤ 50% of Docker default; dangerous allowed ${s.dangerous}`;
    const base = {
      id: `ROBUSTNESS.${level}`,
      bench: 'ROBUSTNESS' as const,
      what: `held-out corpus paths passing under the profile generated at level ${level}`,
      workload: `corpus: ${n} tool${n === 1 ? '' : 's'}, ${paths} held-out paths`,
      metric: 'pass rate',
      ...(judged ? { target: `≥ ${PASS_TARGET * 100}%, ≤ 50% of default, 0 dangerous` } : {}),
    };
    if (errors.length > 0) return { ...base, verdict: 'error', error: errors.join('; ') };
    return { ...base, verdict: judged ? (ok ? 'pass' : 'fail') : 'info', detail };
  });
}

export async function robustness(ctx: Ctx): Promise<Row[]> {
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  const tools = ctx.config.tools ?? [...CORPUS_TOOLS];
  const all = levelsFrom(generatorApi);
  const levels = pickLevels(all, ctx.config.levels);
  const errors: string[] = [];
  const results: LevelResult[] = [];
  const invalid: Record<string, string[]> = {};
  const notes: string[] = [];
  try {
    await buildImages(ctx, tools);
  } catch (e) {
    if (e instanceof BenchStopped || interruptedBy() !== undefined) throw new BenchStopped('interrupted');
    errors.push((e as Error).message);
  }
  for (const tool of errors.length > 0 ? [] : tools) {
    try {
      const s = await prepare(ctx, tool);
      invalid[tool] = [...s.invalid].map(([n, why]) => `${n} (${why})`);
      for (const level of levels) results.push(await measureLevel(ctx, s, level, all.option));
    } catch (e) {
      if (e instanceof BenchStopped || interruptedBy() !== undefined) throw new BenchStopped('interrupted');
      ctx.log(`robustness: ${tool}: ${(e as Error).message}`);
      errors.push(`${tool}: ${(e as Error).message}`);
    }
  }
  for (const r of results) {
    if (r.refused.length > 0) notes.push(`${r.tool} at ${r.level}: the recording used catalogued doors that stay shut: ${r.refused.join('; ')}`);
    if (r.wider.length > 0) notes.push(`${r.tool} at ${r.level}: wider than Docker's default on ${r.wider.join('; ')}`);
  }
  const res: RobustnessResults = {
    schema: 'clawfence-robustness/1',
    startedAt,
    seconds: (Date.now() - t0) / 1000,
    complete: tools.length === CORPUS_TOOLS.length && levels.length === all.levels.length,
    levels,
    ...(all.defaultLevel === undefined ? {} : { defaultLevel: all.defaultLevel }),
    levelOption: all.option,
    tools,
    timeoutSeconds: PATH_TIMEOUT_MS / 1000,
    machine: await machineLine(ctx),
    invalid,
    results,
    notes: [...notes, ...errors.map((e) => `error: ${e}`)],
  };
  const where = writeResults(res);
  process.stdout.write(`${renderRobustness(res).split('\n## Reproduce')[0] ?? ''}\n`);
  ctx.log(`robustness: written to ${where}.json and .md`);
  ctx.note(`ROBUSTNESS: the held-out corpus (bench/corpus/README.md); the full table is in ${where}.md.`);
  return robustnessRows(res, errors);
}
