// Live: the evaluator against the kernel. Every row of test/fixtures/evaluator-cases.json marked
// kernelReplay is replayed with the probe (src/probes) in a container under the real Docker
// engine, and the kernel's outcome must equal decide()'s for every row that ran; at least 90% of
// the rows must run. Needs a running engine with the base image (scripts/setup-host.sh, as root);
// without one these tests fail saying so.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClawfenceError } from '../../src/errors.js';
import { decide, type Decision, type EvaluateOptions } from '../../src/evaluator/evaluate.js';
import { printDockerProfile } from '../../src/formats/docker.js';
import type { ConcreteProfile } from '../../src/profile/model.js';
import { resolveProfile } from '../../src/profile/resolve.js';
import { deliveredProfile, runtimeGap } from '../../src/evaluator/engine-delivery.js';
import { harmless } from '../../src/probes/harmless.js';
import { describeOutcome, expectationOf, judge, type KernelOutcome } from '../../src/probes/outcome.js';
import { KernelReplayer, type ProbeCall } from '../../src/probes/replay.js';
import { argValues, concreteFor, loadCases, type CaseRow } from '../oracle/case-rows.js';

const MIN_RAN = 0.9;

interface RunReport {
  via: string;
  outcome: KernelOutcome;
  baseline?: KernelOutcome;
  agree: boolean;
  distinct: boolean;
  why: string;
}

interface RowReport {
  row: CaseRow;
  status: 'agreed' | 'disagreed' | 'skipped' | 'error';
  reason: string;
  runs: RunReport[];
  decision?: Decision;
  /** How the engine changed the profile, when that changed the decision. */
  engineAdjusted?: string;
}

const cases = loadCases();
const replayRows = cases.rows.filter((r) => r.kernelReplay);
const memo = new Map<string, ConcreteProfile>();
const reports = new Map<string, Promise<RowReport>>();
let replayer: KernelReplayer | undefined;
let openError: Error | undefined;

function libseccompFamily(v: string): EvaluateOptions['libseccomp'] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  if (m === null) return undefined;
  const [maj, min, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (maj === 2 && min === 5) return '2.5';
  if (maj === 2 && min === 6 && patch === 0) return '2.6.0';
  return maj > 2 || (maj === 2 && min >= 6) ? '2.6.1' : undefined;
}

function verdictText(d: Decision): string {
  const v = d.action === 'errno' ? `errno ${d.errno ?? 1}` : d.action;
  return `${v} (${d.source}${d.rule === undefined ? '' : ` #${d.rule}`})`;
}

/** Why the engine cannot replay this row, or the evaluator options that match the engine. */
function engineFit(r: KernelReplayer, row: CaseRow): { skip: string } | { opts: EvaluateOptions } {
  const native = row.native ?? 'x86_64';
  if (native !== 'x86_64') return { skip: `needs a ${native} host` };
  if (row.abi !== 'x86_64' && row.abi !== 'x86')
    return { skip: `${row.abi} calls are not replayed: the probe has x86_64 and i386 builds only (x32 needs CONFIG_X86_X32_ABI, off in most kernels)` };
  const runtime = row.runtime ?? 'runc';
  if (runtime !== r.engine.defaultRuntime) return { skip: `the row is about ${runtime}; the engine runs ${r.engine.defaultRuntime}` };
  const lib = libseccompFamily(r.versions.libseccomp);
  if (lib === undefined) return { skip: `the libseccomp version of the engine's runc is unknown ('runc --version' said '${r.versions.libseccomp}')` };
  if ((row.libseccomp ?? '2.5') !== lib)
    return { skip: `the row is about libseccomp ${row.libseccomp ?? '2.5'}; the engine's runc links ${r.versions.libseccomp}` };
  return { opts: { runtime, libseccomp: lib } };
}

