// B3 end to end: `clawfence profile --workloads --no-probe` of the Flask example (record → generate →
// verify, 3 workloads) against one plain run of the same 3 workloads; as info, --repeat 2 with the
// probe battery (what npm start runs) and the battery's own cost (profile / profile --no-probe).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '../lib/model.js';
import { clawfence, deltaText, docker, expectOk, measureGroup, type Ctx, type Variant } from '../lib/measure.js';
import { judgeRatioMax } from '../lib/stats.js';
import { flaskArgv, flaskCheck } from './workloads.js';

const B3_MAX = 3;

export async function b3(ctx: Ctx): Promise<Row[]> {
  const n = ctx.flask.workloads.length;
  // The example's workloads file with the bench's label on every container (for cleanup); the
  // commands, expectations and test server are the example's own.
  const file = join(ctx.tmp, 'b3-workloads.json');
  writeFileSync(
    file,
    `${JSON.stringify({ example: 'flask-tool', image: ctx.flask.image, workloads: ctx.flask.workloads.map((w) => ({ ...w, argv: flaskArgv(ctx, w) })) }, null, 2)}\n`,
  );
  const profile = (repeat: number, probe: boolean): Variant => ({
    name: `profile${repeat > 1 ? ` --repeat ${repeat}` : ''}${probe ? '' : ' --no-probe'}`,
    run: async (memory) => {
      await ctx.ensureServer();
      const out = join(ctx.tmp, `b3-r${repeat}${probe ? '' : '-np'}.seccomp.json`);
      const { r, mem } = await clawfence(
        ctx,
        ['profile', '--workloads', file, '-o', out, '--force', ...(repeat > 1 ? ['--repeat', String(repeat)] : []), ...(probe ? [] : ['--no-probe'])],
        memory,
        900_000,
      );
      expectOk(`clawfence profile${repeat > 1 ? ` --repeat ${repeat}` : ''}`, r, { stdout: /verified: \d+\/\d+ workloads pass/ });
      return { ms: r.ms, ...(mem === undefined ? {} : { mem }) };
    },
  });
  const plain: Variant = {
    name: `plain: ${n} docker runs`,
    run: async () => {
      await ctx.ensureServer();
      let ms = 0;
      for (const w of ctx.flask.workloads) {
        const r = await docker(ctx, flaskArgv(ctx, w), 600_000);
        expectOk(`plain docker run (${w.name})`, r, flaskCheck(w));
        ms += r.ms;
      }
      return { ms };
    },
  };
  const what = `clawfence profile --workloads --no-probe (${n} workloads: record, generate, verify) / one plain run of each`;
  return measureGroup(
    ctx,
    'B3 profile / plain, profile --repeat 2, the battery',
    [profile(1, false), plain, profile(2, true), profile(1, true)],
    ctx.config.rounds,
    [
      {
        id: 'B3.profile.wall',
        bench: 'B3',
        what,
        workload: 'Flask example',
        metric: 'wall',
        a: 0,
        b: 1,
        target: `≤ ${B3_MAX.toFixed(2)}×`,
        memoryOf: 0,
        judge: (s, c) => ({ verdict: judgeRatioMax(s, B3_MAX), detail: deltaText(c.aMs, c.bMs) }),
      },
      {
        id: 'B3.profile-repeat2.wall',
        bench: 'B3',
        what: `clawfence profile --workloads --repeat 2 (${n} workloads: record, generate, verify, then the probe battery: what npm start runs) / one plain run of each`,
        workload: 'Flask example',
        metric: 'wall',
        a: 2,
        b: 1,
        memoryOf: 2,
        judge: (_s, c) => ({ verdict: 'info', detail: deltaText(c.aMs, c.bMs) }),
      },
      {
        id: 'B3.battery.wall',
        bench: 'B3',
        what: 'clawfence profile --workloads (with the probe battery: 57 probes × 4 configurations) / the same with --no-probe',
        workload: 'Flask example',
        metric: 'wall',
        a: 3,
        b: 0,
        memoryOf: 3,
        judge: (_s, c) => ({ verdict: 'info', detail: deltaText(c.aMs, c.bMs) }),
      },
    ],
  );
}
