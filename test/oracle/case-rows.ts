// Loads test/fixtures/evaluator-cases.json: numbered evaluator cases, each a profile (inline,
// '@name' from the file's shared profiles, or a file from data/reference or test/fixtures), an
// ABI, a syscall, six argument values and the expected verdict. Inline profiles are read with
// the exact-integer JSON reader, so 64-bit masks survive.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeProfile } from '../../src/formats/shared/decode.js';
import { parseDockerProfile } from '../../src/formats/docker.js';
import { parseLocatedJson, type LocatedJson } from '../../src/source/located-json.js';
import type { Action, ConcreteProfile, Profile } from '../../src/profile/model.js';
import { resolveProfile } from '../../src/profile/resolve.js';
import type { Arch } from '../../src/syscalls/arch.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CASES_FILE = join(ROOT, 'test', 'fixtures', 'evaluator-cases.json');

export interface CaseExpect {
  action: Action;
  errno?: number;
  /** Index of the deciding rule in the profile's syscalls[]. */
  rule?: number;
  source?: 'rule' | 'default' | 'bad-arch' | 'enosys-stub';
  /** The runtime refuses the profile: libseccomp rejects this rule add. */
  conflict?: { rule: number; abi?: Arch };
  /** What the rules say (the first rule whose conditions all hold), where the generated BPF (the kernel) does `action`. */
  intended?: { action: Action; errno?: number };
}

export interface CaseRow {
  id: string;
  title: string;
  profile: string | Record<string, unknown>;
  native?: Arch;
  caps?: string[];
  runtime?: 'runc' | 'crun';
  libseccomp?: '2.5' | '2.6.0' | '2.6.1';
  abi: Arch;
  syscall: string | number;
  args: string[];
  expect: CaseExpect;
  kernelReplay: boolean;
  replayNote?: string;
  /** Why the libseccomp oracle cannot check this row (it then says SKIPPED with this reason). */
  oracleSkip?: string;
}

function objectEntry(node: LocatedJson, key: string): LocatedJson | undefined {
  return node.kind === 'object' ? node.entries.find(([k]) => k === key)?.[1] : undefined;
}

function decodeOrThrow(node: LocatedJson, what: string): Profile {
  const r = decodeProfile(node);
  if (!r.ok) throw new Error(`${what}: ${r.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return r.value;
}

export interface CaseFile {
  rows: CaseRow[];
  profileOf(row: CaseRow): Profile;
}

/** Reads the case file; profiles are decoded exactly (bigint values) and cached. */
export function loadCases(): CaseFile {
  const text = readFileSync(CASES_FILE, 'utf8');
  const { tree, issues } = parseLocatedJson(text);
  if (tree === undefined) throw new Error(`evaluator-cases.json: ${issues.map((i) => i.message).join('; ')}`);
  const plain = JSON.parse(text) as { rows: CaseRow[] };
  const rowsNode = objectEntry(tree, 'rows');
  const shared = objectEntry(tree, 'profiles');
  const cache = new Map<string, Profile>();
  function profileOf(row: CaseRow): Profile {
    const idx = plain.rows.indexOf(row);
    const key = typeof row.profile === 'string' ? row.profile : `#${idx}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let p: Profile;
    if (typeof row.profile !== 'string') {
      const node = rowsNode?.kind === 'array' ? objectEntry(rowsNode.items[idx] as LocatedJson, 'profile') : undefined;
      if (node === undefined) throw new Error(`${row.id}: no inline profile`);
      p = decodeOrThrow(node, row.id);
    } else if (row.profile.startsWith('@')) {
      const node = shared === undefined ? undefined : objectEntry(shared, row.profile.slice(1));
      if (node === undefined) throw new Error(`${row.id}: no shared profile ${row.profile}`);
      p = decodeOrThrow(node, row.profile);
    } else {
      const file = [join(ROOT, 'data', 'reference', row.profile), join(ROOT, 'test', 'fixtures', row.profile)].find((f) => existsSync(f));
      if (file === undefined) throw new Error(`${row.id}: profile file ${row.profile} not found`);
      const r = parseDockerProfile(readFileSync(file, 'utf8'));
      if (!r.ok) throw new Error(`${row.profile}: ${r.issues.map((i) => i.message).join('; ')}`);
      p = r.value;
    }
    cache.set(key, p);
    return p;
  }
  return { rows: plain.rows, profileOf };
}

/** The concrete profile a row is evaluated under (cached per profile, native and caps). */
export function concreteFor(cases: CaseFile, row: CaseRow, memo: Map<string, ConcreteProfile>): ConcreteProfile {
  const key = `${typeof row.profile === 'string' ? row.profile : row.id}|${row.native ?? 'x86_64'}|${(row.caps ?? []).join(',')}`;
  let cp = memo.get(key);
  if (cp === undefined) {
    cp = resolveProfile(cases.profileOf(row), { native: row.native ?? 'x86_64', caps: row.caps ?? [] });
    memo.set(key, cp);
  }
  return cp;
}

/** Argument strings: decimal or 0x hex, optionally OR-ed with '|'. */
export function argValues(row: CaseRow): bigint[] {
  return row.args.map((s) => s.split('|').reduce((acc, part) => acc | BigInt(part.trim()), 0n));
}
