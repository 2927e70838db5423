// The clawfence command line: parses argv with commander (the command table is program.ts), calls
// the library, maps errors to exit codes. The command table and the command implementations are
// imported lazily so `clawfence --version` stays fast.

import { describeFailure, EXIT } from './exit-codes.js';
import { toJson } from './output.js';
import { cleanupNow, interruptedBy, signalExitCode } from '../util/cleanup.js';
import { VERSION } from './version.js';
import type { ProgramState } from './program.js';

/** Runs the CLI; returns the exit code (never throws, never prints a stack trace unless --verbose). */
export async function main(argv: string[]): Promise<number> {
  // `clawfence --version` answers before commander and the command table are loaded.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const { buildProgram, CommanderError } = await import('./program.js');
  const state: ProgramState = { json: argv.includes('--json'), verbose: argv.includes('--verbose'), exit: EXIT.ok };
  const program = buildProgram(state);
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
    if (err instanceof CommanderError) {
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
