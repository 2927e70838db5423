// record (both recorders), generate and verify with rootful podman instead of docker: the same
// cgroup-parent, label, ps, rm, wait/events and inspect queries, the podman run client's exit code
// and output passed through, a detached --rm container's own exit code, and Ctrl-C cleanup.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { loadFootprint } from '../../src/footprint/parse.js';
import type { Footprint } from '../../src/footprint/model.js';
import { BIN, runCli } from '../support/cli.js';
import { BASE_IMAGE, buildProgram, requireLiveHost } from '../support/live.js';

const KNOWN = ['getppid', 'umask', 'getpriority', 'sched_yield', 'getcwd', 'getrusage', 'times', 'sysinfo', 'personality', 'getsid', 'setpgid', 'getpgid'];

let prog64 = '';
let prog32 = '';

function podman(args: string[]): string {
  return execFileSync('podman', args, { encoding: 'utf8' });
}

/** Fails loudly, with the fix, when rootful podman cannot run the base image here. */
function requirePodman(): void {
  const v = spawnSync('podman', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) throw new Error('podman is not installed: run scripts/setup-host.sh (apt-get install podman)');
  if (spawnSync('podman', ['image', 'exists', BASE_IMAGE]).status !== 0) {
    throw new Error(`podman has no ${BASE_IMAGE}: import it (podman import -c 'CMD ["bash"]' /var/cache/clawfence/debian-bookworm-minbase-amd64.tar.gz docker.io/library/${BASE_IMAGE}), see docs/setup.md`);
  }
  const r = spawnSync('podman', ['run', '--rm', '--network', 'none', BASE_IMAGE, 'true'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`rootful podman cannot run a container here (${(r.stderr || '').trim().split('\n').pop() ?? ''}): see docs/setup.md (podman): containers.conf needs runtime = "runc" on cgroup v1 hybrid hosts and default_ulimits within the hard limits root may not raise`);
  }
}

function record(recorder: string, extraRun: string[], cmd: string[], out: string): { code: number; stdout: string; stderr: string; fp: Footprint } {
  const mounts = [prog64, prog32].flatMap((p) => ['-v', `${dirname(p)}:/p-${basename(p)}:ro`]);
  const network = extraRun.includes('--network') ? [] : ['--network', 'none'];
  const r = runCli(['record', '--recorder', recorder, '-o', out, '--', 'podman', 'run', '--rm', ...network, ...mounts, ...extraRun, BASE_IMAGE, ...cmd]);
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
  return mkdtempSync(join(tmpdir(), 'cf-podman-'));
}

