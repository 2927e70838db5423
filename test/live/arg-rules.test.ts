// Live: the argument rules `clawfence generate` makes from the recorded values, against the real
// kernel. test/fixtures/programs/arg-probe.c is recorded making a few values of every narrowed
// syscall (`arg-probe record`, eBPF recorder); the profiles generated from that footprint with
// --kill (--args strict, safe, none) are then loaded by runc and `arg-probe try` makes those values
// and others, each in a forked child. Under a kill_process profile a call seccomp refuses kills its
// child with SIGSYS, which no other path does (a missing capability is EPERM, a refusing kernel an
// errno), so every unrecorded value must come back `killed SIGSYS` and every recorded one as it
// does under no profile at the same capabilities; clone3 is answered ENOSYS by its rule. Each
// outcome must also be what the evaluator decides (decide()) for the same call. Every container
// is short (`--rm --network none`) and named cf-argk-<pid>-<n>.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { decide } from '../../src/evaluator/evaluate.js';
import { DOCKER_DEFAULT_CAPS } from '../../src/formats/shared/vocabulary.js';
import { loadProfile } from '../../src/formats/read.js';
import type { ConcreteProfile } from '../../src/profile/model.js';
import { resolveProfile } from '../../src/profile/resolve.js';
import { errnoName } from '../../src/syscalls/errno.js';
import { runCli } from '../support/cli.js';
import { BASE_IMAGE, buildProgram, engineEnv, record, requireLiveHost, tmp, uses, type Recorded } from '../support/live.js';

type Level = 'none' | 'safe' | 'strict';
type Caps = 'default' | 'none';

/** Stand-ins for pointers and fds: no rule reads them. */
const PTR = 0x7ffd_0000_1000n;
const FD = 3n;
const CLONE_NEWUSER = 0x10000000n;
const SIGCHLD = 17n;
const HI = 0x1_0000_0000n;

interface Call {
  id: string;
  syscall: string;
  /** The argument values the probe passes (pointers and fds as stand-ins). */
  args: bigint[];
  /** Made by `arg-probe record` too. */
  recorded: boolean;
  /** The narrowed argument's value, as the 32-bit int the kernel reads, is one `record` makes. */
  passes: boolean;
  /** The argument a rule narrows (null: clone3, answered by its own rule), and the lowest --args level with that rule. */
  narrowed: { index: number; level: Level } | null;
}

const C = (id: string, syscall: string, args: bigint[], recorded: boolean, narrowed: Call['narrowed'], passes = recorded): Call => ({
  id,
  syscall,
  args,
  recorded,
  passes,
  narrowed,
});
const at = (index: number, level: Level): Call['narrowed'] => ({ index, level });

