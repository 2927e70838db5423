// The environment for engine commands: the engine discovery found (the user's DOCKER_HOST, the
// default socket, or the engine clawfence's setup started), or a one-line error saying what to do.
// Commands that only run podman need no Docker engine: they get the environment as it is.

import { basename } from 'node:path';
import { findEngineEnv } from '../engine/discover.js';

export async function engineEnv(commands: readonly (readonly string[])[] = [['docker']]): Promise<NodeJS.ProcessEnv> {
  if (commands.length > 0 && commands.every((argv) => basename(argv[0] ?? '') === 'podman')) return process.env;
  return findEngineEnv();
}
