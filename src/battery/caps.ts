// The capability set a `docker run` / `podman run` container gets from its options: the engine's
// default set, then --cap-add and --cap-drop ("ALL" included), as moby's caps.TweakCapabilities
// does (drops of ALL first, then adds, then single drops). Needed to resolve a profile's
// includes/excludes.caps for that container before marking it.

import { CAPABILITIES, DOCKER_DEFAULT_CAPS } from '../formats/shared/vocabulary.js';

function canonical(c: string): string {
  const u = c.trim().toUpperCase();
  return u === 'ALL' || u.startsWith('CAP_') ? u : `CAP_${u}`;
}

/** The values of one repeatable option (`--cap-add X`, `--cap-add=X,Y`) in run options. */
function valuesOf(runOpts: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < runOpts.length; i++) {
    const a = runOpts[i] ?? '';
    let v: string | undefined;
    if (a === name) v = runOpts[++i];
    else if (a.startsWith(`${name}=`)) v = a.slice(name.length + 1);
    if (v !== undefined)
      out.push(
        ...v
          .split(',')
          .filter((s) => s !== '')
          .map(canonical),
      );
  }
  return out;
}

/** The bounding set of a container started with these run options (sorted). */
export function containerCaps(runOpts: readonly string[]): string[] {
  const add = valuesOf(runOpts, '--cap-add');
  const drop = valuesOf(runOpts, '--cap-drop');
  let caps = new Set<string>(drop.includes('ALL') ? [] : DOCKER_DEFAULT_CAPS);
  if (add.includes('ALL')) caps = new Set(CAPABILITIES);
  for (const c of add) if (c !== 'ALL') caps.add(c);
  if (!add.includes('ALL')) for (const c of drop) if (c !== 'ALL') caps.delete(c);
  return [...caps].sort();
}
