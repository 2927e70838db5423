// A realistic hardening report for the renderers' tests, built from real inputs: the generated
// flask profile (test/fixtures/generated/flask.exact.json) read through src/formats/read.ts,
// Docker's reference default, and a small probe matrix (its values are data).

import { fileURLToPath } from 'node:url';
import type { ProbeCell, ProbeSpec, Verdict } from '../../src/battery/model.js';
import { DOCKER_DEFAULT_NAME, loadDockerDefault } from '../../src/catalog/reference.js';
import { loadProfile } from '../../src/formats/read.js';
import { REPORT_SCHEMA, type HardeningReport, type ProbeColumn, type ProbeRow } from '../../src/report/model.js';
import { allowedCount, buildSyscallMap } from '../../src/report/syscall-map.js';
import type { Profile } from '../../src/profile/model.js';

export const FIXTURE_PROFILE = fileURLToPath(new URL('../fixtures/generated/flask.exact.json', import.meta.url));

export function fixtureProfile(): Profile {
  return loadProfile(FIXTURE_PROFILE).profile;
}

const PROBES: ProbeSpec[] = [
  {
    id: 'userns-mount',
    door: 'mount inside a new user namespace',
    syscall: 'mount',
    abi: 'x86_64',
    args: 'tmpfs on /mnt after unshare(CLONE_NEWUSER|CLONE_NEWNS)',
    harmless: 'a tmpfs in a private mount namespace',
    reached: ['OK'],
    alone: true,
    prerequisite: 'unshare',
  },
  {
    id: 'socket-netlink-audit',
    door: 'netlink audit socket',
    syscall: 'socket',
    abi: 'x86_64',
    args: 'AF_NETLINK, SOCK_RAW, NETLINK_AUDIT',
    harmless: 'opening a socket sends nothing',
    reached: ['OK'],
    alone: false,
  },
  {
    id: 'kexec-load',
    door: 'load a new kernel',
    syscall: 'kexec_load',
    abi: 'x86_64',
    args: '0, 0, NULL, bad flags',
    harmless: 'bad flags: the kernel answers EINVAL first',
    reached: ['EINVAL'],
    alone: false,
  },
  {
    id: 'x86-ptrace',
    door: 'ptrace through the i386 entry',
    syscall: 'ptrace',
    abi: 'x86',
    args: 'PTRACE_ATTACH to the hold process',
    harmless: 'the hold process is the battery’s own',
    reached: ['OK'],
    alone: false,
    sibling: true,
  },
];

const COLUMNS: ProbeColumn[] = [
  { id: 'unconfined', title: 'Unconfined', source: '--security-opt seccomp=unconfined' },
  { id: 'docker-reference', title: DOCKER_DEFAULT_NAME, source: 'data/reference/docker-default.json', profileDigest: 'sha256:' + '1'.repeat(64) },
  { id: 'profile', title: 'This profile', source: FIXTURE_PROFILE, profileDigest: 'sha256:' + '2'.repeat(64) },
];

const seccomp: ProbeCell = { verdict: 'seccomp', detail: 'marker errno (seccomp)', raw: { kind: 'returned', ret: '-1', errno: 4094 } };
const CELLS: ProbeCell[][] = [
  [{ verdict: 'reached', detail: 'OK', raw: { kind: 'returned', ret: '0', errno: 0 } }, seccomp, seccomp],
  [
    { verdict: 'reached', detail: 'OK', raw: { kind: 'returned', ret: '3', errno: 0 } },
    { verdict: 'kernel', detail: 'EPERM as unconfined (capability)', raw: { kind: 'returned', ret: '-1', errno: 1 } },
    seccomp,
  ],
  [
    { verdict: 'kernel', detail: 'EPERM (capability)', raw: { kind: 'returned', ret: '-1', errno: 1 } },
    seccomp,
    { verdict: 'seccomp', detail: 'SIGSYS', raw: { kind: 'signalled', signal: 31 } },
  ],
  [
    { verdict: 'reached', detail: 'OK', raw: { kind: 'returned', ret: '0', errno: 0 } },
    { verdict: 'inconclusive', detail: 'runs disagree', raw: { kind: 'harness', what: 'fork', errno: 11 } },
    seccomp,
  ],
];

export interface FixtureOptions {
  title?: string;
}

/** The report `clawfence profile` would write for the flask fixture (x86_64). */
export function buildFixtureReport(opts: FixtureOptions = {}): HardeningReport {
  const profile = fixtureProfile();
  const map = buildSyscallMap(profile, loadDockerDefault(), { abi: 'x86_64', generalised: new Set(['getrandom']), dockerDefaultTitle: DOCKER_DEFAULT_NAME });
  const rows: ProbeRow[] = PROBES.map((probe, i) => ({ probe, cells: CELLS[i] ?? [], recorded: probe.syscall === 'socket' }));
  const counts: Record<string, Record<Verdict, number>> = {};
  COLUMNS.forEach((c, k) => {
    const r: Record<Verdict, number> = { reached: 0, kernel: 0, seccomp: 0, inconclusive: 0 };
    for (const row of rows) {
      const v = row.cells[k]?.verdict;
      if (v !== undefined) r[v] += 1;
    }
    counts[c.id] = r;
  });
  const allowed = allowedCount(map.counts.profile);
  return {
    schema: REPORT_SCHEMA,
    title: opts.title ?? 'flask (python:3.11-slim)',
    provenance: {
      clawfenceVersion: '0.1.0',
      generatedAt: '2026-12-04T04:00:00.000Z',
      image: 'python:3.11-slim',
      imageDigest: 'sha256:' + 'a'.repeat(64),
      profilePath: 'test/fixtures/generated/flask.exact.json',
      profileDigest: 'sha256:' + '2'.repeat(64),
      engine: 'docker',
      engineVersion: '20.10.24',
      runtime: 'runc',
      runtimeVersion: '1.1.5',
      libseccompVersion: '2.5.4',
      kernel: '6.1.0',
      workloads: ['get', 'post'],
      recorder: 'ebpf',
    },
    footprint: [{ abi: 'x86_64', recorded: allowed, allowed, dockerDefault: allowedCount(map.counts.dockerDefault), total: map.cells.length }],
    map,
    probes: {
      columns: COLUMNS,
      rows,
      counts,
      markerErrno: 4094,
      method:
        'Each probe makes one call with harmless arguments under each configuration; a call answered with the marker errno or killed by SIGSYS was stopped by seccomp, an answer that matches the unconfined run came from the kernel.',
      runOptions: ['--user', '1000:1000', '--cap-drop', 'ALL'],
    },
    findings: [
      {
        id: 'dangerous-syscall',
        severity: 'medium',
        title: 'socket allows AF_NETLINK',
        message: 'the profile lets the tool open netlink sockets',
        syscall: 'socket',
      },
    ],
    coverage: ['2 workloads exercised; 1 syscall generalised (getrandom).'],
    summary: [
      `The profile allows ${allowed} of ${map.cells.length} x86_64 syscalls; Docker's default allows ${allowedCount(map.counts.dockerDefault)}.`,
      'No probe reached the kernel under this profile.',
    ],
  };
}
