// Docker's default seccomp profile (data/reference/docker-default.json, see SOURCES.md): the
// reference next to which the audit counts allowed syscalls.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClawfenceError } from '../errors.js';
import { parseDockerProfile } from '../formats/docker.js';
import { issuesToError } from '../source/issues.js';
import type { Profile } from '../profile/model.js';

export const DOCKER_DEFAULT_FILE = 'data/reference/docker-default.json';
/** Which Docker default this is: moby/profiles seccomp/default.json at tag seccomp/v0.2.3 (data/reference/SOURCES.md).
 * Engines embed their own copy; Debian's docker.io 20.10 has an older one that still allows io_uring. */
export const DOCKER_DEFAULT_NAME = 'Docker default (moby v0.2.3)';

let cached: Profile | undefined;

/** A data file of the package: the nearest directory above this module that holds it. */
export function findPackageFile(rel: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, rel);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The text of a data file shipped with clawfence (data/…); an environment error when it is missing. */
export function readPackageFile(rel: string): string {
  const file = findPackageFile(rel);
  if (file === undefined) throw new ClawfenceError('environment', `cannot find ${rel} next to the clawfence installation`, { hint: 'reinstall clawfence' });
  return readFileSync(file, 'utf8');
}

/** Docker's default profile, parsed once. */
export function loadDockerDefault(): Profile {
  if (cached !== undefined) return cached;
  const file = findPackageFile(DOCKER_DEFAULT_FILE);
  if (file === undefined) {
    throw new ClawfenceError('environment', `cannot find ${DOCKER_DEFAULT_FILE} next to the clawfence installation`, {
      hint: 'reinstall clawfence: the package ships its reference profiles under data/reference/',
    });
  }
  const r = parseDockerProfile(readFileSync(file, 'utf8'));
  if (!r.ok) throw new ClawfenceError('internal', `the bundled ${DOCKER_DEFAULT_FILE} does not parse`, { cause: issuesToError(file, r.issues) });
  cached = r.value;
  return cached;
}
