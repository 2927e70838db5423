// systemd export. The drop-in is read back by a small model of how systemd builds its filter from
// these settings (allow list + implicit @default, `~name` removals, `:ERRNO`/`:kill` suffixes,
// SystemCallErrorNumber=, SystemCallLog=; see the header of systemd.ts for the sources), and every
// syscall's answer is compared with the evaluator's decision on the original profile.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRNO } from '../syscalls/errno.js';
import { groupMembers } from '../syscalls/groups.js';
import { syscallsOf } from '../syscalls/table.js';
import { decide } from '../evaluator/evaluate.js';
import { parseProfileText } from './read.js';
import type { Action, Profile, Rule } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { exportSystemdDropIn } from './systemd.js';

const HOST = { native: 'x86_64' as const, caps: [] as string[], kernel: '6.8' };
const docker = parseProfileText(readFileSync(new URL('../../data/reference/docker-default.json', import.meta.url), 'utf8'), 'd.json').profile;

type SdAnswer = 'allow' | 'log' | 'kill' | `errno ${number}`;

/** What systemd makes of the [Service] seccomp settings, per syscall name. */
function systemdModel(text: string): { answer(name: string): SdAnswer; arches: string[] } {
  let filter: Map<string, number | 'kill'> | undefined;
  let allowList = false;
  let errorNumber: number | 'kill' = 'kill';
  let logs: Set<string> | undefined;
  let logAllowList = false;
  let arches: string[] = [];
  const errno = (s: string): number | 'kill' => (s === 'kill' ? 'kill' : /^\d+$/.test(s) ? Number(s) : (ERRNO[s] ?? NaN));
  const expand = (w: string): string[] => (w.startsWith('@') ? groupMembers(w) : [w]);
  for (const line of text.split('\n')) {
    const m = /^(SystemCall\w+)=(.*)$/.exec(line);
    if (m === null) continue;
    const [, key, value = ''] = m;
    if (key === 'SystemCallArchitectures') arches = value === '' ? [] : [...arches, ...value.split(' ')];
    if (key === 'SystemCallErrorNumber') errorNumber = value === '' ? 'kill' : errno(value);
    if (key === 'SystemCallFilter') {
      if (value === '') {
        filter = undefined;
        continue;
      }
      const invert = value.startsWith('~');
      if (filter === undefined) {
        filter = new Map();
        allowList = !invert;
        if (allowList) for (const n of groupMembers('@default')) filter.set(n, -1);
      }
      for (const word of (invert ? value.slice(1) : value).split(' ')) {
        const [name = '', suffix] = word.split(':');
        const e = suffix === undefined ? -1 : errno(suffix);
        for (const n of expand(name)) {
          if (!invert === allowList || (invert && allowList && e !== -1)) filter.set(n, e);
          else filter.delete(n);
        }
      }
    }
    if (key === 'SystemCallLog') {
      if (value === '') {
        logs = undefined;
        continue;
      }
      const invert = value.startsWith('~');
      if (logs === undefined) {
        logs = new Set();
        logAllowList = !invert;
      }
      for (const w of (invert ? value.slice(1) : value).split(' ')) for (const n of expand(w)) logs.add(n);
    }
  }
  const fromErr = (e: number | 'kill'): SdAnswer => (e === 'kill' ? 'kill' : `errno ${e}`);
  return {
    arches,
    answer(name) {
      let a: SdAnswer = 'allow';
      if (filter !== undefined) {
        const hit = filter.get(name);
        if (allowList) a = hit === undefined ? fromErr(errorNumber) : hit === -1 ? 'allow' : fromErr(hit);
        else a = hit === undefined ? 'allow' : fromErr(hit === -1 ? errorNumber : hit);
      }
      const logged = logs !== undefined && (logAllowList ? logs.has(name) : !logs.has(name));
      return a === 'allow' && logged ? 'log' : a;
    },
  };
}

function expected(action: Action, errno: number | undefined): SdAnswer {
  if (action === 'errno') return `errno ${errno ?? 1}`;
  if (action === 'kill_process' || action === 'kill_thread' || action === 'trap') return 'kill';
  if (action === 'trace' || action === 'notify') return 'errno 1';
  return action;
}

