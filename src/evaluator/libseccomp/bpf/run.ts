// Runs a generated seccomp program over one call (the instructions libseccomp emits: load a
// word of seccomp_data, AND, compare-and-jump, return). seccomp_data is read logically: nr at 0,
// arch at 4, argument i's low word at 16 + 8i and its high word at 20 + 8i.

import { BPF } from './blocks.js';
import type { FlatInsn } from './program.js';
import type { ArgWords } from '../db.js';

export interface CallData {
  nr: number;
  arch: number;
  words: ArgWords;
}

function load(d: CallData, off: number): number {
  if (off === 0) return d.nr >>> 0;
  if (off === 4) return d.arch >>> 0;
  if (off >= 16 && off < 64 && off % 4 === 0) {
    const w = d.words[(off - 16) >> 3] as readonly [number, number];
    return (off & 4) === 0 ? w[0] : w[1];
  }
  if (off === 8 || off === 12) return 0; // instruction pointer: never loaded by libseccomp
  throw new RangeError(`seccomp program loads offset ${off}`);
}

/** The 32-bit value of the RET that ends the program. */
export function runProgram(prog: readonly FlatInsn[], d: CallData): number {
  let acc = 0;
  let pc = 0;
  for (;;) {
    const i = prog[pc];
    if (i === undefined) throw new RangeError(`seccomp program ran off its end at ${pc}`);
    pc++;
    switch (i.code) {
      case BPF.LD_W_ABS:
        acc = load(d, i.k);
        break;
      case BPF.ALU_AND_K:
        acc = (acc & i.k) >>> 0;
        break;
      case BPF.JA:
        pc += i.k;
        break;
      case BPF.JEQ_K:
        pc += acc === i.k >>> 0 ? i.jt : i.jf;
        break;
      case BPF.JGT_K:
        pc += acc > i.k >>> 0 ? i.jt : i.jf;
        break;
      case BPF.JGE_K:
        pc += acc >= i.k >>> 0 ? i.jt : i.jf;
        break;
      case BPF.JSET_K:
        pc += (acc & i.k) !== 0 ? i.jt : i.jf;
        break;
      case BPF.RET_K:
        return i.k >>> 0;
      default:
        throw new RangeError(`unexpected BPF opcode 0x${i.code.toString(16)}`);
    }
  }
}
