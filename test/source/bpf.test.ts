import { describe, it, expect, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { endianness } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BpfProgram, compileBpf } from '../../src/source/bpf.js';
import { nativeAvailable, nativeBinding, nativeUnavailableReason } from '../../src/source/live.js';
import { SourceError } from '../../src/frame.js';

const repoRoot = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const corpusDir = join(repoRoot, '..', 'shared', 'corpus', 'pcap');
const hasCorpus = existsSync(corpusDir);
const hasTcpdump = spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;
const hasNative = nativeAvailable();
if (!hasCorpus) console.warn(`bpf.test: ${corpusDir} not found; skipping the libpcap-oracle comparison`);
if (!hasTcpdump) console.warn('bpf.test: tcpdump not installed; skipping the libpcap-oracle comparison');
if (!hasNative) console.warn(`bpf.test: native binding unavailable (${nativeUnavailableReason()}); skipping compile tests (npm run build)`);

// ------------------------------------------------------------------ minimal classic-pcap reader (test-only)

interface Rec {
  tsSec: number;
  tsNsec: number;
  caplen: number;
  len: number;
  offset: number; // into the file buffer
}
interface PcapFile {
  swapped: boolean; // file byte order differs from this host's
  linkType: number;
  snaplen: number;
  buf: Buffer;
  recs: Rec[];
}

/** Classic pcap only (either byte order, µs or ns). Mirrors libpcap: caplen > snapshot is truncated to it. */
function readPcap(buf: Buffer): PcapFile | null {
  if (buf.length < 24) return null;
  const m = buf.readUInt32LE(0);
  let le: boolean;
  let nano: boolean;
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) {
    le = true;
    nano = m === 0xa1b23c4d;
  } else if (buf.readUInt32BE(0) === 0xa1b2c3d4 || buf.readUInt32BE(0) === 0xa1b23c4d) {
    le = false;
    nano = buf.readUInt32BE(0) === 0xa1b23c4d;
  } else return null;
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const snaplen = u32(16);
  const linkType = u32(20) & 0x03ffffff; // low 26 bits (FCS bits live above)
  const snapshot = snaplen === 0 || snaplen > 262144 ? 262144 : snaplen;
  const recs: Rec[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const tsSec = u32(off);
    const frac = u32(off + 4);
    const caplen = u32(off + 8);
    const len = u32(off + 12);
    if (caplen > 262144) break; // libpcap: "invalid packet capture length"
    if (off + 16 + caplen > buf.length) break; // truncated file
    recs.push({ tsSec, tsNsec: nano ? frac : frac * 1000, caplen: Math.min(caplen, snapshot), len, offset: off + 16 });
    off += 16 + caplen;
  }
  return { swapped: le !== (endianness() === 'LE'), linkType, snaplen: snapshot, buf, recs };
}

// ------------------------------------------------------------------ hand-written programs

const I = (code: number, jt: number, jf: number, k: number) => [code, jt, jf, k];
const prog = (...insns: number[][]) => new BpfProgram(Uint32Array.from(insns.flat()));
const pkt = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

