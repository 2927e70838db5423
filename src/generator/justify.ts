// Justifications: the only way a catalogued door that a recording went through gets into a
// generated profile. `--allow NAME[=VALUE]:"reason"` (or a justification file with one such line
// each) names the syscall, optionally one argument value (CLONE_NEWUSER, AF_PACKET,
// NETLINK_AUDIT; `NAME[N]=VALUE` picks argument N when a bare number is meant), and why; the
// reason lands in the rule's comment. Never a whole syscall when values were recorded: a justified
// value allows exactly the recorded calls that carry it.

import { ClawfenceError } from '../errors.js';
import { parseArgExpression } from '../syscalls/constants.js';
import { isKnownSyscall, suggestSyscall } from '../syscalls/table.js';
import { ARG_POLICIES } from './arg-rules.js';
import { dangerousValues } from '../catalog/dangerous-values.js';

export interface Justification {
  syscall: string;
  /** The argument value justified (with its index), or undefined for the syscall as a whole. */
  value?: { index: number; value: bigint; text: string };
  reason: string;
  /** As written, for messages. */
  text: string;
}

/** Parses `NAME[=VALUE]:reason`. */
export function parseJustification(text: string, where = '--allow'): Justification {
  const colon = text.indexOf(':');
  const head = (colon < 0 ? text : text.slice(0, colon)).trim();
  const reason = colon < 0 ? '' : text.slice(colon + 1).trim();
  const usage = 'write NAME[=VALUE]:"why the tool needs it", e.g. --allow unshare=CLONE_NEWUSER:"bubblewrap builds its sandbox"';
  if (reason === '') throw new ClawfenceError('bad-input', `${where} ${JSON.stringify(text)}: a justification needs a reason after ':'`, { hint: usage });
  const eq = head.indexOf('=');
  const target = (eq < 0 ? head : head.slice(0, eq)).trim();
  const explicit = /^([a-z0-9_]+)\[([0-5])\]$/.exec(target);
  const syscall = explicit === null ? target : (explicit[1] as string);
  if (!isKnownSyscall(syscall)) {
    throw new ClawfenceError('bad-input', `${where} ${JSON.stringify(text)}: unknown syscall '${syscall}'`, {
      hint: `did you mean '${suggestSyscall(syscall)}'? ${usage}`,
    });
  }
  if (eq < 0) {
    if (explicit !== null)
      throw new ClawfenceError('bad-input', `${where} ${JSON.stringify(text)}: an argument index needs a value`, { hint: `write ${target}=VALUE:"…"` });
    return { syscall, reason, text };
  }
  // The argument: as written (socket[2]=…), else the first of the catalogued arguments (then the
  // argument rule's) whose constants name the value: socket=AF_PACKET is arg0, socket=NETLINK_AUDIT arg2.
  const candidates =
    explicit !== null
      ? [Number(explicit[2])]
      : [
          ...new Set([
            ...dangerousValues()
              .filter((d) => d.syscall === syscall)
              .map((d) => d.index),
            ...ARG_POLICIES.filter((p) => p.syscall === syscall).map((p) => p.index),
          ]),
        ];
  if (candidates.length === 0) {
    throw new ClawfenceError('bad-input', `${where} ${JSON.stringify(text)}: clawfence has no argument rule for ${syscall}, so a value cannot be justified`, {
      hint: `justify the syscall itself: --allow ${syscall}:"…"`,
    });
  }
  const valueText = head.slice(eq + 1).trim();
  let first: unknown;
  for (const index of candidates) {
    try {
      const value = parseArgExpression(valueText, { syscall, index });
      return { syscall, value: { index, value, text: valueText }, reason, text };
    } catch (err) {
      first ??= err;
    }
  }
  throw first;
}

/** One justification per line of a file (blank lines and # comments skipped). */
export function parseJustificationFile(text: string, file: string): Justification[] {
  const out: Justification[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    out.push(parseJustification(t, `${file}:${i + 1}:`));
  });
  return out;
}

/** The justification covering a whole syscall, if any. */
export function justifiedSyscall(js: readonly Justification[], syscall: string): Justification | undefined {
  return js.find((j) => j.syscall === syscall && j.value === undefined);
}

/** The justification covering a value: the whole syscall, or a value whose bits the recorded value has (mask) or equals. */
export function justifiedValue(
  js: readonly Justification[],
  syscall: string,
  index: number,
  recorded: bigint,
  kind: 'mask' | 'equal',
): Justification | undefined {
  return (
    justifiedSyscall(js, syscall) ??
    js.find(
      (j) =>
        j.syscall === syscall &&
        j.value !== undefined &&
        j.value.index === index &&
        (kind === 'mask' ? (recorded & j.value.value) === j.value.value && j.value.value !== 0n : (recorded & 0xffffffffn) === (j.value.value & 0xffffffffn)),
    )
  );
}
