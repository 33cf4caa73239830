/**
 * Classic BPF in TypeScript: runs the programs libpcap's pcap_compile() emits
 * (compiled once through the native binding) over frames read from files, so
 * offline filtering needs no native call per packet.
 *
 * Semantics follow libpcap's bpf_filter() / the kernel: unsigned 32-bit
 * arithmetic, a load outside [0, caplen) rejects the packet (returns 0),
 * division or modulo by zero rejects, shifts by >= 32 give 0, and the
 * program's return value decides (non-zero = match).
 */
import { SourceError } from '../frame.js';
import { libpcapMissingMessage, nativeBinding } from './live.js';

// Instruction classes and fields (include/pcap/bpf.h).
const BPF_LD = 0x00, BPF_LDX = 0x01, BPF_ST = 0x02, BPF_STX = 0x03;
const BPF_ALU = 0x04, BPF_JMP = 0x05, BPF_RET = 0x06, BPF_MISC = 0x07;
const BPF_W = 0x00, BPF_H = 0x08, BPF_B = 0x10;
const BPF_IMM = 0x00, BPF_ABS = 0x20, BPF_IND = 0x40, BPF_MEM = 0x60, BPF_LEN = 0x80, BPF_MSH = 0xa0;
const BPF_ADD = 0x00, BPF_SUB = 0x10, BPF_MUL = 0x20, BPF_DIV = 0x30, BPF_OR = 0x40, BPF_AND = 0x50;
const BPF_LSH = 0x60, BPF_RSH = 0x70, BPF_NEG = 0x80, BPF_MOD = 0x90, BPF_XOR = 0xa0;
const BPF_JA = 0x00, BPF_JEQ = 0x10, BPF_JGT = 0x20, BPF_JGE = 0x30, BPF_JSET = 0x40;
const BPF_K = 0x00, BPF_X = 0x08, BPF_A = 0x10;
const BPF_TAX = 0x00, BPF_TXA = 0x80;
const BPF_MEMWORDS = 16;

const cls = (c: number) => c & 0x07;
const size = (c: number) => c & 0x18;
const mode = (c: number) => c & 0xe0;
const op = (c: number) => c & 0xf0;
const src = (c: number) => c & 0x08;

export class BpfProgram {
  readonly length: number;
  private readonly code: Uint16Array;
  private readonly jt: Uint8Array;
  private readonly jf: Uint8Array;
  private readonly k: Uint32Array;
  private readonly mem = new Uint32Array(BPF_MEMWORDS);
  /** The program jumps backwards (protochain): bound its run time. */
  private backward = false;

