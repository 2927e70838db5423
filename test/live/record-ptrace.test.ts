// The ptrace fallback recorder against the real kernel, strace and engine: its seccomp boundary
// against the kernel's own view (a program that installs a filter itself), then through `record
// --recorder ptrace`: completeness per ABI, the same footprint as the eBPF recorder, a profile
// from it that verifies, isolation from a second container, user flags, pass-through, the auto
// fallback when eBPF cannot load, and Ctrl-C cleanup.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { loadFootprint } from '../../src/footprint/parse.js';
import type { Footprint, SyscallUse } from '../../src/footprint/model.js';
import { attachStrace } from '../../src/recorder/ptrace/ptrace-recorder.js';
import { syscallName } from '../../src/syscalls/table.js';
import { BIN, runCli } from '../support/cli.js';
import { BASE_IMAGE, buildProgram, docker, engineEnv, requireLiveHost } from '../support/live.js';

const KNOWN = ['getppid', 'umask', 'getpriority', 'sched_yield', 'getcwd', 'getrusage', 'times', 'sysinfo', 'personality', 'getsid', 'setpgid', 'getpgid'];
// Made by runc's init before it installs the filter (mounts, pivot_root, hostname): never recorded.
const BEFORE_FILTER = ['mount', 'pivot_root', 'sethostname', 'unshare'];

let prog64 = '';
let prog32 = '';
let marker = '';

interface Recorded { code: number; stdout: string; stderr: string; fp: Footprint }

function record(recorder: string, extraRun: string[], cmd: string[], out: string, wrap: string[] = []): Recorded {
  const mounts = [prog64, prog32, marker].flatMap((p) => ['-v', `${dirname(p)}:/p-${basename(p)}:ro`]);
  const network = extraRun.includes('--network') ? [] : ['--network', 'none'];
  const args = ['record', '--recorder', recorder, '-o', out, '--', 'docker', 'run', '--rm', ...network, ...mounts, ...extraRun, BASE_IMAGE, ...cmd];
  let r;
  if (wrap.length === 0) r = runCli(args, { env: engineEnv() as Record<string, string> });
  else {
    const s = spawnSync(wrap[0] ?? '', [...wrap.slice(1), process.execPath, BIN, ...args], { env: { ...engineEnv(), NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
    r = { code: s.status ?? -1, stdout: s.stdout, stderr: s.stderr };
  }
  const fp = existsSync(out) ? loadFootprint(out).footprint : ({ schemaVersion: 1, syscalls: {} } as Footprint);
  return { ...r, fp };
}

function inContainer(p: string): string {
  return `/p-${basename(p)}/${basename(p)}`;
}

function uses(fp: Footprint, abi: 'x86_64' | 'x86'): Record<string, SyscallUse> {
  return fp.syscalls[abi] ?? {};
}

function names(fp: Footprint, abi: 'x86_64' | 'x86', pick: (u: SyscallUse) => boolean = () => true): Set<string> {
  return new Set(Object.entries(uses(fp, abi)).filter(([, u]) => pick(u)).map(([n]) => n));
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'cf-ptrace-'));
}

function straceProcesses(): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => { try { return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'strace'; } catch { return false; } });
}

