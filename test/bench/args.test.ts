// The bench's options: defaults, a quick run, --only, and what counts as a full run.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandLine, DEFAULTS, isFullRun, parseArgs, resultsStem, UsageError } from '../../bench/lib/args.js';

describe('bench options', () => {
  it('defaults to a full run', () => {
    const c = parseArgs([]);
    assert.deepEqual(c, DEFAULTS);
    assert.ok(c !== undefined && isFullRun(c));
  });

  it('a quick run: fewer rounds caps the slow rows too, and is not a full run', () => {
    const c = parseArgs(['--rounds', '3', '--only', 'b1,B5']);
    assert.ok(c !== undefined);
    assert.equal(c.rounds, 3);
    assert.equal(c.slowRounds, 3);
    assert.deepEqual(c.only, ['B1', 'B5']);
    assert.equal(isFullRun(c), false);
  });

  it('takes --flag=value too, and keeps the order B1…B5', () => {
    const c = parseArgs(['--only=B5,B2', '--slow-rounds=6', '--rounds=9', '--micro-calls', '2000000']);
    assert.ok(c !== undefined);
    assert.deepEqual(c.only, ['B2', 'B5']);
    assert.equal(c.slowRounds, 6);
    assert.equal(c.microCalls, 2_000_000);
  });

  it('--help gives undefined', () => {
    assert.equal(parseArgs(['--help']), undefined);
  });

  it('-h too, and --help wins over the other options', () => {
    assert.equal(parseArgs(['-h']), undefined);
    assert.equal(parseArgs(['--rounds', '3', '--help']), undefined);
  });

  it('refuses what it does not understand, saying why in one line', () => {
    assert.throws(() => parseArgs(['--rounds', 'many']), UsageError);
    assert.throws(() => parseArgs(['--rounds', 'many']), /^Error: --rounds needs a whole number from 1 to 100, not 'many'$/);
    assert.throws(() => parseArgs(['--warmup=11']), /--warmup needs a whole number from 0 to 10, not '11'/);
    assert.throws(() => parseArgs(['--micro-calls', '999']), /--micro-calls needs a whole number from 1000/);
    assert.throws(
      () => parseArgs(['--rounds']),
      (e: unknown) => e instanceof UsageError && /^Option '--rounds <value>' argument missing$/.test(e.message),
    );
    assert.throws(
      () => parseArgs(['--rounds', '--only', 'B1']),
      (e: unknown) => e instanceof UsageError && /'--rounds'.*ambiguous/.test(e.message) && !e.message.includes('\n'),
    );
    assert.throws(() => parseArgs(['--only', 'B9']), /not 'B9'/);
    assert.throws(() => parseArgs(['--only', ',']), /--only takes a list of B1, B2, B3, B4, B5, ROBUSTNESS$/);
    assert.throws(
      () => parseArgs(['--fast']),
      (e: unknown) => e instanceof UsageError && /Unknown option '--fast'/.test(e.message),
    );
    assert.throws(
      () => parseArgs(['B1']),
      (e: unknown) => e instanceof UsageError && /Unexpected argument 'B1'/.test(e.message),
    );
  });
});

describe('robustness options', () => {
  it('--only robustness in any case; --tools keeps the corpus order; --levels as given', () => {
    const c = parseArgs(['--only', 'robustness', '--tools', 'zstd,git', '--levels', 'exact']);
    assert.ok(c !== undefined);
    assert.deepEqual(c.only, ['ROBUSTNESS']);
    assert.deepEqual(c.tools, ['git', 'zstd']);
    assert.deepEqual(c.levels, ['exact']);
    assert.equal(commandLine(c), '--only ROBUSTNESS --tools git,zstd --levels exact');
    assert.deepEqual(parseArgs(commandLine(c).split(' ')), c);
  });

  it('refuses a tool the corpus does not have, and a run of some tools is not a full run', () => {
    assert.throws(() => parseArgs(['--tools', 'git,jq']), /--tools takes corpus tools \(xml, graphviz, nginx, git, openssl, gawk, zstd\), not 'jq'$/);
    assert.throws(() => parseArgs(['--levels', 'Exact!']), /--levels takes a list of names/);
    assert.equal(resultsStem(parseArgs(['--tools', 'git']) ?? DEFAULTS), 'partial');
    assert.throws(() => parseArgs(['--tools', 'git', '--out', 'latest']), /full run only/);
  });
});

describe('bench results file', () => {
  it('latest for a full run, partial otherwise, or the name --out gives', () => {
    assert.equal(resultsStem(DEFAULTS), 'latest');
    const quick = parseArgs(['--only', 'B2', '--rounds', '9']);
    assert.ok(quick !== undefined);
    assert.equal(resultsStem(quick), 'partial');
    const named = parseArgs(['--only', 'B2', '--rounds', '9', '--out', 'b2-args']);
    assert.ok(named !== undefined);
    assert.equal(resultsStem(named), 'b2-args');
    assert.equal(parseArgs(['--out', 'latest'])?.out, 'latest'); // a full run may name it
  });

  it('refuses --out latest for a partial run (it would drop the other rows), and odd names', () => {
    assert.throws(
      () => parseArgs(['--only', 'B2', '--out', 'latest']),
      (e: unknown) => e instanceof UsageError && /full run only.*drop the other rows/.test(e.message),
    );
    assert.throws(() => parseArgs(['--rounds', '3', '--out=latest']), /full run only/);
    assert.throws(() => parseArgs(['--out', '../x']), /--out takes a name of letters, digits and '-'.*not '\.\.\/x'/);
    assert.throws(() => parseArgs(['--out', 'partial']), /leave --out off/);
  });

  it('gives back the options that reproduce a run', () => {
    assert.equal(commandLine(DEFAULTS), '');
    const c = parseArgs(['--out', 'b2-args', '--rounds', '21', '--only', 'B2']);
    assert.ok(c !== undefined);
    assert.equal(commandLine(c), '--only B2 --rounds 21 --out b2-args');
    const q = parseArgs(['--rounds', '3', '--slow-rounds', '2', '--micro-calls', '2000000']);
    assert.ok(q !== undefined);
    assert.equal(commandLine(q), '--rounds 3 --slow-rounds 2 --micro-calls 2000000');
    assert.equal(commandLine(parseArgs(['--rounds', '3']) ?? DEFAULTS), '--rounds 3'); // slow rounds capped by it: implied
    assert.deepEqual(parseArgs(commandLine(c).split(' ')), c);
  });
});
