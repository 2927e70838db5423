// `npm run bench`: clawfence's benchmarks on the real engine (issue 4). Every figure is a ratio of
// two things measured side by side in this run; see bench/results/latest.md for the definitions.
// Usage: npm run bench -- [--rounds N] [--slow-rounds N] [--only B1,B5] … (--help)

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import { ClawfenceError } from '../src/errors.js';
import { cleanupNow, interruptedBy, onCleanup, setCleanupName } from '../src/util/cleanup.js';
import { isFullRun, parseArgs, resultsStem, USAGE, UsageError, wants } from './lib/args.js';
import type { Ctx } from './lib/measure.js';
import type { BenchConfig, BenchResults, MachineFacts, Row } from './lib/model.js';
import { BenchStopped, removeDir, run, startHelper, type Helper } from './lib/proc.js';
import { renderMarkdown, renderTable } from './lib/render.js';
import { ROOT, buildClawfence, buildFloor, buildLoop, buildStraceImage, ensureFlaskImage, findEngine, flaskWorkloads, machineFacts } from './lib/setup.js';
import { b1 } from './suites/b1.js';
import { b2 } from './suites/b2.js';
import { b3 } from './suites/b3.js';
import { b5 } from './suites/b5.js';
import { robustness } from './suites/robustness.js';
import { TOOL_POOL } from './lib/footprints.js';
import { DEFAULT_ARG_LEVEL } from '../src/generator/arg-rules.js';
import { countText } from './suites/workloads.js';

const log = (l: string): void => {
  process.stderr.write(`bench: ${l}\n`);
};

async function removeContainers(env: NodeJS.ProcessEnv, label: string): Promise<void> {
  const ps = await run(['docker', 'ps', '-aq', '--no-trunc', '--filter', `label=${label}`], { env, timeoutMs: 60_000, cleanup: true });
  const ids = ps.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length > 0) await run(['docker', 'rm', '-f', ...ids], { env, timeoutMs: 60_000, cleanup: true });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The definitions behind every row, for the notes under the table. */