/** Compares the model's answer for every syscall of the ABIs with the evaluator's decision. */
function agreesWithEvaluator(p: Profile, text: string, skip: ReadonlySet<string> = new Set()): void {
  const cp = resolveProfile(p, HOST);
  const sd = systemdModel(text);
  for (const abi of cp.architectures) {
    for (const name of syscallsOf(abi)) {
      if (skip.has(name)) continue;
      const d = decide(cp, abi, name, []);
      const want = d.source === 'enosys-stub' ? expected(cp.defaultAction, cp.defaultErrnoRet) : expected(d.action, d.errno);
      assert.equal(sd.answer(name), want, `${abi} ${name}`);
    }
  }
}

function rule(names: string[], action: Action, extra: Partial<Rule> = {}): Rule {
  return { names, action, args: [], includes: { caps: [], arches: [] }, excludes: { caps: [], arches: [] }, ...extra };
}

function profile(syscalls: Rule[], extra: Partial<Profile> = {}): Profile {
  return { defaultAction: 'errno', architectures: ['x86_64', 'x86', 'x32'], archMap: [], flags: [], syscalls, ...extra };
}

test("Docker's default cannot go to systemd without losing its argument rules, and says which", () => {
  const r = exportSystemdDropIn(docker, { host: HOST });
  const argLosses = r.lost.filter((l) => /argument rules cannot be expressed/.test(l)).map((l) => l.split(':')[0]);
  assert.deepEqual(argLosses.sort(), ['clone', 'personality', 'socket']);
  const socket = r.lost.find((l) => l.startsWith('socket:')) ?? '';
  assert.match(
    socket,
    /arg0 < 38 \(AF_ALG\) → ALLOW; arg0 == 39 \(AF_NFC\) → ALLOW; arg0 > 40 \(AF_VSOCK\) → ALLOW; otherwise ERRNO EPERM\); exported as ERRNO EPERM for every call/,
  );
  assert.match(
    r.lost.find((l) => l.startsWith('clone:')) ?? '',
    /arg0 & 2114060288 \(CLONE_NEWNS\|CLONE_NEWCGROUP\|CLONE_NEWUTS\|CLONE_NEWIPC\|CLONE_NEWUSER\|CLONE_NEWPID\|CLONE_NEWNET\) == 0 → ALLOW/,
  );
});

test("Docker's default as a drop-in answers every other syscall exactly as the evaluator does", () => {
  const r = exportSystemdDropIn(docker, { host: HOST });
  const sd = systemdModel(r.text);
  assert.deepEqual(sd.arches, ['x86-64', 'x86', 'x32'], 'native first');
  assert.equal(sd.answer('clone3'), 'errno 38', 'clone3 keeps ENOSYS so libc falls back to clone');
  assert.equal(sd.answer('socket'), 'errno 1', 'argument-ruled syscalls narrowed to the default');
  assert.equal(sd.answer('clone'), 'errno 1');
  assert.equal(sd.answer('read'), 'allow');
  assert.equal(sd.answer('mount'), 'errno 1');
  agreesWithEvaluator(docker, r.text, new Set(['socket', 'clone', 'personality']));
  assert.match(r.text, /^SystemCallErrorNumber=EPERM$/m);
  assert.match(r.text, /^SystemCallFilter=~clone3:ENOSYS$/m);
  assert.match(r.text, /need systemd 248 or later/);
  assert.equal(exportSystemdDropIn(docker, { host: HOST }).text, r.text, 'deterministic');
});

test('an allow list removes the @default members the profile denies', () => {
  const p = profile([rule(['read', 'write', 'execve', 'exit_group'], 'allow')], { defaultAction: 'errno', defaultErrnoRet: 13 });
  const r = exportSystemdDropIn(p, { host: HOST });
  assert.deepEqual(r.lost, []);
  assert.match(r.text, /^SystemCallErrorNumber=EACCES$/m);
  assert.match(r.text, /^SystemCallFilter=~.*\bgetpid\b/m, 'getpid is in @default and denied here');
  agreesWithEvaluator(p, r.text);
});