async function replayRow(r: KernelReplayer, row: CaseRow): Promise<RowReport> {
  const skip = (reason: string): RowReport => ({ row, status: 'skipped', reason, runs: [] });
  const fit = engineFit(r, row);
  if ('skip' in fit) return skip(fit.skip);
  const native = row.native ?? 'x86_64';
  const caps = row.caps ?? [];
  const abi = row.abi as 'x86_64' | 'x86';
  const args = argValues(row);
  const profile = cases.profileOf(row);
  const delivery = deliveredProfile(profile, r.versions);
  const asWritten = decide(concreteFor(cases, row, memo), abi, row.syscall, args, fit.opts);
  const decision = delivery.changes.length === 0 ? asWritten : decide(resolveProfile(delivery.profile, { native, caps }), abi, row.syscall, args, fit.opts);
  const changed =
    decision.action !== asWritten.action || decision.errno !== asWritten.errno || decision.source !== asWritten.source || decision.rule !== asWritten.rule;
  const engineAdjusted = changed
    ? `as written: ${verdictText(asWritten)}; as the engine delivers it: ${verdictText(decision)} — ${delivery.changes.join('; ')}`
    : undefined;
  const safe = harmless(abi, decision.syscall.nr, args);
  if (!safe.ok) return skip(`not harmless when allowed: ${safe.why}`);
  const gap = runtimeGap(delivery.profile, native, abi, decision, r.versions);
  if (gap !== undefined) return skip(gap);

  const calls: ProbeCall[] =
    abi === 'x86_64'
      ? [{ abi, nr: decision.syscall.nr, args, binary: 'x86_64' }]
      : [
          { abi, nr: decision.syscall.nr, args, binary: 'x86_64' },
          { abi, nr: decision.syscall.nr, args, binary: 'i386' },
        ];
  const runnable = calls.filter((c) => r.cannotRun(c) === undefined);
  if (runnable.length === 0) return skip(calls.map((c) => r.cannotRun(c)).join('; '));

  const spec = { profile: printDockerProfile(profile), caps };
  const runs = await Promise.all(
    runnable.map(async (call): Promise<RunReport> => {
      const [run, baseline] = await Promise.all([r.run(call, spec), r.baseline(call, caps)]);
      const via = call.binary === 'i386' ? 'i386 probe (-m32)' : call.abi === 'x86' ? 'x86_64 probe, int $0x80' : 'x86_64 probe';
      const j = judge(expectationOf(decision, call.binary === 'i386'), run.outcome, baseline);
      return { via, outcome: run.outcome, baseline, ...j };
    }),
  );
  const broken = runs.find((x) => x.outcome.kind === 'probe-failed' || (x.baseline?.kind === 'probe-failed' && !x.agree));
  const base = { row, runs, decision, ...(engineAdjusted === undefined ? {} : { engineAdjusted }) };
  if (broken !== undefined)
    return {
      ...base,
      status: 'error',
      reason: `${broken.via}: ${describeOutcome(broken.outcome.kind === 'probe-failed' ? broken.outcome : (broken.baseline as KernelOutcome))}`,
    };
  const bad = runs.filter((x) => !x.agree);
  if (bad.length > 0) return { ...base, status: 'disagreed', reason: bad.map((x) => `${x.via}: ${x.why}`).join('; ') };
  return { ...base, status: 'agreed', reason: runs.map((x) => `${x.via}: ${x.why}`).join('; ') };
}

function reportFor(row: CaseRow): Promise<RowReport> {
  let p = reports.get(row.id);
  if (p === undefined) {
    if (replayer === undefined) throw openError ?? new Error('the replayer is not open');
    p = replayRow(replayer, row).catch((e: unknown): RowReport => ({ row, status: 'error', reason: `replay failed: ${(e as Error).message}`, runs: [] }));
    reports.set(row.id, p);
  }
  return p;
}

