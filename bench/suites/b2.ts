// B2 enforcement, per --args level: the workloads under the profiles clawfence generates for them
// at each level (none, safe, strict: all from the same recordings), under the engine's built-in
// default, and unconfined, all in the same rounds; a second default run in every round is the A/A
// control whose spread defines the noise band. A level passes on a workload when its median ratio
// to the default stays within that band. Besides the getppid loop (a syscall no level puts a rule
// on) a loop of fcntl(F_GETFL) shows the hot-syscall cost of --args strict: an argument rule keeps
// the kernel's constant-action bitmap from skipping the filter on that syscall.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '../lib/model.js';
import { clawfence, deltaText, errorRows, expectOk, measureGroup, type Ctx, type RowSpec, type Variant } from '../lib/measure.js';
import { interruptedBy } from '../../src/util/cleanup.js';
import { ARG_LEVELS, DEFAULT_ARG_LEVEL, type ArgLevel } from '../../src/generator/arg-rules.js';
import { BenchStopped } from '../lib/proc.js';
import { judgeWithinNoise, noiseBand } from '../lib/stats.js';
import {
  countText,
  flaskArgv,
  flaskCheck,
  flaskWorkload,
  microArgv,
  parseLoopOf,
  perCallText,
  plainFlask,
  plainMicro,
  type MicroSyscall,
} from './workloads.js';

/** What a Docker-format profile allows: how many syscalls (names in rules whose action is not the
 * default), and which of them have a rule with argument conditions (sorted). */
export function profileShape(profileText: string): { allowed: number; argRules: string[] } {
  const p = JSON.parse(profileText) as { defaultAction?: string; syscalls?: { names?: string[]; action?: string; args?: unknown[] | null }[] };
  const names = new Set<string>();
  const withArgs = new Set<string>();
  for (const r of p.syscalls ?? []) {
    if (r.action === p.defaultAction) continue;
    for (const n of r.names ?? []) {
      names.add(n);
      if ((r.args ?? []).length > 0) withArgs.add(n);
    }
  }
  return { allowed: names.size, argRules: [...withArgs].sort() };
}

/** The variants of a B2 group, by index: the built-in default (every ratio's B), one generated
 * profile per level, the default again (the A/A control), unconfined. */
export function b2Layout(levels: readonly ArgLevel[]): { base: number; level: (l: ArgLevel) => number; control: number; unconfined: number; count: number } {
  return {
    base: 0,
    level: (l) => {
      const i = levels.indexOf(l);
      if (i < 0) throw new Error(`level ${l} is not measured`);
      return 1 + i;
    },
    control: 1 + levels.length,
    unconfined: 2 + levels.length,
    count: 3 + levels.length,
  };
}

export interface B2Group {
  /** Row ids start with it, e.g. "B2.micro". */
  prefix: string;
  workload: string;
  metrics: readonly RowSpec['metric'][];
  /** The metric a level is judged on (the other ones are info). */
  judged: RowSpec['metric'];
  /** The engine's version without its distribution suffix, e.g. 20.10.24. */
  engine: string;
  levels: readonly ArgLevel[];
  defaultLevel: ArgLevel;
  /** The micro loop's call count, for "ns/call" on loop-time rows. */
  calls?: number;
}

function short(metric: RowSpec['metric']): string {
  return metric === 'wall' ? 'wall' : metric === 'container time' ? 'ctr' : 'loop';
}

/** The rows of a B2 group: each level's generated profile / default (per metric, judged within
 * the control's noise band on `judged`), unconfined / default, and the A/A control itself. */
export function b2Specs(g: B2Group): RowSpec[] {
  const at = b2Layout(g.levels);
  const base = `Docker default (${g.engine} built-in)`;
  const ctl = (metric: RowSpec['metric']): string => `${g.prefix}.ctl.${short(metric)}`;
  const out: RowSpec[] = [];
  for (const level of g.levels) {
    for (const metric of g.metrics) {
      out.push({
        id: `${g.prefix}.${level}.${short(metric)}`,
        bench: 'B2',
        what: `generated --args ${level}${level === g.defaultLevel ? ' (the default)' : ''} / ${base}`,
        workload: g.workload,
        metric,
        a: at.level(level),
        b: at.base,
        ...(metric === g.judged ? { target: '≤ 1.00× + noise band' } : {}),
        judge: (s, c) => {
          const band = noiseBand(c.ratiosOf(ctl(metric)));
          const cost = metric === 'loop time' && g.calls !== undefined ? perCallText(c.aMs, c.bMs, g.calls) : deltaText(c.aMs, c.bMs);
          const detail = `band ±${(band * 100).toFixed(1)}% (A/A control), ${cost}`;
          return metric === g.judged ? { verdict: judgeWithinNoise(s, band), detail } : { verdict: 'info', detail };
        },
      });
    }
  }
  for (const metric of g.metrics) {
    out.push({
      id: `${g.prefix}.unconf.${short(metric)}`,
      bench: 'B2',
      what: `unconfined / ${base}`,
      workload: g.workload,
      metric,
      a: at.unconfined,
      b: at.base,
    });
  }
  for (const metric of g.metrics) {
    out.push({
      id: ctl(metric),
      bench: 'B2',
      what: `${base} / itself (A/A control)`,
      workload: g.workload,
      metric,
      a: at.control,
      b: at.base,
      judge: (_s, c) => ({ verdict: 'info', detail: `noise band ±${(noiseBand(c.ratiosOf(ctl(metric))) * 100).toFixed(1)}%` }),
    });
  }
  return out;
}

type Run = { argv: string[]; check: (stdout: string) => void };

