// exportProfile: refuses lossy exports with the full list of losses unless asked, and dispatches to
// each format.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ClawfenceError } from '../errors.js';
import { parseProfileText } from './read.js';
import type { Profile } from '../profile/model.js';
import { EXPORT_FORMATS, exportProfile, type LossyError } from './export.js';

const docker = parseProfileText(readFileSync(new URL('../../data/reference/docker-default.json', import.meta.url), 'utf8'), 'd.json').profile;
const host = { native: 'x86_64' as const, caps: [] as string[], kernel: '6.8' };

test('a lossy export is refused with every loss in the message and on the error', () => {
  assert.throws(
    () => exportProfile(docker, 'systemd', host),
    (e: unknown) => {
      assert.ok(e instanceof ClawfenceError);
      assert.equal(e.code, 'lossy');
      assert.equal(e.hint, 'pass --lossy to export anyway');
      const lost = (e as LossyError).lost;
      assert.ok(lost.some((l) => l.startsWith('socket: argument rules')));
      for (const l of lost) assert.ok(e.message.includes(l), `message lists: ${l}`);
      return true;
    },
  );
  const r = exportProfile(docker, 'systemd', { ...host, lossy: true });
  assert.ok(r.lost.length > 0 && r.text.includes('[Service]'));
});

test('docker export is exact; a plain profile exports to every format with nothing lost', () => {
  const d = exportProfile(docker, 'docker');
  assert.deepEqual(d.lost, []);
  assert.deepEqual(parseProfileText(d.text, 'again.json').profile, docker);
  const plain: Profile = {
    defaultAction: 'errno',
    architectures: ['x86_64'],
    archMap: [],
    flags: [],
    syscalls: [
      { names: ['read', 'write', 'exit_group', 'execve'], action: 'allow', args: [], includes: { caps: [], arches: [] }, excludes: { caps: [], arches: [] } },
    ],
  };
  for (const f of EXPORT_FORMATS) {
    const r = exportProfile(plain, f, host);
    assert.deepEqual(r.lost, [], f);
    assert.ok(r.text.endsWith('\n'), f);
  }
  assert.match(exportProfile(plain, 'k8s', host).text, /name: clawfence-profile/);
  assert.match(exportProfile(plain, 'k8s', { ...host, name: 'my-tool' }).text, /name: my-tool/);
});

test('a name Kubernetes would refuse is bad input', () => {
  assert.throws(
    () => exportProfile(docker, 'k8s', { ...host, name: 'My_Tool', lossy: true }),
    (e: unknown) => e instanceof ClawfenceError && e.code === 'bad-input' && /DNS subdomain/.test(e.hint ?? ''),
  );
});
