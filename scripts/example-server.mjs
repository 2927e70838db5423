#!/usr/bin/env node
// The loopback test server the example tools talk to (examples/*/workloads.json). It listens on
// 127.0.0.1 only and stops by itself after --for seconds. Several users may need it at once (tests
// running in parallel, the README's command): a second instance started on a port this server already
// holds "joins" it instead of failing — it asks the running server to stay up for it and releases it
// on SIGTERM/SIGINT — and the server exits when its last user has released it or its time is up.
// It prints one line on stdout, "ready http://127.0.0.1:PORT", once this user is served; wait for it
// (not merely for the port) before relying on the server. Logs go to stderr.
// Usage: node scripts/example-server.mjs [--port 18380] [--for 300] [--verbose]
import http from 'node:http';

const opts = { port: 18380, seconds: 300, verbose: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--port') opts.port = Number(process.argv[++i]);
  else if (a === '--for') opts.seconds = Number(process.argv[++i]);
  else if (a === '--verbose') opts.verbose = true;
  else fail(`unknown argument '${a}' (usage: example-server.mjs [--port N] [--for SECONDS] [--verbose])`);
}
if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) fail('--port must be a port number');
if (!(opts.seconds > 0) || opts.seconds > 3600) fail('--for must be between 1 and 3600 seconds');

const HOST = '127.0.0.1';
const IDENTITY = 'clawfence-example-server';
const myUntil = Date.now() + opts.seconds * 1000;

function fail(message) {
  process.stderr.write(`example-server: ${message}\n`);
  process.exit(2);
}
/** The one line on stdout: this user is served from now on (it listens, or it joined). */
function ready() {
  process.stdout.write(`ready http://${HOST}:${opts.port}\n`);
}
function log(message) {
  process.stderr.write(`example-server: ${message}\n`);
}

// --- the endpoints the examples call -------------------------------------------------------------

const RELEASES = [
  { version: '1.2.0', channel: 'stable', date: '2025-01-14' },
  { version: '1.3.1', channel: 'stable', date: '2025-03-02' },
  { version: '1.4.2', channel: 'stable', date: '2025-05-20' },
  { version: '2.0.0-beta.1', channel: 'beta', date: '2025-04-11' },
  { version: '2.0.0-beta.2', channel: 'beta', date: '2025-05-30' },
];
const PACKAGES = {
  express: { latest: '4.19.2', license: 'MIT' },
  lodash: { latest: '4.17.21', license: 'MIT' },
  left_pad: { latest: '1.3.0', license: 'WTFPL' },
  typescript: { latest: '5.4.5', license: 'Apache-2.0' },
  eslint: { latest: '9.3.0', license: 'MIT' },
};

/** POST /v1/process {job, op: sum|max|count, values: number[]} → {job, op, count, result}. */
function processJob(body) {
  if (typeof body !== 'object' || body === null || typeof body.job !== 'string' || !Array.isArray(body.values)) {
    return [400, { error: 'expected {job: string, op, values: number[]}' }];
  }
  const values = body.values.filter((v) => typeof v === 'number');
  const ops = { sum: (v) => v.reduce((a, b) => a + b, 0), max: (v) => Math.max(...v), count: (v) => v.length };
  const op = ops[body.op];
  if (op === undefined) return [400, { error: `unknown op '${String(body.op)}' (sum, max, count)` }];
  return [200, { job: body.job, op: body.op, count: values.length, result: op(values) }];
}

/** GET /v1/packages?names=a,b → {packages: {name: {latest, license} | null}}. */
function lookupPackages(url) {
  const names = (url.searchParams.get('names') ?? '').split(',').filter((n) => n !== '');
  return [200, { packages: Object.fromEntries(names.map((n) => [n, PACKAGES[n] ?? null])) }];
}

// --- lifetime: users retain the server, release it, and it stops when nobody needs it --------------

let users = 1; // the process that started it
let until = myUntil;
let server;

function stop(reason) {
  if (opts.verbose) log(`stopping (${reason})`);
  server?.close();
  process.exit(0);
}
let deadline = setTimeout(() => stop('time is up'), until - Date.now());
function extend(to) {
  if (to <= until) return;
  until = Math.min(to, Date.now() + 3600 * 1000);
  clearTimeout(deadline);
  deadline = setTimeout(() => stop('time is up'), until - Date.now());
}
function release(who) {
  users -= 1;
  if (users <= 0) stop(`released by ${who}`);
  else if (opts.verbose) log(`released by ${who}; ${users} user(s) left`);
}

function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
      } catch {
        resolve(undefined);
      }
    });
  });
}

async function handle(req, res) {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  let status = 404;
  let body = { error: `no such endpoint: ${req.method} ${url.pathname}` };
  if (req.method === 'GET' && url.pathname === '/health') [status, body] = [200, { server: IDENTITY, pid: process.pid, until, users }];
  else if (req.method === 'POST' && url.pathname === '/retain') {
    const b = await readJson(req);
    users += 1;
    extend(typeof b?.until === 'number' ? b.until : Date.now() + 60_000);
    [status, body] = [200, { users, until }];
  } else if (req.method === 'POST' && url.pathname === '/release') {
    [status, body] = [200, { users: users - 1 }];
    res.on('finish', () => release('a joined user'));
  } else if (req.method === 'POST' && url.pathname === '/v1/process') [status, body] = processJob(await readJson(req));
  else if (req.method === 'GET' && url.pathname === '/v1/packages') [status, body] = lookupPackages(url);
  else if (req.method === 'GET' && url.pathname === '/v1/releases') {
    const channel = url.searchParams.get('channel');
    [status, body] = [200, channel === null ? RELEASES : RELEASES.filter((r) => r.channel === channel)];
  }
  if (opts.verbose) log(`${req.method} ${url.pathname}${url.search} → ${status}`);
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// --- joining a server that already holds the port ------------------------------------------------

function call(method, path, payload) {
  return new Promise((resolve, reject) => {
    const data = payload === undefined ? '' : JSON.stringify(payload);
    const req = http.request(
      { host: HOST, port: opts.port, method, path, timeout: 2000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(data);
  });
}

async function join() {
  const health = await call('GET', '/health').catch(() => undefined);
  if (health?.server !== IDENTITY) fail(`port ${opts.port} on ${HOST} is in use by something else`);
  await call('POST', '/retain', { until: myUntil });
  log(`joined the server already on http://${HOST}:${opts.port} (pid ${health.pid})`);
  ready();
  let released = false;
  const leave = async () => {
    if (released) return;
    released = true;
    await call('POST', '/release').catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', leave);
  process.on('SIGINT', leave);
  setTimeout(() => process.exit(0), myUntil - Date.now());
  // If the server goes away while this user still needs it, take over the port.
  const watch = setInterval(async () => {
    const h = await call('GET', '/health').catch(() => undefined);
    if (h === undefined && !released) {
      clearInterval(watch);
      process.removeListener('SIGTERM', leave);
      process.removeListener('SIGINT', leave);
      listen();
    }
  }, 1000);
}

function listen() {
  server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  server.once('error', (e) => {
    if (e.code === 'EADDRINUSE') join().catch((err) => fail(`cannot join the server on port ${opts.port}: ${err.message}`));
    else fail(`cannot listen on ${HOST}:${opts.port}: ${e.message}`);
  });
  server.listen(opts.port, HOST, () => {
    log(`listening on http://${HOST}:${opts.port} until ${new Date(until).toISOString()}`);
    ready();
    process.on('SIGTERM', () => release('SIGTERM'));
    process.on('SIGINT', () => release('SIGINT'));
  });
}

listen();
