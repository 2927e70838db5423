// B5 CLI: clawfence's quick commands as a whole process (Node start included) against `node -e 0`
// in the same rounds; and generating one profile from 100 footprints.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticFootprints } from '../lib/footprints.js';
import type { Row } from '../lib/model.js';
import { clawfence, deltaText, expectOk, measureGroup, type Ctx, type Judge, type Variant } from '../lib/measure.js';
import { run } from '../lib/proc.js';
import { DOCKER_DEFAULT } from '../lib/setup.js';
import { judgeDeltaMax, medianDeltaMs } from '../lib/stats.js';

const CLI_MAX_MS = 200;

function nodeBaseline(): Variant {
  return {
    name: 'node -e 0',
    run: async () => {
      const r = await run([process.execPath, '-e', '0'], { timeoutMs: 60_000 });
      expectOk('node -e 0', r);
      return { ms: r.ms };
    },
  };
}

function cli(ctx: Ctx, name: string, args: readonly string[], exits: readonly number[], stdout?: RegExp): Variant {
  return {
    name,
    run: async (memory) => {
      const { r, mem } = await clawfence(ctx, args, memory, 300_000);
      expectOk(name, r, { exits, ...(stdout === undefined ? {} : { stdout }) });
      return { ms: r.ms, ...(mem === undefined ? {} : { mem }) };
    },
  };
}

export async function b5(ctx: Ctx): Promise<Row[]> {
  const rounds = ctx.config.rounds;
  const dir = join(ctx.tmp, 'b5-footprints');
  mkdirSync(dir, { recursive: true });
  const files = syntheticFootprints(100).map((fp, i) => {
    const f = join(dir, `fp-${String(i).padStart(3, '0')}.json`);
    writeFileSync(f, `${JSON.stringify(fp, null, 2)}\n`);
    return f;
  });
  const out = join(ctx.tmp, 'b5-generated.seccomp.json');
  const judged: Judge = (_s, c) => {
    const d = medianDeltaMs(c.aMs, c.bMs);
    return { verdict: judgeDeltaMax(d, CLI_MAX_MS), detail: `${deltaText(c.aMs, c.bMs)} ${d <= CLI_MAX_MS ? '≤' : '>'} ${CLI_MAX_MS} ms` };
  };
  const info: Judge = (_s, c) => ({ verdict: 'info', detail: deltaText(c.aMs, c.bMs) });
  const cases: { id: string; what: string; workload: string; args: string[]; exits: number[]; stdout?: RegExp; target?: string; judge: Judge }[] = [
    { id: 'B5.version', what: 'clawfence --version / node -e 0', workload: '—', args: ['--version'], exits: [0], stdout: /^\d+\.\d+\.\d+/, judge: info },
    {
      id: 'B5.explain',
      what: 'clawfence explain / node -e 0',
      workload: 'Docker default, clone(CLONE_NEWUSER|SIGCHLD)',
      args: ['explain', DOCKER_DEFAULT, 'clone', 'CLONE_NEWUSER|SIGCHLD'],
      exits: [0],
      stdout: /→ ERRNO/,
      target: `Δ ≤ ${CLI_MAX_MS} ms`,
      judge: judged,
    },
    {
      id: 'B5.audit',
      what: 'clawfence audit / node -e 0',
      workload: 'Docker default (exit 1: findings)',
      args: ['audit', DOCKER_DEFAULT],
      exits: [1],
      target: `Δ ≤ ${CLI_MAX_MS} ms`,
      judge: judged,
    },
    {
      id: 'B5.generate100',
      what: 'clawfence generate / node -e 0',
      workload: '100 footprints → 1 profile',
      args: ['generate', ...files, '-o', out, '--force'],
      exits: [0],
      judge: info,
    },
  ];
  const rows: Row[] = [];
  for (const c of cases) {
    rows.push(
      ...(await measureGroup(ctx, `B5 ${c.what}`, [cli(ctx, c.what.split(' /')[0] ?? c.id, c.args, c.exits, c.stdout), nodeBaseline()], rounds, [
        {
          id: c.id,
          bench: 'B5',
          what: c.what,
          workload: c.workload,
          metric: 'wall',
          a: 0,
          b: 1,
          ...(c.target === undefined ? {} : { target: c.target }),
          judge: c.judge,
          memoryOf: 0,
        },
      ])),
    );
  }
  return rows;
}
