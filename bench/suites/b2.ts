// B2 enforcement: the workloads under the profile clawfence generates for them, under the engine's
// built-in default, and unconfined; a second default run in every round is the A/A control whose
// spread defines the noise band.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '../lib/model.js';
import { clawfence, errorRows, expectOk, measureGroup, type Ctx, type RowSpec, type Variant } from '../lib/measure.js';
import { interruptedBy } from '../../src/util/cleanup.js';
import { BenchStopped } from '../lib/proc.js';
import { judgeWithinNoise, noiseBand } from '../lib/stats.js';
import { countText, flaskArgv, flaskCheck, flaskWorkload, microArgv, parseLoopOf, plainFlask, plainMicro } from './workloads.js';

/** How many syscalls a Docker-format profile allows (names in rules whose action is not the default). */
export function allowedCount(profileText: string): number {
  const p = JSON.parse(profileText) as { defaultAction?: string; syscalls?: { names?: string[]; action?: string }[] };
  const names = new Set<string>();
  for (const r of p.syscalls ?? []) if (r.action !== p.defaultAction) for (const n of r.names ?? []) names.add(n);
  return names.size;
}

/** Records each argv `times` times with the eBPF recorder and generates one profile from them all. */
async function generated(ctx: Ctx, tag: string, runs: { argv: string[]; check: (stdout: string) => void }[], times: number): Promise<string> {
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
  const out = join(ctx.tmp, `b2-${tag}.seccomp.json`);
  const { r: g } = await clawfence(ctx, ['generate', ...fps, '-o', out, '--force'], false, 120_000);
  expectOk(`clawfence generate (B2 ${tag})`, g);
  const line = `B2 ${tag}: the generated profile allows ${allowedCount(readFileSync(out, 'utf8'))} syscalls (from ${fps.length} eBPF recordings: ${runs.length} workload${runs.length === 1 ? '' : 's'} × ${times}).`;
  ctx.log(line);
  ctx.note(line);
  return out;
}

function specs(ctx: Ctx, prefix: string, workload: string, metrics: readonly RowSpec['metric'][], judged: RowSpec['metric']): RowSpec[] {
  const out: RowSpec[] = [];
  // Variants: 0 default, 1 generated, 2 default again (control), 3 unconfined.
  for (const metric of metrics) {
    const m = metric === 'wall' ? 'wall' : 'loop';
    const ctl = `${prefix}.ctl.${m}`;
    out.push({
      id: `${prefix}.gen.${m}`, bench: 'B2', what: `generated profile / Docker default (${ctx.engineVersion.replace(/\+.*/, '')} built-in)`, workload, metric, a: 1, b: 0,
      ...(metric === judged ? { target: '≤ 1.00× + noise band' } : {}),
      judge: (s, c) => {
        const band = noiseBand(c.ratiosOf(ctl));
        const detail = `band ±${(band * 100).toFixed(1)}% (A/A control)`;
        return metric === judged ? { verdict: judgeWithinNoise(s, band), detail } : { verdict: 'info', detail };
      },
    });
  }
  for (const metric of metrics) {
    const m = metric === 'wall' ? 'wall' : 'loop';
    out.push({ id: `${prefix}.unconf.${m}`, bench: 'B2', what: `unconfined / Docker default (${ctx.engineVersion.replace(/\+.*/, '')} built-in)`, workload, metric, a: 3, b: 0 });
  }
  for (const metric of metrics) {
    const m = metric === 'wall' ? 'wall' : 'loop';
    out.push({
      id: `${prefix}.ctl.${m}`, bench: 'B2', what: 'Docker default / Docker default (A/A control)', workload, metric, a: 2, b: 0,
      judge: (_s, c) => ({ verdict: 'info', detail: `noise band ±${(noiseBand(c.ratiosOf(`${prefix}.ctl.${m}`)) * 100).toFixed(1)}%` }),
    });
  }
  return out;
}

export async function b2(ctx: Ctx): Promise<Row[]> {
  const { rounds, microCalls: n } = ctx.config;
  const rows: Row[] = [];
  const micro = `micro: ${countText(n)} getppid`;
  const microSpecs = specs(ctx, 'B2.micro', micro, ['loop time', 'wall'], 'loop time');
  let microProfile: string | undefined;
  try {
    const parse = parseLoopOf(n);
    microProfile = await generated(ctx, 'micro', [{ argv: microArgv(ctx, n), check: (o) => { parse(o); } }], 2);
  } catch (e) {
    if (e instanceof BenchStopped || interruptedBy() !== undefined) throw new BenchStopped('interrupted');
    ctx.log(`B2 micro: ${(e as Error).message}`);
    rows.push(...errorRows(microSpecs, e));
  }
  if (microProfile !== undefined) {
    const variants: Variant[] = [
      plainMicro(ctx, 'Docker default', n),
      plainMicro(ctx, 'generated profile', n, { opts: ['--security-opt', `seccomp=${microProfile}`] }),
      plainMicro(ctx, 'Docker default (control)', n),
      plainMicro(ctx, 'unconfined', n, { opts: ['--security-opt', 'seccomp=unconfined'] }),
    ];
    rows.push(...await measureGroup(ctx, 'B2 micro: default, generated, default, unconfined', variants, rounds, microSpecs));
  }

  const w = flaskWorkload(ctx);
  const flask = `Flask: ${w.name}`;
  const flaskSpecs = specs(ctx, 'B2.flask', flask, ['container time', 'wall'], 'container time');
  let flaskProfile: string | undefined;
  try {
    await ctx.ensureServer();
    // The product's profile: every workload of the example, each recorded twice (as npm start does).
    flaskProfile = await generated(ctx, 'flask', ctx.flask.workloads.map((x) => {
      const check = flaskCheck(x);
      return { argv: flaskArgv(ctx, x), check: (o: string) => { if (check.stdout !== undefined && !check.stdout.test(o)) throw new Error(`${x.name}: unexpected output while recording: ${o.trim()}`); } };
    }), 2);
  } catch (e) {
    if (e instanceof BenchStopped || interruptedBy() !== undefined) throw new BenchStopped('interrupted');
    ctx.log(`B2 Flask: ${(e as Error).message}`);
    rows.push(...errorRows(flaskSpecs, e));
  }
  if (flaskProfile !== undefined) {
    const variants: Variant[] = [
      plainFlask(ctx, 'Docker default', w),
      plainFlask(ctx, 'generated profile', w, ['--security-opt', `seccomp=${flaskProfile}`]),
      plainFlask(ctx, 'Docker default (control)', w),
      plainFlask(ctx, 'unconfined', w, ['--security-opt', 'seccomp=unconfined']),
    ];
    rows.push(...await measureGroup(ctx, 'B2 Flask: default, generated, default, unconfined', variants, rounds, flaskSpecs));
  }
  return rows;
}
