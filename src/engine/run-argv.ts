// Understands a `docker run …` / `podman run …` command line well enough to find the image and the
// options that matter to clawfence, and to insert clawfence's own options without touching the
// user's. Hand-written because no library parses docker's CLI grammar: it needs the list of run
// options that take a value, which lives in docker's and podman's own sources.

import { basename } from 'node:path';
import { ClawfenceError } from '../errors.js';

export type EngineKind = 'docker' | 'podman';

export interface RunCommand {
  engine: EngineKind;
  /** argv[0] exactly as given. */
  binary: string;
  /** Global options before `run` (e.g. `--host unix:///…`). */
  globalOpts: string[];
  /** The words that name the subcommand: ['run'] or ['container', 'run']. */
  subcommand: string[];
  /** The run options, as given, in order. */
  runOpts: string[];
  image: string;
  command: string[];
  detach: boolean;
  rm: boolean;
  privileged: boolean;
  name?: string;
  securityOpts: string[];
  /** --cap-add and --cap-drop values as given (comma lists not split). */
  capAdd: string[];
  capDrop: string[];
  cgroupParent?: string;
  network?: string;
  labels: string[];
}

// Run options that take a value (docker 20.10–28 and podman 4; long and short spellings).
const VALUE_OPTS = new Set([
  '--add-host',
  '--annotation',
  '-a',
  '--attach',
  '--blkio-weight',
  '--blkio-weight-device',
  '--cap-add',
  '--cap-drop',
  '--cgroup-parent',
  '--cgroupns',
  '--cidfile',
  '--cpu-count',
  '--cpu-percent',
  '--cpu-period',
  '--cpu-quota',
  '--cpu-rt-period',
  '--cpu-rt-runtime',
  '-c',
  '--cpu-shares',
  '--cpus',
  '--cpuset-cpus',
  '--cpuset-mems',
  '--detach-keys',
  '--device',
  '--device-cgroup-rule',
  '--device-read-bps',
  '--device-read-iops',
  '--device-write-bps',
  '--device-write-iops',
  '--dns',
  '--dns-option',
  '--dns-opt',
  '--dns-search',
  '--domainname',
  '--entrypoint',
  '-e',
  '--env',
  '--env-file',
  '--expose',
  '--gpus',
  '--group-add',
  '--health-cmd',
  '--health-interval',
  '--health-retries',
  '--health-start-period',
  '--health-start-interval',
  '--health-timeout',
  '-h',
  '--hostname',
  '--io-maxbandwidth',
  '--io-maxiops',
  '--ip',
  '--ip6',
  '--ipc',
  '--isolation',
  '--kernel-memory',
  '-l',
  '--label',
  '--label-file',
  '--link',
  '--link-local-ip',
  '--log-driver',
  '--log-opt',
  '--mac-address',
  '-m',
  '--memory',
  '--memory-reservation',
  '--memory-swap',
  '--memory-swappiness',
  '--mount',
  '--name',
  '--network',
  '--net',
  '--network-alias',
  '--net-alias',
  '--oom-score-adj',
  '--pid',
  '--pids-limit',
  '--platform',
  '-p',
  '--publish',
  '--pull',
  '--restart',
  '--runtime',
  '--security-opt',
  '--shm-size',
  '--stop-signal',
  '--stop-timeout',
  '--storage-opt',
  '--sysctl',
  '--tmpfs',
  '--ulimit',
  '-u',
  '--user',
  '--userns',
  '--uts',
  '-v',
  '--volume',
  '--volume-driver',
  '--volumes-from',
  '-w',
  '--workdir',
  // podman
  '--arch',
  '--authfile',
  '--cgroup-conf',
  '--cgroups',
  '--chrootdirs',
  '--conmon-pidfile',
  '--decryption-key',
  '--env-merge',
  '--gidmap',
  '--group-entry',
  '--hostuser',
  '--hooks-dir',
  '--image-volume',
  '--init-path',
  '--log-opt',
  '--os',
  '--passwd-entry',
  '--personality',
  '--pidfile',
  '--pod',
  '--pod-id-file',
  '--preserve-fds',
  '--requires',
  '--rdt-class',
  '--sdnotify',
  '--seccomp-policy',
  '--secret',
  '--subgidname',
  '--subuidname',
  '--systemd',
  '--timeout',
  '--tls-verify',
  '--uidmap',
  '--umask',
  '--unsetenv',
  '--variant',
  '--workdir',
]);

// Boolean run options (may also be written --flag=true/false).
const BOOL_OPTS = new Set([
  '-d',
  '--detach',
  '--disable-content-trust',
  '--init',
  '-i',
  '--interactive',
  '--no-healthcheck',
  '--oom-kill-disable',
  '--privileged',
  '-P',
  '--publish-all',
  '-q',
  '--quiet',
  '--read-only',
  '--rm',
  '--sig-proxy',
  '-t',
  '--tty',
  '--use-api-socket',
  '--env-host',
  '--http-proxy',
  '--no-hosts',
  '--read-only-tmpfs',
  '--replace',
  '--rmi',
  '--unsetenv-all',
]);

const GLOBAL_VALUE_OPTS = new Set([
  '-H',
  '--host',
  '--context',
  '-c',
  '--config',
  '-l',
  '--log-level',
  '--tlscacert',
  '--tlscert',
  '--tlskey',
  '--root',
  '--runroot',
  '--storage-driver',
  '--url',
  '--connection',
  '--cgroup-manager',
  '--runtime',
  '--events-backend',
  '--network-backend',
  '--identity',
  '--storage-opt',
  '--tmpdir',
  '--conmon',
  '--hooks-dir',
]);

