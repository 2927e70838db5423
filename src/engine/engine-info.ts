// What clawfence knows about a Docker engine: parsed from `docker version` and `docker info` JSON.

/** Where the engine was found: the user's DOCKER_HOST, the CLI's default (context or
 * /var/run/docker.sock), or clawfence's own dockerd (scripts/engine.sh). */
export type EngineSource = 'env' | 'default' | 'clawfence';

export interface EngineInfo {
  serverVersion: string;
  apiVersion: string;
  clientVersion: string;
  /** Versions of the engine's parts as the engine reports them: containerd, runc, docker-init… */
  components: Record<string, string>;
  os: string;
  arch: string;
  kernelVersion: string;
  operatingSystem: string;
  rootDir: string;
  defaultRuntime: string;
  runtimes: string[];
  cgroupDriver: string;
  cgroupVersion: string;
  /** Raw `docker info` SecurityOptions, e.g. ["name=seccomp,profile=default"]. */
  securityOptions: string[];
  /** seccomp support: enabled, and the engine's default profile ("default" = the built-in one). */
  seccomp: { enabled: boolean; profile?: string };
  rootless: boolean;
}

export interface Engine extends EngineInfo {
  /** The endpoint the docker CLI talks to, e.g. unix:///run/clawfence/docker.sock. */
  dockerHost: string;
  source: EngineSource;
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** Splits one SecurityOptions entry ("name=seccomp,profile=default") into its key/value pairs. */
export function parseSecurityOption(option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of option.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** Builds EngineInfo from the JSON of `docker version --format '{{json .}}'` and
 * `docker info --format '{{json .}}'` (texts as the CLI printed them). */
export function parseEngineInfo(versionJson: string, infoJson: string): EngineInfo {
  const version = obj(JSON.parse(versionJson));
  const info = obj(JSON.parse(infoJson));
  const server = obj(version['Server']);
  const client = obj(version['Client']);
  const components: Record<string, string> = {};
  for (const c of Array.isArray(server['Components']) ? server['Components'] : []) {
    const name = str(obj(c)['Name']);
    if (name !== '' && name !== 'Engine') components[name] = str(obj(c)['Version']);
  }
  const securityOptions = (Array.isArray(info['SecurityOptions']) ? info['SecurityOptions'] : []).map(str);
  const parsed = securityOptions.map(parseSecurityOption);
  const seccompOpt = parsed.find((o) => o['name'] === 'seccomp');
  const profile = seccompOpt?.['profile'];
  return {
    serverVersion: str(info['ServerVersion']) || str(server['Version']),
    apiVersion: str(server['ApiVersion']),
    clientVersion: str(client['Version']),
    components,
    os: str(info['OSType']) || str(server['Os']),
    arch: str(info['Architecture']),
    kernelVersion: str(info['KernelVersion']),
    operatingSystem: str(info['OperatingSystem']),
    rootDir: str(info['DockerRootDir']),
    defaultRuntime: str(info['DefaultRuntime']),
    runtimes: Object.keys(obj(info['Runtimes'])).sort(),
    cgroupDriver: str(info['CgroupDriver']),
    cgroupVersion: str(info['CgroupVersion']),
    securityOptions,
    seccomp: { enabled: seccompOpt !== undefined, ...(profile === undefined ? {} : { profile }) },
    rootless: parsed.some((o) => o['name'] === 'rootless'),
  };
}
