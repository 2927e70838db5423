// The libseccomp oracle: compiles test/oracle/seccomp-export.c against the system's libseccomp,
// feeds it resolved profiles, and runs the BPF it prints (runc's -ENOSYS stub + libseccomp's
// filter) through the interpreter. The toolchain is required: a missing gcc or libseccomp-dev
// fails loudly with what to install.

import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARCH_INFO, type Arch } from '../../src/syscalls/arch.js';
import { decodeAction, type Verdict } from '../../src/evaluator/libseccomp/actions.js';
import type { ConcreteProfile } from '../../src/profile/model.js';
import { runBpf, type BpfInsn } from './bpf-interpreter.js';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'seccomp-export.c');
const INSTALL = 'install the oracle toolchain: apt-get install -y gcc libc6-dev libseccomp-dev (Debian/Ubuntu)';

let built: string | undefined;

/** Builds the oracle once per process; throws with install instructions when it cannot. */
export function buildOracle(): string {
  if (built !== undefined) return built;
  const dir = mkdtempSync(join(tmpdir(), 'clawfence-oracle-'));
  const bin = join(dir, 'seccomp-export');
  try {
    execFileSync('gcc', ['-O1', '-Wall', '-o', bin, SOURCE, '-lseccomp'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error(`gcc is missing: ${INSTALL}`);
    throw new Error(`building the libseccomp oracle failed: ${err.stderr?.toString() ?? String(e)}\n${INSTALL}`);
  }
  built = bin;
  return bin;
}

/** The libseccomp version the oracle links against (pkg-config; 'unknown' without it). */
export function oracleLibseccompVersion(): string {
  const r = spawnSync('pkg-config', ['--modversion', 'libseccomp'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

function scmpName(abi: Arch): string {
  return ARCH_INFO[abi].scmp.replace(/^SCMP_ARCH_/, '').toLowerCase();
}

/** The oracle's input block for one profile (runc's view: the resolved rules, in order). */
export function profileBlock(cp: ConcreteProfile, runtime: 'runc' | 'crun' = 'runc'): string {
  const native = cp.architectures[0] ?? 'x86_64';
  const lines = ['profile', `native ${scmpName(native)}`, `runtime ${runtime}`, `default ${cp.defaultAction} ${cp.defaultErrnoRet ?? '-'}`];
  for (const a of cp.architectures) lines.push(`arch ${scmpName(a)}`);
  for (const r of cp.rules) {
    const args = r.args.map((c) => `${c.index} ${c.op} ${c.value} ${c.valueTwo}`);
    lines.push(`rule ${r.source} ${r.action} ${r.errnoRet ?? '-'} ${r.args.length} ${args.join(' ')} ${r.names.length} ${r.names.join(' ')}`);
  }
  lines.push('end');
  return lines.join('\n');
}

export interface OracleFilter {
  /** runc's first failing rule add (the runtime refuses the profile), if any; `hang`: libseccomp never returned. */
  error?: { source: number; name: string; rc: number; hang?: true };
  adds: { source: number; name: string }[];
  skips: { source: number; name: string; reason: string }[];
  /** runc's stub followed by libseccomp's program. */
  program: BpfInsn[];
  /** Length of runc's -ENOSYS stub at the start of `program`. */
  stub: number;
}

export function parseOutput(out: string): OracleFilter[] {
  const res: OracleFilter[] = [];
  const lines = out.split('\n');
  let cur: OracleFilter | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const t = line.split(' ');
    switch (t[0]) {
      case 'fatal':
        throw new Error(`oracle: ${line}`);
      case 'profile':
        cur = { adds: [], skips: [], program: [], stub: 0 };
        res.push(cur);
        break;
      case 'stub':
        if (cur !== undefined) cur.stub = Number(t[1]);
        break;
      case 'add':
        cur?.adds.push({ source: Number(t[1]), name: t[2] ?? '' });
        break;
      case 'skip':
        cur?.skips.push({ source: Number(t[1]), name: t[2] ?? '', reason: t[3] ?? '' });
        break;
      case 'error':
        if (cur !== undefined)
          cur.error = { source: Number(t[1]), name: t[2] ?? '', rc: t[3] === 'hang' ? 0 : Number(t[3]), ...(t[3] === 'hang' ? { hang: true as const } : {}) };
        break;
      case 'bpf': {
        const n = Number(t[1]);
        for (let j = 0; j < n; j++) {
          const [code, jt, jf, k] = (lines[++i] as string).split(' ').map(Number);
          cur?.program.push({ code: code ?? 0, jt: jt ?? 0, jf: jf ?? 0, k: k ?? 0 });
        }
        break;
      }
      default:
        break;
    }
  }
  return res;
}

/** Runs the oracle over several profiles in one process. */
export function oracleFilters(cps: readonly ConcreteProfile[], runtime: 'runc' | 'crun' = 'runc'): OracleFilter[] {
  const bin = buildOracle();
  const input = cps.map((cp) => profileBlock(cp, runtime)).join('\n') + '\n';
  const r = spawnSync(bin, [], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`oracle failed (${r.status}): ${r.stdout.split('\n').slice(-3).join(' ')} ${r.stderr}`);
  const out = parseOutput(r.stdout);
  if (out.length !== cps.length) throw new Error(`oracle answered ${out.length} of ${cps.length} profiles`);
  return out;
}

/** What the oracle's filter returns for one call. */
export function oracleVerdict(f: OracleFilter, abi: Arch, nr: number, args: readonly bigint[]): Verdict {
  const ret = runBpf(f.program, { nr, arch: ARCH_INFO[abi].auditArch, args });
  const v = decodeAction(ret);
  if (v === undefined) throw new Error(`oracle filter returned 0x${ret.toString(16)}`);
  return v;
}

/** The numbers libseccomp (the oracle's copy) gives names on ABIs; negative = pseudo, -1 = unknown. */
export function oracleResolve(queries: readonly { abi: Arch; name: string }[]): number[] {
  const bin = buildOracle();
  const input = queries.map((q) => `resolve ${scmpName(q.abi)} ${q.name}`).join('\n') + '\n';
  const r = spawnSync(bin, [], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`oracle resolve failed: ${r.stdout}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => Number(l.split(' ')[3]));
}

/** A long-running oracle process for many profiles (the property test): one block in, one filter out. */
export class OracleSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private waiting: ((text: string) => void) | undefined;

  constructor() {
    this.child = spawn(buildOracle(), [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.on('exit', (code) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (w !== undefined) w(`fatal oracle exited (${code}): ${this.buffer.slice(-300)}\nend\n`);
    });
    this.child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      const end = this.buffer.indexOf('\nend\n');
      if (end >= 0 && this.waiting !== undefined) {
        const text = this.buffer.slice(0, end + 5);
        this.buffer = this.buffer.slice(end + 5);
        const w = this.waiting;
        this.waiting = undefined;
        w(text);
      }
    });
  }

  /** Builds one profile's filter. */
  filter(cp: ConcreteProfile, runtime: 'runc' | 'crun' = 'runc'): Promise<OracleFilter> {
    return new Promise((resolve, reject) => {
      this.waiting = (text) => {
        try {
          const [f] = parseOutput(text);
          if (f === undefined) throw new Error(`oracle: no result in ${text.slice(0, 200)}`);
          resolve(f);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      };
      this.child.stdin.write(profileBlock(cp, runtime) + '\n');
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}
