// The robustness suite's pure parts: the levels it measures (from the generator's exports when it
// has them), the catalogued doors a profile lets through (against the real catalog), the tallies,
// the bar at the default level, and the table.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDockerDefault } from '../../src/catalog/reference.js';
import { emptyFilter, type Profile, type Rule } from '../../src/profile/model.js';
import {
  dangerousAllowed,
  levelTable,
  levelsFrom,
  pickLevels,
  renderRobustness,
  summarizeLevel,
  tally,
  type LevelResult,
  type PathResult,
  type RobustnessResults,
} from '../../bench/lib/robustness.js';
import { robustnessRows } from '../../bench/suites/robustness.js';

const allow = (names: string[]): Rule => ({ names, action: 'allow', args: [], includes: emptyFilter(), excludes: emptyFilter() });
const profile = (rules: Rule[]): Profile => ({
  defaultAction: 'errno',
  defaultErrnoRet: 1,
  architectures: ['x86_64'],
  archMap: [],
  flags: [],
  syscalls: rules,
});

const path = (name: string, verdict: PathResult['verdict']): PathResult => ({
  name,
  verdict,
  seconds: 1,
  reasons: verdict === 'pass' ? [] : ['exit code 1, expected 0'],
});

function level(tool: string, lvl: string, heldout: PathResult[], over: Partial<LevelResult> = {}): LevelResult {
  return {
    tool,
    level: lvl,
    recorded: 50,
    allowed: 52,
    dockerDefault: 309,
    widened: ['rt_sigreturn'],
    dangerous: { syscalls: [], values: [] },
    wider: [],
    refused: [],
    train: [path('t1', 'pass')],
    heldout,
    ...over,
  };
}

describe('robustness levels', () => {
  it("only 'exact', and no option, while the generator exports no levels", () => {
    assert.deepEqual(levelsFrom({ generateProfile: () => undefined }), { levels: ['exact'], option: false });
    assert.deepEqual(levelsFrom({ GENERALIZE_LEVELS: [] }), { levels: ['exact'], option: false });
    assert.deepEqual(levelsFrom({ GENERALIZE_LEVELS: ['exact', 3] }), { levels: ['exact'], option: false });
  });

  it("the generator's list, in its order, with its default when that is one of them", () => {
    assert.deepEqual(levelsFrom({ GENERALIZE_LEVELS: ['exact', 'companions', 'families'], DEFAULT_GENERALIZE_LEVEL: 'companions' }), {
      levels: ['exact', 'companions', 'families'],
      option: true,
      defaultLevel: 'companions',
    });
    assert.equal(levelsFrom({ GENERALIZE_LEVELS: ['exact'], DEFAULT_GENERALIZE_LEVEL: 'nope' }).defaultLevel, undefined);
  });

  it('--levels picks some, in the generator order, and refuses unknown ones', () => {
    const all = levelsFrom({ GENERALIZE_LEVELS: ['exact', 'companions', 'families'] });
    assert.deepEqual(pickLevels(all, undefined), ['exact', 'companions', 'families']);
    assert.deepEqual(pickLevels(all, ['families', 'exact']), ['exact', 'families']);
    assert.throws(() => pickLevels(all, ['wide']), /no generalisation level wide \(it has exact, companions, families\)/);
  });
});

describe('dangerous doors a profile allows', () => {
  it('none for a profile of harmless calls', () => {
    assert.deepEqual(dangerousAllowed(profile([allow(['read', 'write', 'exit_group'])]), 'x86_64'), { syscalls: [], values: [] });
  });

  it('a catalogued syscall, and the dangerous values of a syscall allowed without argument rules', () => {
    const d = dangerousAllowed(profile([allow(['read', 'ptrace', 'clone'])]), 'x86_64');
    assert.deepEqual(d.syscalls, ['ptrace']);
    assert.ok(d.values.includes('clone(arg0 = CLONE_NEWUSER)'), d.values.join(', '));
    assert.ok(!d.syscalls.includes('clone'), 'clone is judged by its values, not as a syscall');
  });

  it("Docker's default, with its default capabilities, lets some through (the catalog is no empty list)", () => {
    const d = dangerousAllowed(loadDockerDefault(), 'x86_64');
    assert.ok(d.syscalls.length > 0);
    assert.ok(!d.syscalls.includes('mount'), 'mount needs CAP_SYS_ADMIN there');
  });
});

