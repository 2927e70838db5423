// The probe battery's vocabulary (docs/battery.md): what one probe is, what the battery binary
// printed for it, and the verdict the runner draws from comparing runs. Pure types.

/** The ABI a probe's call goes through (x86 is the i386 entry, int $0x80; x32 sets bit 30 of the number). */
export type ProbeAbi = 'x86_64' | 'x86' | 'x32';

/** One probe: one technique, named for the door it stands for. */
export interface ProbeSpec {
  /** Stable id, also the battery binary's argument: "userns-mount", "socket-netlink-audit". */
  id: string;
  /** The door, for people: "mount inside a new user namespace". */
  door: string;
  /** The syscall whose fate the verdict reports (its name on `abi`). */
  syscall: string;
  abi: ProbeAbi;
  /** The arguments in words: "AF_NETLINK, SOCK_RAW, NETLINK_AUDIT". */
  args: string;
  /** Why the call is harmless when it is allowed: "bad magic: the kernel answers EINVAL before rebooting". */
  harmless: string;
  /** Errno names (or "OK" for success) the call may answer when it reaches the kernel and the kernel
   * lets it through as far as the probe's arguments allow: the open door. */
  reached: readonly string[];
  /** Errno names that mean the kernel itself refused (a capability, a namespace, an LSM, a sysctl);
   * default ["EPERM", "EACCES"]. */
  kernelDenied?: readonly string[];
  /** The probe changes the battery's own process (unshare, personality, chroot…): it runs in a
   * child, or alone in its own process when the profile denies fork. */
  alone: boolean;
  /** A call that must succeed first for this probe to mean anything (unshare before the mount). */
  prerequisite?: string;
  /** Needs another process of the container to point at (ptrace attach, kcmp, process_vm_readv…):
   * the battery's hold process (pid given by --target). */
  sibling?: boolean;
  /** The call's argument values (hex), when every argument is a number or NULL: the evaluator then
   * predicts the profile's decision, which settles an answer equal to the unconfined one. */
  values?: readonly string[];
}

/** What the battery binary printed for one probe (one JSON line each, docs/battery.md#protocol). */
export type ProbeRaw =
  /** The probed call returned: errno 0 for success (ret is the return value as text). */
  | { kind: 'returned'; ret: string; errno: number }
  /** The probe's process (or child) was killed by a signal (31: SIGSYS, a seccomp kill or trap). */
  | { kind: 'signalled'; signal: number }
  /** A prerequisite call failed with this errno: the probed call was not made. */
  | { kind: 'prerequisite'; call: string; errno: number }
  /** The harness could not run the probe (the fork for its child failed…): never a verdict by itself. */
  | { kind: 'harness'; what: string; errno: number };

/** The three verdicts, and the honest fourth. */
export type Verdict =
  /** The call reached the kernel and the kernel let it through (as far as the harmless arguments go). */
  | 'reached'
  /** seccomp answered: the marker errno, a SIGSYS kill or trap, or runc's ENOSYS stub. */
  | 'seccomp'
  /** The call reached the kernel and the kernel refused it (capability, namespace, LSM, sysctl, not built in). */
  | 'kernel'
  /** The probe could not be concluded (a prerequisite was denied, the harness failed, the runs disagree). */
  | 'inconclusive';

/** The verdicts in the order reports list them. */
export const VERDICTS: readonly Verdict[] = ['reached', 'kernel', 'seccomp', 'inconclusive'];

/** One probe under one configuration. */
export interface ProbeCell {
  verdict: Verdict;
  /** One short phrase: "EINVAL", "marker errno (seccomp)", "SIGSYS", "EPERM as unconfined (capability)",
   * "prerequisite unshare denied by seccomp". */
  detail: string;
  raw: ProbeRaw;
}