/** Records each argv `times` times with the eBPF recorder; the footprints' paths. */
async function record(ctx: Ctx, tag: string, runs: readonly Run[], times: number): Promise<string[]> {
  const fps: string[] = [];
  for (const [i, r] of runs.entries()) {
    for (let k = 1; k <= times; k++) {
      const fp = join(ctx.tmp, `b2-${tag}-${i}-${k}.footprint.json`);
      const { r: res } = await clawfence(ctx, ['record', '--recorder', 'ebpf', '-o', fp, '--force', '--', ...r.argv], false, 900_000);
      expectOk(`clawfence record (B2 ${tag})`, res);
      r.check(res.stdout);
      fps.push(fp);
    }
  }
  return fps;
}

/** One profile per level from the same footprints: `clawfence generate --args LEVEL`. */
async function generateLevels(ctx: Ctx, tag: string, fps: readonly string[], levels: readonly ArgLevel[], what: string): Promise<Map<ArgLevel, string>> {
  const out = new Map<ArgLevel, string>();
  for (const level of levels) {
    const file = join(ctx.tmp, `b2-${tag}-${level}.seccomp.json`);
    const { r } = await clawfence(ctx, ['generate', ...fps, '--args', level, '-o', file, '--force'], false, 120_000);
    expectOk(`clawfence generate --args ${level} (B2 ${tag})`, r);
    const shape = profileShape(readFileSync(file, 'utf8'));
    const line = `B2 ${tag}, --args ${level}: the generated profile allows ${shape.allowed} syscalls, with argument rules on ${shape.argRules.length === 0 ? 'none' : shape.argRules.join(', ')} (from ${what}).`;
    ctx.log(line);
    ctx.note(line);
    out.set(level, file);
  }
  return out;
}

interface Workload {
  tag: string;
  group: B2Group;
  /** What the runs need first (the Flask test server). */
  prepare?: () => Promise<void>;
  /** What is recorded (each twice) to generate the profiles. */
  runs: () => Run[];
  variant: (name: string, opts: readonly string[]) => Variant;
}

async function measureWorkload(ctx: Ctx, w: Workload): Promise<Row[]> {
  const specs = b2Specs(w.group);
  const { levels } = w.group;
  let profiles: Map<ArgLevel, string>;
  try {
    await w.prepare?.();
    const runs = w.runs();
    const fps = await record(ctx, w.tag, runs, 2);
    profiles = await generateLevels(ctx, w.tag, fps, levels, `${fps.length} eBPF recordings: ${runs.length} workload${runs.length === 1 ? '' : 's'} × 2`);
  } catch (e) {
    if (e instanceof BenchStopped || interruptedBy() !== undefined) throw new BenchStopped('interrupted');
    ctx.log(`B2 ${w.tag}: ${(e as Error).message}`);
    return errorRows(specs, e);
  }
  const variants: Variant[] = [
    w.variant('Docker default', []),
    ...levels.map((l) => w.variant(`generated --args ${l}`, ['--security-opt', `seccomp=${profiles.get(l) ?? ''}`])),
    w.variant('Docker default (control)', []),
    w.variant('unconfined', ['--security-opt', 'seccomp=unconfined']),
  ];
  return measureGroup(ctx, `B2 ${w.tag}: default, ${levels.map((l) => `--args ${l}`).join(', ')}, default, unconfined`, variants, ctx.config.rounds, specs);
}

export async function b2(ctx: Ctx): Promise<Row[]> {
  const n = ctx.config.microCalls;
  const engine = ctx.engineVersion.replace(/\+.*/, '');
  const group = (prefix: string, workload: string, judged: RowSpec['metric'], calls?: number): B2Group => ({
    prefix,
    workload,
    metrics: [judged, 'wall'],
    judged,
    engine,
    levels: ARG_LEVELS,
    defaultLevel: DEFAULT_ARG_LEVEL,
    ...(calls === undefined ? {} : { calls }),
  });
  const micro = (tag: string, prefix: string, syscall: MicroSyscall, label: string): Workload => ({
    tag,
    group: group(prefix, `micro: ${countText(n)} ${label}`, 'loop time', n),
    runs: () => {
      const parse = parseLoopOf(n);
      return [
        {
          argv: microArgv(ctx, n, { syscall }),
          check: (o) => {
            parse(o);
          },
        },
      ];
    },
    variant: (name, opts) => plainMicro(ctx, name, n, { opts, syscall }),
  });
  const fw = flaskWorkload(ctx);
  const flask: Workload = {
    tag: 'flask',
    group: group('B2.flask', `Flask: ${fw.name}`, 'container time'),
    prepare: ctx.ensureServer,
    // The product's profile: every workload of the example, each recorded twice (as npm start does).
    runs: () =>
      ctx.flask.workloads.map((x) => {
        const check = flaskCheck(x);
        return {
          argv: flaskArgv(ctx, x),
          check: (o: string) => {
            if (check.stdout !== undefined && !check.stdout.test(o)) throw new Error(`${x.name}: unexpected output while recording: ${o.trim()}`);
          },
        };
      }),
    variant: (name, opts) => plainFlask(ctx, name, fw, opts),
  };
  const rows: Row[] = [];
  rows.push(...(await measureWorkload(ctx, micro('micro getppid', 'B2.micro', 'getppid', 'getppid'))));
  rows.push(...(await measureWorkload(ctx, micro('micro fcntl', 'B2.fcntl', 'fcntl', 'fcntl(F_GETFL)'))));
  rows.push(...(await measureWorkload(ctx, flask)));
  return rows;
}
