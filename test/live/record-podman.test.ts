// The eBPF recorder with rootful podman instead of docker: the recorder conformance suite
// (recorder.case.ts: the same cgroup-parent, label, ps, rm, wait/events and inspect queries, the
// podman run client's exit code and output passed through, a detached --rm container's own exit
// code, Ctrl-C cleanup), then generate and verify under podman, and the systemd cgroup driver
// refused before anything runs.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { runCli } from '../support/cli.js';
import { BASE_IMAGE, buildProgram, engineEnv, inContainer, podman, record, requireLiveHost, requirePodman, tmp } from '../support/live.js';
import { podmanInitSkip, runRecorderSuite } from './recorder.case.js';

runRecorderSuite({ recorder: 'ebpf', engine: 'podman', skip: podmanInitSkip() });

let prog64 = '';

const env = (): Record<string, string> => engineEnv() as Record<string, string>;

describe('generate and verify with rootful podman (eBPF)', () => {
  before(() => {
    requireLiveHost();
    requirePodman();
    prog64 = buildProgram('known-syscalls', 64);
  });

  it('generates a profile that verifies under podman, and fails verify when a needed syscall is removed', () => {
    const dir = tmp('cf-podman-');
    // runc's Go runtime does not make quite the same calls after the filter every time (a futex
    // wait, a signal return): two recordings, merged, as `profile` does with several workloads.
    const fps = [join(dir, 'fp1.json'), join(dir, 'fp2.json')];
    for (const out of fps) assert.equal(record({ engine: 'podman', recorder: 'ebpf', programs: [prog64], cmd: [inContainer(prog64)], out }).code, 0);
    const prof = join(dir, 'profile.json');
    assert.equal(runCli(['generate', ...fps, '-o', prof]).code, 0);
    const run = ['podman', 'run', '--rm', '--network', 'none', '-v', `${dirname(prog64)}:/p-${basename(prog64)}:ro`, BASE_IMAGE, inContainer(prog64)];
    const ok = runCli(['verify', '--profile', prof, '--', ...run], { env: env() });
    assert.equal(ok.code, 0, `${ok.stdout}\n${ok.stderr}`);
    const cut = JSON.parse(readFileSync(prof, 'utf8')) as { syscalls: { names: string[] }[] };
    const before = cut.syscalls.length;
    cut.syscalls = cut.syscalls.filter((rule) => !rule.names.includes('write'));
    assert.equal(cut.syscalls.length, before - 1, 'one rule allowed write');
    const cutPath = join(dir, 'cut.json');
    writeFileSync(cutPath, JSON.stringify(cut));
    // Without write the tool prints nothing (it still exits 0): verify checks its stdout too.
    const bad = runCli(['verify', '--profile', cutPath, '--expect-stdout', 'known-syscalls done', '--', ...run], { env: env() });
    assert.equal(bad.code, 1, `${bad.stdout}\n${bad.stderr}`);
    assert.match(bad.stdout + bad.stderr, /denied: write on x86_64/);
  });

  it('refuses, before running anything, an engine on the systemd cgroup driver', () => {
    const out = join(tmp('cf-podman-'), 'fp.json');
    const r = runCli(['record', '-o', out, '--', 'podman', '--cgroup-manager=systemd', 'run', '--rm', '--network', 'none', BASE_IMAGE, 'true'], { env: env() });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^clawfence: the podman engine uses the systemd cgroup driver, which clawfence's recorder does not support yet \(it needs cgroupfs\)$/m,
    );
    assert.match(r.stderr, /hint: record with podman --cgroup-manager=cgroupfs run/);
    assert.ok(!existsSync(out));
    assert.equal(podman(['ps', '-aq', '--filter', 'label=clawfence.run']).trim(), '', 'nothing was started');
  });
});
