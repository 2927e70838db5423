// Terminal output helpers: colour only on a TTY without NO_COLOR, JSON printing with bigints.

import pc from 'picocolors';
import { toJsonText } from '../util/json.js';

export interface OutputOptions {
  json: boolean;
  color: boolean;
}

/** Colour when stdout is a TTY and NO_COLOR is unset (https://no-color.org), unless --no-color. */
export function wantColor(flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  return process.stdout.isTTY === true;
}

export function colors(enabled: boolean): ReturnType<typeof pc.createColors> {
  return pc.createColors(enabled);
}

/** A `--json` report: bigints as exact decimal strings, 2-space indent, trailing newline. */
export function toJson(value: unknown): string {
  return toJsonText(value, 'string');
}

// A reader that goes away early (`clawfence diff … | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

export function write(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