  /** insns: 4 u32 per instruction (code, jt, jf, k), as compileFilter() returns them. */
  constructor(insns: Uint32Array) {
    if (insns.length === 0 || insns.length % 4 !== 0) throw new SourceError('invalid BPF program: empty or not 4 words per instruction');
    const n = insns.length / 4;
    this.length = n;
    this.code = new Uint16Array(n);
    this.jt = new Uint8Array(n);
    this.jf = new Uint8Array(n);
    this.k = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      this.code[i] = insns[i * 4];
      this.jt[i] = insns[i * 4 + 1];
      this.jf[i] = insns[i * 4 + 2];
      this.k[i] = insns[i * 4 + 3];
    }
    this.validate();
  }

  /** Like libpcap's bpf_validate(): every jump lands inside the program, known opcodes, the program ends in RET. */
  private validate(): void {
    const n = this.length;
    for (let pc = 0; pc < n; pc++) {
      const c = this.code[pc];
      const k = this.k[pc];
      const bad = (why: string): never => {
        throw new SourceError(`invalid BPF program: instruction ${pc} (code 0x${c.toString(16)}): ${why}`);
      };
      switch (cls(c)) {
        case BPF_LD:
        case BPF_LDX: {
          const m = mode(c);
          if (m === BPF_MEM && k >= BPF_MEMWORDS) bad('scratch memory index out of range');
          if (cls(c) === BPF_LD && !(m === BPF_IMM || m === BPF_ABS || m === BPF_IND || m === BPF_MEM || m === BPF_LEN)) bad('bad load mode');
          if (cls(c) === BPF_LDX && !(m === BPF_IMM || m === BPF_MEM || m === BPF_LEN || m === BPF_MSH)) bad('bad load mode');
          if (cls(c) === BPF_LD && (m === BPF_ABS || m === BPF_IND) && size(c) === 0x18) bad('bad load size');
          break;
        }
        case BPF_ST:
        case BPF_STX:
          if (k >= BPF_MEMWORDS) bad('scratch memory index out of range');
          break;
        case BPF_ALU: {
          const o = op(c);
          if (o > BPF_XOR) bad('bad ALU op');
          if ((o === BPF_DIV || o === BPF_MOD) && src(c) === BPF_K && k === 0) bad('division by constant 0');
          break;
        }
        case BPF_JMP: {
          const o = op(c);
          if (o === BPF_JA) {
            // libpcap's protochain code jumps backwards with a wrapping k
            // (bpf_validate and bpf_filter compute pc + k modulo 2^32).
            const to = (pc + 1 + k) % 0x1_0000_0000;
            if (to >= n) bad('jump out of range');
            if (to <= pc) this.backward = true;
          } else if (o === BPF_JEQ || o === BPF_JGT || o === BPF_JGE || o === BPF_JSET) {
            if (pc + 1 + this.jt[pc] >= n || pc + 1 + this.jf[pc] >= n) bad('jump out of range');
          } else bad('bad jump op');
          break;
        }
        case BPF_RET:
        case BPF_MISC:
          break;
      }
    }
    if (cls(this.code[n - 1]) !== BPF_RET) throw new SourceError('invalid BPF program: does not end with a return');
  }

  /** Runs the program over buf[offset, offset + caplen); true when it returns non-zero. */
  matches(buf: Buffer, offset: number, caplen: number, wirelen: number): boolean {
    return this.run(buf, offset, caplen, wirelen) !== 0;
  }

  /** The program's return value (snapshot length to keep; 0 = reject). */
  run(buf: Buffer, offset: number, caplen: number, wirelen: number): number {
    const code = this.code, jt = this.jt, jf = this.jf, kk = this.k, mem = this.mem;
    let A = 0, X = 0, pc = 0;
    const n = this.length;
    // Backward jumps (only libpcap's protochain emits them) could loop: cap the steps.
    let budget = this.backward ? 1_000_000 : Infinity;
    for (;;) {
      if (pc >= n || --budget < 0) return 0;
      const c = code[pc];
      const k = kk[pc];
      switch (c) {
        // ---- loads into A
        case BPF_LD | BPF_W | BPF_ABS:
          if (k > caplen - 4 || caplen < 4) return 0;
          A = buf.readUInt32BE(offset + k);
          break;
        case BPF_LD | BPF_H | BPF_ABS:
          if (k > caplen - 2 || caplen < 2) return 0;
          A = (buf[offset + k] << 8) | buf[offset + k + 1];
          break;
        case BPF_LD | BPF_B | BPF_ABS:
          if (k >= caplen) return 0;
          A = buf[offset + k];
          break;
        case BPF_LD | BPF_W | BPF_IND: {
          const i = X + k;
          if (i > 0xffffffff || caplen < 4 || i > caplen - 4) return 0;
          A = buf.readUInt32BE(offset + i);
          break;
        }
        case BPF_LD | BPF_H | BPF_IND: {
          const i = X + k;
          if (i > 0xffffffff || caplen < 2 || i > caplen - 2) return 0;
          A = (buf[offset + i] << 8) | buf[offset + i + 1];
          break;
        }
        case BPF_LD | BPF_B | BPF_IND: {
          const i = X + k;
          if (i >= caplen) return 0;
          A = buf[offset + i];
          break;
        }
        case BPF_LD | BPF_W | BPF_LEN:
          A = wirelen >>> 0;
          break;
        case BPF_LD | BPF_IMM:
          A = k;
          break;
        case BPF_LD | BPF_MEM:
          A = mem[k];
          break;
        // ---- loads into X
        case BPF_LDX | BPF_W | BPF_LEN:
          X = wirelen >>> 0;
          break;
        case BPF_LDX | BPF_IMM:
          X = k;
          break;
        case BPF_LDX | BPF_MEM:
          X = mem[k];
          break;
        case BPF_LDX | BPF_B | BPF_MSH:
          if (k >= caplen) return 0;
          X = (buf[offset + k] & 0x0f) << 2;
          break;
        // ---- stores
        case BPF_ST:
          mem[k] = A;
          break;
        case BPF_STX:
          mem[k] = X;
          break;
        // ---- jumps
        case BPF_JMP | BPF_JA:
          pc = (pc + k) % 0x1_0000_0000;
          break;
        case BPF_JMP | BPF_JGT | BPF_K:
          pc += A > k ? jt[pc] : jf[pc];
          break;
        case BPF_JMP | BPF_JGE | BPF_K:
          pc += A >= k ? jt[pc] : jf[pc];
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          pc += A === k ? jt[pc] : jf[pc];
          break;
        case BPF_JMP | BPF_JSET | BPF_K:
          pc += (A & k) !== 0 ? jt[pc] : jf[pc];
          break;
        case BPF_JMP | BPF_JGT | BPF_X:
          pc += A > X ? jt[pc] : jf[pc];
          break;
        case BPF_JMP | BPF_JGE | BPF_X:
          pc += A >= X ? jt[pc] : jf[pc];
          break;
        case BPF_JMP | BPF_JEQ | BPF_X:
          pc += A === X ? jt[pc] : jf[pc];
          break;
        case BPF_JMP | BPF_JSET | BPF_X:
          pc += (A & X) !== 0 ? jt[pc] : jf[pc];
          break;
        // ---- ALU, X operand
        case BPF_ALU | BPF_ADD | BPF_X: A = (A + X) >>> 0; break;
        case BPF_ALU | BPF_SUB | BPF_X: A = (A - X) >>> 0; break;
        case BPF_ALU | BPF_MUL | BPF_X: A = Math.imul(A, X) >>> 0; break;
        case BPF_ALU | BPF_DIV | BPF_X:
          if (X === 0) return 0;
          A = Math.floor(A / X) >>> 0;
          break;
        case BPF_ALU | BPF_MOD | BPF_X:
          if (X === 0) return 0;
          A = (A % X) >>> 0;
          break;
        case BPF_ALU | BPF_AND | BPF_X: A = (A & X) >>> 0; break;
        case BPF_ALU | BPF_OR | BPF_X: A = (A | X) >>> 0; break;
        case BPF_ALU | BPF_XOR | BPF_X: A = (A ^ X) >>> 0; break;
        case BPF_ALU | BPF_LSH | BPF_X: A = X < 32 ? (A << X) >>> 0 : 0; break;
        case BPF_ALU | BPF_RSH | BPF_X: A = X < 32 ? A >>> X : 0; break;
        // ---- ALU, constant operand
        case BPF_ALU | BPF_ADD | BPF_K: A = (A + k) >>> 0; break;
        case BPF_ALU | BPF_SUB | BPF_K: A = (A - k) >>> 0; break;
        case BPF_ALU | BPF_MUL | BPF_K: A = Math.imul(A, k) >>> 0; break;
        case BPF_ALU | BPF_DIV | BPF_K:
          if (k === 0) return 0;
          A = Math.floor(A / k) >>> 0;
          break;
        case BPF_ALU | BPF_MOD | BPF_K:
          if (k === 0) return 0;
          A = (A % k) >>> 0;
          break;
        case BPF_ALU | BPF_AND | BPF_K: A = (A & k) >>> 0; break;
        case BPF_ALU | BPF_OR | BPF_K: A = (A | k) >>> 0; break;
        case BPF_ALU | BPF_XOR | BPF_K: A = (A ^ k) >>> 0; break;
        case BPF_ALU | BPF_LSH | BPF_K: A = k < 32 ? (A << k) >>> 0 : 0; break;
        case BPF_ALU | BPF_RSH | BPF_K: A = k < 32 ? A >>> k : 0; break;
        case BPF_ALU | BPF_NEG: A = (-A) >>> 0; break;
        // ---- returns and misc
        case BPF_RET | BPF_K:
          return k;
        case BPF_RET | BPF_A:
          return A;
        case BPF_MISC | BPF_TAX:
          X = A;
          break;
        case BPF_MISC | BPF_TXA:
          A = X;
          break;
        default:
          // Unknown opcode (e.g. a Linux-only ancillary load): reject, as bpf_filter() does.
          return 0;
      }
      pc++;
    }
  }
}

