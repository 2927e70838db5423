#!/usr/bin/node
// lookup: reads a package.json-style dependency list, asks the registry service about every package
// in one request (fetch), and prints which are outdated. Usage: lookup [--json] FILE
// The service is LOOKUP_ENDPOINT (default http://127.0.0.1:18380/v1/packages). Exit: 0 ok, 1 the
// service failed, 2 bad input.
import { readFile } from 'node:fs/promises';

const endpoint = process.env.LOOKUP_ENDPOINT ?? 'http://127.0.0.1:18380/v1/packages';

function fail(code, message) {
  process.stderr.write(`lookup: ${message}\n`);
  process.exit(code);
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const files = args.filter((a) => a !== '--json');
if (files.length !== 1) fail(2, 'usage: lookup [--json] FILE');

let wanted;
try {
  const doc = JSON.parse(await readFile(files[0], 'utf8'));
  wanted = { ...doc.dependencies, ...doc.devDependencies };
} catch (e) {
  fail(2, `cannot read ${files[0]}: ${e.message}`);
}
const names = Object.keys(wanted).sort();
if (names.length === 0) fail(2, `${files[0]} lists no dependencies`);

let answer;
try {
  const res = await fetch(`${endpoint}?names=${names.map(encodeURIComponent).join(',')}`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) fail(1, `${endpoint} answered HTTP ${res.status}`);
  answer = await res.json();
} catch (e) {
  fail(1, `request to ${endpoint} failed: ${e.cause?.code ?? e.message}`);
}

// A wanted range is "current" when its major.minor.patch equals the latest (caret ranges: same major).
function isCurrent(range, latest) {
  const [lMajor] = latest.split('.');
  if (range.startsWith('^')) return range.slice(1).split('.')[0] === lMajor;
  return range === latest;
}

const rows = names.map((name) => {
  const info = answer.packages[name];
  if (info === null || info === undefined) return { name, wanted: wanted[name], latest: null, license: null, current: false };
  return { name, wanted: wanted[name], latest: info.latest, license: info.license, current: isCurrent(wanted[name], info.latest) };
});
if (json) {
  process.stdout.write(`${JSON.stringify({ packages: rows })}\n`);
} else {
  for (const r of rows) {
    const state = r.latest === null ? 'unknown' : r.current ? 'current' : 'outdated';
    process.stdout.write(`${r.name} ${r.wanted} -> ${r.latest ?? '?'} (${r.license ?? '?'}) ${state}\n`);
  }
  const outdated = rows.filter((r) => !r.current).length;
  process.stdout.write(`lookup: ${rows.length} packages, ${outdated} outdated\n`);
}
