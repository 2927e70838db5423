// Docker/Podman seccomp profile JSON: parse with every problem located, print deterministically.

import { decodeProfile } from './shared/decode.js';
import type { ParseResult } from '../source/issues.js';
import { parseLocatedJson } from '../source/located-json.js';
import type { Profile } from '../profile/model.js';

export function parseDockerProfile(text: string): ParseResult<Profile> {
  const { tree, issues } = parseLocatedJson(text);
  if (tree === undefined) return { ok: false, issues };
  const res = decodeProfile(tree);
  return res.ok ? { ...res, issues: [...issues, ...res.issues] } : { ok: false, issues: [...issues, ...res.issues] };
}

export { printDockerProfile, profileToObject } from './shared/seccomp-json.js';
