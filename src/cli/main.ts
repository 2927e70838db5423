// The clawfence command line: parses argv with commander, calls the library, maps errors to exit
// codes. Command implementations are imported lazily so `clawfence --version` stays fast.

import type * as Commander from 'commander';
import { describeFailure, EXIT } from './exit-codes.js';
import { toJson } from './output.js';
import { cleanupNow, interruptedBy, signalExitCode } from '../util/cleanup.js';
import { VERSION } from './version.js';

/** Options shared by the commands that resolve a profile for a host. */
function hostOptions(cmd: Commander.Command): Commander.Command {
  return cmd
    .option('--arch <abi>', 'ABI to evaluate (x86_64, x86, x32, aarch64, …); default: this host')
    .option('--caps <list>', "container capabilities: comma-separated CAP_* names, 'none' or 'docker' (Docker's 14 defaults)", 'none')
    .option('--kernel <version>', "kernel version for minKernel rules (default: this host's)");
}

function build(commander: typeof Commander, state: { json: boolean; verbose: boolean; exit: number }): Commander.Command {
  const { Command, Option } = commander;
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
    state.verbose = program.opts()['verbose'] === true;
  });
  const color = (): boolean | undefined => program.opts()['color'] as boolean | undefined;

  hostOptions(
    program
      .command('explain')
      .description('decide one syscall under a profile and say why (args accept names: CLONE_NEWUSER|SIGCHLD, AF_NETLINK)')
      .argument('<profile>', 'profile file (Docker/OCI JSON, OCI config.json or Kubernetes SeccompProfile YAML)')
      .argument('<syscall>', 'syscall name or number')
      .argument('[args...]', 'up to six argument values')
      .option('--json', 'machine-readable output'),
  ).action(async (profile: string, syscall: string, args: string[], opts: Record<string, unknown>) => {
    const m = await import('./commands/explain.js');
    state.exit = await m.runExplain(profile, syscall, args, { ...opts, color: color() } as Parameters<typeof m.runExplain>[3]);
  });

  hostOptions(
    program
      .command('diff')
      .description('semantic difference between two profiles, per ABI (exit 1 when they differ)')
      .argument('<a>', 'first profile')
      .argument('<b>', 'second profile')
      .option('--json', 'machine-readable output'),
  ).action(async (a: string, b: string, opts: Record<string, unknown>) => {
    const m = await import('./commands/diff.js');
    state.exit = await m.runDiff(a, b, { ...opts, color: color() } as Parameters<typeof m.runDiff>[2]);
  });

  hostOptions(
    program
      .command('audit')
      .description('findings about a profile: dangerous allows, open ABIs, dead rules, size next to Docker\'s default')
      .argument('<profile>', 'profile file')
      .option('--against <footprint>', 'a recorded footprint: report permissions it never used')
      .option('--json', 'JSON report')
      .option('--sarif', 'SARIF 2.1.0 report')
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['critical', 'high', 'medium', 'low', 'info']).default('high')),
  ).action(async (profile: string, opts: Record<string, unknown>) => {
    const m = await import('./commands/audit.js');
    state.exit = await m.runAudit(profile, { ...opts, color: color() } as Parameters<typeof m.runAudit>[1]);
  });

  hostOptions(
    program
      .command('export')
      .description('write a profile in another format')
      .argument('<profile>', 'profile file')
      .addOption(new Option('--format <format>', 'output format').choices(['docker', 'oci', 'k8s', 'systemd']).makeOptionMandatory())
      .option('-o, --output <file>', 'write here instead of stdout (atomic; refuses to overwrite without --force)')
      .option('--force', 'overwrite an existing output file')
      .option('--lossy', 'export even when the format cannot express everything (what is lost is printed)')
      .option('--name <name>', 'metadata.name for the Kubernetes SeccompProfile')
      .option('--select <name>', 'which SeccompProfile to read from a file that holds several')
      .option('--json', 'print {text, lost} as JSON'),
  ).action(async (profile: string, opts: Record<string, unknown>) => {
    const m = await import('./commands/export.js');
    state.exit = await m.runExport(profile, { ...opts, color: color() } as Parameters<typeof m.runExport>[1]);
  });

  program
    .command('record')
    .description('run a workload exactly as given and record every syscall its container makes')
    .argument('<command...>', 'the run command, after --: docker run [OPTIONS] IMAGE [CMD…] (or podman run)')
    .option('-o, --output <file>', 'footprint file to write (atomic; refuses to overwrite without --force)', 'footprint.json')
    .option('--force', 'overwrite an existing footprint')
    .option('--workload <name>', 'name of the workload in the footprint (default: image and command)')
    .option('--recorder <kind>', 'ebpf, ptrace (strace -f: the fallback, slower) or auto (eBPF when it loads, else ptrace)', 'auto')
    .option('--timeout <seconds>', 'remove the containers and write nothing when the run takes longer (default: none)')
    .passThroughOptions()
    .action(async (command: string[], opts: Record<string, unknown>) => {
      const m = await import('./commands/record.js');
      state.exit = await m.runRecord(command, opts as Parameters<typeof m.runRecord>[1]);
    });

  program
    .command('profile')
    .description('record → generate → verify: a verified minimal profile for one or more workloads')
    .argument('[command...]', 'run command(s) after --, separated by ---: docker run … --- docker run …')
    .option('-o, --output <file>', 'profile file to write (atomic; refuses to overwrite without --force)', 'seccomp-profile.json')
    .option('--force', 'overwrite existing output files')
    .option('--workloads <file>', 'a workloads.json (see docs/workloads.md) with commands, expectations and test servers')
    .option('--footprint <file>', 'also write the merged footprint here (for audit --against)')
    .option('--repeat <n>', 'record each workload n times and merge (for tools whose syscalls vary between runs)')
    .option('--recorder <kind>', 'ebpf, ptrace (strace -f, slower) or auto (eBPF when it loads, else ptrace)', 'auto')
    .option('--timeout <seconds>', 'per run of a workload; a verify run that takes longer fails (0: none)', '600')
    .option('--expect-exit <code>', 'exit code that counts as success for commands given after --', '0')
    .option('--expect-stdout <regex>', 'stdout must match this for commands given after --')
    .passThroughOptions()
    .action(async (command: string[], opts: Record<string, unknown>) => {
      const m = await import('./commands/profile.js');
      state.exit = await m.runProfile(command, { ...opts, color: color() } as Parameters<typeof m.runProfile>[1]);
    });

  program
    .command('generate')
    .description('a deny-by-default profile allowing exactly what the footprints recorded (merged)')
    .argument('<footprints...>', 'footprint files from clawfence record')
    .option('-o, --output <file>', 'profile file to write (atomic; refuses to overwrite without --force); default stdout')
    .option('--force', 'overwrite an existing profile')
    .option('--default-errno <n>', 'errno for everything not allowed (default 1, EPERM)')
    .option('--kill', 'kill the process instead of returning an errno')
    .option('--arch <abi>', 'native ABI of the target host (default: the footprints\')')
    .action(async (files: string[], opts: Record<string, unknown>) => {
      const m = await import('./commands/generate.js');
      state.exit = await m.runGenerate(files, opts as Parameters<typeof m.runGenerate>[1]);
    });

  program
    .command('verify')
    .description('run a workload enforcing a profile; on failure name the denied syscalls (exit 1 when it fails)')
    .argument('<command...>', 'the run command, after --: docker run [OPTIONS] IMAGE [CMD…]')
    .requiredOption('--profile <file>', 'the profile to enforce')
    .option('--expect-exit <code>', 'exit code that counts as success', '0')
    .option('--expect-stdout <regex>', 'the tool\'s stdout must match this regular expression')
    .option('--complain', 'also run the complain pass when the workload passes (lists calls outside the profile)')
    .option('--recorder <kind>', 'recorder of the complain pass: ebpf, ptrace or auto', 'auto')
    .option('--timeout <seconds>', 'a run that takes longer fails, its containers removed (0: none)', '600')
    .option('--json', 'JSON verdict on stdout (the tool\'s output is captured, not shown)')
    .passThroughOptions()
    .action(async (command: string[], opts: Record<string, unknown>) => {
      const m = await import('./commands/verify.js');
      state.exit = await m.runVerify(command, { ...opts, color: color() } as Parameters<typeof m.runVerify>[1]);
    });

  program
    .command('doctor')
    .description('check this host: engine, seccomp, BTF, tracepoints, recorder, privileges — with a fix for each problem')
    .option('--json', 'machine-readable report')
    .action(async (opts: Record<string, unknown>) => {
      const m = await import('./commands/doctor.js');
      state.exit = await m.runDoctorCommand({ ...opts, color: color() } as Parameters<typeof m.runDoctorCommand>[0]);
    });

  program
    .command('syscalls')
    .description('look up syscalls by name or number per ABI, with their groups')
    .argument('[name-or-number]', 'a syscall name or number; omit to list every syscall of the ABI')
    .option('--arch <abi>', 'ABI (default: this host); use --arch all to compare every ABI')
    .option('--group <group>', 'list the members of a group such as @network-io')
    .option('--json', 'machine-readable output')
    .action(async (query: string | undefined, opts: Record<string, unknown>) => {
      const m = await import('./commands/syscalls.js');
      state.exit = await m.runSyscalls(query, { ...opts, color: color() } as Parameters<typeof m.runSyscalls>[1]);
    });

  return program;
}

/** Runs the CLI; returns the exit code (never throws, never prints a stack trace unless --verbose). */
export async function main(argv: string[]): Promise<number> {
  // `clawfence --version` answers before commander and the command table are loaded.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const commander = await import('commander');
  const state = { json: argv.includes('--json'), verbose: argv.includes('--verbose'), exit: EXIT.ok as number };
  const program = build(commander, state);
  try {
    await program.parseAsync(argv, { from: 'user' });
    await cleanupNow();
    const signal = interruptedBy();
    return signal === undefined ? state.exit : signalExitCode(signal);
  } catch (err) {
    await cleanupNow();
    // Interrupted: the work stopped because its containers were removed; the signal is the story.
    const signal = interruptedBy();
    if (signal !== undefined) return signalExitCode(signal);
    if (err instanceof commander.CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      // commander already printed its one-line message.
      return EXIT.badInput;
    }
    const f = describeFailure(err, state.verbose);
    if (state.json) process.stdout.write(toJson(f.json));
    for (const l of f.lines) process.stderr.write(`${l}\n`);
    return f.code;
  }
}
