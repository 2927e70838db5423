// B1 recording overhead: clawfence record (eBPF, ptrace), strace -f and the floor (an empty
// tp_btf/sys_enter program), each against a plain docker run of the same workload.

import type { Row } from '../lib/model.js';
import { deltaText, docker, errorRows, expectOk, measureGroup, type Ctx, type Judge, type RowSpec, type Variant } from '../lib/measure.js';
import { judgeRatioMax } from '../lib/stats.js';
import {
  STRACE_PREFIX,
  countText,
  flaskWorkload,
  microArgv,
  parseLoopOf,
  perCallText,
  plainFlask,
  plainMicro,
  recordFlask,
  recordVariant,
  withFloor,
} from './workloads.js';

const EBPF_MICRO_MAX = 1.3;
const EBPF_FLASK_MAX = 1.05;

export async function b1(ctx: Ctx): Promise<Row[]> {
  const { rounds, slowRounds, microCalls: n, ptraceCalls: p } = ctx.config;
  const micro = `micro: ${countText(n)} getppid`;
  const microP = `micro: ${countText(p)} getppid`;
  const rows: Row[] = [];
  const loopDetail =
    (calls: number): Judge =>
    (_s, c) => ({ verdict: 'info', detail: perCallText(c.aMs, c.bMs, calls) });
  const delta: Judge = (_s, c) => ({ verdict: 'info', detail: deltaText(c.aMs, c.bMs) });

  // eBPF recorder and the floor on the micro loop, in the same rounds (record, plain, floor): judged
  // on the loop time inside the container; record / floor is what the recorder's program adds.
  const ebpfWhat = 'clawfence record --recorder ebpf / plain docker run';
  const floorWhat = 'floor: empty tp_btf/sys_enter program attached / plain';
  const microSpecs: RowSpec[] = [
    {
      id: 'B1.micro.ebpf.loop',
      bench: 'B1',
      what: ebpfWhat,
      workload: micro,
      metric: 'loop time',
      a: 0,
      b: 1,
      target: `≤ ${EBPF_MICRO_MAX.toFixed(2)}×`,
      memoryOf: 0,
      judge: (s, c) => ({ verdict: judgeRatioMax(s, EBPF_MICRO_MAX), detail: perCallText(c.aMs, c.bMs, n) }),
    },
    { id: 'B1.micro.ebpf.wall', bench: 'B1', what: ebpfWhat, workload: micro, metric: 'wall', a: 0, b: 1, judge: delta },
  ];
  const floorSpecs: RowSpec[] = [
    { id: 'B1.micro.floor.loop', bench: 'B1', what: floorWhat, workload: micro, metric: 'loop time', a: 2, b: 1, judge: loopDetail(n) },
    { id: 'B1.micro.floor.wall', bench: 'B1', what: floorWhat, workload: micro, metric: 'wall', a: 2, b: 1, judge: delta },
    {
      id: 'B1.micro.ebpf-floor.loop',
      bench: 'B1',
      what: 'clawfence record --recorder ebpf / floor (the recorder beyond any sys_enter program)',
      workload: micro,
      metric: 'loop time',
      a: 0,
      b: 2,
      judge: loopDetail(n),
    },
  ];
  const microVariants = [recordVariant(ctx, 'ebpf', microArgv(ctx, n), parseLoopOf(n), 'micro'), plainMicro(ctx, 'plain docker run', n)];
  if (ctx.missing.floor === undefined) {
    rows.push(
      ...(await measureGroup(
        ctx,
        'B1 micro: record --recorder ebpf, plain, floor',
        [...microVariants, withFloor(ctx, plainMicro(ctx, 'plain docker run', n))],
        rounds,
        [...microSpecs, ...floorSpecs],
      )),
    );
  } else {
    rows.push(...(await measureGroup(ctx, 'B1 micro: record --recorder ebpf, plain', microVariants, rounds, microSpecs)));
    rows.push(...errorRows(floorSpecs, new Error(ctx.missing.floor)));
  }

  // What recording costs whatever the workload: a container that does nothing.
  rows.push(
    ...(await measureGroup(
      ctx,
      'B1 fixed cost: record --recorder ebpf / plain, true',
      [
        recordVariant(
          ctx,
          'ebpf',
          ['docker', 'run', '--rm', '--network', 'none', '--label', ctx.label, 'debian:bookworm-slim', 'true'],
          () => undefined,
          'true',
        ),
        { name: 'plain true', run: async () => plainTrue(ctx) },
      ],
      rounds,
      [
        {
          id: 'B1.true.ebpf.wall',
          bench: 'B1',
          what: 'clawfence record --recorder ebpf / plain docker run (fixed cost)',
          workload: '`true` (no work)',
          metric: 'wall',
          a: 0,
          b: 1,
          judge: delta,
          memoryOf: 0,
        },
      ],
    )),
  );

  // The ptrace fallback and strace -f: a smaller loop, fewer rounds (tens of µs per traced call here).
  rows.push(
    ...(await measureGroup(
      ctx,
      'B1 micro: record --recorder ptrace / plain',
      [recordVariant(ctx, 'ptrace', microArgv(ctx, p), parseLoopOf(p), 'micro'), plainMicro(ctx, 'plain docker run', p)],
      slowRounds,
      [
        {
          id: 'B1.micro.ptrace.loop',
          bench: 'B1',
          what: 'clawfence record --recorder ptrace / plain docker run',
          workload: microP,
          metric: 'loop time',
          a: 0,
          b: 1,
          judge: loopDetail(p),
          memoryOf: 0,
        },
        {
          id: 'B1.micro.ptrace.wall',
          bench: 'B1',
          what: 'clawfence record --recorder ptrace / plain docker run',
          workload: microP,
          metric: 'wall',
          a: 0,
          b: 1,
          judge: delta,
        },
      ],
    )),
  );

  const straceOpts = { image: ctx.straceImage, opts: ['--cap-add', 'SYS_PTRACE'] };
  rows.push(
    ...(await measureOrMissing(
      ctx,
      ctx.missing.straceImage,
      'B1 micro: strace -f / plain',
      [
        plainMicro(ctx, 'strace -f in the container', p, { ...straceOpts, prefix: STRACE_PREFIX }),
        plainMicro(ctx, 'plain docker run (strace image)', p, straceOpts),
      ],
      slowRounds,
      [
        {
          id: 'B1.micro.strace.loop',
          bench: 'B1',
          what: 'strace -f -qq -o /dev/null in the container / plain (same image)',
          workload: microP,
          metric: 'loop time',
          a: 0,
          b: 1,
          judge: loopDetail(p),
        },
        {
          id: 'B1.micro.strace.wall',
          bench: 'B1',
          what: 'strace -f -qq -o /dev/null in the container / plain (same image)',
          workload: microP,
          metric: 'wall',
          a: 0,
          b: 1,
          judge: delta,
        },
      ],
    )),
  );

  // The Flask example: process_request, judged on what the tool itself took (the container's
  // lifetime, from the engine's events); the whole command's wall, with clawfence's fixed cost per
  // run (Node, the recorder's load, engine queries, the footprint), is shown beside it.
  const w = flaskWorkload(ctx);
  const flask = `Flask: ${w.name}`;
  rows.push(
    ...(await measureGroup(ctx, `B1 Flask: record --recorder ebpf / plain`, [recordFlask(ctx, 'ebpf', w), plainFlask(ctx, 'plain docker run', w)], rounds, [
      {
        id: 'B1.flask.ebpf.container',
        bench: 'B1',
        what: 'clawfence record --recorder ebpf / plain docker run',
        workload: flask,
        metric: 'container time',
        a: 0,
        b: 1,
        target: `≤ ${EBPF_FLASK_MAX.toFixed(2)}×`,
        memoryOf: 0,
        judge: (s, c) => ({ verdict: judgeRatioMax(s, EBPF_FLASK_MAX), detail: deltaText(c.aMs, c.bMs) }),
      },
      {
        id: 'B1.flask.ebpf.wall',
        bench: 'B1',
        what: 'clawfence record --recorder ebpf / plain docker run',
        workload: flask,
        metric: 'wall',
        a: 0,
        b: 1,
        judge: delta,
      },
    ])),
  );
  rows.push(
    ...(await measureOrMissing(
      ctx,
      ctx.missing.floor,
      'B1 Flask: floor / plain',
      [withFloor(ctx, plainFlask(ctx, 'plain docker run', w)), plainFlask(ctx, 'plain docker run', w)],
      rounds,
      [
        {
          id: 'B1.flask.floor.container',
          bench: 'B1',
          what: 'floor: empty tp_btf/sys_enter program attached / plain',
          workload: flask,
          metric: 'container time',
          a: 0,
          b: 1,
          judge: delta,
        },
      ],
    )),
  );
  rows.push(
    ...(await measureGroup(
      ctx,
      'B1 Flask: record --recorder ptrace / plain',
      [recordFlask(ctx, 'ptrace', w), plainFlask(ctx, 'plain docker run', w)],
      slowRounds,
      [
        {
          id: 'B1.flask.ptrace.container',
          bench: 'B1',
          what: 'clawfence record --recorder ptrace / plain docker run',
          workload: flask,
          metric: 'container time',
          a: 0,
          b: 1,
          judge: delta,
          memoryOf: 0,
        },
        {
          id: 'B1.flask.ptrace.wall',
          bench: 'B1',
          what: 'clawfence record --recorder ptrace / plain docker run',
          workload: flask,
          metric: 'wall',
          a: 0,
          b: 1,
          judge: delta,
        },
      ],
    )),
  );
  const flaskStrace = ['--cap-add', 'SYS_PTRACE'];
  rows.push(
    ...(await measureOrMissing(
      ctx,
      ctx.missing.flaskStraceImage,
      'B1 Flask: strace -f / plain',
      [
        plainFlask(ctx, 'strace -f in the container', w, flaskStrace, { image: ctx.flaskStraceImage, prefix: STRACE_PREFIX }),
        plainFlask(ctx, 'plain docker run (strace image)', w, flaskStrace, { image: ctx.flaskStraceImage, prefix: [] }),
      ],
      slowRounds,
      [
        {
          id: 'B1.flask.strace.container',
          bench: 'B1',
          what: 'strace -f -qq -o /dev/null in the container / plain (same image)',
          workload: flask,
          metric: 'container time',
          a: 0,
          b: 1,
          judge: delta,
        },
      ],
    )),
  );
  return rows;
}

/** The group, or its rows as errors when what it needs could not be built. */
function measureOrMissing(
  ctx: Ctx,
  missing: string | undefined,
  title: string,
  variants: readonly Variant[],
  rounds: number,
  specs: readonly RowSpec[],
): Promise<Row[]> {
  return missing === undefined ? measureGroup(ctx, title, variants, rounds, specs) : Promise.resolve(errorRows(specs, new Error(missing)));
}

async function plainTrue(ctx: Ctx): Promise<{ ms: number }> {
  const r = await docker(ctx, ['docker', 'run', '--rm', '--network', 'none', '--label', ctx.label, 'debian:bookworm-slim', 'true'], 120_000);
  expectOk('plain docker run true', r);
  return { ms: r.ms };
}
