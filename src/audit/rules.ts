// The audit's rule list: one stable id per kind of finding, with a short and a full description
// (SARIF's reportingDescriptor) and the default severity. Ids never change meaning.

import { ClawfenceError } from '../errors.js';
import type { Category, Severity } from './model.js';

export interface AuditRule {
  id: string;
  /** kebab-case name. */
  name: string;
  category: Category | 'dangerous-syscall';
  /** The usual severity; findings of catalog rules take the catalog entry's severity. */
  severity: Severity;
  short: string;
  full: string;
}

export const AUDIT_RULES = [
  {
    id: 'CF001',
    name: 'allow-by-default',
    category: 'default-action',
    severity: 'critical',
    short: 'The default action allows every syscall no rule names',
    full: 'With SCMP_ACT_ALLOW as the default action the profile is a deny list: every syscall it forgets, and every syscall a newer kernel adds, is allowed.',
  },
  {
    id: 'CF002',
    name: 'log-by-default',
    category: 'default-action',
    severity: 'high',
    short: 'The default action logs and allows every syscall no rule names',
    full: 'SCMP_ACT_LOG allows the call after logging it; it is meant for recording a workload, not for enforcing a profile.',
  },
  {
    id: 'CF003',
    name: 'kill-by-default',
    category: 'default-action',
    severity: 'info',
    short: 'The default action kills the thread or process, or raises SIGSYS',
    full: 'Killing on unlisted syscalls is safe but makes missing permissions crash the workload instead of failing one call with an errno.',
  },
  {
    id: 'CF004',
    name: 'delegated-default',
    category: 'default-action',
    severity: 'medium',
    short: 'The default action hands every unlisted syscall to a tracer or a user-space agent',
    full: 'SCMP_ACT_TRACE and SCMP_ACT_NOTIFY delegate the decision; without a tracer the call fails with ENOSYS, and a notify agent decides outside the kernel.',
  },
  {
    id: 'CF010',
    name: 'dangerous-syscall-allowed',
    category: 'dangerous-syscall',
    severity: 'high',
    short: 'A dangerous syscall is allowed',
    full: 'The syscall is in the risk catalog (namespace/escape, kernel attack surface, introspection, host state); the finding gives its reason and severity.',
  },
  {
    id: 'CF011',
    name: 'namespace-flags-allowed',
    category: 'namespace-escape',
    severity: 'high',
    short: 'clone, clone3 or unshare can create namespaces',
    full: 'Namespace creation (above all CLONE_NEWUSER) gives a process every capability inside the new namespace and opens much more of the kernel; restrict clone/unshare flags with SCMP_CMP_MASKED_EQ and answer clone3 with ENOSYS.',
  },
  {
    id: 'CF012',
    name: 'clone3-bypasses-clone-rule',
    category: 'namespace-escape',
    severity: 'high',
    short: 'clone is restricted by flags but clone3 is allowed',
    full: 'clone3 takes its flags in a struct in memory that seccomp cannot read, so any clone flag restriction is bypassed through clone3. Answer clone3 with ENOSYS (errnoRet 38) so libc falls back to clone.',
  },
  {
    id: 'CF013',
    name: 'clone3-not-enosys',
    category: 'compatibility',
    severity: 'medium',
    short: 'clone3 is denied with something other than ENOSYS',
    full: 'glibc 2.34+ creates threads with clone3 and falls back to clone only when clone3 fails with ENOSYS; any other answer makes thread creation fail. Use SCMP_ACT_ERRNO with errnoRet 38.',
  },
  {
    id: 'CF020',
    name: 'compat-abi-open',
    category: 'abi',
    severity: 'medium',
    short: 'A compatibility ABI (x86, x32, arm) is loaded and allows syscalls',
    full: 'A process can switch to a 32-bit ABI and use a separate syscall table that native workloads never need; leave it out of architectures/archMap so the kernel kills such calls.',
  },
  {
    id: 'CF021',
    name: 'multiplexer-bypass',
    category: 'abi',
    severity: 'high',
    short: 'socketcall or ipc is allowed while the calls it multiplexes are restricted',
    full: 'On 32-bit ABIs socketcall(2) and ipc(2) pass the real arguments through memory, so rules on socket(), connect() or shmget() arguments, or denials of them, are bypassed.',
  },
  {
    id: 'CF022',
    name: 'compat-abi-weaker',
    category: 'abi',
    severity: 'high',
    short: 'A compatibility ABI allows a syscall that the native ABI restricts',
    full: 'The same syscall is allowed more broadly on a 32-bit ABI than on the native one, so switching ABI gets around the native rule.',
  },
  {
    id: 'CF030',
    name: 'rule-shadowed',
    category: 'dead-rule',
    severity: 'medium',
    short: 'A rule never applies to a syscall: an earlier rule decides it unconditionally',
    full: 'libseccomp keeps the first unconditional rule for a syscall and silently drops later rules for it. Medium when the dropped rule has a different action (the profile does not do what it says), low when it only repeats the action.',
  },
  {
    id: 'CF031',
    name: 'rule-overridden',
    category: 'dead-rule',
    severity: 'medium',
    short: 'A rule with argument conditions is replaced by a later unconditional rule',
    full: 'When libseccomp adds an unconditional rule for a syscall it discards the argument-conditioned rules added before it.',
  },
  {
    id: 'CF032',
    name: 'syscall-absent',
    category: 'dead-rule',
    severity: 'low',
    short: "A rule names a syscall that exists on none of the profile's ABIs",
    full: 'libseccomp silently ignores names it cannot resolve on an ABI; a name that resolves nowhere is usually a typo or a leftover.',
  },
  {
    id: 'CF033',
    name: 'rule-same-as-default',
    category: 'dead-rule',
    severity: 'low',
    short: "A rule's action equals the default action",
    full: 'runc skips rules whose action equals the default action (libseccomp refuses them), so the rule changes nothing.',
  },
  {
    id: 'CF034',
    name: 'profile-refused',
    category: 'compatibility',
    severity: 'high',
    short: 'The runtime would refuse the profile or hang loading it',
    full: 'libseccomp refuses a rule add (-EEXIST: two rules compare the same argument values with different actions), runc refuses the profile, or libseccomp loops forever building the filter (a known tree-merge bug); the container then fails to start or hangs.',
  },
  {
    id: 'CF035',
    name: 'program-too-large',
    category: 'compatibility',
    severity: 'high',
    short: 'The filter is longer than the kernel accepts, or close to it',
    full: "The kernel refuses a seccomp program of more than 4096 BPF instructions (BPF_MAXINSNS); what runc loads is its -ENOSYS stub followed by libseccomp's program. Over the limit the container does not start (high); above 90% of it a few more rules break it (low).",
  },
  {
    id: 'CF060',
    name: 'wider-than-docker-default',
    category: 'namespace-escape',
    severity: 'high',
    short: "A catalogued dangerous door is open that Docker's default keeps shut",
    full: "Compared with Docker's default (moby profiles v0.2.3) for the same host and Docker's default capabilities, the profile lets a dangerous syscall or argument value through (mount, keyctl, clone3, clone with CLONE_NEWUSER, socket(AF_VSOCK), personality(READ_IMPLIES_EXEC), …): a tool-specific profile should never be weaker than the default it replaces. clawfence generate allows such a door only with a written justification. A syscall dangerous in itself keeps its catalog severity; a dangerous argument value is high.",
  },
  {
    id: 'CF040',
    name: 'allowed-count',
    category: 'surface',
    severity: 'info',
    short: "Number of allowed syscalls per ABI, next to Docker's default",
    full: 'A syscall counts as allowed when some argument values get through (allow or log).',
  },
  {
    id: 'CF050',
    name: 'unused-dangerous',
    category: 'unused',
    severity: 'medium',
    short: 'A dangerous syscall is allowed but the footprint never used it',
    full: 'The recorded workload did not make this call; remove it from the profile.',
  },
  {
    id: 'CF051',
    name: 'unused-allowed',
    category: 'unused',
    severity: 'low',
    short: 'Allowed syscalls the footprint never used',
    full: 'The recorded workload did not make these calls; a profile generated from the footprint would deny them.',
  },
] as const satisfies readonly AuditRule[];

export type AuditRuleId = (typeof AUDIT_RULES)[number]['id'];

const BY_ID = new Map<string, AuditRule>(AUDIT_RULES.map((r) => [r.id, r]));

export function auditRule(id: AuditRuleId): AuditRule {
  const r = BY_ID.get(id);
  if (r === undefined) throw new ClawfenceError('internal', `unknown audit rule ${id}`);
  return r;
}