/** The probe's calls, in the order it prints them (arg-probe.c CALLS). */
const CALLS: readonly Call[] = [
  C('socket-inet', 'socket', [2n, 1n, 0n], true, at(0, 'none')),
  C('socket-unix-dgram', 'socket', [1n, 2n, 0n], true, at(0, 'none')),
  // AF_INET with garbage in the upper half of the register: the kernel reads an int, and so must the rule.
  C('socket-inet-hi', 'socket', [HI | 2n, 1n, 0n], false, at(0, 'none'), true),
  C('socket-inet6', 'socket', [10n, 1n, 0n], false, at(0, 'none')),
  C('socket-packet', 'socket', [17n, 3n, 0n], false, at(0, 'none')),
  C('socket-vsock', 'socket', [40n, 1n, 0n], false, at(0, 'none')),
  C('socket-vsock-hi', 'socket', [HI | 40n, 1n, 0n], false, at(0, 'none')),
  C('socketpair-unix', 'socketpair', [1n, 1n, 0n, PTR], true, at(0, 'safe')),
  C('socketpair-inet', 'socketpair', [2n, 1n, 0n, PTR], false, at(0, 'safe')),
  C('clone-plain', 'clone', [SIGCHLD, 0n, 0n, 0n, 0n], true, at(0, 'none')),
  C('clone-newuser', 'clone', [CLONE_NEWUSER | SIGCHLD, 0n, 0n, 0n, 0n], false, at(0, 'none')),
  C('clone3-zero', 'clone3', [PTR, 88n], false, null),
  C('unshare-fs', 'unshare', [0x200n], true, at(0, 'none')),
  C('unshare-newuser', 'unshare', [CLONE_NEWUSER], false, at(0, 'none')),
  C('personality-query', 'personality', [0xffffffffn], true, at(0, 'none')),
  C('personality-linux32', 'personality', [8n], false, at(0, 'none')),
  C('prctl-get-dumpable', 'prctl', [3n, 0n, 0n, 0n, 0n], true, at(0, 'safe')),
  C('prctl-get-name', 'prctl', [16n, PTR, 0n, 0n, 0n], false, at(0, 'safe')),
  C('ioctl-fionread', 'ioctl', [FD, 0x541bn, PTR], true, at(1, 'strict')),
  C('ioctl-fioqsize', 'ioctl', [FD, 0x5460n, PTR], false, at(1, 'strict')),
  C('fcntl-getfl', 'fcntl', [FD, 3n, 0n], true, at(1, 'strict')),
  C('fcntl-getfd', 'fcntl', [FD, 1n, 0n], false, at(1, 'strict')),
  C('mmap-rw', 'mmap', [0n, 4096n, 3n, 0x22n, 0xffff_ffff_ffff_ffffn, 0n], true, at(2, 'strict')),
  C('mmap-rwx', 'mmap', [0n, 4096n, 7n, 0x22n, 0xffff_ffff_ffff_ffffn, 0n], false, at(2, 'strict')),
  C('mprotect-r', 'mprotect', [PTR, 4096n, 1n], true, at(2, 'strict')),
  C('mprotect-rwx', 'mprotect', [PTR, 4096n, 7n], false, at(2, 'strict')),
  // Combinations (--args safe): the family, type and protocol socket was recorded with, the
  // (level, option) pairs of setsockopt. SOCK_NONBLOCK|SOCK_CLOEXEC never count.
  C('socket-inet-flags', 'socket', [2n, 1n | 0o4000n | 0o2000000n, 0n], false, at(1, 'safe'), true),
  C('socket-inet-dgram', 'socket', [2n, 2n, 0n], false, at(1, 'safe')),
  C('socket-netlink-route', 'socket', [16n, 3n, 0n], true, at(2, 'safe')),
  C('socket-netlink-audit', 'socket', [16n, 3n, 9n], false, at(2, 'safe')),
  C('socketpair-unix-dgram', 'socketpair', [1n, 2n, 0n, PTR], false, at(1, 'safe')),
  C('setsockopt-reuseaddr', 'setsockopt', [FD, 1n, 2n, PTR, 4n], true, at(2, 'safe')),
  C('setsockopt-keepalive', 'setsockopt', [FD, 1n, 9n, PTR, 4n], false, at(2, 'safe')),
  C('setsockopt-tcp-maxseg', 'setsockopt', [FD, 6n, 2n, PTR, 4n], false, at(1, 'safe')),
];

/** The arguments recorded together (footprint argTuples) and their masks, for the syscalls narrowed by combination at --args safe. */
const TUPLES: Readonly<Record<string, { indices: number[]; masks: bigint[] }>> = {
  socket: { indices: [0, 1, 2], masks: [0xffffffffn, 0xfn, 0xffffffffn] },
  socketpair: { indices: [0, 1], masks: [0xffffffffn, 0xfn] },
  setsockopt: { indices: [1, 2], masks: [0xffffffffn, 0xffffffffn] },
};

const RANK: Record<Level, number> = { none: 0, safe: 1, strict: 2 };
const LEVELS: readonly Level[] = ['strict', 'safe', 'none'];
const U32 = 0xffffffffn;

/** What the kernel must answer for this call under the --kill profile of this level. */
function expected(c: Call, level: Level, baseline: string): string {
  if (c.narrowed === null) return 'errno ENOSYS';
  if (c.passes || RANK[c.narrowed.level] > RANK[level]) return baseline;
  return 'killed SIGSYS';
}

let runs = 0;

