// The recorder against the real kernel and engine: completeness per ABI, isolation from a second
// container, pass-through of the tool's exit code and output, user flags, and Ctrl-C cleanup.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { loadFootprint } from '../../src/footprint/parse.js';
import type { Footprint } from '../../src/footprint/model.js';
import { BIN, runCli } from '../support/cli.js';
import { BASE_IMAGE, buildProgram, docker, engineEnv, requireLiveHost } from '../support/live.js';

const KNOWN = ['getppid', 'umask', 'getpriority', 'sched_yield', 'getcwd', 'getrusage', 'times', 'sysinfo', 'personality', 'getsid', 'setpgid', 'getpgid'];

let prog64 = '';
let prog32 = '';
let marker = '';

function record(extraRun: string[], cmd: string[], out: string): { code: number; stdout: string; stderr: string; fp: Footprint } {
  const mounts = [prog64, prog32, marker].flatMap((p) => ['-v', `${dirname(p)}:/p-${basename(p)}:ro`]);
  const network = extraRun.includes('--network') ? [] : ['--network', 'none'];
  const r = runCli(['record', '-o', out, '--', 'docker', 'run', '--rm', ...network, ...mounts, ...extraRun, BASE_IMAGE, ...cmd], { env: engineEnv() as Record<string, string> });
  const fp = existsSync(out) ? loadFootprint(out).footprint : ({ schemaVersion: 1, syscalls: {} } as Footprint);
  return { ...r, fp };
}

function inContainer(p: string): string {
  return `/p-${basename(p)}/${basename(p)}`;
}

function names(fp: Footprint, abi: 'x86_64' | 'x86'): Set<string> {
  return new Set(Object.keys(fp.syscalls[abi] ?? {}));
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'cf-rec-'));
}

