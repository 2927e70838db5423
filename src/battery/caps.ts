// The capability set a `docker run` / `podman run` container gets from its options: the engine's
// default set, then --cap-add and --cap-drop ("ALL" included), as moby's caps.TweakCapabilities
// does (drops of ALL first, then adds, then single drops). Needed to resolve a profile's
// includes/excludes.caps for that container before marking it.

import type { RunCommand } from '../engine/run-argv.js';
import { CAPABILITIES, DOCKER_DEFAULT_CAPS } from '../formats/shared/vocabulary.js';

function canonical(c: string): string {
  const u = c.trim().toUpperCase();
  return u === 'ALL' || u.startsWith('CAP_') ? u : `CAP_${u}`;
}

function values(given: readonly string[]): string[] {
  return given
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '')
    .map(canonical);
}

/** The bounding set of a container started with these run options (sorted). */
export function containerCaps(cmd: Pick<RunCommand, 'capAdd' | 'capDrop'>): string[] {
  const add = values(cmd.capAdd);
  const drop = values(cmd.capDrop);
  let caps = new Set<string>(drop.includes('ALL') ? [] : DOCKER_DEFAULT_CAPS);
  if (add.includes('ALL')) caps = new Set(CAPABILITIES);
  for (const c of add) if (c !== 'ALL') caps.add(c);
  if (!add.includes('ALL')) for (const c of drop) if (c !== 'ALL') caps.delete(c);
  return [...caps].sort();
}