export interface CompileOptions {
  /**
   * The capture file's byte order differs from this machine's. libpcap's code
   * generator needs it for link types whose header is in the writer's host
   * byte order (DLT_NULL's address family); tcpdump -r gets it from the file.
   */
  swapped?: boolean;
}

/**
 * The raw instruction words libpcap compiles for this filter (4 u32 per
 * instruction), generated with savefile semantics: exactly what
 * `tcpdump -r FILE FILTER` would run for a file of this link type.
 */
export function compileBpfInsns(linkType: number, snaplen: number, expr: string, opts: CompileOptions = {}): Uint32Array {
  const nb = nativeBinding();
  if (!nb) throw new SourceError(libpcapMissingMessage('BPF filters need'));
  try {
    return nb.compileFilter(linkType, snaplen, expr, opts.swapped === true);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new SourceError(`bad filter "${expr}": ${msg.split('\n')[0]}`);
  }
}

/** Compiles a pcap filter expression with libpcap (once) into a JS-run program. */
export function compileBpf(linkType: number, snaplen: number, expr: string, opts: CompileOptions = {}): BpfProgram {
  return new BpfProgram(compileBpfInsns(linkType, snaplen, expr, opts));
}

/**
 * One filter expression compiled for every link type a capture file carries:
 * a pcapng's interfaces may differ (Ethernet, Linux cooked, raw IP…), and a
 * program compiled for one link type reads the wrong bytes of another's
 * frames. libpcap compiles for one pcap_t's link type; dumpcap compiles the
 * capture filter per interface; here each link type (and byte order, which
 * DLT_NULL's program depends on) gets its program, compiled the first time a
 * frame of it is seen and cached. select() before each matches().
 */
