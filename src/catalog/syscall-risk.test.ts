// The risk catalog of every syscall: complete for x86_64, x86 and x32, its dangerous tier is the
// audit's catalog, every claim about Docker's, Podman's and systemd's choices holds against the
// reference data, and a damaged file is a one-line error naming the entry.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { computeSurface, type AbiSurface } from '../evaluator/surface.js';
import { parseDockerProfile } from '../formats/docker.js';
import type { Profile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import type { Arch } from '../syscalls/arch.js';
import { groupsOf } from '../syscalls/groups.js';
import { syscallNumber, syscallsOf } from '../syscalls/table.js';
import { RISK_CATALOG, riskOf } from './dangerous.js';
import { RISK_FAMILIES, RISK_FAMILY_HELP, TIERS } from './model.js';
import { countTiers, describeTierCounts, parseSyscallRisk, RISK_ABIS, syscallRisk, syscallRiskCatalog, tierOf } from './syscall-risk.js';

const ROOT = new URL('../../', import.meta.url);
const read = (p: string): string => readFileSync(new URL(p, ROOT), 'utf8');
const DOC = read('docs/risk-catalog.md');

function profile(p: string): Profile {
  const r = parseDockerProfile(read(p));
  assert.ok(r.ok, p);
  return r.value;
}

/** "allowed", "allowed for some argument values", "allowed only with CAP_A or CAP_B" or "blocked", as the evaluator sees the profile on an x86_64 host. */
function statusIn(p: Profile): (name: string) => string {
  const caps = [...new Set(p.syscalls.flatMap((r) => r.includes.caps))].sort();
  const surfaces = new Map<string, Map<Arch, AbiSurface>>();
  const surface = (cap: string | undefined): Map<Arch, AbiSurface> => {
    const key = cap ?? '';
    let s = surfaces.get(key);
    if (s === undefined) {
      const cp = resolveProfile(p, { native: 'x86_64', caps: cap === undefined ? [] : [cap] });
      s = computeSurface(cp, undefined, RISK_ABIS);
      surfaces.set(key, s);
    }
    return s;
  };
  return (name) => {
    const abi = RISK_ABIS.find((a) => syscallNumber(a, name) !== undefined) as Arch;
    const perm = (cap?: string): string | undefined => surface(cap).get(abi)?.syscalls.get(name)?.permission;
    const base = perm();
    if (base === 'allowed') return 'allowed';
    if (base === 'conditional') return 'allowed for some argument values';
    const opening = caps.filter((c) => perm(c) !== 'denied');
    return opening.length > 0 ? `allowed only with ${opening.join(' or ')}` : 'blocked';
  };
}

const MOBY = 'moby profiles default.json: ';
const PODMAN = 'Podman default (container-libs seccomp.json): ';
const SYSTEMD = 'systemd 252 groups: ';

describe('syscall risk catalog: data', () => {
  const catalog = syscallRiskCatalog();
  const union = new Set(RISK_ABIS.flatMap((a) => syscallsOf(a)));

  it('has exactly one entry for every syscall of x86_64, x86 and x32, and none for other names', () => {
    const names = catalog.map((e) => e.syscall);
    assert.equal(new Set(names).size, names.length, 'no name twice');
    for (const abi of RISK_ABIS) {
      const missing = syscallsOf(abi).filter((n) => syscallRisk(n) === undefined);
      assert.deepEqual(missing, [], `every ${abi} syscall is classified`);
    }
    assert.deepEqual(
      names.filter((n) => !union.has(n)),
      [],
      'no entry outside the three ABIs',
    );
    assert.equal(names.length, union.size);
  });

  it('has a dangerous tier that is exactly the audit risk catalog', () => {
    const dangerous = catalog.filter((e) => e.tier === 'dangerous').map((e) => e.syscall);
    assert.deepEqual([...dangerous].sort(), RISK_CATALOG.map((e) => e.syscall).sort());
    for (const e of catalog) assert.equal(riskOf(e.syscall) !== undefined, e.tier === 'dangerous', e.syscall);
    for (const e of RISK_CATALOG) assert.equal(e.reason, syscallRisk(e.syscall)?.reason, e.syscall);
  });

  it('gives every entry a reason and sources, and cites Docker’s default in each', () => {
    for (const e of catalog) {
      assert.ok(e.reason.length >= 10 && !e.reason.includes('\n'), e.syscall);
      assert.ok(e.sources.length > 0, e.syscall);
      assert.equal(e.sources.filter((s) => s.startsWith(MOBY)).length, 1, `${e.syscall} cites Docker's default once`);
    }
  });

  it('says what Docker’s default does with each syscall, as the evaluator reads data/reference/docker-default.json', () => {
    const docker = statusIn(profile('data/reference/docker-default.json'));
    const wrong = catalog.filter((e) => !e.sources.includes(`${MOBY}${docker(e.syscall)}`)).map((e) => `${e.syscall}: ${docker(e.syscall)}`);
    assert.deepEqual(wrong, []);
  });

  it('names Podman’s default exactly where it differs from Docker’s, and says it right', () => {
    const docker = statusIn(profile('data/reference/docker-default.json'));
    const podman = statusIn(profile('data/reference/podman-default.container-libs.json'));
    for (const e of catalog) {
      const cited = e.sources.filter((s) => s.startsWith(PODMAN));
      const differs = podman(e.syscall) !== docker(e.syscall);
      assert.deepEqual(cited, differs ? [`${PODMAN}${podman(e.syscall)}`] : [], e.syscall);
    }
  });

  it('names the systemd groups of each syscall as src/syscalls/groups.ts has them', () => {
    for (const e of catalog) {
      const groups = groupsOf(e.syscall);
      const cited = e.sources.filter((s) => s.startsWith(SYSTEMD));
      assert.deepEqual(cited, groups.length === 0 ? [] : [`${SYSTEMD}${groups.join(' ')}`], e.syscall);
    }
  });

  it('classifies the obvious cases as one would', () => {
    assert.equal(tierOf('read'), 'benign');
    assert.equal(syscallRisk('read')?.family, 'fd-io');
    assert.equal(tierOf('exit'), 'benign');
    assert.equal(tierOf('futex'), 'benign');
    assert.equal(tierOf('clock_gettime'), 'benign');
    assert.equal(tierOf('openat'), 'moderate');
    assert.equal(tierOf('execve'), 'moderate');
    assert.equal(tierOf('kill'), 'moderate');
    assert.equal(tierOf('mount'), 'dangerous');
    assert.equal(syscallRisk('mount')?.family, 'mount');
    assert.equal(tierOf('clone3'), 'dangerous');
    assert.equal(tierOf('no_such_call'), undefined);
    assert.deepEqual(riskOf('mount'), {
      syscall: 'mount',
      category: 'namespace-escape',
      severity: 'high',
      reason: 'mounts filesystems; inside a user namespace or with CAP_SYS_ADMIN it can expose or shadow host paths',
      capability: 'CAP_SYS_ADMIN',
    });
    assert.equal(riskOf('clone')?.namespaceFlagsArg, 0);
    assert.equal(riskOf('clone3')?.namespaceFlagsArg, undefined);
  });

  it('needs a stated reason where it calls a syscall Docker blocks anything but dangerous', () => {
    // The docs promise this: a call Docker's default denies but the catalog rates lower says why.
    const docker = statusIn(profile('data/reference/docker-default.json'));
    const unexplained = catalog.filter((e) => {
      if (e.tier === 'dangerous' || (!docker(e.syscall).startsWith('blocked') && !docker(e.syscall).startsWith('allowed only'))) return false;
      return !/Docker|ENOSYS|removed|obsolete|never|CONFIG_|deprecated|oprofile/i.test(e.reason);
    });
    assert.deepEqual(
      unexplained.map((e) => e.syscall),
      [],
    );
  });

  it('uses every tier and every family, and documents each family in docs/risk-catalog.md', () => {
    for (const t of TIERS)
      assert.ok(
        catalog.some((e) => e.tier === t),
        t,
      );
    for (const f of RISK_FAMILIES) {
      assert.ok(
        catalog.some((e) => e.family === f),
        `family ${f} is used`,
      );
      assert.match(DOC, new RegExp(`\\| \`${f}\` \\|`), `docs/risk-catalog.md lists ${f}`);
      assert.ok(RISK_FAMILY_HELP[f].length > 10);
    }
  });

  it('counts names by tier', () => {
    const c = countTiers(['read', 'openat', 'mount', 'write', 'no_such_call']);
    assert.deepEqual(c, { benign: 2, moderate: 1, dangerous: 1, unclassified: 1 });
    assert.equal(describeTierCounts(c), '2 benign, 1 moderate, 1 dangerous, 1 unclassified');
    assert.equal(describeTierCounts(countTiers(['read'])), '1 benign, 0 moderate, 0 dangerous');
  });
});

describe('RISK_CATALOG, filled on first use', () => {
  it('behaves as a plain array', () => {
    const plain = [...RISK_CATALOG];
    assert.ok(Array.isArray(RISK_CATALOG));
    assert.ok(plain.length > 40);
    assert.equal(RISK_CATALOG.length, plain.length);
    assert.deepEqual(RISK_CATALOG.slice(), plain);
    assert.equal(JSON.stringify(RISK_CATALOG), JSON.stringify(plain));
    assert.deepEqual(Object.keys(RISK_CATALOG), Object.keys(plain));
    assert.equal(RISK_CATALOG[0], plain[0]);
    assert.throws(() => {
      (RISK_CATALOG as unknown as unknown[]).push({});
    }, TypeError);
  });
});

describe('syscall risk catalog: validation', () => {
  const good = {
    syscall: 'read',
    tier: 'benign',
    family: 'fd-io',
    reason: 'reads a descriptor it holds',
    sources: ['read(2)'],
  };
  const text = (...entries: unknown[]): string => JSON.stringify({ entries });
  const fails = (t: string, message: RegExp): void => {
    assert.throws(
      () => parseSyscallRisk(t),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'internal');
        assert.ok(!err.message.includes('\n'), 'one line');
        assert.match(err.message, /^data\/catalog\/syscall-risk\.json: /);
        assert.match(err.message, message);
        return true;
      },
    );
  };

  it('reads a good entry, with the dangerous fields as a RiskEntry', () => {
    const [a, b] = parseSyscallRisk(
      text(good, {
        syscall: 'mount',
        tier: 'dangerous',
        family: 'mount',
        category: 'namespace-escape',
        severity: 'high',
        capability: 'CAP_SYS_ADMIN',
        reason: 'mounts filesystems',
        sources: ['mount(2)'],
      }),
    );
    assert.equal(a?.risk, undefined);
    assert.deepEqual(b?.risk, { syscall: 'mount', category: 'namespace-escape', severity: 'high', reason: 'mounts filesystems', capability: 'CAP_SYS_ADMIN' });
  });

  it('refuses an unknown syscall name, naming the entry and a suggestion', () => {
    fails(text(good, { ...good, syscall: 'opneat' }), /\$\.entries\[1\]: unknown syscall "opneat" \(did you mean "openat"\?\)/);
  });
  it('refuses a name listed twice', () => fails(text(good, good), /\$\.entries\[1\]: read is listed twice \(also at \$\.entries\[0\]\)/));
  it('refuses a missing tier, reason or sources', () => {
    const { tier: _t, ...noTier } = good;
    const { reason: _r, ...noReason } = good;
    const { sources: _s, ...noSources } = good;
    fails(text(noTier), /\$\.entries\[0\]: missing "tier"/);
    fails(text(good, noReason), /\$\.entries\[1\]: missing "reason"/);
    fails(text(noSources), /\$\.entries\[0\]: missing "sources"/);
    fails(text({ ...good, sources: [] }), /\$\.entries\[0\]: sources must NOT have fewer than 1 items/);
  });
  it('refuses an unknown tier or family', () => {
    fails(text({ ...good, tier: 'harmless' }), /\$\.entries\[0\]: tier must be one of benign, moderate, dangerous \(got "harmless"\)/);
    fails(text(good, { ...good, syscall: 'write', family: 'io' }), /\$\.entries\[1\]: family must be one of fd-io, fd, .* \(got "io"\)/);
  });
  it('refuses the dangerous fields on other tiers and requires them on the dangerous one', () => {
    fails(text({ ...good, severity: 'high' }), /\$\.entries\[0\]: severity belongs only to dangerous entries/);
    fails(text({ ...good, tier: 'dangerous' }), /\$\.entries\[0\]: missing "category"/);
  });
  it('refuses unknown keys and text that is not JSON', () => {
    fails(text({ ...good, note: 'x' }), /\$\.entries\[0\]: unknown key "note"/);
    fails('{"entries": [', /not JSON/);
    fails('{}', /\$: missing "entries"/);
  });
});
