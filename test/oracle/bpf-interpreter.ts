// A classic-BPF interpreter for seccomp programs (the instruction set the kernel's
// seccomp_check_filter accepts), run over a little-endian struct seccomp_data
// {int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]}. Test support for the oracle.

export interface BpfInsn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export interface SeccompData {
  nr: number;
  arch: number;
  ip?: bigint;
  args: readonly bigint[];
}

const BPF_CLASS = (c: number): number => c & 0x07;
const BPF_SIZE = (c: number): number => c & 0x18;
const BPF_MODE = (c: number): number => c & 0xe0;
const BPF_OP = (c: number): number => c & 0xf0;
const BPF_SRC = (c: number): number => c & 0x08;

const LD = 0x00,
  LDX = 0x01,
  ST = 0x02,
  STX = 0x03,
  ALU = 0x04,
  JMP = 0x05,
  RET = 0x06,
  MISC = 0x07;
const W = 0x00,
  IMM = 0x00,
  ABS = 0x20,
  MEM = 0x60,
  LEN = 0x80,
  X = 0x08,
  A = 0x10;

/** Serialises seccomp_data the way the kernel lays it out on a little-endian machine. */
export function seccompDataBytes(d: SeccompData): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(d.nr >>> 0, 0);
  b.writeUInt32LE(d.arch >>> 0, 4);
  b.writeBigUInt64LE(BigInt.asUintN(64, d.ip ?? 0n), 8);
  for (let i = 0; i < 6; i++) b.writeBigUInt64LE(BigInt.asUintN(64, d.args[i] ?? 0n), 16 + 8 * i);
  return b;
}

function alu(op: number, a: number, v: number): number {
  switch (op) {
    case 0x00:
      return (a + v) >>> 0;
    case 0x10:
      return (a - v) >>> 0;
    case 0x20:
      return Math.imul(a, v) >>> 0;
    case 0x30:
      if (v === 0) throw new Error('bpf: division by zero');
      return Math.floor(a / v) >>> 0;
    case 0x40:
      return (a | v) >>> 0;
    case 0x50:
      return (a & v) >>> 0;
    case 0x60:
      return v >= 32 ? 0 : (a << v) >>> 0;
    case 0x70:
      return v >= 32 ? 0 : a >>> v;
    case 0x80:
      return -a >>> 0;
    case 0x90:
      if (v === 0) throw new Error('bpf: modulo by zero');
      return (a % v) >>> 0;
    case 0xa0:
      return (a ^ v) >>> 0;
    default:
      throw new Error(`bpf: bad alu op 0x${op.toString(16)}`);
  }
}

/** Runs the program; returns the 32-bit value of the RET that ends it. */
export function runBpf(prog: readonly BpfInsn[], data: SeccompData): number {
  const pkt = seccompDataBytes(data);
  const mem = new Uint32Array(16);
  let acc = 0;
  let x = 0;
  let pc = 0;
  for (let steps = 0; steps < 1 << 20; steps++) {
    const ins = prog[pc];
    if (ins === undefined) throw new Error(`bpf: fell off the program at ${pc}`);
    const { code, k } = ins;
    pc++;
    switch (BPF_CLASS(code)) {
      case LD:
        if (BPF_MODE(code) === ABS && BPF_SIZE(code) === W) {
          if (k + 4 > pkt.length || k % 4 !== 0) throw new Error(`bpf: bad load offset ${k}`);
          acc = pkt.readUInt32LE(k);
        } else if (BPF_MODE(code) === IMM) acc = k >>> 0;
        else if (BPF_MODE(code) === MEM) acc = mem[k] ?? 0;
        else if (BPF_MODE(code) === LEN) acc = pkt.length;
        else throw new Error(`bpf: unsupported load 0x${code.toString(16)}`);
        break;
      case LDX:
        if (BPF_MODE(code) === IMM) x = k >>> 0;
        else if (BPF_MODE(code) === MEM) x = mem[k] ?? 0;
        else if (BPF_MODE(code) === LEN) x = pkt.length;
        else throw new Error(`bpf: unsupported ldx 0x${code.toString(16)}`);
        break;
      case ST:
        mem[k] = acc;
        break;
      case STX:
        mem[k] = x;
        break;
      case ALU:
        acc = alu(BPF_OP(code), acc, BPF_SRC(code) === X ? x : k >>> 0);
        break;
      case JMP: {
        if (BPF_OP(code) === 0x00) {
          pc += k;
          break;
        }
        const v = BPF_SRC(code) === X ? x : k >>> 0;
        let t: boolean;
        switch (BPF_OP(code)) {
          case 0x10:
            t = acc === v;
            break;
          case 0x20:
            t = acc > v;
            break;
          case 0x30:
            t = acc >= v;
            break;
          case 0x40:
            t = (acc & v) !== 0;
            break;
          default:
            throw new Error(`bpf: bad jump 0x${code.toString(16)}`);
        }
        pc += t ? ins.jt : ins.jf;
        break;
      }
      case RET: {
        const rval = code & 0x18;
        return (rval === A ? acc : rval === X ? x : k) >>> 0;
      }
      case MISC:
        if ((code & 0xf8) === 0x00) x = acc;
        else acc = x;
        break;
    }
  }
  throw new Error('bpf: program did not terminate');
}
