// Asserts the library's refusal contract: a bad-input ClawfenceError with the expected message and
// a hint saying what to do. Returns the error for further checks.

import assert from 'node:assert/strict';
import { ClawfenceError } from '../../src/errors.js';

export function refusal(f: () => unknown, message: RegExp): ClawfenceError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ClawfenceError, `a ClawfenceError is thrown (got ${String(caught)})`);
  assert.equal(caught.code, 'bad-input');
  assert.match(caught.message, message);
  assert.ok((caught.hint ?? '').length > 0, 'it says what to do');
  return caught;
}
