// Cleanup on every exit path: steps registered here run in reverse order when the work finishes,
// fails, or is interrupted (SIGINT/SIGTERM/SIGHUP), so no container, tracer, cgroup or temp file
// outlives a clawfence run.

type Step = { what: string; run: () => Promise<void> | void };

const steps: Step[] = [];
let installed = false;
let running: Promise<void> | undefined;
let caught: NodeJS.Signals | undefined;
let program = 'clawfence';

/** The name the cleanup's own messages start with ("clawfence: interrupted (SIGINT); cleaning up");
 * the bench, which uses the same cleanup, says "bench". */
export function setCleanupName(name: string): void {
  program = name;
}

/** The signal that interrupted this process, once one did: work that returns after it (a container
 * run ends because the cleanup removed the container) must not go on to record or write anything. */
export function interruptedBy(): NodeJS.Signals | undefined {
  return caught;
}

/** The conventional exit code for a signal: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143;
}

async function runAll(): Promise<void> {
  while (steps.length > 0) {
    const s = steps.pop();
    if (s === undefined) break;
    try {
      await s.run();
    } catch (e) {
      process.stderr.write(`${program}: cleanup of ${s.what} failed: ${(e as Error).message}\n`);
    }
  }
}

/** Runs every pending cleanup step now (idempotent; concurrent callers share one run). */
export function cleanupNow(): Promise<void> {
  running ??= runAll().finally(() => {
    running = undefined;
  });
  return running;
}

function onSignal(signal: NodeJS.Signals): void {
  caught ??= signal;
  const code = signalExitCode(signal);
  process.stderr.write(`\n${program}: interrupted (${signal}); cleaning up\n`);
  void cleanupNow().finally(() => process.exit(code));
}

export interface CleanupHandle {
  /** Runs the step now and unregisters it. */
  run(): Promise<void>;
  /** Unregisters the step without running it (the resource is kept on purpose). */
  dismiss(): void;
}

/** Registers a cleanup step. */
export function onCleanup(what: string, run: () => Promise<void> | void): CleanupHandle {
  if (!installed) {
    installed = true;
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
  }
  const step: Step = { what, run };
  steps.push(step);
  const remove = (): boolean => {
    const i = steps.indexOf(step);
    if (i === -1) return false;
    steps.splice(i, 1);
    return true;
  };
  return {
    async run() {
      if (remove()) await run();
    },
    dismiss() {
      remove();
    },
  };
}