describe('robustness tallies and table', () => {
  const results = [
    level('git', 'exact', [path('a', 'pass'), path('b', 'fail'), path('c', 'hung')]),
    level('zstd', 'exact', [path('d', 'pass')], { allowed: 160, dockerDefault: 309 }),
    level('git', 'families', [path('a', 'pass'), path('b', 'pass'), path('c', 'pass')], { dangerous: { syscalls: ['ptrace'], values: [] } }),
    level('zstd', 'families', [path('d', 'pass')]),
  ];

  it('counts pass, fail and hung; invalid paths are not counted', () => {
    assert.deepEqual(tally([path('a', 'pass'), path('b', 'fail'), path('c', 'hung'), path('d', 'invalid')]), { pass: 1, fail: 1, hung: 1, total: 3 });
  });

  it('per level: held-out, profiles over half of the default, dangerous doors added by generalisation', () => {
    const exact = summarizeLevel(results, 'exact');
    assert.deepEqual(exact.heldout, { pass: 2, fail: 1, hung: 1, total: 4 });
    assert.deepEqual(exact.overHalf, ['zstd']);
    assert.deepEqual(exact.addedDangerous, []);
    const fam = summarizeLevel(results, 'families');
    assert.equal(fam.heldout.pass, 4);
    assert.deepEqual(fam.addedDangerous, ['git: ptrace']);
    assert.equal(fam.dangerous, 1);
  });

  it('the table names the failing paths, marks the hung one, and totals', () => {
    const lines = levelTable(results, 'exact');
    const git = lines.find((l) => l.startsWith('| git '));
    assert.ok(git?.includes('b; c (hung)'), git);
    assert.ok(lines.at(-1)?.includes('**2/4 (50%)**'), lines.at(-1));
    assert.ok(lines.at(-1)?.includes('over 50%: zstd'));
  });

  const res = (over: Partial<RobustnessResults>): RobustnessResults => ({
    schema: 'clawfence-robustness/1',
    startedAt: '2026-01-01T00:00:00.000Z',
    seconds: 60,
    complete: true,
    levels: ['exact', 'families'],
    levelOption: true,
    tools: ['git', 'zstd'],
    timeoutSeconds: 30,
    machine: '2 cores, kernel 6.18.0, Docker 20.10.24, clawfence commit abc',
    invalid: { git: [], zstd: ['x (exit 1, expected 0)'] },
    results,
    notes: [],
    ...over,
  });

  it('rows: info without a default level; the bar judges the default level only; errors are errors', () => {
    assert.deepEqual(
      robustnessRows(res({}), []).map((r) => r.verdict),
      ['info', 'info'],
    );
    // families: 4/4 pass, but a dangerous door was added → fail; exact as the default: 2/4 → fail.
    assert.deepEqual(
      robustnessRows(res({ defaultLevel: 'families' }), []).map((r) => r.verdict),
      ['info', 'fail'],
    );
    const clean = results.map((r) => (r.level === 'families' ? { ...r, dangerous: { syscalls: [], values: [] } } : r));
    assert.equal(robustnessRows(res({ defaultLevel: 'families', results: clean }), [])[1]?.verdict, 'pass');
    const e = robustnessRows(res({}), ['git: train workload log exited 1']);
    assert.ok(e.every((r) => r.verdict === 'error' && r.error?.includes('git')));
  });

  it('the page has a summary line per level and says which workloads were not counted', () => {
    const md = renderRobustness(res({ defaultLevel: 'families' }));
    assert.match(md, /^\| families \(default\) \| 4\/4 \(100%\) \| 0 \|/m);
    assert.match(md, /^- zstd: x \(exit 1, expected 0\)$/m);
  });
});
