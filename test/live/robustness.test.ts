// Live: the robustness suite's building blocks on the real engine and kernel. The corpus images are
// hash-labelled (a second build is a no-op); a held-out workload is judged under Docker's default
// first (a wrong expectation makes it invalid, not a failure of the profile); and a profile that
// denies the thread-exit call `exit` makes zstd -T2 hang in glibc's retry loop: the suite counts
// that run as hung, not failed, and leaves no container behind.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkloads, type Workload } from '../../src/pipeline/workloads.js';
import { baseline, verifyPath } from '../../bench/suites/robustness.js';
import { adaptArgv } from '../../bench/lib/setup.js';
import { docker, engineEnv, requireLiveHost, tmp } from '../support/live.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const DOCKER_DEFAULT = join(ROOT, 'data/reference/docker-default.json');
const LABEL = `clawfence.test=robustness-${randomBytes(4).toString('hex')}`;

function buildCorpus(tool: string): string {
  const r = spawnSync('bash', [join(ROOT, 'scripts/build-examples.sh'), '--corpus', tool], { cwd: ROOT, env: engineEnv(), encoding: 'utf8', timeout: 900_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function heldout(tool: string, name: string): Workload {
  const f = loadWorkloads(join(ROOT, `bench/corpus/${tool}/heldout.workloads.json`));
  const w = f.workloads.find((x) => x.name === name);
  assert.ok(w !== undefined && f.image !== undefined, `${tool} has a held-out workload ${name}`);
  return { ...w, argv: adaptArgv(w.argv, f.image, ['--label', LABEL]) };
}

function ours(): string {
  return docker(['ps', '-aq', '--filter', `label=${LABEL}`]).trim();
}

describe('robustness corpus on the real engine', () => {
  before(() => {
    requireLiveHost();
    buildCorpus('zstd');
  });

  it('a corpus image carries its hash label, and an unchanged one is not rebuilt', () => {
    assert.match(
      docker(['image', 'inspect', '-f', '{{ index .Config.Labels "org.clawfence.corpus-hash" }}', 'clawfence-corpus/zstd:latest']).trim(),
      /^[0-9a-f]{16}$/,
    );
    assert.match(buildCorpus('zstd'), /^corpus: clawfence-corpus\/zstd:latest up to date$/m);
  });

  it("judges a held-out workload under Docker's default first: sound as written, invalid with a wrong expectation", async () => {
    const w = heldout('zstd', 'threads-T2');
    assert.equal(await baseline(engineEnv(), w), undefined);
    assert.match((await baseline(engineEnv(), { ...w, expectExit: 3 })) ?? '', /^exit 0, expected 3/);
    assert.equal(ours(), '');
  });

  it('counts a run that hangs under the profile as hung, removes its container; the same run passes without the denial', async () => {
    const w = heldout('zstd', 'threads-T2');
    const dir = tmp('cf-robustness-');
    // Docker's default without `exit`: the worker threads cannot end, glibc retries exit forever.
    const p = JSON.parse(readFileSync(DOCKER_DEFAULT, 'utf8')) as { syscalls: { names: string[] }[] };
    for (const r of p.syscalls) r.names = r.names.filter((n) => n !== 'exit');
    const noExit = join(dir, 'no-exit.json');
    writeFileSync(noExit, JSON.stringify(p));
    const started = Date.now();
    const hung = await verifyPath(engineEnv(), w, noExit, 'x86_64', 8_000);
    assert.equal(hung.verdict, 'hung', hung.reasons.join('; '));
    assert.ok(Date.now() - started < 120_000, 'ended by the timeout');
    assert.ok(hung.denied?.includes('exit'), `the complain pass names exit: ${hung.denied?.join(', ')}`);
    assert.equal(ours(), '', 'no container left');
    const ok = await verifyPath(engineEnv(), w, DOCKER_DEFAULT, 'x86_64', 60_000);
    assert.equal(ok.verdict, 'pass', ok.reasons.join('; '));
  });
});