describe('ptrace recorder: the seccomp boundary, checked against the kernel', () => {
  let boundary = '';
  before(() => {
    requireLiveHost();
    boundary = buildProgram('seccomp-boundary', 64);
  });

  for (const mode of ['per-thread', 'tsync'] as const) {
    it(`counts exactly the calls the kernel filtered (${mode} filter)`, async () => {
      const child = spawn(boundary, mode === 'tsync' ? ['tsync'] : [], { stdio: ['pipe', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      const exited = new Promise<number | null>((r) => child.on('close', r));
      const traced = await attachStrace([child.pid ?? -1]);
      child.stdin.end('go\n');
      assert.equal(await exited, 0, stdout);
      await traced.run.done;
      const { syscalls } = traced.counter.result();
      assert.deepEqual(traced.counter.lost, { unparsed: 0, unknownNr: 0, args: 0, orphanLines: 0 });
      const rows = (name: string) => syscalls.filter((s) => s.abi === 'x86_64' && syscallName('x86_64', s.nr) === name);
      // The kernel's view, printed by the program: "<syscall> seccomp=<mode of the caller>".
      const kernel = [...stdout.matchAll(/^(\w+) seccomp=(\d)$/gm)].map((m) => ({ name: m[1] ?? '', filtered: m[2] === '2' }));
      assert.equal(kernel.length, 7, stdout);
      for (const k of kernel) assert.equal(rows(k.name).length > 0, k.filtered, `${k.name}: the kernel says filtered=${k.filtered}`);
      assert.equal(kernel.find((k) => k.name === 'getpgid')?.filtered, mode === 'tsync', 'TSYNC reaches the thread that existed before');
      // The task that installed the filter is "the runtime" until it execs the tool.
      for (const n of ['times', 'getsid', 'execve']) assert.ok(rows(n).every((s) => s.runtime) && rows(n).length > 0, `${n} is the installer's`);
      for (const n of ['getrusage', 'sched_yield']) assert.ok(rows(n).every((s) => !s.runtime) && rows(n).length > 0, `${n} is the tool's`);
      // exe is the basename of the path given to execve (the program execs /proc/self/exe).
      assert.equal(rows('sched_yield')[0]?.exe, 'exe', 'the exec\'d path, inherited by its thread');
      assert.equal(rows('times')[0]?.exe, basename(boundary), 'before the exec: /proc\'s view at attach');
    });
  }
});

describe('record --recorder ptrace against the real engine', () => {
  before(() => {
    requireLiveHost();
    const v = spawnSync('strace', ['-V'], { encoding: 'utf8' });
    if (v.status !== 0) throw new Error('strace is missing: run scripts/setup-host.sh (apt-get install strace)');
    prog64 = buildProgram('known-syscalls', 64);
    prog32 = buildProgram('known-syscalls', 32);
    marker = buildProgram('marker-syscall', 64);
  });

  it('records every syscall of a known program on x86_64, the runtime\'s own marked, nothing from before the filter', () => {
    const r = record('ptrace', [], [inContainer(prog64)], join(tmp(), 'fp.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /syscalls \(ptrace\)/);
    const got = names(r.fp, 'x86_64');
    for (const n of KNOWN) assert.ok(got.has(n), `missing ${n}; got ${[...got].join(' ')}`);
    for (const n of BEFORE_FILTER) assert.ok(!got.has(n), `${n} was made before the filter`);
    const u = uses(r.fp, 'x86_64');
    assert.equal(u['execve']?.firstBy?.comm, 'runc:[2:INIT]', 'runc init execs the tool after installing the filter');
    for (const n of ['capset', 'setuid', 'setgid', 'setgroups']) assert.equal(u[n]?.runtime, true, `${n}: runc's own, after the filter`);
    assert.equal(u['sysinfo']?.firstBy?.comm, 'known-syscalls');
    assert.equal(u['sysinfo']?.runtime, undefined);
    assert.equal(r.fp.provenance?.recorder?.name, 'ptrace');
    assert.match(r.fp.provenance?.recorder?.version ?? '', /strace \d+\.\d+/);
  });

  it('records an i386 program\'s calls under the x86 ABI', () => {
    const r = record('ptrace', [], [inContainer(prog32)], join(tmp(), 'fp.json'));
    assert.equal(r.code, 0, r.stderr);
    const x86 = names(r.fp, 'x86');
    for (const n of KNOWN) assert.ok(x86.has(n), `missing i386 ${n}; got ${[...x86].join(' ')}`);
    assert.equal(uses(r.fp, 'x86')['getppid']?.nr, 64, 'i386 numbering');
    assert.ok(!names(r.fp, 'x86_64').has('sysinfo'), 'the 32-bit program made no x86_64 sysinfo');
  });

  it('gives the footprint the eBPF recorder gives for the same program', () => {
    const cmd = ['sh', '-c', `${inContainer(prog64)}; ${inContainer(prog32)}`];
    const p = record('ptrace', [], cmd, join(tmp(), 'fp.json'));
    const e = record('ebpf', [], cmd, join(tmp(), 'fp.json'));
    assert.equal(p.code, 0, p.stderr);
    assert.equal(e.code, 0, e.stderr);
    // runc's Go runtime may take a timing-dependent signal or futex wait after the filter (and
    // count it among the calls the tool also makes): those aside, the same syscalls are recorded.
    const noise = new Set(['rt_sigreturn', 'futex', 'nanosleep', 'sched_yield', 'tgkill', 'getpid', 'mmap', 'munmap', 'madvise', 'rt_sigprocmask', 'sigaltstack']);
    for (const abi of ['x86_64', 'x86'] as const) {
      const steady = (fp: Footprint, pick?: (u: SyscallUse) => boolean) => [...names(fp, abi, pick)].filter((n) => !noise.has(n)).sort();
      assert.deepEqual(steady(p.fp), steady(e.fp), `${abi}: the syscalls`);
      assert.deepEqual(steady(p.fp, (u) => u.runtime === true), steady(e.fp, (u) => u.runtime === true), `${abi}: the runtime's alone`);
      // The known program's own calls: same counts, same first process.
      for (const n of KNOWN.filter((k) => !noise.has(k))) {
        const [a, b] = [uses(p.fp, abi)[n], uses(e.fp, abi)[n]];
        assert.deepEqual({ count: a?.count, comm: a?.firstBy?.comm }, { count: b?.count, comm: b?.firstBy?.comm }, `${abi} ${n}`);
      }
    }
    for (const n of ['mprotect', 'personality']) {
      assert.deepEqual(uses(p.fp, 'x86')[n]?.args, uses(e.fp, 'x86')[n]?.args, `i386 ${n} argument values`);
    }
  });

  it('records enough for a profile that verifies: the runtime\'s calls after the filter are in it', () => {
    const dir = tmp();
    const fp = join(dir, 'fp.json');
    const r = record('ptrace', [], [inContainer(prog64), '3'], fp);
    assert.equal(r.code, 3, r.stderr);
    const prof = join(dir, 'profile.json');
    const g = runCli(['generate', fp, '-o', prof]);
    assert.equal(g.code, 0, g.stderr);
    const mounts = ['-v', `${dirname(prog64)}:/p-${basename(prog64)}:ro`];
    const v = runCli(['verify', '--profile', prof, '--expect-exit', '3', '--', 'docker', 'run', '--rm', '--network', 'none', ...mounts, BASE_IMAGE, inContainer(prog64), '3'], { env: engineEnv() as Record<string, string> });
    assert.equal(v.code, 0, `${v.stdout}\n${v.stderr}`);
    assert.match(v.stderr + v.stdout, /PASS/);
  });

  it('passes the tool\'s exit code, stdout and stderr through unchanged', () => {
    const r = record('ptrace', [], [inContainer(prog64), '7'], join(tmp(), 'fp.json'));
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stdout, /^known-syscalls done$/m);
    assert.match(r.stderr, /known-syscalls stderr line/);
    assert.equal(r.fp.workloads?.[0]?.exitCode, 7);
  });

  it('sees nothing of a second container running at the same time, and does not trace it', async () => {
    const env = engineEnv();
    const other = spawn('docker', ['run', '--rm', '--network', 'none', '--label', 'cf-ptrace-other=1', '-v', `${dirname(marker)}:/m:ro`, BASE_IMAGE, `/m/${basename(marker)}`, '8'], { env, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const r = record('ptrace', [], ['sh', '-c', `${inContainer(prog64)}; sleep 2; ${inContainer(prog64)}`], join(tmp(), 'fp.json'));
      assert.equal(r.code, 0, r.stderr);
      assert.ok(names(r.fp, 'x86_64').has('getppid'));
      assert.ok(!names(r.fp, 'x86_64').has('mincore'), 'mincore belongs to the other container');
      const otherPid = docker(['ps', '-q', '--filter', 'label=cf-ptrace-other=1']).trim();
      if (otherPid !== '') {
        const pid = docker(['inspect', '--format', '{{.State.Pid}}', otherPid]).trim();
        assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^TracerPid:\s+0$/m, 'the other container was never traced');
      }
    } finally {
      await new Promise((r) => other.on('close', r));
    }
  });

  it('works with --hostname, --network host, --init and -d (the detached container\'s own exit code)', () => {
    const r = record('ptrace', ['--hostname', 'box', '--init', '--network', 'host', '-d'], [inContainer(prog64), '5'], join(tmp(), 'fp.json'));
    assert.equal(r.code, 0, r.stderr);
    const got = names(r.fp, 'x86_64');
    for (const n of KNOWN) assert.ok(got.has(n), `missing ${n} with -d --init`);
    assert.equal(r.fp.workloads?.[0]?.exitCode, 5, 'the detached container\'s own exit code, even though --rm removed it at once');
  });

  it('auto falls back to ptrace when eBPF cannot load, and says so; --recorder ebpf fails instead', () => {
    // Without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN the BPF program cannot load; ptrace still works.
    const drop = ['setpriv', '--inh-caps=-bpf,-perfmon,-sys_admin', '--bounding-set=-bpf,-perfmon,-sys_admin', '--'];
    const auto = record('auto', [], [inContainer(prog64)], join(tmp(), 'fp.json'), drop);
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stderr, /eBPF recorder is unavailable .*recording with ptrace \(strace -f\) instead/);
    assert.match(auto.stderr, /syscalls \(ptrace\)/);
    assert.equal(auto.fp.provenance?.recorder?.name, 'ptrace');
    for (const n of KNOWN) assert.ok(names(auto.fp, 'x86_64').has(n), `missing ${n}`);
    const out = join(tmp(), 'fp.json');
    const ebpf = record('ebpf', [], [inContainer(prog64)], out, drop);
    assert.equal(ebpf.code, 2, ebpf.stderr);
    assert.match(ebpf.stderr, /eBPF recorder/);
    assert.ok(!existsSync(out), 'no footprint');
    // With every capability, auto is eBPF.
    const full = record('auto', [], [inContainer(prog64)], join(tmp(), 'fp.json'));
    assert.equal(full.fp.provenance?.recorder?.name, 'ebpf');
    assert.doesNotMatch(full.stderr, /unavailable/);
  });

  it('rejects an unknown --recorder', () => {
    const r = runCli(['record', '--recorder', 'dtrace', '-o', join(tmp(), 'x.json'), '--', 'docker', 'run', BASE_IMAGE, 'true'], { env: engineEnv() as Record<string, string> });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--recorder: 'dtrace'/);
  });

  it('leaves no container, strace, frozen or other cgroup, or output file after Ctrl-C', async () => {
    const out = join(tmp(), 'fp.json');
    const env = engineEnv();
    const child = spawn(process.execPath, [BIN, 'record', '--recorder', 'ptrace', '-o', out, '--', 'docker', 'run', '--rm', '--network', 'none', BASE_IMAGE, 'sleep', '30'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const deadline = Date.now() + 30_000;
    while (!docker(['ps', '-q', '--filter', 'label=clawfence.run']).trim() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(docker(['ps', '-q', '--filter', 'label=clawfence.run']).trim() !== '', 'the container started');
    assert.ok(straceProcesses().length > 0, 'strace is tracing it');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 130, stderr);
    assert.equal(docker(['ps', '-aq', '--filter', 'label=clawfence.run']).trim(), '', 'no container left');
    assert.ok(!existsSync(out), 'no partial footprint');
    assert.deepEqual(straceProcesses(), [], 'no strace left');
    const cgroups = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')).filter((f) => f[2] === 'cgroup2' || f[2] === 'cgroup').flatMap((f) => readdirSync(f[1] ?? '/nonexistent').filter((d) => d.startsWith('clawfence-')));
    assert.deepEqual(cgroups, [], 'no cgroup left');
  });
});