test('a deny list keeps per-syscall errnos and kills, and logs what the profile logs', () => {
  const p = profile(
    [
      rule(['mount', 'umount2'], 'errno', { errnoRet: 1 }),
      rule(['reboot'], 'kill_process'),
      rule(['ptrace'], 'errno', { errnoRet: 38 }),
      rule(['openat'], 'log'),
    ],
    { defaultAction: 'allow' },
  );
  const r = exportSystemdDropIn(p, { host: HOST });
  assert.deepEqual(r.lost, []);
  assert.match(r.text, /^SystemCallFilter=~mount:EPERM ptrace:ENOSYS reboot umount2:EPERM$/m);
  assert.match(r.text, /^SystemCallErrorNumber=$/m, 'unsuffixed deny-list entries are killed');
  assert.match(r.text, /^SystemCallLog=openat$/m);
  agreesWithEvaluator(p, r.text);
});

test('a log-by-default profile logs everything it does not allow or deny explicitly', () => {
  const p = profile([rule(['read', 'write'], 'allow'), rule(['kexec_load'], 'errno', { errnoRet: 1 })], { defaultAction: 'log' });
  const r = exportSystemdDropIn(p, { host: HOST });
  assert.deepEqual(r.lost, []);
  assert.match(r.text, /^SystemCallLog=~kexec_load read write$/m);
  agreesWithEvaluator(p, r.text);
});

test('what systemd cannot say is listed syscall by syscall, and made stricter', () => {
  const p = profile(
    [
      rule(['read'], 'allow'),
      rule(['ptrace'], 'trace'),
      rule(['kill'], 'trap'),
      rule(['tkill'], 'kill_thread'),
      rule(['mmap'], 'errno', { errnoRet: 1, args: [{ index: 2, op: 'masked_eq', value: 4n, valueTwo: 4n }] }),
      rule(['mmap'], 'allow'),
    ],
    { defaultAction: 'errno', flags: ['SECCOMP_FILTER_FLAG_LOG'] },
  );
  const r = exportSystemdDropIn(p, { host: HOST });
  const lost = r.lost.join('\n');
  assert.match(lost, /^ptrace: TRACE cannot be expressed; exported as ERRNO EPERM$/m);
  assert.match(lost, /^kill: TRAP \(a catchable SIGSYS\) becomes KILL_PROCESS$/m);
  assert.match(lost, /^tkill: KILL_THREAD becomes KILL_PROCESS/m);
  assert.match(
    lost,
    /^mmap: argument rules cannot be expressed \(arg2 & 4 \(PROT_EXEC\) == 4 → ERRNO EPERM; otherwise ALLOW\); exported as ERRNO EPERM for every call$/m,
  );
  assert.match(lost, /^flags SECCOMP_FILTER_FLAG_LOG cannot be set through systemd/m);
  const sd = systemdModel(r.text);
  assert.equal(sd.answer('mmap'), 'errno 1', 'the stricter of allow and EPERM');
  assert.equal(sd.answer('kill'), 'kill');
  assert.equal(sd.answer('read'), 'allow');
  const k = exportSystemdDropIn(profile([rule(['read', 'write'], 'allow')], { defaultAction: 'kill_thread' }), { host: HOST });
  assert.deepEqual(k.lost, ['default action: KILL_THREAD becomes KILL_PROCESS (systemd kills the whole process)']);
  assert.match(k.text, /^SystemCallErrorNumber=$/m);
});

test('host conditions are resolved and reported; other-family ABIs do not appear', () => {
  const p: Profile = {
    ...profile([rule(['read'], 'allow'), rule(['chroot'], 'allow', { includes: { caps: ['CAP_SYS_CHROOT'], arches: [] } })]),
    architectures: ['x86_64', 'aarch64'],
  };
  const r = exportSystemdDropIn(p, { host: HOST });
  assert.deepEqual(r.lost, [
    'syscalls[1] (chroot): dropped — includes.caps: the container lacks CAP_SYS_CHROOT (x86_64, no capabilities, kernel 6.8)',
    'write: newer systemd versions allow write() for their own hand-off to the service, whatever the filter says',
  ]);
  assert.match(r.text, /^SystemCallArchitectures=x86-64$/m);
  assert.equal(systemdModel(r.text).answer('chroot'), 'errno 1');
});
