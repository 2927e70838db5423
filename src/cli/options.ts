// The CLI's flags, declared once: option builders shared by the commands (one help text per flag)
// and the parsers that turn flag values into typed values. A bad value throws commander's
// InvalidArgumentError, so the user gets commander's one-line error and exit 2 (docs/exit-codes.md);
// the library only ever sees typed values.

import { InvalidArgumentError, Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { Severity } from '../audit/model.js';
import type { ExportFormat } from '../formats/export.js';
import type { RecorderChoice } from '../recorder/record.js';
import { DEFAULT_GENERALIZE_LEVEL, GENERALIZE_LEVELS } from '../generator/index.js';

// The choices are spelled out here rather than imported, so that parsing argv loads no library
// module; options.test.ts checks that they are the library's lists.
export const RECORDER_CHOICES = ['ebpf', 'ptrace', 'auto'] as const satisfies readonly RecorderChoice[];
export const EXPORT_FORMAT_CHOICES = ['docker', 'oci', 'k8s', 'systemd'] as const satisfies readonly ExportFormat[];
export const SEVERITY_CHOICES = ['critical', 'high', 'medium', 'low', 'info'] as const satisfies readonly Severity[];
// …and none is missing (a compile error names the list that lacks one).
type Covers<List extends readonly string[], T extends string> = [T] extends [List[number]] ? true : never;
const _choicesCoverTheLibrary: [
  Covers<typeof RECORDER_CHOICES, RecorderChoice>,
  Covers<typeof EXPORT_FORMAT_CHOICES, ExportFormat>,
  Covers<typeof SEVERITY_CHOICES, Severity>,
] = [true, true, true];

/** The largest errno a seccomp filter returns (SECCOMP_RET_DATA keeps 12 bits; the generator checks the same). */
const MAX_ERRNO = 4095;

// --- parsers ---------------------------------------------------------------------------------------

/** --timeout: whole seconds, 0 for none. */
export function parseTimeout(s: string): number {
  if (!/^\d{1,6}$/.test(s)) throw new InvalidArgumentError('Give a whole number of seconds, e.g. 600 (0: none).');
  return Number(s);
}

/** `{ timeoutMs }` for a --timeout in seconds, or nothing when there is none (0). */
export function timeoutMs(seconds: number): { timeoutMs?: number } {
  return seconds === 0 ? {} : { timeoutMs: seconds * 1000 };
}

/** --repeat: a count from 1 to 99. */
export function parseRepeat(s: string): number {
  if (!/^\d{1,2}$/.test(s) || Number(s) < 1) throw new InvalidArgumentError('Give a count from 1 to 99, e.g. 3.');
  return Number(s);
}

/** --runs for calibrate: a count of container starts from 1 to 999. */
export function parseRuns(s: string): number {
  if (!/^\d{1,3}$/.test(s) || Number(s) < 1) throw new InvalidArgumentError('Give a count of starts from 1 to 999, e.g. 30.');
  return Number(s);
}

/** --expect-exit: an exit code from 0 to 255. */
export function parseExitCode(s: string): number {
  if (!/^\d{1,3}$/.test(s) || Number(s) > 255) throw new InvalidArgumentError('Give an exit code from 0 to 255.');
  return Number(s);
}

/** --default-errno: an errno from 1 to 4095. */
export function parseErrno(s: string): number {
  if (!/^\d{1,4}$/.test(s) || Number(s) < 1 || Number(s) > MAX_ERRNO) {
    throw new InvalidArgumentError(
      /^0+$/.test(s)
        ? 'Errno 0 would make every denied call look successful: give e.g. 1 (EPERM) or 38 (ENOSYS).'
        : `Give an errno from 1 to ${MAX_ERRNO}, e.g. 1 (EPERM) or 38 (ENOSYS).`,
    );
  }
  return Number(s);
}

/** --expect-stdout: a JavaScript regular expression, matched per line (flag m). */
export function parseRegExp(s: string): RegExp {
  try {
    return new RegExp(s, 'm');
  } catch (e) {
    throw new InvalidArgumentError(`${(e as Error).message.replace(/\.?$/, '.')} Write a JavaScript regular expression, e.g. "status: ok".`);
  }
}

// --- option builders -------------------------------------------------------------------------------

type Cmd<Args extends unknown[], Opts extends OptionValues, Globals extends OptionValues> = Command<Args, Opts, Globals>;

/** --arch/--caps/--kernel: the host a profile is resolved for (see host.ts). */
export function hostOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Cmd<A, O, G>) {
  return cmd
    .option('--arch <abi>', 'ABI to evaluate (x86_64, x86, x32, aarch64, …); default: this host')
    .option('--caps <list>', "container capabilities: comma-separated CAP_* names, 'none' or 'docker' (Docker's 14 defaults)", 'none')
    .option('--kernel <version>', "kernel version for minKernel rules (default: this host's)");
}