/** `arg-probe try` (or record) in a container: call id → `ok` | `errno NAME` | `killed SIGNAME`. */
function tryRun(probe: string, securityOpts: string[], caps: Caps): Map<string, string> {
  const name = `cf-argk-${process.pid}-${++runs}`;
  const r = spawnSync(
    'docker',
    [
      'run',
      '--rm',
      '--name',
      name,
      '--network',
      'none',
      '--ulimit',
      'core=0',
      ...(caps === 'none' ? ['--cap-drop', 'ALL'] : []),
      ...securityOpts,
      '-v',
      `${probe}:/probe:ro`,
      BASE_IMAGE,
      '/probe',
      'try',
    ],
    { env: engineEnv(), encoding: 'utf8', timeout: 60_000 },
  );
  if (r.error !== undefined) throw r.error;
  const what = `${securityOpts.join(' ')} caps=${caps}`;
  assert.equal(r.status, 0, `${what}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  const out = new Map<string, string>();
  for (const line of r.stdout.split('\n').filter((l) => l !== '')) {
    const m = /^call (\S+): (ok|errno [A-Z0-9]+|killed SIG[A-Z0-9]+)$/.exec(line);
    assert.ok(m !== null, `${what}: unexpected line '${line}'\n${r.stdout}`);
    const [, id = '', outcome = ''] = m;
    assert.ok(!out.has(id), `${what}: ${id} printed twice\n${r.stdout}`);
    out.set(id, outcome);
  }
  assert.deepEqual(
    [...out.keys()],
    CALLS.map((c) => c.id),
    `${what}: one line per call, in order\n${r.stdout}`,
  );
  return out;
}

function capsOf(caps: Caps): string[] {
  return caps === 'default' ? [...DOCKER_DEFAULT_CAPS] : [];
}

/** The kernel outcome the evaluator's decision stands for (allowed: what the kernel says unconfined). */
function decided(cp: ConcreteProfile, c: Call, baseline: string): { outcome: string; why: string } {
  const d = decide(cp, 'x86_64', c.syscall, c.args, { runtime: 'runc', libseccomp: '2.5' });
  const why = `${d.action}${d.errno === undefined ? '' : ` ${d.errno}`} (${d.source}${d.rule === undefined ? '' : ` #${d.rule}`}): ${d.why}`;
  switch (d.action) {
    case 'allow':
      return { outcome: baseline, why };
    case 'kill_process':
    case 'kill_thread':
      return { outcome: 'killed SIGSYS', why };
    case 'errno':
      return { outcome: `errno ${errnoName(d.errno ?? 1)}`, why };
    default:
      return { outcome: `unmapped action ${d.action}`, why };
  }
}

describe('argument rules from the recorded values, against the real kernel', () => {
  let probe = '';
  let dir = '';
  let rec: Recorded;
  const profiles = new Map<Level, string>();
  const baseline = new Map<Caps, Map<string, string>>();
  /** level → caps → call → outcome, for the report. */
  const table = new Map<string, Map<string, string>>();

  before(() => {
    requireLiveHost();
    probe = buildProgram('arg-probe');
    dir = tmp('cf-argk-');
  });

  it('records `arg-probe record` (eBPF) with exactly the recorded values of every narrowed argument', () => {
    const fp = join(dir, 'footprint.json');
    rec = record({
      engine: 'docker',
      recorder: 'ebpf',
      run: ['--name', `cf-argk-${process.pid}-rec`, '-v', `${probe}:/probe:ro`],
      cmd: ['/probe', 'record'],
      out: fp,
    });
    assert.equal(rec.code, 0, `record failed\n${rec.stdout}\n${rec.stderr}`);
    assert.deepEqual(
      rec.stdout.split('\n').filter((l) => l !== ''),
      CALLS.filter((c) => c.recorded).map((c) => `call ${c.id}: ok`),
      rec.stdout,
    );
    const u = uses(rec.fp, 'x86_64');
    // The precondition of every assertion below: a recorded value is in the footprint, an
    // unrecorded one is not (the runtime's own calls, recorded too, must not carry it).
    for (const c of CALLS) {
      if (c.narrowed === null) {
        assert.equal(u[c.syscall], undefined, `${c.syscall} must not be recorded`);
        continue;
      }
      const tuple = TUPLES[c.syscall];
      if (c.narrowed.level === 'safe' && tuple !== undefined) {
        // Narrowed by combination: the call's combination is in the footprint, or not.
        const want = tuple.indices.map((ix, k) => (c.args[ix] ?? 0n) & (tuple.masks[k] ?? U32)).join(',');
        const seen = (u[c.syscall]?.argTuples?.find((t) => t.indices.join(',') === tuple.indices.join(','))?.values ?? []).map((v) => v.value.join(','));
        // socket's protocol is free for TCP/UDP: compare without it there.
        const free = c.syscall === 'socket' && c.args[0] !== 16n;
        const key = (k: string) => (free ? k.split(',').slice(0, 2).join(',') : k);
        assert.equal(
          seen.map(key).includes(key(want)),
          c.passes,
          `${c.id}: ${c.syscall} (${want}) ${c.passes ? 'missing from' : 'in'} the footprint's combinations (${seen.join(' ')})`,
        );
        continue;
      }
      const values = (u[c.syscall]?.args?.find((a) => a.index === c.narrowed?.index)?.values ?? []).map((v) => BigInt(v.value) & U32);
      const v = (c.args[c.narrowed.index] ?? 0n) & U32;
      assert.equal(
        values.includes(v),
        c.passes,
        `${c.id}: ${c.syscall} arg${c.narrowed.index} = 0x${v.toString(16)} (32 bits) ${c.passes ? 'missing from' : 'in'} the footprint (${values.map((x) => `0x${x.toString(16)}`).join(', ')})`,
      );
    }
  });

  it('generates --kill profiles at --args strict, safe and none, exit 0 (no catalogued door recorded)', (t) => {
    if (rec?.code !== 0) return t.skip('needs the recording');
    for (const level of LEVELS) {
      const out = join(dir, `profile-${level}.json`);
      const g = runCli(['generate', join(dir, 'footprint.json'), '--kill', '--args', level, '-o', out]);
      assert.equal(g.code, 0, `generate --args ${level}: exit ${g.code}\n${g.stdout}\n${g.stderr}`);
      assert.ok(existsSync(out), out);
      const p = JSON.parse(readFileSync(out, 'utf8')) as { defaultAction: string; syscalls: { names: string[]; action: string; errnoRet?: number }[] };
      assert.equal(p.defaultAction, 'SCMP_ACT_KILL_PROCESS');
      assert.ok(
        p.syscalls.some((r) => r.names.includes('clone3') && r.action === 'SCMP_ACT_ERRNO' && r.errnoRet === 38),
        `${level}: clone3 → ENOSYS rule`,
      );
      profiles.set(level, out);
    }
  });

  it("without a profile (seccomp=unconfined): the baseline at Docker's default caps and with --cap-drop ALL", (t) => {
    if (probe === '') return t.skip('needs the probe');
    for (const caps of ['default', 'none'] as const) {
      const b = tryRun(probe, ['--security-opt', 'seccomp=unconfined'], caps);
      baseline.set(caps, b);
      table.set(`unconfined caps=${caps}`, b);
      for (const c of CALLS) {
        assert.doesNotMatch(b.get(c.id) ?? '', /^killed/, `${c.id} unconfined, caps=${caps}: nothing but seccomp may kill`);
        if (c.recorded) assert.equal(b.get(c.id), 'ok', `${c.id} (recorded) unconfined, caps=${caps}`);
      }
    }
    // The capability path answers differently, which is why the kill action tells seccomp apart.
    assert.equal(baseline.get('none')?.get('socket-packet'), 'errno EPERM', 'AF_PACKET without CAP_NET_RAW');
  });

  const cases: [Level, Caps][] = [
    ['strict', 'default'],
    ['strict', 'none'],
    ['safe', 'default'],
    ['none', 'default'],
  ];
  for (const [level, caps] of cases) {
    it(`--kill --args ${level}, caps=${caps}: recorded values pass, unrecorded narrowed ones are killed (SIGSYS), clone3 ENOSYS — and the evaluator agrees on every call`, (t) => {
      const file = profiles.get(level);
      const base = baseline.get(caps);
      if (file === undefined || base === undefined) return t.skip('needs the profile and the baseline');
      const got = tryRun(probe, ['--security-opt', `seccomp=${file}`], caps);
      table.set(`${level} caps=${caps}`, got);
      const cp = resolveProfile(loadProfile(file).profile, { native: 'x86_64', caps: capsOf(caps) });
      const wrong: string[] = [];
      for (const c of CALLS) {
        const b = base.get(c.id) ?? '';
        const kernel = got.get(c.id) ?? '';
        const want = expected(c, level, b);
        if (kernel !== want) wrong.push(`${c.id}: kernel ${kernel}, expected ${want} (unconfined: ${b})`);
        const ev = decided(cp, c, b);
        if (ev.outcome !== kernel) wrong.push(`${c.id}: kernel ${kernel}, evaluator ${ev.outcome} — ${ev.why}`);
      }
      assert.deepEqual(wrong, [], `--args ${level} caps=${caps}\n${wrong.join('\n')}`);
      if (level === 'safe') {
        // Spelled out: at safe the hot syscalls are name-only, the doors are narrowed.
        const killed = CALLS.filter((c) => got.get(c.id) === 'killed SIGSYS').map((c) => c.syscall);
        for (const hot of ['ioctl', 'fcntl', 'mmap', 'mprotect']) assert.ok(!killed.includes(hot), `${hot} killed at --args safe`);
        for (const door of ['socket', 'socketpair', 'setsockopt', 'clone', 'unshare', 'personality', 'prctl'])
          assert.ok(killed.includes(door), `no ${door} value killed at --args safe`);
      }
    });
  }

  it('the measured table', (t) => {
    if (table.size === 0) return t.skip('nothing ran');
    const cols = [...table.keys()];
    const lines = CALLS.map(
      (c) => `# ${c.id.padEnd(20)} ${c.recorded ? 'rec' : '   '} ${cols.map((k) => (table.get(k)?.get(c.id) ?? '-').padEnd(24)).join(' ')}`,
    );
    process.stdout.write(`# ${'call'.padEnd(20)}     ${cols.map((k) => k.padEnd(24)).join(' ')}\n${lines.join('\n')}\n`);
  });
});
