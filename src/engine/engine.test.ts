// Engine discovery's pure parts: candidate order, the child environment, SecurityOptions parsing.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLAWFENCE_DOCKER_HOST,
  DEFAULT_DOCKER_HOST,
  defaultHostWithoutCli,
  engineCandidates,
  engineEnv,
  engineHint,
  findEngineEnv,
  type EngineProbe,
} from './discover.js';
import { unixSocketOf } from './socket-api.js';
import { parseEngineInfo, parseSecurityOption } from './engine-info.js';

describe('engineCandidates', () => {
  it("tries only the user's DOCKER_HOST when it is set", () => {
    assert.deepEqual(engineCandidates({ DOCKER_HOST: 'tcp://10.0.0.1:2375' }), [{ source: 'env', dockerHost: 'tcp://10.0.0.1:2375' }]);
  });
  it("tries the CLI default, then clawfence's own engine, when DOCKER_HOST is unset or empty", () => {
    for (const env of [{}, { DOCKER_HOST: '' }]) {
      assert.deepEqual(engineCandidates(env), [
        { source: 'default', dockerHost: undefined },
        { source: 'clawfence', dockerHost: CLAWFENCE_DOCKER_HOST },
      ]);
    }
  });
});

describe('engineEnv', () => {
  it("sets DOCKER_HOST for clawfence's engine and keeps the rest of the environment", () => {
    const env = engineEnv({ source: 'clawfence', dockerHost: CLAWFENCE_DOCKER_HOST }, { PATH: '/bin', DOCKER_HOST: 'unix:///other.sock' });
    assert.deepEqual(env, { PATH: '/bin', DOCKER_HOST: CLAWFENCE_DOCKER_HOST });
  });
  it('removes an empty DOCKER_HOST for the CLI default, so that the CLI picks its context', () => {
    assert.deepEqual(engineEnv({ source: 'default', dockerHost: 'unix:///var/run/docker.sock' }, { PATH: '/bin', DOCKER_HOST: '' }), { PATH: '/bin' });
  });
});

describe('findEngineEnv', () => {
  it('needs no Docker engine for podman commands: the environment is returned as it is', async () => {
    // A DOCKER_HOST that cannot answer and a docker client that does not exist: asking would fail.
    const env = { PATH: '/nonexistent', DOCKER_HOST: 'unix:///nonexistent/clawfence-test.sock' };
    assert.equal(
      await findEngineEnv({
        env,
        docker: '/nonexistent/docker',
        commands: [
          ['podman', 'run', 'x'],
          ['/usr/bin/podman', 'run', 'y'],
        ],
      }),
      env,
    );
  });
  it('looks for the Docker engine as soon as one command runs docker', async () => {
    const env = { PATH: '/nonexistent', DOCKER_HOST: 'unix:///nonexistent/clawfence-test.sock' };
    await assert.rejects(
      findEngineEnv({
        env,
        docker: '/nonexistent/docker',
        timeoutMs: 2000,
        commands: [
          ['podman', 'run', 'x'],
          ['docker', 'run', 'y'],
        ],
      }),
      /no Docker engine answers/,
    );
  });
});

describe('engineHint', () => {
  const down = (source: 'env' | 'default' | 'clawfence', dockerHost: string, problem: 'unreachable' | 'permission' | 'no-cli'): EngineProbe => ({
    ok: false,
    source,
    dockerHost,
    problem,
    message: 'x',
  });
  it("names the user's DOCKER_HOST when that is what failed", () => {
    assert.match(engineHint([down('env', 'unix:///nope.sock', 'unreachable')]), /DOCKER_HOST=unix:\/\/\/nope\.sock does not answer.*unset DOCKER_HOST/);
  });
  it('points at the setup script when nothing answers', () => {
    assert.match(
      engineHint([down('default', 'unix:///var/run/docker.sock', 'unreachable'), down('clawfence', CLAWFENCE_DOCKER_HOST, 'unreachable')]),
      /scripts\/setup-host\.sh/,
    );
  });
  it('says what to do about a socket that refuses the user', () => {
    assert.match(engineHint([down('default', 'unix:///var/run/docker.sock', 'permission')]), /root|group/);
  });
});

describe('parseSecurityOption / parseEngineInfo', () => {
  it('splits a SecurityOptions entry into its fields', () => {
    assert.deepEqual(parseSecurityOption('name=seccomp,profile=/etc/docker/seccomp.json'), { name: 'seccomp', profile: '/etc/docker/seccomp.json' });
    assert.deepEqual(parseSecurityOption('name=rootless'), { name: 'rootless' });
  });
  it('reports an engine without seccomp as such, and a rootless one', () => {
    const info = parseEngineInfo(
      '{"Server":{"Version":"24.0.7","ApiVersion":"1.43"}}',
      '{"ServerVersion":"24.0.7","SecurityOptions":["name=apparmor","name=rootless"]}',
    );
    assert.equal(info.seccomp.enabled, false);
    assert.equal(info.rootless, true);
    assert.equal(info.apiVersion, '1.43');
  });

  it("knows the CLI's default socket without running it, unless a context is chosen", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-docker-config-'));
    const env = { DOCKER_CONFIG: dir, PATH: '' };
    assert.equal(defaultHostWithoutCli(env), DEFAULT_DOCKER_HOST, 'no config.json');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: {} }));
    assert.equal(defaultHostWithoutCli(env), DEFAULT_DOCKER_HOST, 'no current context');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'default' }));
    assert.equal(defaultHostWithoutCli(env), DEFAULT_DOCKER_HOST);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'colima' }));
    assert.equal(defaultHostWithoutCli(env), undefined, 'another context: ask the CLI');
    assert.equal(defaultHostWithoutCli({ ...env, DOCKER_CONTEXT: 'x' }), undefined);
    writeFileSync(join(dir, 'config.json'), '{ not json');
    assert.equal(defaultHostWithoutCli(env), undefined, 'a config the CLI would choke on: let it say so');
  });

  it('uses the socket API only for unix sockets', () => {
    assert.equal(unixSocketOf('unix:///run/clawfence/docker.sock'), '/run/clawfence/docker.sock');
    assert.equal(unixSocketOf('tcp://127.0.0.1:2375'), undefined);
    assert.equal(unixSocketOf('ssh://me@host'), undefined);
  });
});
