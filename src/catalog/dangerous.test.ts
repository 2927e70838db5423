// The risk catalog and the rule list: real syscall names, no duplicates, and documented.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isKnownSyscall } from '../syscalls/table.js';
import { RISK_CATALOG } from './dangerous.js';
import { AUDIT_RULES } from '../audit/rules.js';

const DOC = readFileSync(new URL('../../docs/audit.md', import.meta.url), 'utf8');

describe('risk catalog', () => {
  it('names only syscalls libseccomp knows, each once, each with a reason', () => {
    const names = RISK_CATALOG.map((e) => e.syscall);
    assert.equal(new Set(names).size, names.length);
    for (const e of RISK_CATALOG) {
      assert.ok(isKnownSyscall(e.syscall), e.syscall);
      assert.ok(e.reason.length > 10, e.syscall);
    }
  });

  it('covers every syscall the issue lists as dangerous', () => {
    const issue =
      'mount umount2 pivot_root chroot unshare setns clone clone3 bpf perf_event_open userfaultfd io_uring_setup io_uring_enter io_uring_register keyctl add_key request_key kexec_load kexec_file_load init_module finit_module delete_module open_by_handle_at name_to_handle_at ptrace process_vm_readv process_vm_writev kcmp pidfd_getfd settimeofday clock_settime adjtimex reboot swapon swapoff acct quotactl syslog sethostname';
    const have = new Set(RISK_CATALOG.map((e) => e.syscall));
    assert.deepEqual(
      issue.split(' ').filter((n) => !have.has(n)),
      [],
    );
  });

  it('is documented in docs/audit.md, entry by entry', () => {
    for (const e of RISK_CATALOG) assert.match(DOC, new RegExp(`\\b${e.syscall}\\b`), e.syscall);
  });
});

describe('audit rules', () => {
  it('have unique ids and names, and docs/audit.md lists each', () => {
    assert.equal(new Set(AUDIT_RULES.map((r) => r.id)).size, AUDIT_RULES.length);
    assert.equal(new Set(AUDIT_RULES.map((r) => r.name)).size, AUDIT_RULES.length);
    for (const r of AUDIT_RULES) assert.match(DOC, new RegExp(`\\| ${r.id} \\| ${r.name} \\|`), r.id);
  });
});
