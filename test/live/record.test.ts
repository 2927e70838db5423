// The eBPF recorder with docker: the recorder conformance suite (recorder.case.ts), and record's
// refusals (an existing footprint without --force, --privileged).

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { BASE_IMAGE, buildProgram, engineEnv, inContainer, record, requireLiveHost, tmp } from '../support/live.js';
import { runRecorderSuite } from './recorder.case.js';

runRecorderSuite({ recorder: 'ebpf', engine: 'docker' });

describe('record (eBPF, docker): refusals', () => {
  let prog64 = '';
  before(() => {
    requireLiveHost();
    prog64 = buildProgram('known-syscalls', 64);
  });

  it('refuses to overwrite a footprint without --force and rejects --privileged', () => {
    const out = join(tmp(), 'fp.json');
    const first = record({ engine: 'docker', programs: [prog64], cmd: [inContainer(prog64)], out });
    assert.equal(first.code, 0, first.stderr);
    const again = record({ engine: 'docker', programs: [prog64], cmd: [inContainer(prog64)], out });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--force/);
    const priv = runCli(['record', '-o', join(tmp(), 'x.json'), '--', 'docker', 'run', '--privileged', BASE_IMAGE, 'true'], { env: engineEnv() as Record<string, string> });
    assert.equal(priv.code, 2);
    assert.match(priv.stderr, /privileged/);
  });
});
