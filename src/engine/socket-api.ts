// A GET to the Docker engine's HTTP API over its unix socket. Discovery asks the engine this way
// when it knows the socket: a docker CLI process costs 30–60 ms to start on a small machine, and
// every `clawfence record` asks (Node's http client is made for exactly this; nothing hand-rolled
// beyond reading the body).

import { request } from 'node:http';

export type SocketGetResult = { ok: true; status: number; body: string } | { ok: false; code: string; message: string };

/** GET `path` from the engine listening on the unix socket `socketPath`. */
export function socketGet(socketPath: string, path: string, timeoutMs: number): Promise<SocketGetResult> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path, method: 'GET', headers: { Host: 'docker' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code ?? 'EIO', message: e.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code ?? 'EIO', message: e.message }));
    req.end();
  });
}

/** The socket path of a unix:// DOCKER_HOST, else undefined (tcp://, ssh://, npipe://…). */
export function unixSocketOf(dockerHost: string): string | undefined {
  return dockerHost.startsWith('unix://') ? dockerHost.slice('unix://'.length) : undefined;
}