describe('BpfProgram interpreter', () => {
  const p = pkt('00112233 44556677 8899aabb ccddeeff');
  it('RET K / RET A', () => {
    expect(prog(I(0x06, 0, 0, 0)).matches(p, 0, 16, 16)).toBe(false);
    expect(prog(I(0x06, 0, 0, 65535)).matches(p, 0, 16, 16)).toBe(true);
    expect(prog(I(0x00, 0, 0, 7), I(0x16, 0, 0, 0)).run(p, 0, 16, 16)).toBe(7);
  });
  it('absolute loads of each size, honouring the frame offset', () => {
    const b = Buffer.concat([Buffer.alloc(5, 0xee), p]);
    expect(prog(I(0x20, 0, 0, 4), I(0x16, 0, 0, 0)).run(b, 5, 16, 16)).toBe(0x44556677);
    expect(prog(I(0x28, 0, 0, 14), I(0x16, 0, 0, 0)).run(b, 5, 16, 16)).toBe(0xeeff);
    expect(prog(I(0x30, 0, 0, 15), I(0x16, 0, 0, 0)).run(b, 5, 16, 16)).toBe(0xff);
  });
  it('out-of-bounds loads reject (caplen, not buffer length, is the bound)', () => {
    expect(prog(I(0x20, 0, 0, 13), I(0x06, 0, 0, 1)).run(p, 0, 16, 16)).toBe(0);
    expect(prog(I(0x20, 0, 0, 12), I(0x06, 0, 0, 1)).run(p, 0, 16, 16)).toBe(1);
    expect(prog(I(0x30, 0, 0, 10), I(0x06, 0, 0, 1)).run(p, 0, 10, 16)).toBe(0);
    expect(prog(I(0x28, 0, 0, 0xffffffff), I(0x06, 0, 0, 1)).run(p, 0, 16, 16)).toBe(0);
    // indirect: X + k beyond caplen, and X + k overflowing 32 bits
    expect(prog(I(0x01, 0, 0, 10), I(0x50, 0, 0, 6), I(0x06, 0, 0, 1)).run(p, 0, 16, 16)).toBe(0);
    expect(prog(I(0x01, 0, 0, 0xffffffff), I(0x50, 0, 0, 2), I(0x06, 0, 0, 1)).run(p, 0, 16, 16)).toBe(0);
    expect(prog(I(0x01, 0, 0, 10), I(0x48, 0, 0, 4), I(0x16, 0, 0, 0)).run(p, 0, 16, 16)).toBe(0xeeff);
  });
  it('LEN, MSH, MEM, TAX/TXA', () => {
    expect(prog(I(0x80, 0, 0, 0), I(0x16, 0, 0, 0)).run(p, 0, 16, 1500)).toBe(1500);
    expect(prog(I(0x81, 0, 0, 0), I(0x87, 0, 0, 0), I(0x16, 0, 0, 0)).run(p, 0, 16, 99)).toBe(99);
    // X = 4 * (P[5] & 0xf) = 4 * 5 = 20
    expect(prog(I(0xb1, 0, 0, 5), I(0x87, 0, 0, 0), I(0x16, 0, 0, 0)).run(p, 0, 16, 16)).toBe(20);
    // A=9; M[3]=A; A=0; X=M[3]; A=X
    expect(
      prog(I(0x00, 0, 0, 9), I(0x02, 0, 0, 3), I(0x00, 0, 0, 0), I(0x61, 0, 0, 3), I(0x87, 0, 0, 0), I(0x16, 0, 0, 0)).run(p, 0, 16, 16),
    ).toBe(9);
    // A=5; TAX; STX M[1]; LD M[1]
    expect(prog(I(0x00, 0, 0, 5), I(0x07, 0, 0, 0), I(0x03, 0, 0, 1), I(0x60, 0, 0, 1), I(0x16, 0, 0, 0)).run(p, 0, 16, 16)).toBe(5);
  });
  it('ALU: unsigned 32-bit wrap, div/mod by zero rejects, shifts >= 32 give 0', () => {
    const alu = (a: number, code: number, k: number) => prog(I(0x00, 0, 0, a), I(code, 0, 0, k), I(0x16, 0, 0, 0)).run(p, 0, 16, 16);
    const aluX = (a: number, code: number, x: number) =>
      prog(I(0x01, 0, 0, x), I(0x00, 0, 0, a), I(code, 0, 0, 0), I(0x16, 0, 0, 0)).run(p, 0, 16, 16);
    expect(alu(0xffffffff, 0x04, 2)).toBe(1); // add
    expect(alu(1, 0x14, 2)).toBe(0xffffffff); // sub
    expect(alu(0x10000, 0x24, 0x10001)).toBe(0x10000); // mul wraps
    expect(alu(0xffffffff, 0x34, 7)).toBe(613566756); // div
    expect(alu(100, 0x94, 7)).toBe(2); // mod
    expect(alu(0xf0f0f0f0, 0x54, 0xff)).toBe(0xf0);
    expect(alu(0xf0000000, 0x44, 0x0f)).toBe(0xf000000f);
    expect(alu(0xff, 0xa4, 0x0f)).toBe(0xf0);
    expect(alu(1, 0x64, 31)).toBe(0x80000000);
    expect(alu(0x80000000, 0x74, 31)).toBe(1);
    expect(alu(5, 0x84, 0)).toBe(0xfffffffb); // neg
    expect(aluX(10, 0x3c, 0)).toBe(0); // div by X=0 rejects
    expect(aluX(10, 0x9c, 0)).toBe(0); // mod by X=0 rejects
    expect(aluX(1, 0x6c, 32)).toBe(0);
    expect(aluX(0x80000000, 0x7c, 40)).toBe(0);
    expect(aluX(0xffffffff, 0x3c, 0x10000)).toBe(0xffff);
  });
  it('jumps: JA, JEQ/JGT/JGE/JSET with K and X', () => {
    const j = (a: number, code: number, k: number, x = 0) =>
      prog(I(0x01, 0, 0, x), I(0x00, 0, 0, a), I(code, 1, 0, k), I(0x06, 0, 0, 0), I(0x06, 0, 0, 1)).run(p, 0, 16, 16);
    expect(j(5, 0x15, 5)).toBe(1);
    expect(j(5, 0x15, 6)).toBe(0);
    expect(j(0xffffffff, 0x25, 1)).toBe(1); // unsigned compare
    expect(j(5, 0x35, 5)).toBe(1);
    expect(j(4, 0x35, 5)).toBe(0);
    expect(j(6, 0x45, 2)).toBe(1);
    expect(j(4, 0x45, 2)).toBe(0);
    expect(j(5, 0x1d, 0, 5)).toBe(1);
    expect(j(5, 0x2d, 0, 6)).toBe(0);
    expect(j(6, 0x3d, 0, 6)).toBe(1);
    expect(j(6, 0x4d, 0, 1)).toBe(0);
    expect(prog(I(0x05, 0, 0, 1), I(0x06, 0, 0, 0), I(0x06, 0, 0, 3)).run(p, 0, 16, 16)).toBe(3);
  });
  it('rejects malformed programs up front', () => {
    expect(() => new BpfProgram(new Uint32Array(0))).toThrow(SourceError);
    expect(() => new BpfProgram(Uint32Array.from([0x06, 0, 0]))).toThrow(SourceError);
    expect(() => prog(I(0x05, 0, 0, 5), I(0x06, 0, 0, 0))).toThrow(/jump out of range/);
    expect(() => prog(I(0x15, 3, 0, 5), I(0x06, 0, 0, 0))).toThrow(/jump out of range/);
    expect(() => prog(I(0x00, 0, 0, 1))).toThrow(/return/);
    expect(() => prog(I(0x02, 0, 0, 16), I(0x06, 0, 0, 0))).toThrow(/scratch/);
    expect(() => prog(I(0x34, 0, 0, 0), I(0x06, 0, 0, 0))).toThrow(/division/);
  });
});

