// The command table: every command, its arguments and flags (typed by @commander-js/extra-typings,
// so each action gets the option types its command declares). Loaded by main.ts after the
// `--version` fast path; command implementations are imported lazily, when their command runs.

import { Command, Option } from '@commander-js/extra-typings';
import { VERSION } from './version.js';
import {
  defaultErrnoOption,
  doorOptions,
  expectOptions,
  exportFormatOption,
  failOnOption,
  hostOptions,
  jsonOption,
  outputFileOptions,
  outputOptions,
  parseRuns,
  repeatOption,
  runOptions,
  unrecordedOptions,
  LOG_SOURCE_CHOICES,
  UNRECORDED_CHOICES,
} from './options.js';

export { CommanderError } from '@commander-js/extra-typings';

/** What main.ts learns from a parse: the exit code, and how to report an error. */
export interface ProgramState {
  json: boolean;
  verbose: boolean;
  exit: number;
}

export function buildProgram(state: ProgramState) {
  const program = new Command('clawfence')
    .description('Minimal, verified, tool-specific seccomp profiles for containerized agent tools')
    .version(VERSION, '-V, --version')
    .option('--verbose', 'show the full error chain')
    .option('--no-color', 'never colour output (NO_COLOR is honoured too)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .enablePositionalOptions()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.hook('preAction', (_this, action) => {
    state.json = action.opts()['json'] === true;
    state.verbose = program.opts().verbose === true;
  });
  const color = (): boolean => program.opts().color;

  // Options are listed in --help in the order they are added: the host options come last.
  hostOptions(
    jsonOption(
      program
        .command('explain')
        .description('decide one syscall under a profile and say why (args accept names: CLONE_NEWUSER|SIGCHLD, AF_NETLINK)')
        .argument('<profile>', 'profile file (Docker/OCI JSON, OCI config.json or Kubernetes SeccompProfile YAML)')
        .argument('<syscall>', 'syscall name or number')
        .argument('[args...]', 'up to six argument values'),
    ),
  ).action(async (profile, syscall, args, opts) => {
    const m = await import('./commands/explain.js');
    state.exit = await m.runExplain(profile, syscall, args, { ...opts, color: color() });
  });

  hostOptions(
    jsonOption(
      program
        .command('diff')
        .description('semantic difference between two profiles, per ABI (exit 1 when they differ)')
        .argument('<a>', 'first profile')
        .argument('<b>', 'second profile'),
    ),
  ).action(async (a, b, opts) => {
    const m = await import('./commands/diff.js');
    state.exit = await m.runDiff(a, b, { ...opts, color: color() });
  });

  hostOptions(
    jsonOption(
      program
        .command('audit')
        .description("findings about a profile: dangerous allows, open ABIs, dead rules, size next to Docker's default")
        .argument('<profile>', 'profile file')
        .option('--against <footprint>', 'a recorded footprint: report permissions it never used'),
    )
      .option('--sarif', 'SARIF 2.1.0 report')
      .addOption(failOnOption()),
  ).action(async (profile, opts) => {
    const m = await import('./commands/audit.js');
    state.exit = await m.runAudit(profile, { ...opts, color: color() });
  });

  hostOptions(
    jsonOption(
      outputOptions(
        program.command('export').description('write a profile in another format').argument('<profile>', 'profile file').addOption(exportFormatOption()),
        'the exported profile',
      )
        .option('--lossy', 'export even when the format cannot express everything (what is lost is printed)')
        .option('--name <name>', 'metadata.name for the Kubernetes SeccompProfile')
        .option('--select <name>', 'which SeccompProfile to read from a file that holds several'),
      '{format, text, lost, notes}',
    ),
  ).action(async (profile, opts) => {
    const m = await import('./commands/export.js');
    state.exit = await m.runExport(profile, { ...opts, color: color() });
  });

  runOptions(
    outputFileOptions(
      program
        .command('record')
        .description('run a workload exactly as given and record every syscall its container makes')
        .argument('<command...>', 'the run command, after --: docker run [OPTIONS] IMAGE [CMD…] (or podman run)'),
      'footprint file',
      'footprint.json',
    ).option('--workload <name>', 'name of the workload in the footprint (default: image and command)'),
    { timeout: 0 },
  )
    .passThroughOptions()
    .action(async (command, opts) => {
      const m = await import('./commands/record.js');
      state.exit = await m.runRecord(command, opts);
    });

  unrecordedOptions(
    doorOptions(
      expectOptions(
        runOptions(
          outputFileOptions(
            program
              .command('profile')
              .description('record → generate → verify: a verified minimal profile for one or more workloads')
              .argument('[command...]', 'run command(s) after --, separated by ---: docker run … --- docker run …'),
            'profile file',
            'seccomp-profile.json',
          )
            .option('--workloads <file>', 'a workloads.json (see docs/workloads.md) with commands, expectations and test servers')
            .option('--footprint <file>', 'also write the merged footprint here (for audit --against)')
            .option('--coverage <file>', 'also write the coverage report here (JSON, docs/coverage.md): what the workloads did not show')
            .option('--run-footprints <dir>', "also write every run's own footprint into this directory")
            .option('--no-image-scan', "do not list the image's executables for the coverage report")
            .option('--no-probe', 'do not run the probe battery nor write the hardening report')
            .option('--html <file>', 'the hardening report (default: the profile file with .report.html; its JSON beside it)')
            .addOption(repeatOption()),
          { timeout: 600 },
        ),
        'for commands given after --',
      ),
    ),
  )
    .passThroughOptions()
    .action(async (command, opts) => {
      const m = await import('./commands/profile.js');
      state.exit = await m.runProfile(command, { ...opts, color: color() });
    });

  unrecordedOptions(
    doorOptions(
      outputOptions(
        program
          .command('generate')
          .description(
            'a deny-by-default profile allowing what the footprints recorded (merged), with argument rules; catalogued dangerous calls stay denied unless justified (exit 1)',
          )
          .argument('<footprints...>', 'footprint files from clawfence record'),
        'profile file',
      ),
    ),
  )
    .addOption(defaultErrnoOption())
    .option('--kill', 'kill the process instead of returning an errno')
    .option('--arch <abi>', "native ABI of the target host (default: the footprints')")
    .action(async (files, opts) => {
      const m = await import('./commands/generate.js');
      state.exit = await m.runGenerate(files, opts);
    });

  jsonOption(
    runOptions(
      expectOptions(
        program
          .command('verify')
          .description('run a workload enforcing a profile; on failure name the denied syscalls (exit 1 when it fails)')
          .argument('<command...>', 'the run command, after --: docker run [OPTIONS] IMAGE [CMD…]')
          .requiredOption('--profile <file>', 'the profile to enforce'),
      )
        .option('--complain', 'also run the complain pass when the workload passes (lists calls outside the profile)')
        .option('--html <file>', "also run the probe battery in the workload's image under the profile and write the hardening report here")
        .option('--report <file>', 'the same report as JSON')
        .option('--force', 'overwrite existing report files'),
      { recorderOf: 'the complain pass', timeout: 600 },
    ),
    "the tool's output is captured, not shown",
  )
    .passThroughOptions()
    .action(async (command, opts) => {
      const m = await import('./commands/verify.js');
      state.exit = await m.runVerify(command, { ...opts, color: color() });
    });

  jsonOption(
    program
      .command('probe')
      .description(
        "run the probe battery in the tool's own image and options: under unconfined, the engine's built-in default, Docker's reference default and the profile; print the hardening report (exit 1 when the profile leaves a probe the tool does not need unstopped)",
      )
      .argument('<command...>', 'the run command, after --: docker run [OPTIONS] IMAGE')
      .option('--profile <file>', "the tool's profile (Docker/OCI JSON, config.json or SeccompProfile)")
      .option('--footprint <file>', "the tool's recorded footprint: probes of calls it made are marked as needed")
      .option('--html <file>', 'write the self-contained HTML report here (atomic; refuses to overwrite without --force)')
      .option('--report <file>', 'write the report as JSON here')
      .option('--force', 'overwrite existing output files'),
    'the hardening report',
  )
    .passThroughOptions()
    .action(async (command, opts) => {
      const m = await import('./commands/probe.js');
      state.exit = await m.runProbe(command, { ...opts, color: color() });
    });

  jsonOption(
    outputOptions(
      program
        .command('learn')
        .description(
          "read the kernel's seccomp records (a --unrecorded log profile logs what it allows), attribute them to the profile and propose the update: a semantic diff and a new profile; catalogued dangerous calls stay refused (exit 1) unless justified",
        )
        .argument('<profile>', 'the deployed profile (normally from --unrecorded log)'),
      'proposed profile',
    )
      .option('--since <time>', 'only records from then on: ISO time, @epoch-seconds, or back from now (15m, 2h)')
      .option('--until <time>', 'only records up to then')
      .option('--container <id>', "only records whose pid is alive in this container's cgroup (pids that exited cannot be checked)")
      .option('--include-gone', 'with --container: also count records of pids that have exited')
      .option('--exe <path>', 'only records of this executable (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--comm <name>', 'only records of this process name (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
      .addOption(new Option('--source <source>', 'where the records are read').choices(LOG_SOURCE_CHOICES).default('auto' as const))
      .option('--log <file>', 'read a saved log instead (dmesg, /dev/kmsg, journalctl -k or audit.log lines)')
      .option('--allow <spec>', 'let one catalogued syscall in the log through: NAME:"reason" (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--justifications <file>', 'a file of --allow specs, one per line (# comments)')
      .option('--arch <abi>', 'native ABI of the host (default: this host)')
      .addOption(
        new Option('--unrecorded <mode>', 'deny: write the proposal enforcing (deny by default); log: in the log tier again, for the next round')
          .choices(UNRECORDED_CHOICES)
          .default('deny' as const),
      ),
    'the report, the diff and the proposal',
  ).action(async (profile, opts) => {
    const m = await import('./commands/learn.js');
    state.exit = await m.runLearn(profile, opts);
  });

  jsonOption(
    program
      .command('calibrate')
      .description("measure the container runtime's own calls (many starts of a trivial container under CPU load), cached for generate and profile")
      .option('--runs <n>', 'container starts to record', parseRuns, 30)
      .option('--force', 'calibrate again, replacing the cached calibration')
      .addOption(new Option('--engine <engine>', 'the engine whose runtime to calibrate').choices(['docker', 'podman'] as const).default('docker' as const))
      .option('--image <image>', "the trivial container's image (default: debian:bookworm-slim)"),
    'the calibration with its cache file',
  ).action(async (opts) => {
    const m = await import('./commands/calibrate.js');
    state.exit = await m.runCalibrate({ ...opts, color: color() });
  });

  jsonOption(
    program.command('doctor').description('check this host: engine, seccomp, BTF, tracepoints, recorder, privileges — with a fix for each problem'),
  ).action(async (opts) => {
    const m = await import('./commands/doctor.js');
    state.exit = await m.runDoctorCommand({ ...opts, color: color() });
  });

  jsonOption(
    program
      .command('syscalls')
      .description('look up syscalls by name or number per ABI, with their groups and risk tier')
      .argument('[name-or-number]', 'a syscall name or number; omit to list every syscall of the ABI')
      .option('--arch <abi>', 'ABI (default: this host); use --arch all to compare every ABI')
      .option('--group <group>', 'list the members of a group such as @network-io')
      .option('--tier <tier>', 'list only the syscalls of one risk tier: benign, moderate or dangerous'),
  ).action(async (query, opts) => {
    const m = await import('./commands/syscalls.js');
    state.exit = await m.runSyscalls(query, { ...opts, color: color() });
  });

  return program;
}
