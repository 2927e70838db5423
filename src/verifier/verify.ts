// `verify`: runs a workload enforcing a profile and judges it by its exit code (and output, when
// asked). When it fails — or with --complain — the workload runs again under the same profile with
// its default action turned into SCMP_ACT_LOG while the recorder watches: every call the profile
// would have denied then shows up, with the process that made it.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decide } from '../evaluator/evaluate.js';
import { printDockerProfile } from '../formats/docker.js';
import { deliveredProfile } from '../evaluator/engine-delivery.js';
import { loadProfile } from '../formats/read.js';
import type { Profile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { recordWorkload, type RecorderChoice } from '../recorder/record.js';
import type { Footprint, ProcessRef, SyscallUse } from '../footprint/model.js';
import { checkRunCommand, parseRunCommand } from '../engine/run-argv.js';
import { runContainer, RunTimeoutError } from '../engine/run-session.js';
import { familyAbis, hostArch, type Arch } from '../syscalls/arch.js';
import { describeArgValue } from '../syscalls/constants.js';
import { onCleanup } from '../util/cleanup.js';

export interface VerifyOptions {
  argv: string[];
  profileFile: string;
  expectExit?: number;
  expectStdout?: RegExp;
  /** Always run the complain pass (also when the workload passed). */
  complain?: boolean;
  env: NodeJS.ProcessEnv;
  clawfenceVersion: string;
  stdio?: 'inherit' | 'pipe' | 'tee';
  caps?: string[];
  /** The recorder of the complain pass (default auto). */
  recorder?: RecorderChoice;
  /** A run that takes longer fails verification (its containers removed); default none. */
  timeoutMs?: number;
}

export interface DeniedCall {
  abi: Arch;
  syscall: string;
  count: number;
  by?: ProcessRef;
  runtime: boolean;
  action: string;
  /** The recorded argument values the profile denies ("arg0 = AF_NETLINK (16)"); absent when the call is denied whatever its arguments. */
  values?: string[];
}

export interface VerifyResult {
  pass: boolean;
  exitCode: number;
  expectedExit: number;
  stdoutMatched?: boolean;
  /** Calls the profile denies that the workload made (from the complain pass). */
  denied?: DeniedCall[];
  reasons: string[];
}

/** The same profile with the default action turned into LOG: denies nothing, so the recorder sees
 * every call; rules that deny are kept as they are (they are deliberate). */
export function complainProfile(p: Profile, native: Arch): Profile {
  const { defaultErrnoRet: _drop, archMap: _map, ...rest } = p;
  // Every ABI of the host family is loaded, so calls from an ABI the profile leaves out are seen
  // (and reported as killed) instead of killing the workload before the recorder sees them.
  return { ...rest, archMap: [], architectures: familyAbis(native), defaultAction: 'log' };
}

function argText(syscall: string, index: number, v: bigint): string {
  const name = describeArgValue(syscall, index, v);
  const num = v < 0x10000n ? v.toString() : `0x${v.toString(16)}`;
  return `arg${index} = ${name === undefined ? num : `${name} (${num})`}`;
}

/** The calls to judge for one recorded use. With recorded argument values, each: a tuple of
 * values seen together (socket's family, type and protocol) with all of them set, a value of an
 * argument no tuple has with that argument alone set (a tuple's per-index args are its own
 * projections: judged alone, socket's type would go with family 0). Otherwise the call with zero
 * arguments. */
function argVariants(use: SyscallUse): { args: bigint[]; set: number[] }[] {
  if (!(use.args?.length ?? 0) && !(use.argTuples?.length ?? 0)) return [{ args: [], set: [] }];
  const call = (set: [number, string][]): { args: bigint[]; set: number[] } => {
    const args = [0n, 0n, 0n, 0n, 0n, 0n];
    for (const [i, v] of set) args[i] = BigInt(v);
    return { args, set: set.map(([i]) => i) };
  };
  const inTuple = new Set((use.argTuples ?? []).flatMap((t) => t.indices));
  return [
    ...(use.argTuples ?? []).flatMap((t) => t.values.map((v) => call(t.indices.map((i, k): [number, string] => [i, v.value[k] ?? '0'])))),
    ...(use.args ?? []).filter((a) => !inTuple.has(a.index)).flatMap((a) => a.values.map((v) => call([[a.index, v.value]]))),
  ];
}

/** Calls in the footprint that the profile would not allow. */
export function deniedCalls(p: Profile, fp: Footprint, caps: readonly string[]): DeniedCall[] {
  const native = fp.arch ?? hostArch();
  const cp = resolveProfile(p, { native, caps });
  const out: DeniedCall[] = [];
  for (const [abi, uses] of Object.entries(fp.syscalls) as [Arch, Record<string, NonNullable<Footprint['syscalls'][Arch]>[string]>][]) {
    for (const [name, use] of Object.entries(uses)) {
      if (use.count === 0) continue;
      const judged = argVariants(use).map((v) => ({ ...v, d: decide(cp, abi, name, v.args) }));
      const denied = judged.filter((j) => j.d.action !== 'allow' && j.d.action !== 'log');
      const bad = denied[0]?.d;
      if (bad === undefined) continue;
      // Name the values when some recorded values pass and others do not: the argument rule is what denied.
      const byValue = denied.length < judged.length || denied.some((j) => j.d.considered.length > 0 || j.d.rule !== undefined);
      const values = byValue ? denied.map((j) => j.set.map((i) => argText(name, i, j.args[i] ?? 0n)).join(', ')).filter((t) => t !== '') : [];
      out.push({
        abi,
        syscall: name,
        count: use.count,
        ...(use.firstBy === undefined ? {} : { by: use.firstBy }),
        runtime: use.runtime === true,
        action: bad.errno === undefined ? bad.action : `${bad.action} ${bad.errno}`,
        ...(values.length === 0 ? {} : { values }),
      });
    }
  }
  return out.sort((a, b) => a.abi.localeCompare(b.abi) || a.syscall.localeCompare(b.syscall));
}

export async function verifyWorkload(o: VerifyOptions): Promise<VerifyResult> {
  const cmd = parseRunCommand(o.argv);
  checkRunCommand(cmd, 'verify');
  const loaded = loadProfile(o.profileFile);
  const expectedExit = o.expectExit ?? 0;
  const runId = randomBytes(6).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), `clawfence-verify-${runId}-`));
  const tmp = onCleanup(`temporary directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  try {
    // Docker reads the profile on the client side; a normalised copy keeps the engine from
    // choking on formats it does not read (a Kubernetes YAML profile).
    const enforced = join(dir, 'profile.json');
    writeFileSync(enforced, printDockerProfile(loaded.profile));
    const timeout = o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs };
    const run = await runContainer(cmd, { runId, extra: ['--security-opt', `seccomp=${enforced}`], env: o.env, stdio: o.stdio ?? 'tee', ...timeout });
    const exitCode = run.containerExit ?? run.exitCode;
    const reasons: string[] = [];
    if (run.timedOut === true) {
      // e.g. a profile that kills a call runc makes after loading the filter: runc init hangs.
      reasons.push(`did not finish within ${(o.timeoutMs ?? 0) / 1000} s (its containers were removed)`);
    } else if (exitCode !== expectedExit) reasons.push(`exit code ${exitCode}, expected ${expectedExit}`);
    let stdoutMatched: boolean | undefined;
    if (o.expectStdout !== undefined) {
      stdoutMatched = o.expectStdout.test(run.stdout);
      if (!stdoutMatched) reasons.push(`stdout does not match /${o.expectStdout.source}/`);
    }
    const pass = reasons.length === 0;
    let denied: DeniedCall[] | undefined;
    if (!pass || o.complain === true) {
      try {
        const rec = await recordWorkload({
          argv: o.argv,
          env: o.env,
          stdio: 'pipe',
          clawfenceVersion: o.clawfenceVersion,
          workload: 'complain',
          ...(o.recorder === undefined ? {} : { recorder: o.recorder }),
          ...timeout,
          profileJson: printDockerProfile(complainProfile(loaded.profile, hostArch())),
        });
        // What the engine really enforced: Docker before 23.0 drops defaultErrnoRet (EPERM instead).
        const version = rec.footprint.provenance?.engine?.version;
        const enforcedProfile =
          cmd.engine === 'docker' && version !== undefined ? deliveredProfile(loaded.profile, { serverVersion: version }).profile : loaded.profile;
        denied = deniedCalls(enforcedProfile, rec.footprint, o.caps ?? []);
      } catch (e) {
        // The complain pass hung too (a kill rule the profile states itself): say so, keep the verdict.
        if (!(e instanceof RunTimeoutError)) throw e;
        reasons.push('the complain pass did not finish either, so the denied calls are not known');
      }
    }
    return { pass, exitCode, expectedExit, ...(stdoutMatched === undefined ? {} : { stdoutMatched }), ...(denied === undefined ? {} : { denied }), reasons };
  } finally {
    await tmp.run();
  }
}