describe('record, generate and verify with rootful podman', () => {
  before(() => {
    requireLiveHost();
    requirePodman();
    prog64 = buildProgram('known-syscalls', 64);
    prog32 = buildProgram('known-syscalls', 32);
  });

  for (const recorder of ['ebpf', 'ptrace'] as const) {
    it(`records every syscall of a known program under podman (${recorder}), output and exit code passed through`, () => {
      const r = record(recorder, [], [inContainer(prog64), '4'], join(tmp(), 'fp.json'));
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stdout, /^known-syscalls done$/m);
      assert.match(r.stderr, /known-syscalls stderr line/);
      const got = names(r.fp, 'x86_64');
      for (const n of KNOWN) assert.ok(got.has(n), `missing ${n}; got ${[...got].join(' ')}`);
      assert.equal(r.fp.syscalls.x86_64?.['capset']?.runtime, true, 'the runtime\'s own calls after the filter');
      assert.equal(r.fp.provenance?.engine?.name, 'podman');
      assert.match(r.fp.provenance?.engine?.version ?? '', /^\d+\.\d+/);
      assert.equal(r.fp.provenance?.engine?.host, undefined, 'DOCKER_HOST means nothing to podman');
      assert.equal(r.fp.provenance?.recorder?.name, recorder);
      assert.equal(r.fp.workloads?.[0]?.exitCode, 4);
      assert.match(r.fp.workloads?.[0]?.image?.id ?? '', /^[0-9a-f]{64}$/, 'podman image inspect gives the image id');
    });
  }

  it('records an i386 program under the x86 ABI', () => {
    const r = record('ebpf', [], [inContainer(prog32)], join(tmp(), 'fp.json'));
    assert.equal(r.code, 0, r.stderr);
    for (const n of KNOWN) assert.ok(names(r.fp, 'x86').has(n), `missing i386 ${n}`);
    assert.ok(!names(r.fp, 'x86_64').has('sysinfo'));
  });

  it('waits for a detached --rm container and stores its own exit code', () => {
    // podman removes a fast --rm container before `ps` could list it: the exit comes from its events.
    for (const recorder of ['ebpf', 'ptrace']) {
      const r = record(recorder, ['-d', '--hostname', 'box'], [inContainer(prog64), '6'], join(tmp(), 'fp.json'));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^[0-9a-f]{64}$/m, 'podman run -d prints the container id');
      assert.equal(r.fp.workloads?.[0]?.exitCode, 6, `${recorder}: the container's exit code`);
      assert.equal(r.fp.workloads?.[0]?.containerIds?.length, 1);
      for (const n of KNOWN) assert.ok(names(r.fp, 'x86_64').has(n), `${recorder}: missing ${n}`);
    }
  });

  it('generates a profile that verifies under podman, and fails verify when a needed syscall is removed', () => {
    const dir = tmp();
    // runc's Go runtime does not make quite the same calls after the filter every time (a futex
    // wait, a signal return): two recordings, merged, as `profile` does with several workloads.
    const fps = [join(dir, 'fp1.json'), join(dir, 'fp2.json')];
    for (const fp of fps) assert.equal(record('ebpf', [], [inContainer(prog64)], fp).code, 0);
    const prof = join(dir, 'profile.json');
    assert.equal(runCli(['generate', ...fps, '-o', prof]).code, 0);
    const run = ['podman', 'run', '--rm', '--network', 'none', '-v', `${dirname(prog64)}:/p-${basename(prog64)}:ro`, BASE_IMAGE, inContainer(prog64)];
    const ok = runCli(['verify', '--profile', prof, '--', ...run]);
    assert.equal(ok.code, 0, `${ok.stdout}\n${ok.stderr}`);
    const cut = JSON.parse(readFileSync(prof, 'utf8')) as { syscalls: { names: string[] }[] };
    const before = cut.syscalls.length;
    cut.syscalls = cut.syscalls.filter((rule) => !rule.names.includes('write'));
    assert.equal(cut.syscalls.length, before - 1, 'one rule allowed write');
    const cutPath = join(dir, 'cut.json');
    writeFileSync(cutPath, JSON.stringify(cut));
    // Without write the tool prints nothing (it still exits 0): verify checks its stdout too.
    const bad = runCli(['verify', '--profile', cutPath, '--expect-stdout', 'known-syscalls done', '--', ...run]);
    assert.equal(bad.code, 1, `${bad.stdout}\n${bad.stderr}`);
    assert.match(bad.stdout + bad.stderr, /denied: write on x86_64/);
  });

  it('refuses, before running anything, an engine on the systemd cgroup driver', () => {
    const out = join(tmp(), 'fp.json');
    const r = runCli(['record', '-o', out, '--', 'podman', '--cgroup-manager=systemd', 'run', '--rm', '--network', 'none', BASE_IMAGE, 'true']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^clawfence: the podman engine uses the systemd cgroup driver, which clawfence's recorder does not support yet \(it needs cgroupfs\)$/m);
    assert.match(r.stderr, /hint: record with podman --cgroup-manager=cgroupfs run/);
    assert.ok(!existsSync(out));
    assert.equal(podman(['ps', '-aq', '--filter', 'label=clawfence.run']).trim(), '', 'nothing was started');
  });

  it('stores the engine\'s version and runtime in the footprint', () => {
    const r = record('ebpf', [], [inContainer(prog64)], join(tmp(), 'fp.json'));
    assert.equal(r.code, 0, r.stderr);
    const want = podman(['info', '--format', '{{.Version.Version}} {{.Host.OCIRuntime.Name}}']).trim();
    assert.equal(`${r.fp.provenance?.engine?.version ?? ''} ${r.fp.provenance?.engine?.runtime ?? ''}`, want);
  });

  it('leaves no container, recorder, cgroup or output file after Ctrl-C', async () => {
    for (const recorder of ['ebpf', 'ptrace']) {
      const out = join(tmp(), 'fp.json');
      const child = spawn(process.execPath, [BIN, 'record', '--recorder', recorder, '-o', out, '--', 'podman', 'run', '--rm', '--network', 'none', BASE_IMAGE, 'sleep', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      const deadline = Date.now() + 30_000;
      while (!podman(['ps', '-q', '--filter', 'label=clawfence.run']).trim() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.ok(podman(['ps', '-q', '--filter', 'label=clawfence.run']).trim() !== '', 'the container started');
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('close', r));
      assert.equal(code, 130, stderr);
      assert.equal(podman(['ps', '-aq', '--filter', 'label=clawfence.run']).trim(), '', `${recorder}: no container left`);
      assert.ok(!existsSync(out), `${recorder}: no partial footprint`);
      const tracers = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => { try { return /^(clawfence-rec|strace)$/.test(readFileSync(`/proc/${p}/comm`, 'utf8').trim()); } catch { return false; } });
      assert.deepEqual(tracers, [], `${recorder}: no tracer left`);
      const cgroups = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')).filter((f) => f[2] === 'cgroup2' || f[2] === 'cgroup').flatMap((f) => readdirSync(f[1] ?? '/nonexistent').filter((d) => d.startsWith('clawfence-')));
      assert.deepEqual(cgroups, [], `${recorder}: no cgroup left (podman puts conmon in <parent>/conmon on v1)`);
    }
  });
});
