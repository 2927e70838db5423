// Doctor checks about optional tools and images: podman, the offline base image and the examples.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { engineEnv } from '../../engine/discover.js';
import type { Engine } from '../../engine/engine-info.js';
import { firstLine, runCommand } from '../../engine/run-command.js';
import { failed, passed, type DoctorCheck } from '../model.js';

/** podman, for `podman run` workloads: installed, and (as root) able to run the base image. */
export async function checkPodman(uid: number | undefined): Promise<DoctorCheck> {
  const r = await runCommand('podman', ['--version'], { timeoutMs: 10_000 });
  if (r.code !== 0)
    return failed('podman', 'podman', 'podman is not installed (only needed for `podman run` workloads)', 'apt-get install podman crun runc', 'warning');
  const version = firstLine(r.stdout);
  if (uid !== 0) return passed('podman', 'podman', `${version} (rootless: not checked; clawfence records rootful podman)`, 'warning');
  if ((await runCommand('podman', ['image', 'exists', 'debian:bookworm-slim'], { timeoutMs: 15_000 })).code !== 0) {
    return failed(
      'podman',
      'podman',
      `${version}; debian:bookworm-slim is not in podman's store`,
      'sudo bash scripts/setup-podman.sh (imports the cached base image)',
      'warning',
    );
  }
  const run = await runCommand('podman', ['run', '--rm', '--network', 'none', 'debian:bookworm-slim', 'true'], { timeoutMs: 60_000 });
  if (run.code !== 0) {
    const last = (run.stderr.trim().split('\n').pop() ?? '').slice(0, 200);
    return failed(
      'podman',
      'podman',
      `${version} cannot run a container: ${last}`,
      'sudo bash scripts/setup-podman.sh (writes a containers.conf drop-in with ulimits and runtime this host allows); see docs/setup.md',
      'warning',
    );
  }
  return passed('podman', 'podman', `${version}; runs containers`, 'warning');
}

async function hasImage(engine: Engine, ref: string): Promise<boolean> {
  const r = await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { env: engineEnv(engine), timeoutMs: 15_000 });
  return r.code === 0;
}

/** debian:bookworm-slim in the engine, so that the examples' Dockerfiles build offline. */
export async function checkBaseImage(engine: Engine | undefined): Promise<DoctorCheck> {
  const title = 'base image debian:bookworm-slim';
  if (engine === undefined) return failed('base-image', title, 'not checked: no engine answers', 'fix the Docker engine check first', 'warning');
  if (!(await hasImage(engine, 'debian:bookworm-slim'))) {
    return failed(
      'base-image',
      title,
      'debian:bookworm-slim is not in the engine',
      'bash scripts/build-base-image.sh (debootstrap from the apt mirror; or docker pull debian:bookworm-slim)',
      'warning',
    );
  }
  return passed('base-image', title, 'present', 'warning');
}

/** The example images clawfence-example/<name>:latest, for every examples/<name>/Dockerfile. */
export async function checkExampleImages(engine: Engine | undefined, projectRoot: string): Promise<DoctorCheck | undefined> {
  let names: string[];
  try {
    const entries = await readdir(join(projectRoot, 'examples'), { withFileTypes: true });
    names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    const withDockerfile = await Promise.all(names.map(async (n) => (await readdir(join(projectRoot, 'examples', n))).includes('Dockerfile')));
    names = names.filter((_, i) => withDockerfile[i]).sort();
  } catch {
    return undefined; // not a clone of the repository: there are no examples to check
  }
  if (names.length === 0) return undefined;
  const title = 'example images';
  if (engine === undefined) return failed('example-images', title, 'not checked: no engine answers', 'fix the Docker engine check first', 'warning');
  const present = await Promise.all(names.map((n) => hasImage(engine, `clawfence-example/${n}:latest`)));
  const missing = names.filter((_, i) => !present[i]);
  if (missing.length > 0) return failed('example-images', title, `not built: ${missing.join(', ')}`, 'bash scripts/build-examples.sh', 'warning');
  return passed('example-images', title, names.map((n) => `clawfence-example/${n}`).join(', '), 'warning');
}
