// The environment for engine commands: the user's DOCKER_HOST, else the default socket, else the
// engine clawfence's setup started (/run/clawfence/docker.sock).

import { existsSync } from 'node:fs';

export async function engineEnv(): Promise<NodeJS.ProcessEnv> {
  const env = { ...process.env };
  if (env['DOCKER_HOST'] === undefined && !existsSync('/var/run/docker.sock') && existsSync('/run/clawfence/docker.sock')) {
    env['DOCKER_HOST'] = 'unix:///run/clawfence/docker.sock';
  }
  return env;
}