function summarize(all: RowReport[], r: KernelReplayer): string {
  const by = (s: RowReport['status']): RowReport[] => all.filter((x) => x.status === s);
  const ran = all.length - by('skipped').length;
  const containers = all.reduce((n, x) => n + x.runs.length, 0);
  const lines = [
    `kernel replay: ${all.length} kernelReplay rows; ran ${ran} (${containers} probe containers and ${r.baselineCount} baseline containers), agreed ${by('agreed').length}, disagreed ${by('disagreed').length}, errors ${by('error').length}, skipped ${by('skipped').length}`,
    `  engine: Docker ${r.versions.serverVersion} at ${r.engine.dockerHost}, runc ${r.versions.runcVersion} (libseccomp ${r.versions.libseccomp || '?'}), kernel ${r.engine.kernelVersion}; i386 probe: ${r.probes.i386 === undefined ? `none (${r.probes.i386Missing ?? '?'})` : 'yes'}`,
  ];
  for (const x of by('disagreed'))
    lines.push(`  DISAGREED ${x.row.id} ${x.row.title}: decide: ${x.decision === undefined ? '?' : verdictText(x.decision)}; ${x.reason}`);
  for (const x of by('error')) lines.push(`  ERROR ${x.row.id}: ${x.reason}`);
  for (const x of all.filter((y) => y.engineAdjusted !== undefined)) lines.push(`  engine-adjusted ${x.row.id}: ${x.engineAdjusted ?? ''}`);
  const blind = all.filter((x) => x.runs.some((run) => !run.distinct)).map((x) => x.row.id);
  if (blind.length > 0) lines.push(`  agreed but not distinguishing (the allowed call fails with the decided errno too): ${blind.join(', ')}`);
  for (const x of by('skipped')) lines.push(`  skipped ${x.row.id}: ${x.reason}`);
  return lines.join('\n');
}

describe('the evaluator against the kernel (kernel replay under the real engine)', () => {
  before(async () => {
    try {
      replayer = await KernelReplayer.open();
      for (const row of replayRows) void reportFor(row); // start them all: the replayer runs two containers at a time
    } catch (e) {
      const hint = e instanceof ClawfenceError && e.hint !== undefined ? ` — ${e.hint}` : '';
      const root = process.getuid?.() === 0 ? '' : " (not running as root: clawfence's own engine socket needs root; run `sudo npm test`)";
      openError = new Error(`the kernel replay needs a running Docker engine with the base image: ${(e as Error).message}${hint}${root}`);
    }
  });
  after(async () => {
    await replayer?.close();
  });

  it('has rows to replay', () => {
    assert.ok(replayRows.length >= 60, `only ${replayRows.length} kernelReplay rows`);
  });

  for (const row of replayRows) {
    it(`${row.id} ${row.title}`, async (t) => {
      if (openError !== undefined) throw openError;
      const rep = await reportFor(row);
      if (rep.status === 'skipped') {
        t.skip(rep.reason);
        return;
      }
      assert.notEqual(rep.status, 'error', rep.reason);
      assert.equal(
        rep.status,
        'agreed',
        `decide: ${rep.decision === undefined ? '?' : `${verdictText(rep.decision)} — ${rep.decision.why}`}\nkernel: ${rep.reason}`,
      );
    });
  }

  it(`agrees on 100% of the rows that ran, and runs at least ${MIN_RAN * 100}% of them`, async () => {
    if (openError !== undefined) throw openError;
    const all = await Promise.all(replayRows.map(reportFor));
    const r = replayer as KernelReplayer;
    console.log(summarize(all, r));
    const ran = all.filter((x) => x.status !== 'skipped');
    const wrong = ran.filter((x) => x.status !== 'agreed').map((x) => `${x.row.id} (${x.status}: ${x.reason})`);
    assert.deepEqual(wrong, [], 'every row that ran must agree');
    assert.ok(ran.length >= MIN_RAN * all.length, `only ${ran.length} of ${all.length} rows could run`);
  });
});