// ------------------------------------------------------------------ compiling with libpcap

describe.skipIf(!hasNative)('compileBpf', () => {
  it('compiles to whole instructions ending in RET', () => {
    const insns = nativeBinding()!.compileFilter(1, 262144, 'tcp port 80');
    expect(insns).toBeInstanceOf(Uint32Array);
    expect(insns.length % 4).toBe(0);
    expect(insns[insns.length - 4] & 7).toBe(6);
    // `tcp port 80` on Ethernet starts with "ldh [12]"
    expect([insns[0], insns[3]]).toEqual([0x28, 12]);
  });
  it('bad expression: one-line SourceError with libpcap text', () => {
    let err: unknown;
    try {
      compileBpf(1, 65535, 'tcp prot 80');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toMatch(/syntax error/);
    expect((err as Error).message).not.toMatch(/\n/);
    expect(() => compileBpf(101, 65535, 'ether host 1:2:3:4:5:6')).toThrow(/ether/i);
  });
  it('a filter on an Ethernet ARP request', () => {
    const arp = pkt('ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002');
    expect(compileBpf(1, 65535, 'arp').matches(arp, 0, arp.length, arp.length)).toBe(true);
    expect(compileBpf(1, 65535, 'ip').matches(arp, 0, arp.length, arp.length)).toBe(false);
    expect(compileBpf(1, 65535, 'arp host 10.0.0.2').matches(arp, 0, arp.length, arp.length)).toBe(true);
    expect(compileBpf(1, 65535, 'ether broadcast').matches(arp, 0, arp.length, arp.length)).toBe(true);
  });
});

describe('compileBpf without the binding', () => {
  it('says what to install', async () => {
    vi.resetModules();
    process.env.NETLENS_NO_NATIVE = '1';
    try {
      const fresh = await import('../../src/source/bpf.js');
      expect(() => fresh.compileBpf(1, 65535, 'tcp')).toThrow('BPF filters need libpcap: apt-get install libpcap-dev && npm run build');
    } finally {
      delete process.env.NETLENS_NO_NATIVE;
      vi.resetModules();
    }
  });
});

// ------------------------------------------------------------------ JS verdict vs libpcap (tcpdump) verdict

const FILTERS = [
  'tcp port 80',
  'udp',
  'arp',
  'host 10.0.0.1',
  'ip6',
  'vlan and tcp',
  'tcp[tcpflags] & tcp-syn != 0',
  'net 10.0.0.0/8',
  'portrange 1-1024',
  // more instruction coverage: IND loads, MSH, ALU with X, DIV/MOD/XOR, LEN, MEM, protochain loops
  'icmp or icmp6',
  'tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420',
  '(ip[2:2] - ((ip[0] & 0xf) << 2)) / 4 > 10',
  'ip[8] % 3 == 1 or ether[0] ^ 0xff = 0',
  'greater 200 and not ip6',
  'len <= 100',
  'ip[6:2] & 0x1fff != 0 or ip[6] & 0x20 != 0',
  'ip6 protochain 6',
  'ip proto \\udp and udp[8:2] > 0x8000',
  'vlan 100 or mpls',
  'ether broadcast or ether multicast',
  'dst port 53 or src portrange 1000-2000',
];

interface OracleRec {
  tsSec: number;
  tsNsec: number;
  caplen: number;
  len: number;
  hex: string;
}

function tcpdumpMatches(file: string, filter: string): { ok: true; recs: OracleRec[] } | { ok: false; stderr: string } {
  // --nano keeps nanosecond stamps; -w - writes the matching records to stdout.
  const r = spawnSync('tcpdump', ['-nn', '--nano', '-r', file, '-w', '-', filter], { maxBuffer: 1 << 28 });
  const out = readPcap(r.stdout);
  if (!out) return { ok: false, stderr: r.stderr.toString() };
  return {
    ok: true,
    recs: out.recs.map((x) => ({ tsSec: x.tsSec, tsNsec: x.tsNsec, caplen: x.caplen, len: x.len, hex: out.buf.subarray(x.offset, x.offset + x.caplen).toString('hex') })),
  };
}

const runOracle = hasCorpus && hasTcpdump && hasNative;
const corpusFiles = hasCorpus
  ? readdirSync(corpusDir)
      .filter((f) => f.endsWith('.pcap'))
      .sort()
  : [];

describe.skipIf(!runOracle)('JS BPF verdict equals libpcap verdict over the corpus', () => {
  it('every packet of every classic pcap, for every filter', () => {
    let filesUsed = 0;
    let packetsCompared = 0;
    let matchesSeen = 0;
    let compileErrorsAgreed = 0;
    const failures: string[] = [];
    for (const name of corpusFiles) {
      const path = join(corpusDir, name);
      const pf = readPcap(readFileSync(path));
      if (!pf || pf.recs.length === 0) continue;
      // Only files tcpdump itself reads completely (same record count as ours).
      const all = tcpdumpMatches(path, '');
      if (!all.ok || all.recs.length !== pf.recs.length) continue;
      filesUsed++;
      for (const filter of FILTERS) {
        let program: BpfProgram | null = null;
        let compileError = '';
        try {
          program = compileBpf(pf.linkType, pf.snaplen, filter, { swapped: pf.swapped });
        } catch (e) {
          compileError = (e as Error).message;
        }
        const oracle = tcpdumpMatches(path, filter);
        if (!program || !oracle.ok) {
          // Both must refuse the filter for this link type.
          if (!program && !oracle.ok) compileErrorsAgreed++;
          else failures.push(`${name} [${filter}]: js ${program ? 'compiled' : `error ${compileError}`}, tcpdump ${oracle.ok ? 'compiled' : `error ${(oracle as { stderr: string }).stderr.trim()}`}`);
          continue;
        }
        const mine: OracleRec[] = [];
        for (const r of pf.recs) {
          if (program.matches(pf.buf, r.offset, r.caplen, r.len)) {
            mine.push({ tsSec: r.tsSec, tsNsec: r.tsNsec, caplen: r.caplen, len: r.len, hex: pf.buf.subarray(r.offset, r.offset + r.caplen).toString('hex') });
          }
        }
        packetsCompared += pf.recs.length;
        matchesSeen += mine.length;
        // Same packets in the same order (bytes and lengths; time stamps are not part of the
        // verdict, and libpcap rewrites invalid µs stamps when scaling them to ns for --nano).
        const key = (r: OracleRec) => `${r.caplen}/${r.len}/${r.hex}`;
        if (mine.length !== oracle.recs.length || mine.some((m, i) => key(m) !== key(oracle.recs[i]))) {
          failures.push(`${name} [${filter}]: js matched ${mine.length}, libpcap matched ${oracle.recs.length}`);
        }
      }
    }
    console.log(
      `bpf oracle: ${filesUsed} files, ${FILTERS.length} filters, ${packetsCompared} packet verdicts compared, ${matchesSeen} matches, ${compileErrorsAgreed} filter/link-type refusals agreed`,
    );
    expect(failures).toEqual([]);
    expect(filesUsed).toBeGreaterThan(10);
    expect(matchesSeen).toBeGreaterThan(100);
  });
});
