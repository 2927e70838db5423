// Problems found while reading a profile: every one is reported, each with where and what to do.

import { ClawfenceError, formatLocation } from '../errors.js';

/** Every problem a reader reports has one of these stable codes (in --json output and the API). */
export type IssueCode =
  | 'api-version'
  | 'architectures-and-archmap'
  | 'bad-kernel-version'
  | 'base-profile'
  | 'duplicate-key'
  | 'duplicate-name'
  | 'empty'
  | 'errno-mismatch'
  | 'errno-range'
  | 'errno-without-errno-action'
  | 'internal'
  | 'json-syntax'
  | 'missing'
  | 'name-and-names'
  | 'no-names'
  | 'no-seccomp'
  | 'no-seccomp-profile'
  | 'no-spec'
  | 'no-such-profile'
  | 'not-in-crd'
  | 'notify-without-listener'
  | 'profile-disabled'
  | 'range'
  | 'regex'
  | 'schema'
  | 'several-profiles'
  | 'syscall-not-on-abi'
  | 'too-deep'
  | 'type'
  | 'unknown-arch'
  | 'unknown-capability'
  | 'unknown-errno'
  | 'unknown-flag'
  | 'unknown-key'
  | 'unknown-syscall'
  | 'unknown-value'
  | 'unsupported-version'
  | 'yaml-too-large'
  | 'yaml-alias'
  | 'yaml-node'
  | 'yaml-key'
  | 'yaml-syntax';

export interface Issue {
  severity: 'error' | 'warning';
  code: IssueCode;
  message: string;
  path: string; // JSON path
  line?: number;
  column?: number;
  hint?: string;
}

/** Escapes what would break a one-line message: control characters and the Unicode line and
 * paragraph separators (a key with a newline in it must not split the error line). */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export type ParseResult<T> = { ok: true; value: T; issues: Issue[] } | { ok: false; issues: Issue[] };

export function formatIssue(file: string | undefined, i: Issue): string {
  const loc = formatLocation({
    ...(file === undefined ? {} : { file }),
    path: i.path,
    ...(i.line === undefined ? {} : { line: i.line }),
    ...(i.column === undefined ? {} : { column: i.column }),
  });
  return `${loc}: ${i.severity}: ${i.message}${i.hint === undefined ? '' : ` (${i.hint})`}`;
}

/** Turns a failed parse into one ClawfenceError whose message lists every error. */
export function issuesToError(file: string | undefined, issues: Issue[]): ClawfenceError {
  const errors = issues.filter((i) => i.severity === 'error');
  const first = errors[0];
  const more = errors.length > 1 ? ` (+${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  const err = new ClawfenceError('bad-input', first === undefined ? 'invalid input' : `${formatIssue(file, first)}${more}`, {
    ...(first === undefined
      ? {}
      : {
          location: {
            ...(file === undefined ? {} : { file }),
            path: first.path,
            ...(first.line === undefined ? {} : { line: first.line }),
            ...(first.column === undefined ? {} : { column: first.column }),
          },
        }),
  });
  (err as ClawfenceError & { issues: Issue[] }).issues = issues;
  return err;
}
