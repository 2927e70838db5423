// The eBPF recorder with docker: the recorder conformance suite (recorder.case.ts), and record's
// refusals (an existing footprint without --force, --privileged, argument values lost).

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { BASE_IMAGE, buildProgram, engineEnv, inContainer, record, requireLiveHost, tmp } from '../support/live.js';
import { runRecorderSuite } from './recorder.case.js';

runRecorderSuite({ recorder: 'ebpf', engine: 'docker' });

describe('record (eBPF, docker): refusals', () => {
  let prog64 = '';
  let tuples = '';
  before(() => {
    requireLiveHost();
    prog64 = buildProgram('known-syscalls', 64);
    tuples = buildProgram('many-arg-tuples', 64);
  });

  it('fails, writing nothing, when more argument tuples were made than the BPF map holds', () => {
    const out = join(tmp(), 'fp.json');
    const r = record({ engine: 'docker', recorder: 'ebpf', programs: [tuples], cmd: [inContainer(tuples), '20000'], out });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /the recorder lost events \(out-of-range syscall numbers 0, first-seen 0, argument values [1-9]\d*\); the footprint would be incomplete/,
    );
    assert.ok(!existsSync(out), 'no footprint');
  });

  it('refuses to overwrite a footprint without --force and rejects --privileged', () => {
    const out = join(tmp(), 'fp.json');
    const first = record({ engine: 'docker', programs: [prog64], cmd: [inContainer(prog64)], out });
    assert.equal(first.code, 0, first.stderr);
    const again = record({ engine: 'docker', programs: [prog64], cmd: [inContainer(prog64)], out });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--force/);
    const priv = runCli(['record', '-o', join(tmp(), 'x.json'), '--', 'docker', 'run', '--privileged', BASE_IMAGE, 'true'], {
      env: engineEnv() as Record<string, string>,
    });
    assert.equal(priv.code, 2);
    assert.match(priv.stderr, /privileged/);
  });
});