/** --json: machine-readable output on stdout; `detail` says what is particular to the command. */
export function jsonOption<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Cmd<A, O, G>, detail?: string) {
  return cmd.option('--json', `machine-readable output (JSON on stdout${detail === undefined ? '' : `; ${detail}`})`);
}

/** -o/--output and --force: the file a command writes, atomically, never over an existing one
 * unless forced. Without a default the output goes to stdout. */
export function outputOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Cmd<A, O, G>, what: string) {
  return cmd
    .option('-o, --output <file>', `${what} to write (atomic; refuses to overwrite without --force) (default: stdout)`)
    .option('--force', 'overwrite existing output files');
}

/** -o/--output with a default file name, and --force. */
export function outputFileOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Cmd<A, O, G>, what: string, file: string) {
  return cmd
    .option('-o, --output <file>', `${what} to write (atomic; refuses to overwrite without --force)`, file)
    .option('--force', 'overwrite existing output files');
}

/** --recorder and --timeout: how the commands that run a workload record it and how long a run may take. */
export function runOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Cmd<A, O, G>,
  o: { recorderOf?: string; timeout: number },
) {
  return cmd
    .addOption(
      new Option(
        '--recorder <kind>',
        `${o.recorderOf === undefined ? 'the recorder' : `recorder of ${o.recorderOf}`}: auto uses eBPF when it loads, else ptrace (strace -f: the fallback, slower)`,
      )
        .choices(RECORDER_CHOICES)
        .default('auto'),
    )
    .addOption(
      new Option('--timeout <seconds>', 'a run that takes longer fails, its containers removed (0: none)')
        .argParser(parseTimeout)
        .default(o.timeout, o.timeout === 0 ? 'none' : undefined),
    );
}

/** --expect-exit and --expect-stdout: what counts as the workload working; `scope` names the
 * commands they apply to when a command also takes them from elsewhere. */
export function expectOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Cmd<A, O, G>, scope?: string) {
  const tail = scope === undefined ? '' : ` ${scope}`;
  return cmd
    .addOption(new Option('--expect-exit <code>', `exit code that counts as success${tail}`).argParser(parseExitCode).default(0))
    .addOption(new Option('--expect-stdout <regex>', `the tool's stdout must match this regular expression${tail}`).argParser(parseRegExp));
}

/** --format for export. */
export function exportFormatOption() {
  return new Option('--format <format>', 'output format').choices(EXPORT_FORMAT_CHOICES).makeOptionMandatory();
}

/** --fail-on for audit. */
export function failOnOption() {
  return new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(SEVERITY_CHOICES).default('high');
}

/** --repeat for profile. */
export function repeatOption() {
  return new Option('--repeat <n>', 'record each workload n times and merge (for tools whose syscalls vary between runs)').argParser(parseRepeat);
}

export const ARG_LEVEL_CHOICES = ['none', 'safe', 'strict'] as const;

/** --args and --allow / --justifications: argument rules and the justified doors (generate, profile). */
export function doorOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Cmd<A, O, G>) {
  return cmd
    .addOption(
      new Option(
        '--args <level>',
        "argument rules from the recorded values: none (only where Docker's default has them: clone, unshare, socket family, personality), safe, or strict (also ioctl, fcntl, mmap, mprotect: slower)",
      )
        .choices(ARG_LEVEL_CHOICES)
        .default('safe' as const),
    )
    .option(
      '--allow <spec>',
      'let one catalogued door the recording used through: NAME[=VALUE]:"reason" (repeatable; the reason goes into the rule comment)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--justifications <file>', 'a file of --allow specs, one per line (# comments)')
    .addOption(
      new Option(
        '--generalize <level>',
        'how far beyond the recording to allow, never a dangerous call: exact (only what was recorded), companions (other entry points of recorded calls, calls that must never be denied, ENOSYS where libraries fall back), families (also low-risk calls and the families the recording shows), broad (every family)',
      )
        .choices(GENERALIZE_LEVELS)
        .default(DEFAULT_GENERALIZE_LEVEL),
    );
}

export const UNRECORDED_CHOICES = ['deny', 'log'] as const;
export const LOG_SOURCE_CHOICES = ['auto', 'audit', 'journal', 'dmesg', 'kmsg'] as const;

/** --unrecorded and --log-denied: what calls the recording did not show get (generate, profile). */
export function unrecordedOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Cmd<A, O, G>) {
  return cmd
    .addOption(
      new Option(
        '--unrecorded <mode>',
        'what calls the recording did not show get: deny (the default action), or log (allowed and logged by the kernel for `clawfence learn`; catalogued dangerous calls stay denied)',
      )
        .choices(UNRECORDED_CHOICES)
        .default('deny' as const),
    )
    .option(
      '--log-denied',
      'with --unrecorded log: set SECCOMP_FILTER_FLAG_LOG so the kernel logs denied calls too (Docker 20.10 drops it; runc 1.1.5 refuses it)',
    );
}

/** --default-errno for generate. */
export function defaultErrnoOption() {
  return new Option('--default-errno <n>', 'errno for everything not allowed (default 1, EPERM)').argParser(parseErrno);
}
