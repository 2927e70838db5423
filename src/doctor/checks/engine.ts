// Doctor checks about the Docker engine: does one answer (which, where, which version), and does it
// run containers under seccomp.

import { CLAWFENCE_DOCKER_HOST, describeProbes, engineHint, type EngineProbe } from '../../engine/discover.js';
import type { Engine } from '../../engine/engine-info.js';
import { failed, passed, type DoctorCheck } from '../model.js';

const SOURCE_WORDS = { env: 'from DOCKER_HOST', default: "the docker CLI's default", clawfence: "clawfence's own dockerd" } as const;

/** Engine reachability and version, from the discovery probes. */
export function checkEngine(probes: readonly EngineProbe[]): DoctorCheck {
  const found = probes.find((p) => p.ok);
  if (found === undefined || !found.ok) {
    return failed('engine', 'Docker engine', `no engine answers: ${describeProbes(probes)}`, engineHint(probes));
  }
  const e = found.engine;
  const parts = [
    `Docker ${e.serverVersion} (API ${e.apiVersion}`,
    ...Object.entries(e.components)
      .filter(([n]) => n === 'runc' || n === 'containerd')
      .map(([n, v]) => `${n} ${v}`),
  ];
  const use = e.source === 'clawfence' ? `; for your own docker commands: export DOCKER_HOST=${CLAWFENCE_DOCKER_HOST}` : '';
  return passed('engine', 'Docker engine', `${parts.join(', ')}) at ${e.dockerHost}, ${SOURCE_WORDS[e.source]}${use}`);
}

/** The engine's cgroup driver: the recorder passes a cgroup path as --cgroup-parent (cgroupfs). */
export function checkEngineCgroupDriver(engine: Engine | undefined): DoctorCheck {
  const title = 'engine cgroup driver';
  if (engine === undefined) return failed('engine-cgroup-driver', title, 'not checked: no engine answers', 'fix the Docker engine check first');
  if (engine.cgroupDriver === 'systemd') {
    return failed(
      'engine-cgroup-driver',
      title,
      `systemd (cgroup v${engine.cgroupVersion}): clawfence's recorder does not support it yet`,
      'run dockerd with "exec-opts": ["native.cgroupdriver=cgroupfs"] in /etc/docker/daemon.json, or use clawfence\'s own engine (sudo bash scripts/engine.sh start)',
    );
  }
  return passed('engine-cgroup-driver', title, `${engine.cgroupDriver || 'unknown'} (cgroup v${engine.cgroupVersion || '?'})`);
}

/** seccomp support in the engine (docker info SecurityOptions). */
export function checkEngineSeccomp(engine: Engine | undefined): DoctorCheck {
  const title = 'seccomp in the engine';
  if (engine === undefined) return failed('engine-seccomp', title, 'not checked: no engine answers', 'fix the Docker engine check first');
  if (!engine.seccomp.enabled) {
    return failed(
      'engine-seccomp',
      title,
      `the engine does not run containers under seccomp (SecurityOptions: ${engine.securityOptions.join(' ') || 'none'})`,
      "use an engine built with seccomp support (Debian's docker.io is) on a kernel with CONFIG_SECCOMP_FILTER",
    );
  }
  if (engine.rootless) return passed('engine-seccomp', title, `enabled (default profile: ${engine.seccomp.profile ?? 'builtin'}); rootless engine`);
  return passed('engine-seccomp', title, `enabled (default profile: ${engine.seccomp.profile ?? 'builtin'})`);
}
