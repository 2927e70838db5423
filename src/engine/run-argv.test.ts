// The run command line: the image is found whatever the options, and injection keeps the user's words.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ClawfenceError } from '../errors.js';
import { checkRunCommand, parseRunCommand, withRunOptions } from './run-argv.js';

describe('parseRunCommand', () => {
  it('finds the image after value and boolean options in every spelling', () => {
    const r = parseRunCommand([
      'docker',
      '--host',
      'unix:///x.sock',
      'run',
      '--rm',
      '-dit',
      '-e',
      'A=1',
      '-eB=2',
      '--env=C=3',
      '--hostname',
      'box',
      '--network',
      'host',
      '--init',
      '-v',
      '/a:/b:ro',
      '--name=t1',
      'img:1',
      'cmd',
      '--flag',
      '-x',
    ]);
    assert.equal(r.engine, 'docker');
    assert.deepEqual(r.globalOpts, ['--host', 'unix:///x.sock']);
    assert.equal(r.image, 'img:1');
    assert.deepEqual(r.command, ['cmd', '--flag', '-x']);
    assert.equal(r.detach, true);
    assert.equal(r.rm, true);
    assert.equal(r.name, 't1');
    assert.equal(r.network, 'host');
  });

  it('inserts options after run and leaves every user word in order', () => {
    const argv = ['podman', 'container', 'run', '--rm', 'alpine', 'echo', 'hi'];
    const r = parseRunCommand(argv);
    assert.deepEqual(withRunOptions(r, ['--label', 'x=1']), ['podman', 'container', 'run', '--label', 'x=1', '--rm', 'alpine', 'echo', 'hi']);
  });

  it('round-trips any run command built from known options', () => {
    const opt = fc.oneof(
      fc.constantFrom(['--rm'], ['-d'], ['-i'], ['-t'], ['--init'], ['--read-only']),
      fc
        .tuple(fc.constantFrom('-e', '--env', '-v', '--hostname', '--network', '-w', '--user', '--label'), fc.stringMatching(/^[a-z0-9=/:]{1,8}$/))
        .map(([o, v]) => [o, v]),
      fc.tuple(fc.constantFrom('--env', '--memory', '--pids-limit'), fc.stringMatching(/^[a-z0-9]{1,6}$/)).map(([o, v]) => [`${o}=${v}`]),
    );
    fc.assert(
      fc.property(
        fc.array(opt, { maxLength: 8 }),
        fc.stringMatching(/^[a-z][a-z0-9:.]{0,10}$/),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }),
        (opts, image, cmd) => {
          const argv = ['docker', 'run', ...opts.flat(), image, ...cmd];
          const r = parseRunCommand(argv);
          assert.equal(r.image, image);
          assert.deepEqual(r.command, cmd);
          assert.deepEqual(withRunOptions(r, []), argv);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects what it cannot understand, with a hint', () => {
    for (const argv of [
      [],
      ['kubectl', 'run', 'x'],
      ['docker', 'ps'],
      ['docker', 'run', '--rm'],
      ['docker', 'run', '--frobnicate', 'x', 'img'],
      ['docker', 'run', '-Z', 'img'],
    ]) {
      assert.throws(
        () => parseRunCommand(argv),
        (e: unknown) => e instanceof ClawfenceError && e.code === 'bad-input' && (e.hint ?? '') !== '',
        argv.join(' '),
      );
    }
  });

  it('refuses options that would defeat the profile', () => {
    for (const opt of ['--privileged', '--security-opt=seccomp=unconfined', '--cgroup-parent=/x']) {
      assert.throws(() => checkRunCommand(parseRunCommand(['docker', 'run', opt, 'img']), 'record'), ClawfenceError, opt);
    }
    assert.doesNotThrow(() => checkRunCommand(parseRunCommand(['docker', 'run', '--security-opt', 'no-new-privileges', 'img']), 'record'));
  });
});