describe('record (eBPF) against the real engine', () => {
  before(() => {
    requireLiveHost();
    prog64 = buildProgram('known-syscalls', 64);
    prog32 = buildProgram('known-syscalls', 32);
    marker = buildProgram('marker-syscall', 64);
  });

  it('records every syscall of a known program, on x86_64, with the runtime marked', () => {
    const r = record([], [inContainer(prog64)], join(tmp(), 'fp.json'));
    assert.equal(r.code, 0, r.stderr);
    const got = names(r.fp, 'x86_64');
    for (const n of KNOWN) assert.ok(got.has(n), `missing ${n}; got ${[...got].join(' ')}`);
    const execve = r.fp.syscalls.x86_64?.['execve'];
    assert.ok(execve?.firstBy?.comm.startsWith('runc'), 'runc init execs the tool after installing the filter');
    assert.ok(Object.values(r.fp.syscalls.x86_64 ?? {}).some((u) => u.runtime === true), 'some syscalls are the runtime\'s alone');
    assert.equal(r.fp.syscalls.x86_64?.['sysinfo']?.firstBy?.comm, 'known-syscalls');
    assert.ok(r.fp.provenance?.recorder?.name === 'ebpf');
    assert.equal(r.fp.workloads?.[0]?.exitCode, 0);
    const engine = docker(['info', '--format', '{{.ServerVersion}} {{.DefaultRuntime}}']).trim();
    assert.equal(`${r.fp.provenance?.engine?.version ?? ''} ${r.fp.provenance?.engine?.runtime ?? ''}`, engine, 'the engine\'s own version and runtime');
  });

  it('records an i386 program\'s calls under the x86 ABI', () => {
    const r = record([], [inContainer(prog32)], join(tmp(), 'fp.json'));
    assert.equal(r.code, 0, r.stderr);
    const x86 = names(r.fp, 'x86');
    for (const n of KNOWN) assert.ok(x86.has(n), `missing i386 ${n}; got ${[...x86].join(' ')}`);
    assert.equal(r.fp.syscalls.x86?.['getppid']?.nr, 64, 'i386 numbering');
    assert.ok(!names(r.fp, 'x86_64').has('sysinfo'), 'the 32-bit program made no x86_64 sysinfo');
    assert.ok(r.fp.syscalls.x86?.['sysinfo']?.firstBy?.comm.startsWith('known-syscalls'), 'made by the program itself');
  });

  it('passes the tool\'s exit code, stdout and stderr through unchanged', () => {
    const r = record([], [inContainer(prog64), '7'], join(tmp(), 'fp.json'));
    assert.equal(r.code, 7);
    assert.match(r.stdout, /^known-syscalls done$/m);
    assert.match(r.stderr, /known-syscalls stderr line/);
    assert.equal(r.fp.workloads?.[0]?.exitCode, 7);
  });

  it('sees nothing of a second container running at the same time', async () => {
    const env = engineEnv();
    const other = spawn('docker', ['run', '--rm', '--network', 'none', '-v', `${dirname(marker)}:/m:ro`, BASE_IMAGE, `/m/${basename(marker)}`, '6'], { env, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const r = record([], ['sh', '-c', `${inContainer(prog64)}; sleep 2; ${inContainer(prog64)}`], join(tmp(), 'fp.json'));
      assert.equal(r.code, 0, r.stderr);
      assert.ok(names(r.fp, 'x86_64').has('getppid'));
      assert.ok(!names(r.fp, 'x86_64').has('mincore'), 'mincore belongs to the other container');
    } finally {
      await new Promise((r) => other.on('close', r));
    }
  });

  it('works with --hostname, --network host, --init and -d', () => {
    const r = record(['--hostname', 'box', '--init', '--network', 'host', '-d'], [inContainer(prog64)], join(tmp(), 'fp.json'));
    assert.equal(r.code, 0, r.stderr);
    const got = names(r.fp, 'x86_64');
    for (const n of KNOWN) assert.ok(got.has(n), `missing ${n} with -d --init`);
    assert.equal(r.fp.workloads?.[0]?.exitCode, 0, 'the detached container\'s own exit code');
  });

  it('refuses to overwrite a footprint without --force and rejects --privileged', () => {
    const out = join(tmp(), 'fp.json');
    assert.equal(record([], [inContainer(prog64)], out).code, 0);
    const again = record([], [inContainer(prog64)], out);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--force/);
    const priv = runCli(['record', '-o', join(tmp(), 'x.json'), '--', 'docker', 'run', '--privileged', BASE_IMAGE, 'true'], { env: engineEnv() as Record<string, string> });
    assert.equal(priv.code, 2);
    assert.match(priv.stderr, /privileged/);
  });

  it('leaves no container, tracer, cgroup or output file after Ctrl-C', async () => {
    const out = join(tmp(), 'fp.json');
    const env = engineEnv();
    const child = spawn(process.execPath, [BIN, 'record', '-o', out, '--', 'docker', 'run', '--rm', '--network', 'none', BASE_IMAGE, 'sleep', '30'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const deadline = Date.now() + 30_000;
    while (!docker(['ps', '-q', '--filter', 'label=clawfence.run']).trim() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(docker(['ps', '-q', '--filter', 'label=clawfence.run']).trim() !== '', 'the container started');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 130, stderr);
    assert.equal(docker(['ps', '-aq', '--filter', 'label=clawfence.run']).trim(), '', 'no container left');
    assert.ok(!existsSync(out), 'no partial footprint');
    const tracers = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => { try { return readFileSync(`/proc/${p}/comm`, 'utf8').startsWith('clawfence-rec'); } catch { return false; } });
    assert.deepEqual(tracers, [], 'no tracer left');
    const cgroups = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')).filter((f) => f[2] === 'cgroup2' || f[2] === 'cgroup').flatMap((f) => readdirSync(f[1] ?? '/nonexistent').filter((d) => d.startsWith('clawfence-')));
    assert.deepEqual(cgroups, [], 'no cgroup left');
  });
});
