// The multiplexing syscalls of 32-bit ABIs, socketcall(2) and ipc(2), and the sub-call number
// (arg0) of each member: linux/net.h SYS_* and the ipc(2) call numbers. libseccomp names the
// members as pseudo-syscalls __PNR_x = -100 - code (socketcall) and -200 - code (ipc). A member's own
// arguments travel in memory, so no filter can see them: allowing a sub-call gets around the
// member's argument rules.

/** socketcall(2) sub-call numbers. */
export const SOCKETCALL_CODES: Readonly<Record<string, number>> = {
  socket: 1,
  bind: 2,
  connect: 3,
  listen: 4,
  accept: 5,
  getsockname: 6,
  getpeername: 7,
  socketpair: 8,
  send: 9,
  recv: 10,
  sendto: 11,
  recvfrom: 12,
  shutdown: 13,
  setsockopt: 14,
  getsockopt: 15,
  sendmsg: 16,
  recvmsg: 17,
  accept4: 18,
  recvmmsg: 19,
  sendmmsg: 20,
};

/** ipc(2) call numbers. */
export const IPC_CODES: Readonly<Record<string, number>> = {
  semop: 1,
  semget: 2,
  semctl: 3,
  semtimedop: 4,
  msgsnd: 11,
  msgrcv: 12,
  msgget: 13,
  msgctl: 14,
  shmat: 21,
  shmdt: 22,
  shmget: 23,
  shmctl: 24,
};

/** Each multiplexer with its members. */
export const MULTIPLEXERS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  socketcall: SOCKETCALL_CODES,
  ipc: IPC_CODES,
};
