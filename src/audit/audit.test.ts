// The audit on the real reference profiles. Expectations come from data/reference/SOURCES.md (an
// independent analysis of the same files) and from the lists in the issue, not from the code.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decide } from '../evaluator/evaluate.js';
import { parseDockerProfile } from '../formats/docker.js';
import type { Profile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { DOCKER_DEFAULT_CAPS } from '../formats/shared/vocabulary.js';
import { syscallsOf } from '../syscalls/table.js';
import { auditProfile } from './audit.js';
import { failOn } from './fail-on.js';
import { RISK_CATEGORIES, severityRank, type AuditReport } from './model.js';
import { loadDockerDefault } from '../catalog/reference.js';
import { RISK_CATALOG } from '../catalog/dangerous.js';
import { computeSurface } from '../evaluator/surface.js';

const ROOT = new URL('../../', import.meta.url);
const read = (p: string): string => readFileSync(new URL(p, ROOT), 'utf8');

function load(p: string): Profile {
  const r = parseDockerProfile(read(p));
  assert.ok(r.ok, `${p} parses`);
  return r.value;
}

const SOURCES = read('data/reference/SOURCES.md');

/** The fenced list after a heading line inside one "### <file>" section of SOURCES.md. */
function sourcesList(section: string, heading: RegExp): string[] {
  const start = SOURCES.indexOf(`### ${section}`);
  assert.ok(start >= 0, `SOURCES.md has a section for ${section}`);
  const rest = SOURCES.slice(start);
  const end = rest.indexOf('\n### ', 5);
  const body = end < 0 ? rest : rest.slice(0, end);
  const m = heading.exec(body);
  assert.ok(m, `section ${section} has ${heading}`);
  const after = body.slice(m.index);
  const fence = /```\n([\s\S]*?)```/.exec(after);
  assert.ok(fence?.[1] !== undefined);
  return fence[1]
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/\(\d+\)$/, ''));
}

// The issue's lists of dangerous syscalls by category (io_uring_* and kexec_* written out).
const ISSUE_LISTS: Record<string, string[]> = {
  'namespace-escape': ['mount', 'umount2', 'pivot_root', 'chroot', 'unshare', 'setns', 'clone', 'clone3'],
  'kernel-attack-surface': [
    'bpf',
    'perf_event_open',
    'userfaultfd',
    'io_uring_setup',
    'io_uring_enter',
    'io_uring_register',
    'keyctl',
    'add_key',
    'request_key',
    'kexec_load',
    'kexec_file_load',
    'init_module',
    'finit_module',
    'delete_module',
    'open_by_handle_at',
    'name_to_handle_at',
  ],
  introspection: ['ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd'],
  'host-state': ['settimeofday', 'clock_settime', 'adjtimex', 'reboot', 'swapon', 'swapoff', 'acct', 'quotactl', 'syslog', 'sethostname'],
};
const ISSUE_NAMES = new Set(Object.values(ISSUE_LISTS).flat());

/** Dangerous syscalls the report lists, as category → names, restricted to the issue's names. */
function reportedIssueDangers(r: AuditReport): Record<string, string[]> {
  return Object.fromEntries(RISK_CATEGORIES.map((c) => [c, r.summary.dangerous[c].filter((n) => ISSUE_NAMES.has(n))]));
}

/** What the issue's lists predict from an allowed list, minus names the caller explains away. */
function expectedDangers(allowed: Set<string>, except: string[] = []): Record<string, string[]> {
  return Object.fromEntries(Object.entries(ISSUE_LISTS).map(([c, names]) => [c, names.filter((n) => allowed.has(n) && !except.includes(n)).sort()]));
}

const docker = load('data/reference/docker-default.json');
const DOCKER_ALLOWED = new Set(sourcesList('docker-default.json', /Allowed names that have an x86_64 number \(308\):/));
const DOCKER_BLOCKED = new Set(sourcesList('docker-default.json', /Blocked set/));

