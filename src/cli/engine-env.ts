// The environment for engine commands: the engine discovery found (the user's DOCKER_HOST, the
// default socket, or the engine clawfence's setup started), or a one-line error saying what to do.

import { discoverEngine, engineEnv as envFor } from '../engine/discover.js';

export async function engineEnv(): Promise<NodeJS.ProcessEnv> {
  return envFor(await discoverEngine());
}