function bad(message: string, hint: string): ClawfenceError {
  return new ClawfenceError('bad-input', message, { hint });
}

function isTrue(v: string | undefined): boolean {
  return v === undefined || v === 'true' || v === '1';
}

/** Parses `docker|podman [global opts] run|container run [run opts] IMAGE [CMD…]`. */
export function parseRunCommand(argv: readonly string[]): RunCommand {
  const [binary, ...rest] = argv;
  if (binary === undefined) throw bad('no command given', 'write the command after --, e.g. -- docker run --rm IMAGE CMD');
  const base = basename(binary);
  const engine: EngineKind | undefined = base === 'docker' || base.startsWith('docker-') ? 'docker' : base === 'podman' ? 'podman' : undefined;
  if (engine === undefined) throw bad(`'${binary}' is not docker or podman`, 'record and verify run `docker run …` or `podman run …` exactly as users run it');
  let i = 0;
  const globalOpts: string[] = [];
  while (i < rest.length && (rest[i] ?? '').startsWith('-')) {
    const o = rest[i] ?? '';
    globalOpts.push(o);
    if (GLOBAL_VALUE_OPTS.has(o)) globalOpts.push(rest[++i] ?? '');
    i++;
  }
  const subcommand: string[] = [];
  if (rest[i] === 'run') subcommand.push('run');
  else if (rest[i] === 'container' && rest[i + 1] === 'run') subcommand.push('container', 'run');
  else
    throw bad(
      `expected '${binary} run …', found '${[binary, ...rest.slice(i, i + 2)].join(' ')}'`,
      'clawfence runs containers with `run`; create/start/exec are not supported',
    );
  i += subcommand.length;
  const r: RunCommand = {
    engine,
    binary,
    globalOpts,
    subcommand,
    runOpts: [],
    image: '',
    command: [],
    detach: false,
    rm: false,
    privileged: false,
    securityOpts: [],
    capAdd: [],
    capDrop: [],
    labels: [],
  };
  const take = (name: string, value: string): void => {
    switch (name) {
      case '--name':
        r.name = value;
        break;
      case '--security-opt':
        r.securityOpts.push(value);
        break;
      case '--cap-add':
        r.capAdd.push(value);
        break;
      case '--cap-drop':
        r.capDrop.push(value);
        break;
      case '--cgroup-parent':
        r.cgroupParent = value;
        break;
      case '--network':
      case '--net':
        r.network = value;
        break;
      case '-l':
      case '--label':
        r.labels.push(value);
        break;
      default:
        break;
    }
  };
  const flag = (name: string, value: string | undefined): void => {
    if (name === '-d' || name === '--detach') r.detach = isTrue(value);
    else if (name === '--rm') r.rm = isTrue(value);
    else if (name === '--privileged') r.privileged = isTrue(value);
  };
  while (i < rest.length) {
    const a = rest[i] ?? '';
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    r.runOpts.push(a);
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a : a.slice(0, eq);
      const inline = eq === -1 ? undefined : a.slice(eq + 1);
      if (VALUE_OPTS.has(name)) {
        const v = inline ?? rest[++i];
        if (v === undefined) throw bad(`${name} needs a value`, `write ${name} VALUE`);
        if (inline === undefined) r.runOpts.push(v);
        take(name, v);
      } else if (BOOL_OPTS.has(name)) flag(name, inline);
      else if (inline === undefined) throw bad(`unknown run option '${name}'`, `write it as ${name}=VALUE (or ${name}=true) so the image name can be found`);
      i++;
      continue;
    }
    // Short options, possibly clustered (-dit, -e FOO, -eFOO).
    for (let j = 1; j < a.length; j++) {
      const name = `-${a[j]}`;
      if (VALUE_OPTS.has(name)) {
        const attached = a.slice(j + 1).replace(/^=/, '');
        const v = attached !== '' ? attached : rest[++i];
        if (v === undefined) throw bad(`${name} needs a value`, `write ${name} VALUE`);
        if (attached === '') r.runOpts.push(v);
        take(name, v);
        break;
      }
      if (!BOOL_OPTS.has(name)) throw bad(`unknown run option '${name}' in '${a}'`, 'spell it out or use the long form with =');
      flag(name, undefined);
    }
    i++;
  }
  const image = rest[i];
  if (image === undefined) throw bad('no image in the run command', 'write the image after the run options: docker run [OPTIONS] IMAGE [COMMAND]');
  r.image = image;
  r.command = rest.slice(i + 1);
  return r;
}

/** The argv with `extra` run options inserted right after `run`; the user's words are unchanged. */
export function withRunOptions(r: RunCommand, extra: readonly string[]): string[] {
  return [r.binary, ...r.globalOpts, ...r.subcommand, ...extra, ...r.runOpts, r.image, ...r.command];
}

/** Refuses run options that would defeat recording or enforcing. */
export function checkRunCommand(r: RunCommand, purpose: 'record' | 'verify'): void {
  if (r.privileged) throw bad('--privileged containers run without seccomp', `remove --privileged to ${purpose} a seccomp profile`);
  const seccomp = r.securityOpts.find((s) => /^seccomp[=:]/.test(s));
  if (seccomp !== undefined)
    throw bad(`the command already sets --security-opt ${seccomp}`, `remove it: clawfence ${purpose} supplies the seccomp profile itself`);
  if (r.cgroupParent !== undefined)
    throw bad('the command sets --cgroup-parent', "remove it: clawfence uses its own cgroup parent to find the container's tasks");
}