export class PerLinkTypeFilter {
  private readonly programs = new Map<number, BpfProgram>();
  private current: BpfProgram | null = null;
  private currentKey = -1;
  private readonly firstLinkType: number;

  /**
   * Compiles for every link type known at the start (a pcapng's interfaces
   * read ahead), so a syntax error, or a filter one of them cannot express,
   * shows before any packet; `linkTypes[0]` is the file's first.
   */
  constructor(private readonly expr: string, linkTypes: number[], private readonly snaplen: number, swapped: boolean) {
    // No interface yet (a pcapng whose first packet comes before any): Ethernet's program checks the syntax.
    const known = linkTypes.length > 0 ? linkTypes : [1];
    this.firstLinkType = known[0]!;
    for (let i = known.length - 1; i >= 0; i--) this.select(known[i]!, swapped);
  }

  /** Chooses the program for the next frames' link type, compiling it on first use. */
  select(linkType: number, swapped: boolean): void {
    const key = linkType * 2 + (swapped ? 1 : 0);
    if (key === this.currentKey) return;
    let p = this.programs.get(key);
    if (p === undefined) {
      try {
        p = compileBpf(linkType, this.snaplen, this.expr, { swapped });
      } catch (e) {
        if (linkType === this.firstLinkType || !(e instanceof SourceError)) throw e;
        throw new SourceError(`${e.message} (for an interface of link type ${linkType})`);
      }
      this.programs.set(key, p);
    }
    this.current = p;
    this.currentKey = key;
  }

  matches(buf: Buffer, offset: number, caplen: number, wirelen: number): boolean {
    return this.current!.matches(buf, offset, caplen, wirelen);
  }
}
