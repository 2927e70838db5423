// "sha256:<hex>" of a text: the digest the reports name profiles by.

import { createHash } from 'node:crypto';

export function sha256Digest(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
