// Live: the learning loop against the real engine and kernel (docs/learn.md). The shell example is
// profiled from its usage-error workload only (the training path); its `release-check latest`
// (curl to the example server, then jq) is the held-out path, kept apart from training. It must
// fail under the exact profile, pass under the log tier (--unrecorded log), and pass enforcing
// (deny by default) under the profile `learn` proposes from the kernel's records — after as many
// rounds as the kernel's printk rate limit (10 records per 5 s here) makes necessary. Then a
// dangerous call in the log (keyctl, denied by the program's own SECCOMP_FILTER_FLAG_LOG filter,
// because runc 1.1.5 refuses the profile's flags) is refused by learn with a finding and exit 1.
// Containers are named cf-learn-<pid>-<n> and removed on every path.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, ROOT } from '../support/cli.js';
import { buildProgram, engineEnv, requireLiveHost } from '../support/live.js';

const IMAGE = 'clawfence-example/shell-tool:latest';
const HELD_OUT = ['release-check', 'latest'];
const HELD_OUT_STDOUT = /^1\.4\.2\n$/;
const dir = mkdtempSync(join(tmpdir(), 'cf-learn-'));
let runs = 0;
let server: ChildProcess | undefined;

interface Run {
  exit: number | 'timeout';
  stdout: string;
  stderr: string;
}