function definitions(c: BenchConfig, m: MachineFacts): string[] {
  return [
    `**Ratio** = A/B of one round (A and B run one after the other); the table gives the median of the rounds' ratios and their min–max. ${c.warmup} warm-up round${c.warmup === 1 ? '' : 's'} first, not counted. **Rounds**: ${plural(c.rounds, 'round')} per row; ${plural(c.slowRounds, 'round')} for the slow rows (ptrace, strace -f).`,
    "**Loop time** = what the micro program measured itself around its syscall loop with clock_gettime(CLOCK_MONOTONIC) (the vDSO: no syscall), inside the container. **Container time** = the container's lifetime from the engine's own `start` and `die` events (nanosecond stamps; each run carries a label of its own to find them): what the tool took, without the CLIs around it; B1 judges Flask on it. **Wall** = spawn to exit of the whole command as the bench sees it (`docker run …`, or `node bin/clawfence.js …` around it), clawfence's fixed cost per run included.",
    `**Micro workload**: bench/programs/syscall-loop.c, built with \`gcc -O2 -static\`, mounted read-only into debian:bookworm-slim, \`--network none\`; it makes N raw getppid calls (syscall(2)); B2 also runs it as \`syscall-loop N fcntl\` (N raw fcntl(1, F_GETFL)). N = ${countText(c.microCalls)}; the ptrace and strace -f rows use N = ${countText(c.ptraceCalls)} and ${plural(c.slowRounds, 'round')}, because every traced call costs tens of µs here: their loop-time ratio is per call and comparable to the others, their wall ratio is not. "ns/call" = (median A loop time − median B loop time) / N.`,
    '**Plain** = the same `docker run` argv run directly, under the engine\'s default seccomp profile. `clawfence record` runs that argv with its own options added (an allow-all recording profile, `--cgroup-parent`, a label), so its wall also has Node\'s start, the recorder (load and attach, or strace attach on a frozen cgroup), the cgroup set-up, engine queries and writing the footprint; the "`true` (no work)" row shows that fixed cost alone.',
    '**Floor** = bench/floor/empty.bpf.c, an empty program on the same tracepoint as the recorder (tp_btf/sys_enter, returns 0), attached by .cache/bench/bench-floor (bench/build-floor.sh) before the plain run and detached after it; only the `docker run` is timed. It is what any sys_enter program costs on this kernel. On the micro loop, record, plain and floor run in the same rounds (in that order), so "record / floor" is measured side by side too: what the recorder costs beyond the floor (its program, and its allow-all recording profile in place of the default).',
    `**strace -f** = \`strace -f -qq -o /dev/null <program>\` as the container's command in clawfence-bench/strace (debian:bookworm-slim + Debian's strace, ${m.strace.image}), against the program without strace in the same image; both with \`--cap-add SYS_PTRACE\`. For Flask the image is clawfence-bench/flask-strace (the example's image + strace). Built by the bench with \`DOCKER_BUILDKIT=0 docker build --network host\` (bench/images/strace.Dockerfile).`,
    "**Flask** = the example's `process_request` workload (examples/flask-tool/workloads.json), with its loopback test server (scripts/example-server.mjs, port 18380) started once by the bench.",
    `**B2**, per \`--args\` level: Docker default = no \`--security-opt\`: the engine's built-in profile (Docker ${m.docker.server}'s embedded copy, not moby v0.2.3 from data/reference); generated --args none|safe|strict = \`clawfence generate --args LEVEL\` from the same \`clawfence record\` (eBPF) recordings of the workload(s), each recorded twice (${DEFAULT_ARG_LEVEL} is generate's default); unconfined = \`--security-opt seccomp=unconfined\`. Each round runs default, none, safe, strict, default again (the A/A control), unconfined, and every ratio is to the round's first default. **Noise band** = |median of the control ratios − 1| + half their interquartile range (what the same run measured twice differs by; one outlier round does not widen it); a level passes when its median ratio ≤ 1 + band. The micro loops are judged on loop time, Flask on container time. Besides the getppid loop (no level has a rule on getppid, so the kernel's constant-action bitmap skips the filter for it under every profile), the fcntl loop makes N raw fcntl(1, F_GETFL) calls: fcntl is allowed without a rule by Docker's default, none and safe, and with an argument rule (its recorded commands) at strict, so there every call runs the filter.`,
    "**B3**: `clawfence profile --workloads --no-probe` on a copy of examples/flask-tool/workloads.json that only adds the bench's container label to each `docker run`; the test server already runs (profile's own instance joins it). B = one plain `docker run` of each of the 3 workloads in a row (the sum of their walls). Each round: profile --no-probe, plain, profile --repeat 2 with the probe battery (what npm start runs), profile with the battery; the last against the first is the battery's own cost.",
    "**B5**: wall of the whole process, Node's start included, against `node -e 0` in the same rounds. explain = `explain data/reference/docker-default.json clone CLONE_NEWUSER|SIGCHLD`; audit = `audit data/reference/docker-default.json` (exit 1: it has findings); data/reference/docker-default.json is the same file as ../shared/reference/docker-default.json (moby v0.2.3). generate = one profile from 100 footprints synthesized by bench/lib/footprints.ts (runc's calls plus 35–90 tool calls each from a pool of " +
      String(TOOL_POOL.length) +
      ', counts, first processes, danger-argument values; one in ten also on i386). **Target** for explain and audit: median(clawfence) − median(node -e 0) ≤ 200 ms ("Δ").',
    `**Peak memory**, measured in the first warm-up run: node = the clawfence Node process alone (its getrusage(RUSAGE_SELF) max RSS, written at exit by bench/mem-hook.mjs, preloaded with --import); clawfence-rec / strace = the recorder's process, VmHWM sampled every 20 ms; tree = \`/usr/bin/time -f %M\`, the largest peak of any one process in clawfence's tree (node, docker CLI, recorder)${m.time.includes('missing') ? ' — not measured: /usr/bin/time is missing (Debian package time)' : ''}.`,
    '**B4** (vault check over 1, 4, 8, 16 tools, --jobs 1 and 2) waits for the vault gate, which is not built yet.',
    "**ROBUSTNESS**: the held-out corpus (bench/corpus/README.md): per tool, its train workloads recorded once, a profile generated per generalisation level, every held-out workload verified under it (exit code and stdout; 30 s, then it counts as hung). One row per level: held-out paths passing; the bar at the generator's default level is ≥ 95% passing, every profile ≤ 50% of Docker's default on x86_64, no dangerous syscall or value allowed. The per-tool table: bench/results/robustness.md.",
  ];
}