describe("audit of Docker's default profile (x86_64, no capabilities)", () => {
  const report = auditProfile(docker, { native: 'x86_64', caps: [], reference: docker });

  it('reads SOURCES.md consistently (308 allowed + 77 blocked = every x86_64 syscall)', () => {
    assert.equal(DOCKER_ALLOWED.size, 308);
    assert.equal(DOCKER_BLOCKED.size, 77);
    assert.deepEqual([...DOCKER_ALLOWED, ...DOCKER_BLOCKED].sort(), syscallsOf('x86_64').sort());
  });

  it('allows exactly the 308 names SOURCES.md lists on x86_64, 3 of them only for some arguments', () => {
    const s = computeSurface(resolveProfile(docker, { native: 'x86_64', caps: [] })).get('x86_64');
    assert.ok(s);
    assert.deepEqual([...s.allowed].sort(), [...DOCKER_ALLOWED].sort());
    // SOURCES.md: "allowed only through args-conditioned rules: ['clone', 'personality', 'socket']"
    assert.deepEqual([...s.conditional].sort(), ['clone', 'personality', 'socket']);
    const { tiers, ...counts } = report.counts.x86_64 ?? { tiers: undefined };
    assert.deepEqual(counts, { allowed: 308, conditional: 3, total: 385, referenceAllowed: 308 });
    // Every x86_64 name is classified; the dangerous ones are the catalogued names Docker allows.
    const catalogued = [...DOCKER_ALLOWED].filter((n) => RISK_CATALOG.some((e) => e.syscall === n));
    assert.deepEqual(tiers, { benign: tiers?.benign, moderate: 308 - catalogued.length - (tiers?.benign ?? 0), dangerous: catalogued.length, unclassified: 0 });
    assert.ok((tiers?.benign ?? 0) > (tiers?.moderate ?? 0), 'most of what Docker allows is benign');
  });

  it("lists the dangerous allows by category: exactly the issue's names that SOURCES.md says are allowed", () => {
    // clone is allowed only with arg0 & 0x7e020000 == 0, which SOURCES.md decodes as exactly the seven
    // CLONE_NEW* flags, so it must not be reported; clone3 is blocked (ENOSYS).
    const expected = expectedDangers(DOCKER_ALLOWED, ['clone']);
    assert.deepEqual(reportedIssueDangers(report), expected);
    assert.deepEqual(expected['introspection'], ['process_vm_readv', 'process_vm_writev', 'ptrace']);
    assert.deepEqual(expected['kernel-attack-surface'], ['name_to_handle_at']);
    assert.deepEqual(expected['host-state'], ['adjtimex']);
    assert.deepEqual(expected['namespace-escape'], []);
  });

  it('reports every other dangerous name only when it is allowed (on x86_64 per SOURCES.md)', () => {
    for (const f of report.findings.filter((x) => x.id === 'CF010')) {
      assert.ok(f.syscall !== undefined && f.abi !== undefined);
      if (f.abi === 'x86_64') assert.ok(DOCKER_ALLOWED.has(f.syscall), `${f.syscall} is allowed per SOURCES.md`);
      assert.ok(f.path?.startsWith('$.syscalls['), 'points at the allowing rule');
    }
  });

  it('says nothing about clone or clone3 (clone restricted by MASKED_EQ, clone3 answered with ENOSYS)', () => {
    const cloneFindings = report.findings.filter((f) => f.syscall === 'clone' || f.syscall === 'clone3');
    assert.deepEqual(cloneFindings, []);
  });

  it('flags x86 socketcall as a way around the socket family rules and the open x86/x32 ABIs', () => {
    const mux = report.findings.filter((f) => f.id === 'CF021');
    assert.equal(mux.length, 1);
    assert.equal(mux[0]?.abi, 'x86');
    assert.equal(mux[0]?.syscall, 'socketcall');
    assert.match(mux[0]?.message ?? '', /socket\b/);
    assert.deepEqual(
      report.findings.filter((f) => f.id === 'CF020').map((f) => f.abi),
      ['x86', 'x32'],
    );
  });

  it('gives the counts of the three ABIs with Docker as its own reference', () => {
    assert.deepEqual(report.abis, ['x86_64', 'x86', 'x32']);
    for (const abi of report.abis) {
      const c = report.counts[abi];
      assert.ok(c);
      assert.equal(c.allowed, c.referenceAllowed);
      assert.equal(c.total, syscallsOf(abi).length);
    }
    const info = report.findings.filter((f) => f.id === 'CF040');
    assert.equal(info.length, 3);
    assert.match(info[0]?.message ?? '', /^x86_64: 308 of 385 syscalls allowed \(3 only for some arguments\); Docker's default allows 308$/);
  });

  it('sorts findings most severe first and fails on high', () => {
    const ranks = report.findings.map((f) => severityRank(f.severity));
    assert.deepEqual(
      ranks,
      [...ranks].sort((a, b) => b - a),
    );
    assert.equal(report.summary.highest, 'high');
    assert.equal(failOn(report, 'high'), true);
    assert.equal(failOn(report, 'critical'), false);
  });

  it('on a 4.4 kernel drops ptrace and process_vm_* (minKernel 4.8), as SOURCES.md computes', () => {
    const old = auditProfile(docker, { native: 'x86_64', caps: [], kernel: '4.4' });
    assert.equal(old.counts.x86_64?.allowed, 305);
    assert.deepEqual(old.summary.dangerous.introspection, []);
  });

  it("with Docker's 14 default capabilities allows chroot too (309 names)", () => {
    const withCaps = auditProfile(docker, { native: 'x86_64', caps: [...DOCKER_DEFAULT_CAPS] });
    assert.equal(withCaps.counts.x86_64?.allowed, 309);
    assert.ok(withCaps.summary.dangerous['namespace-escape'].includes('chroot'));
  });
});

describe('audit of the 40-harmless-syscalls example', () => {
  const report = auditProfile(load('examples/profiles/harmless-40.json'), { native: 'x86_64', caps: [], reference: docker });

  it('reports nothing above low severity', () => {
    const above = report.findings.filter((f) => severityRank(f.severity) > severityRank('low'));
    assert.deepEqual(above, []);
    assert.equal(failOn(report, 'medium'), false);
  });

  it("counts 40 allowed on x86_64 only, next to Docker's 308", () => {
    assert.deepEqual(report.abis, ['x86_64']);
    const { tiers, ...counts } = report.counts.x86_64 ?? { tiers: undefined };
    assert.deepEqual(counts, { allowed: 40, conditional: 0, total: 385, referenceAllowed: 308 });
    assert.equal(tiers?.dangerous, 0);
    assert.equal((tiers?.benign ?? 0) + (tiers?.moderate ?? 0), 40);
    for (const c of RISK_CATEGORIES) assert.deepEqual(report.summary.dangerous[c], []);
  });
});

describe("audit of Podman's default profiles (x86_64, no capabilities)", () => {
  const podman = load('data/reference/podman-default.json');
  const libs = load('data/reference/podman-default.container-libs.json');
  const PODMAN_ALLOWED = new Set(sourcesList('podman-default.json', /Allowed names that have an x86_64 number \(313\):/));
  const libsBlocked = new Set(sourcesList('podman-default.container-libs.json', /Blocked set/));
  const LIBS_ALLOWED = new Set(syscallsOf('x86_64').filter((n) => !libsBlocked.has(n)));

  it('counts the allowed names SOURCES.md gives (313 and 317)', () => {
    assert.equal(PODMAN_ALLOWED.size, 313);
    assert.equal(LIBS_ALLOWED.size, 317);
    const a = computeSurface(resolveProfile(podman, { native: 'x86_64', caps: [] })).get('x86_64');
    const b = computeSurface(resolveProfile(libs, { native: 'x86_64', caps: [] })).get('x86_64');
    assert.deepEqual([...(a?.allowed ?? [])].sort(), [...PODMAN_ALLOWED].sort());
    assert.deepEqual([...(b?.allowed ?? [])].sort(), [...LIBS_ALLOWED].sort());
  });

  for (const [name, profile, allowed] of [
    ['containers/common', podman, PODMAN_ALLOWED],
    ['container-libs', libs, LIBS_ALLOWED],
  ] as const) {
    it(`${name}: lists the issue's dangerous names that are allowed, clone and clone3 included (no flag rule)`, () => {
      const r = auditProfile(profile, { native: 'x86_64', caps: [] });
      assert.deepEqual(reportedIssueDangers(r), expectedDangers(allowed));
      assert.ok(r.summary.dangerous['namespace-escape'].includes('clone'));
      const clone = r.findings.find((f) => f.syscall === 'clone');
      assert.equal(clone?.id, 'CF011');
      assert.match(clone?.message ?? '', /every namespace flag/);
    });
  }

  it('finds the ERRNO setns rule that the earlier unconditional ALLOW shadows', () => {
    // SOURCES.md: "setns: ALLOW unconditional; non-ALLOW rules #16".
    const r = auditProfile(podman, { native: 'x86_64', caps: [] });
    const f = r.findings.find((x) => x.id === 'CF030' && x.syscall === 'setns');
    assert.ok(f);
    assert.equal(f.rule, 16);
    assert.equal(f.severity, 'medium');
    // The evaluator agrees: ALLOW decides setns and rule 16 is listed as shadowed.
    const d = decide(resolveProfile(podman, { native: 'x86_64', caps: [] }), 'x86_64', 'setns');
    assert.equal(d.action, 'allow');
    assert.ok(d.considered.some((c) => c.rule === 16 && c.status === 'shadowed'));
    assert.ok(r.summary.dangerous['namespace-escape'].includes('setns'));
  });
});

describe('loadDockerDefault', () => {
  it('finds and parses the bundled reference (the same profile as data/reference)', () => {
    assert.deepEqual(loadDockerDefault(), docker);
  });
});