function docker(args: string[], timeoutMs = 60_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { env: engineEnv(), encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs the held-out path (or another command) under a profile; a run that hangs is stopped after 15 s. */
function runUnder(profile: string, argv: string[] = HELD_OUT, opts: { image?: string; mounts?: string[] } = {}): Run {
  const name = `cf-learn-${process.pid}-${++runs}`;
  try {
    const created = docker([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'host',
      ...(opts.mounts ?? []).flatMap((m) => ['-v', m]),
      '--security-opt',
      `seccomp=${profile}`,
      opts.image ?? IMAGE,
      ...argv,
    ]);
    if (created.status !== 0) return { exit: created.status ?? -1, stdout: '', stderr: created.stderr };
    const waited = docker(['wait', name], 15_000);
    const logs = spawnSync('docker', ['logs', name], { env: engineEnv(), encoding: 'utf8' });
    const exit = waited.status === 0 ? Number(waited.stdout.trim()) : 'timeout';
    return { exit, stdout: logs.stdout ?? '', stderr: logs.stderr ?? '' };
  } finally {
    docker(['rm', '-f', name]);
  }
}

/** printk lets 10 records through per 5 s window: start each logged run in a fresh window. */
function freshRatelimitWindow(): Promise<void> {
  const interval = Number(readFileSync('/proc/sys/kernel/printk_ratelimit', 'utf8').trim());
  return new Promise((r) => setTimeout(r, interval * 1000 + 500));
}

function nowSeconds(): string {
  return `@${(Date.now() / 1000 - 1).toFixed(3)}`;
}

describe('the learning loop (live)', () => {
  before(async () => {
    requireLiveHost();
    const b = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(b.status, 0, b.stdout + b.stderr);
    server = spawn(process.execPath, ['scripts/example-server.mjs', '--port', '18380', '--for', '600'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      server?.stdout?.on('data', (d: Buffer) => (/^ready /m.test(d.toString()) ? resolve() : undefined));
      server?.on('exit', (c) => reject(new Error(`example server exited (${String(c)})`)));
    });
  });
  after(() => {
    server?.kill();
  });

  const fp = join(dir, 'fp.json');
  const exact = join(dir, 'exact.json');
  const logTier = join(dir, 'log.json');

  it('profiles the training path only, and the held-out path fails under the exact profile', () => {
    const wl = JSON.parse(readFileSync(join(ROOT, 'examples/shell-tool/workloads.json'), 'utf8')) as { workloads: { name: string; argv: string[] }[] };
    const train = wl.workloads.filter((w) => w.name === 'release-check-usage');
    assert.equal(train.length, 1);
    assert.ok(!train.some((w) => w.argv.join(' ').includes(HELD_OUT.join(' '))), 'the held-out path is not a training workload');
    const file = join(dir, 'train.json');
    writeFileSync(file, JSON.stringify({ ...wl, workloads: train }));
    const p = runCli(['profile', '--workloads', file, '-o', exact, '--footprint', fp], { timeoutMs: 300_000 });
    assert.equal(p.code, 0, p.stdout + p.stderr);
    const g = runCli(['generate', fp, '--unrecorded', 'log', '-o', logTier]);
    assert.equal(g.code, 0, g.stderr);
    assert.match(g.stderr, /unrecorded: log/);
    const r = runUnder(exact);
    assert.notEqual(r.exit, 0, `the held-out path must fail under the exact profile: ${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout, HELD_OUT_STDOUT);
  });

  it('the held-out path passes under the log tier, and learn makes a profile under which it passes enforcing', async () => {
    let current = join(dir, 'round-0.json');
    copyFileSync(logTier, current);
    const learned: string[] = [];
    let passed = false;
    let suppressedOrFull = 0;
    for (let round = 1; round <= 8 && !passed; round++) {
      await freshRatelimitWindow();
      const since = nowSeconds();
      const r = runUnder(current);
      assert.equal(r.exit, 0, `round ${round}: the held-out path under the log tier: ${r.stderr}`);
      assert.match(r.stdout, HELD_OUT_STDOUT);
      await new Promise((res) => setTimeout(res, 1000));
      const enforcing = join(dir, `enforcing-${round}.json`);
      const l = runCli(['learn', current, '--since', since, '-o', enforcing]);
      assert.equal(l.code, 0, l.stderr);
      const newly = [...l.stderr.matchAll(/^learned: (\w+) /gm)].map((m) => m[1] ?? '');
      assert.ok(newly.length > 0, `round ${round} learned nothing: ${l.stderr}`);
      learned.push(...newly);
      if (/^(suppressed|rate limit):/m.test(l.stderr)) suppressedOrFull++;
      const p = JSON.parse(readFileSync(enforcing, 'utf8')) as { defaultAction: string; syscalls: { names: string[]; comment?: string }[] };
      assert.equal(p.defaultAction, 'SCMP_ACT_ERRNO', 'the proposal denies by default');
      for (const n of newly)
        assert.ok(
          p.syscalls.some((x) => x.names.includes(n) && /learned from the kernel log/.test(x.comment ?? '')),
          `${n} has a learned rule`,
        );
      const e = runUnder(enforcing);
      passed = e.exit === 0 && HELD_OUT_STDOUT.test(e.stdout);
      if (!passed) {
        const next = join(dir, `round-${round}.json`);
        const n = runCli(['learn', current, '--since', since, '--unrecorded', 'log', '-o', next]);
        assert.equal(n.code, 0, n.stderr);
        current = next;
      }
    }
    assert.ok(passed, `the held-out path passes enforcing after learning ${learned.join(', ')}`);
    process.stderr.write(`learn: learned ${learned.length} syscalls (${learned.join(', ')}); rounds with suppressed/full-window notes: ${suppressedOrFull}\n`);
  });

  it('a dangerous call in the kernel log is refused by learn with a finding', async () => {
    const prog = buildProgram('log-denied-keyctl');
    await freshRatelimitWindow();
    const since = nowSeconds();
    const r = runUnder(logTier, ['/p/log-denied-keyctl'], { mounts: [`${prog}:/p/log-denied-keyctl:ro`] });
    assert.equal(r.exit, 0, r.stderr);
    assert.match(r.stdout, /^keyctl: errno 1$/m, 'keyctl was denied');
    await new Promise((res) => setTimeout(res, 1000));
    const out = join(dir, 'with-keyctl.json');
    const l = runCli(['learn', logTier, '--since', since, '--exe', '/p/log-denied-keyctl', '-o', out]);
    assert.equal(l.code, 1, l.stderr);
    assert.match(l.stderr, /^refused keyctl: \d+ calls? on x86_64 by \/p\/log-denied-keyctl in the kernel log/m);
    const p = JSON.parse(readFileSync(out, 'utf8')) as { syscalls: { names: string[]; action: string }[] };
    assert.ok(!p.syscalls.some((x) => x.names.includes('keyctl') && x.action === 'SCMP_ACT_ALLOW'), 'keyctl is not allowed');
    const j = runCli(['learn', logTier, '--since', since, '--exe', '/p/log-denied-keyctl', '-o', out, '--force', '--allow', 'keyctl:the test justifies it']);
    assert.equal(j.code, 0, j.stderr);
    const pj = JSON.parse(readFileSync(out, 'utf8')) as { syscalls: { names: string[]; action: string; comment?: string }[] };
    assert.ok(pj.syscalls.some((x) => x.names.includes('keyctl') && x.action === 'SCMP_ACT_ALLOW' && /the test justifies it/.test(x.comment ?? '')));
  });
});
