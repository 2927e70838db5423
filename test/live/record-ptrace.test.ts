// The ptrace fallback recorder: the recorder conformance suite with docker (recorder.case.ts);
// its seccomp boundary against the kernel's own view (a program that installs a filter itself);
// and, through `record --recorder ptrace`: the same footprint as the eBPF recorder, a profile from
// it that verifies, the auto fallback when eBPF cannot load, and an unknown --recorder refused.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Footprint, SyscallUse } from '../../src/footprint/model.js';
import { attachStrace } from '../../src/recorder/ptrace/ptrace-recorder.js';
import { syscallName } from '../../src/syscalls/table.js';
import { runCli } from '../support/cli.js';
import {
  BASE_IMAGE,
  buildProgram,
  buildPrograms,
  engineEnv,
  inContainer,
  KNOWN,
  names,
  record as liveRecord,
  requireLiveHost,
  requireStrace,
  tmp,
  uses,
  type Programs,
  type Recorded,
} from '../support/live.js';
import { runRecorderSuite } from './recorder.case.js';

runRecorderSuite({ recorder: 'ptrace', engine: 'docker' });

let progs: Programs = { known64: '', known32: '', marker: '' };

function record(recorder: string, cmd: string[], o: { out?: string; wrap?: string[] } = {}): Recorded {
  return liveRecord({
    engine: 'docker',
    recorder,
    programs: [progs.known64, progs.known32],
    cmd,
    out: o.out ?? join(tmp('cf-ptrace-'), 'fp.json'),
    ...(o.wrap === undefined ? {} : { wrap: o.wrap }),
  });
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
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
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
      assert.equal(rows('sched_yield')[0]?.exe, 'exe', "the exec'd path, inherited by its thread");
      assert.equal(rows('times')[0]?.exe, basename(boundary), "before the exec: /proc's view at attach");
    });
  }
});

describe('record --recorder ptrace against the real engine (docker)', () => {
  before(() => {
    requireLiveHost();
    requireStrace();
    progs = buildPrograms();
  });

  it('gives the footprint the eBPF recorder gives for the same program', () => {
    const cmd = ['sh', '-c', `${inContainer(progs.known64)}; ${inContainer(progs.known32)}`];
    const p = record('ptrace', cmd);
    const e = record('ebpf', cmd);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(e.code, 0, e.stderr);
    // runc's Go runtime may take a timing-dependent signal or futex wait after the filter (and
    // count it among the calls the tool also makes): those aside, the same syscalls are recorded.
    const noise = new Set([
      'rt_sigreturn',
      'futex',
      'nanosleep',
      'sched_yield',
      'tgkill',
      'getpid',
      'mmap',
      'munmap',
      'madvise',
      'rt_sigprocmask',
      'sigaltstack',
    ]);
    for (const abi of ['x86_64', 'x86'] as const) {
      const steady = (fp: Footprint, pick?: (u: SyscallUse) => boolean) => [...names(fp, abi, pick)].filter((n) => !noise.has(n)).sort();
      assert.deepEqual(steady(p.fp), steady(e.fp), `${abi}: the syscalls`);
      assert.deepEqual(
        steady(p.fp, (u) => u.runtime === true),
        steady(e.fp, (u) => u.runtime === true),
        `${abi}: the runtime's alone`,
      );
      // The known program's own calls: same counts, same first process.
      for (const n of KNOWN.filter((k) => !noise.has(k))) {
        const [a, b] = [uses(p.fp, abi)[n], uses(e.fp, abi)[n]];
        assert.deepEqual({ count: a?.count, comm: a?.firstBy?.comm }, { count: b?.count, comm: b?.firstBy?.comm }, `${abi} ${n}`);
      }
    }
    for (const n of ['mprotect', 'personality']) {
      assert.deepEqual(uses(p.fp, 'x86')[n]?.args, uses(e.fp, 'x86')[n]?.args, `i386 ${n} argument values`);
    }
    for (const abi of ['x86_64', 'x86'] as const) {
      for (const n of ['socket', 'setsockopt']) {
        const [a, b] = [uses(p.fp, abi)[n], uses(e.fp, abi)[n]];
        assert.ok(b?.argTuples !== undefined, `${abi} ${n}: tuples recorded`);
        assert.deepEqual({ args: a?.args, argTuples: a?.argTuples }, { args: b.args, argTuples: b.argTuples }, `${abi} ${n} argument values and tuples`);
      }
    }
  });

  it("records enough for a profile that verifies: the runtime's calls after the filter are in it", () => {
    const dir = tmp('cf-ptrace-');
    const fp = join(dir, 'fp.json');
    const r = record('ptrace', [inContainer(progs.known64), '3'], { out: fp });
    assert.equal(r.code, 3, r.stderr);
    const prof = join(dir, 'profile.json');
    const g = runCli(['generate', fp, '-o', prof]);
    assert.equal(g.code, 0, g.stderr);
    const mounts = ['-v', `${dirname(progs.known64)}:/p-${basename(progs.known64)}:ro`];
    const v = runCli(
      [
        'verify',
        '--profile',
        prof,
        '--expect-exit',
        '3',
        '--',
        'docker',
        'run',
        '--rm',
        '--network',
        'none',
        ...mounts,
        BASE_IMAGE,
        inContainer(progs.known64),
        '3',
      ],
      { env: engineEnv() as Record<string, string> },
    );
    assert.equal(v.code, 0, `${v.stdout}\n${v.stderr}`);
    assert.match(v.stderr + v.stdout, /PASS/);
  });

  it('auto falls back to ptrace when eBPF cannot load, and says so; --recorder ebpf fails instead', () => {
    // Without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN the BPF program cannot load; ptrace still works.
    const wrap = ['setpriv', '--inh-caps=-bpf,-perfmon,-sys_admin', '--bounding-set=-bpf,-perfmon,-sys_admin', '--'];
    const auto = record('auto', [inContainer(progs.known64)], { wrap });
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stderr, /eBPF recorder is unavailable .*recording with ptrace \(strace -f\) instead/);
    assert.match(auto.stderr, /syscalls \(ptrace\)/);
    assert.equal(auto.fp.provenance?.recorder?.name, 'ptrace');
    for (const n of KNOWN) assert.ok(names(auto.fp, 'x86_64').has(n), `missing ${n}`);
    const out = join(tmp('cf-ptrace-'), 'fp.json');
    const ebpf = record('ebpf', [inContainer(progs.known64)], { out, wrap });
    assert.equal(ebpf.code, 2, ebpf.stderr);
    assert.match(ebpf.stderr, /eBPF recorder/);
    assert.ok(!existsSync(out), 'no footprint');
    // With every capability, auto is eBPF.
    const full = record('auto', [inContainer(progs.known64)]);
    assert.equal(full.fp.provenance?.recorder?.name, 'ebpf');
    assert.doesNotMatch(full.stderr, /unavailable/);
  });

  it('rejects an unknown --recorder', () => {
    const r = runCli(['record', '--recorder', 'dtrace', '-o', join(tmp('cf-ptrace-'), 'x.json'), '--', 'docker', 'run', BASE_IMAGE, 'true'], {
      env: engineEnv() as Record<string, string>,
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: option '--recorder <kind>' argument 'dtrace' is invalid\. Allowed choices are ebpf, ptrace, auto\.$/m);
  });
});
