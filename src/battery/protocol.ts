// Reading the battery binary's output (docs/battery.md#protocol): one JSON line per event.
//   {"phase":"fork-check"}                      before its first fork
//   {"probe":ID,"phase":"start"}                 before each probe
//   {"probe":ID,"ret":"N","errno":E}             the call returned
//   {"probe":ID,"signal":N}                      the probe's child died of signal N
//   {"probe":ID,"prerequisite":CALL,"errno":E}   a call the probe needs first failed
//   {"probe":ID,"harness":WHAT,"errno":E}        the battery could not run the probe (fork failed)
// Pure.

import type { ProbeRaw } from './model.js';

export interface BatteryOutput {
  /** The results, by probe id. */
  results: Map<string, ProbeRaw>;
  /** Probes that started and printed no result (the process died in them). */
  unfinished: string[];
  /** The battery printed fork-check and nothing after it (its fork killed it). */
  diedAtForkCheck: boolean;
}

function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

export function parseBatteryOutput(stdout: string): BatteryOutput {
  const results = new Map<string, ProbeRaw>();
  const started: string[] = [];
  let lastEvent: 'fork-check' | 'other' = 'other';
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(t) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (o.phase === 'fork-check' && o.probe === undefined) {
      lastEvent = 'fork-check';
      continue;
    }
    const id = typeof o.probe === 'string' ? o.probe : undefined;
    if (id === undefined) continue;
    lastEvent = 'other';
    if (o.phase === 'start') {
      started.push(id);
      continue;
    }
    const errno = int(o.errno);
    if (typeof o.ret === 'string' && errno !== undefined) results.set(id, { kind: 'returned', ret: o.ret, errno });
    else if (int(o.signal) !== undefined) results.set(id, { kind: 'signalled', signal: int(o.signal) ?? 0 });
    else if (typeof o.prerequisite === 'string' && errno !== undefined) results.set(id, { kind: 'prerequisite', call: o.prerequisite, errno });
    else if (typeof o.harness === 'string' && errno !== undefined) results.set(id, { kind: 'harness', what: o.harness, errno });
  }
  return { results, unfinished: started.filter((id) => !results.has(id)), diedAtForkCheck: lastEvent === 'fork-check' };
}