async function main(argv: readonly string[]): Promise<number> {
  let config: BenchConfig | undefined;
  try {
    config = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`bench: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (config === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  setCleanupName('bench');
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  const load0 = loadavg();
  const full = isFullRun(config);
  const c = config;

  await buildClawfence(log);
  const e = await findEngine();
  log(`engine: Docker ${e.engine.serverVersion} (runc ${e.engine.components['runc'] ?? '?'}) at ${e.engine.dockerHost}`);
  const tmp = mkdtempSync(join(tmpdir(), 'clawfence-bench-'));
  onCleanup(`temporary directory ${tmp}`, () => removeDir(tmp));
  const label = `clawfence.bench=${randomBytes(6).toString('hex')}`;
  onCleanup(`containers labelled ${label}`, () => removeContainers(e.env, label));

  const engineWork = wants(c, 'B1') || wants(c, 'B2') || wants(c, 'B3');
  const loopBin = engineWork ? await buildLoop() : '';
  if (engineWork) await ensureFlaskImage(e.env, log);
  const flask = flaskWorkloads();
  // What only some rows need: when it cannot be built, those rows say why and the rest go on.
  const missing: Ctx['missing'] = {};
  const optional = async (key: keyof Ctx['missing'], build: () => Promise<string>): Promise<string> => {
    if (!wants(c, 'B1')) return '';
    try {
      return await build();
    } catch (err) {
      if (err instanceof BenchStopped || interruptedBy() !== undefined) throw err;
      missing[key] = (err as Error).message;
      log(`cannot build what some B1 rows need: ${missing[key]}`);
      return '';
    }
  };
  const floorBin = await optional('floor', buildFloor);
  const straceImage = await optional('straceImage', () => buildStraceImage(e.env, 'debian:bookworm-slim', 'clawfence-bench/strace:latest', log));
  const flaskStraceImage = await optional('flaskStraceImage', () => buildStraceImage(e.env, flask.image, 'clawfence-bench/flask-strace:latest', log));

  let server: Helper | undefined;
  const port = flask.workloads.find((w) => w.server !== undefined)?.server?.port ?? 18380;
  const notes: string[] = [];
  const ctx: Ctx = {
    config: c,
    env: e.env,
    tmp,
    label,
    loopBin,
    floorBin,
    straceImage,
    flaskStraceImage,
    flask,
    missing,
    engineVersion: e.engine.serverVersion,
    ensureServer: async () => {
      server ??= await startHelper(
        'the Flask example test server',
        [process.execPath, join(ROOT, 'scripts/example-server.mjs'), '--port', String(port), '--for', '1200'],
        /^ready /m,
        { cwd: ROOT },
      );
    },
    log,
    progress: (t) => {
      process.stderr.write(t);
    },
    note: (l) => {
      notes.push(l);
    },
  };

  const rows: Row[] = [];
  if (wants(c, 'B1')) rows.push(...(await b1(ctx)));
  if (wants(c, 'B2')) rows.push(...(await b2(ctx)));
  if (wants(c, 'B3')) rows.push(...(await b3(ctx)));
  if (wants(c, 'B4')) {
    rows.push({
      id: 'B4.vault',
      bench: 'B4',
      what: 'vault check over 1, 4, 8, 16 tools, --jobs 1 and 2',
      workload: '—',
      metric: 'wall',
      verdict: 'n/a',
      detail: 'vault gate not built',
    });
  }
  if (wants(c, 'B5')) rows.push(...(await b5(ctx)));
  if (wants(c, 'ROBUSTNESS')) rows.push(...(await robustness(ctx)));

  const machine = await machineFacts(e, straceImage === '' ? undefined : straceImage, load0);
  const results: BenchResults = {
    schema: 'clawfence-bench/1',
    startedAt,
    seconds: (Date.now() - t0) / 1000,
    complete: full,
    config: c,
    machine,
    rows,
    notes: [...definitions(c, machine), ...notes],
  };
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, resultsStem(c));
  for (const [ext, text] of [
    ['json', `${JSON.stringify(results, null, 2)}\n`],
    ['md', renderMarkdown(results)],
  ] as const) {
    writeFileSync(`${stem}.${ext}.tmp`, text);
    renameSync(`${stem}.${ext}.tmp`, `${stem}.${ext}`);
  }

  const color = process.stdout.isTTY && process.env['NO_COLOR'] === undefined;
  const paint = (v: Row['verdict'], t: string): string => (!color ? t : v === 'pass' ? pc.green(t) : v === 'fail' || v === 'error' ? pc.red(t) : pc.dim(t));
  process.stdout.write(`${renderTable(rows, paint)}\n`);
  const count = (v: Row['verdict']): number => rows.filter((r) => r.verdict === v).length;
  const errors = count('error');
  process.stdout.write(
    `targets: ${count('pass')} pass, ${count('fail')} fail${errors > 0 ? `; ${errors} row${errors === 1 ? '' : 's'} could not be measured` : ''}. ` +
      `${Math.round(results.seconds)} s. Written to ${stem.slice(ROOT.length)}.json and .md${resultsStem(c) === 'latest' ? '' : ' (latest.* untouched)'}\n`,
  );
  return errors > 0 ? 1 : 0;
}

let code = 70;
try {
  code = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof BenchStopped || interruptedBy() !== undefined) {
    // The signal handler cleans up and exits; keep the process alive until it does.
    setInterval(() => undefined, 1000);
    await new Promise(() => undefined);
  }
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  if (e instanceof ClawfenceError && e.hint !== undefined) process.stderr.write(`  hint: ${e.hint}\n`);
  code = e instanceof ClawfenceError ? 2 : 70;
}
if (interruptedBy() === undefined) {
  await cleanupNow();
  process.exitCode = code;
}
