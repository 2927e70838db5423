// The CLI's flag parsers and option builders: good values typed, bad ones refused with commander's
// one-line error (InvalidArgumentError → exit 2), the choices the library's lists.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Command, CommanderError, InvalidArgumentError } from '@commander-js/extra-typings';
import { SEVERITIES } from '../audit/model.js';
import { EXPORT_FORMATS } from '../formats/export.js';
import {
  defaultErrnoOption,
  EXPORT_FORMAT_CHOICES,
  expectOptions,
  parseErrno,
  parseExitCode,
  parseRegExp,
  parseRepeat,
  parseRuns,
  parseTimeout,
  RECORDER_CHOICES,
  repeatOption,
  runOptions,
  SEVERITY_CHOICES,
  timeoutMs,
} from './options.js';

/** Asserts that `f` refuses `value` with an InvalidArgumentError of one line. */
function refuses(f: (s: string) => unknown, value: string, message?: RegExp): void {
  assert.throws(
    () => f(value),
    (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError, `${value}: ${String(e)}`);
      assert.doesNotMatch(e.message, /\n/);
      if (message !== undefined) assert.match(e.message, message);
      return true;
    },
    value,
  );
}

describe('flag parsers', () => {
  it('--timeout: whole seconds, 0 for none', () => {
    assert.equal(parseTimeout('600'), 600);
    assert.equal(parseTimeout('0'), 0);
    assert.equal(parseTimeout('999999'), 999999);
    for (const bad of ['10s', '-1', '1.5', '', ' 5', '1234567', 'x']) refuses(parseTimeout, bad, /whole number of seconds/);
    assert.deepEqual(timeoutMs(0), {});
    assert.deepEqual(timeoutMs(3), { timeoutMs: 3000 });
  });

  it('--repeat: a count from 1 to 99', () => {
    assert.equal(parseRepeat('1'), 1);
    assert.equal(parseRepeat('99'), 99);
    for (const bad of ['0', '00', '100', '-2', '2.0', 'three', '']) refuses(parseRepeat, bad, /from 1 to 99/);
  });

  it('--runs: a count of starts from 1 to 999', () => {
    assert.equal(parseRuns('1'), 1);
    assert.equal(parseRuns('999'), 999);
    for (const bad of ['0', '000', '1000', '-2', '2.0', 'ten', '']) refuses(parseRuns, bad, /from 1 to 999/);
  });

  it('--expect-exit: an exit code from 0 to 255', () => {
    assert.equal(parseExitCode('0'), 0);
    assert.equal(parseExitCode('255'), 255);
    for (const bad of ['256', '300', '-1', '1e2', 'x', '']) refuses(parseExitCode, bad, /from 0 to 255/);
  });

  it('--default-errno: an errno from 1 to 4095, with a word about 0', () => {
    assert.equal(parseErrno('1'), 1);
    assert.equal(parseErrno('38'), 38);
    assert.equal(parseErrno('4095'), 4095);
    for (const bad of ['4096', '5000', '1.5', 'abc', '-1', '']) refuses(parseErrno, bad, /from 1 to 4095/);
    refuses(parseErrno, '0', /look successful/);
  });

  it('--expect-stdout: a regular expression matched per line', () => {
    const re = parseRegExp('^status: ok$');
    assert.ok(re instanceof RegExp);
    assert.equal(re.flags, 'm');
    assert.ok(re.test('starting\nstatus: ok\n'));
    refuses(parseRegExp, '(', /Invalid regular expression.*Unterminated group/);
  });
});

describe('choices', () => {
  it("are the library's lists", () => {
    assert.deepEqual([...EXPORT_FORMAT_CHOICES], [...EXPORT_FORMATS]);
    assert.deepEqual([...SEVERITY_CHOICES], [...SEVERITIES]);
    assert.deepEqual([...RECORDER_CHOICES], ['ebpf', 'ptrace', 'auto']);
  });
});

describe('option builders', () => {
  /** A command with the run and expect options and two single options, parsed without exiting. */
  function parse(argv: string[]) {
    const cmd = expectOptions(runOptions(new Command('t').exitOverride().configureOutput({ writeErr: () => undefined }), { timeout: 600 }))
      .addOption(repeatOption())
      .addOption(defaultErrnoOption());
    cmd.parse(argv, { from: 'user' });
    return cmd.opts();
  }

  it('types the defaults and the given values', () => {
    const d = parse([]);
    assert.deepEqual({ ...d }, { recorder: 'auto', timeout: 600, expectExit: 0 });
    const o = parse(['--recorder', 'ptrace', '--timeout', '0', '--expect-exit', '3', '--expect-stdout', 'ok', '--repeat', '2', '--default-errno', '38']);
    assert.equal(o.recorder, 'ptrace');
    assert.equal(o.timeout, 0);
    assert.equal(o.expectExit, 3);
    assert.ok(o.expectStdout instanceof RegExp && o.expectStdout.source === 'ok');
    assert.equal(o.repeat, 2);
    assert.equal(o.defaultErrno, 38);
  });

  it('refuses bad values through commander, naming the flag', () => {
    for (const [argv, flag] of [
      [['--recorder', 'bogus'], /option '--recorder <kind>' argument 'bogus' is invalid\. Allowed choices are ebpf, ptrace, auto\./],
      [['--timeout', '10s'], /option '--timeout <seconds>' argument '10s' is invalid\. Give a whole number of seconds/],
      [['--expect-exit', '256'], /option '--expect-exit <code>' argument '256' is invalid\./],
      [['--repeat', '0'], /option '--repeat <n>' argument '0' is invalid\./],
      [['--default-errno', 'x'], /option '--default-errno <n>' argument 'x' is invalid\./],
    ] as const) {
      assert.throws(
        () => parse([...argv]),
        (e: unknown) => {
          assert.ok(e instanceof CommanderError, String(e));
          assert.equal(e.code, 'commander.invalidArgument');
          assert.match(e.message, flag);
          assert.doesNotMatch(e.message, /\n/);
          return true;
        },
        argv.join(' '),
      );
    }
  });
});
