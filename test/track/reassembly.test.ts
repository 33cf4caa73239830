import { describe, it, expect } from 'vitest';
import { TcpFlag } from '../../src/decode/constants.js';
import { ReassemblyBudget, StreamReassembler, TcpStreams } from '../../src/track/reassembly.js';

const { SYN, FIN, RST, ACK } = TcpFlag;

function collect(r: StreamReassembler) {
  const out: (string | number)[] = [];
  const ends: string[] = [];
  const limits: number[] = [];
  r.onData((b, off) => { out.push(`${off}:${b.toString('latin1')}`); })
    .onGap((size) => { out.push(size); })
    .onEnd((why) => { ends.push(why); })
    .onLimit((h) => { limits.push(h); });
  return { out, ends, limits, text: () => out.map((x) => (typeof x === 'number' ? `[gap ${x}]` : x.slice(x.indexOf(':') + 1))).join('') };
}

const B = (s: string) => Buffer.from(s, 'latin1');

describe('StreamReassembler', () => {
  it('delivers in-order data with stream offsets, ends at FIN', () => {
    const r = new StreamReassembler();
    const c = collect(r);
    r.push(1000, SYN, Buffer.alloc(0));
    r.push(1001, ACK, B('hello '));
    r.push(1007, ACK, B('world'));
    r.push(1012, FIN | ACK, Buffer.alloc(0));
    expect(c.out).toEqual(['0:hello ', '6:world']);
    expect(c.ends).toEqual(['fin']);
    r.push(1012, ACK, B('late'));
    expect(c.out.length).toBe(2);
  });

  it('holds out-of-order segments and places them', () => {
    const r = new StreamReassembler();
    const c = collect(r);
    r.push(0, SYN, Buffer.alloc(0));
    r.push(7, ACK, B('CCC'));
    r.push(4, ACK, B('BBB'));
    expect(c.out).toEqual([]);
    expect(r.heldBytes).toBe(6);
    r.push(1, ACK, B('AAA'));
    expect(c.text()).toBe('AAABBBCCC');
    expect(r.heldBytes).toBe(0);
  });

  it('delivers retransmitted and overlapping bytes once, first copy wins', () => {
    const r = new StreamReassembler();
    const c = collect(r);
    r.push(0, SYN, Buffer.alloc(0));
    r.push(1, ACK, B('abcd'));
    r.push(1, ACK, B('abcd')); // plain retransmission
    r.push(3, ACK, B('XYef')); // overlaps delivered bytes: only "ef" is new
    r.push(9, ACK, B('ij'));   // held
    r.push(8, ACK, B('hIJk')); // overlaps the held "ij": held copy wins
    r.push(7, ACK, B('g'));
    expect(c.text()).toBe('abcdefghijk');
    expect(r.duplicateBytes).toBe(4 + 2 + 2);
  });

  it('reports a gap with its size when the peer acks past it, and continues', () => {
    const s = new TcpStreams();
    const c = collect(s.dir[0]);
    s.segment(0, 100, 0, SYN, Buffer.alloc(0), 0, 0);
    s.segment(0, 101, 0, ACK, B('1234'), 0, 4);
    s.segment(0, 115, 0, ACK, B('after'), 0, 5); // 105..114 never captured
    expect(c.out).toEqual(['0:1234']);
    s.segment(1, 500, 120, ACK, Buffer.alloc(0), 0, 0); // the receiver acks everything
    expect(c.out).toEqual(['0:1234', 10, '14:after']);
    s.segment(0, 120, 0, ACK, B('more'), 0, 4);
    expect(c.text()).toBe('1234[gap 10]aftermore');
  });

  it('reports a gap at the end of the stream (RST, finish)', () => {
    const r = new StreamReassembler();
    const c = collect(r);
    r.push(0, SYN, Buffer.alloc(0));
    r.push(1, ACK, B('ab'));
    r.push(6, ACK, B('fg'));
    r.push(10, RST, Buffer.alloc(0));
    expect(c.text()).toBe('ab[gap 3]fg');
    expect(c.ends).toEqual(['rst']);
    const r2 = new StreamReassembler();
    const c2 = collect(r2);
    r2.push(50, ACK, B('mid')); // picked up mid-stream
    r2.push(60, ACK, B('x'));
    r2.finish();
    expect(c2.text()).toBe('mid[gap 7]x');
    expect(c2.ends).toEqual(['finish']);
  });

  it('handles sequence wrap', () => {
    const r = new StreamReassembler();
    const c = collect(r);
    const isn = 0xfffffffa;
    r.push(isn, SYN, Buffer.alloc(0));
    r.push(0x00000001, ACK, B('6789')); // after the wrap, out of order
    r.push(0xfffffffb, ACK, B('012345'));
    r.push(0x00000005, FIN | ACK, Buffer.alloc(0));
    expect(c.text()).toBe('0123456789');
    expect(c.ends).toEqual(['fin']);
  });

  it('bounds the bytes held per stream and in total, reporting the limit once', () => {
    const r = new StreamReassembler(10);
    const c = collect(r);
    r.push(0, SYN, Buffer.alloc(0));
    r.push(11, ACK, B('0123456789'));
    r.push(21, ACK, B('abc')); // would exceed 10 held bytes
    r.push(24, ACK, B('def'));
    expect(r.heldBytes).toBe(10);
    expect(c.limits).toEqual([10]);
    expect(r.limitDrops).toBe(6);
    r.push(1, ACK, B('ABCDEFGHIJ'));
    expect(c.text()).toBe('ABCDEFGHIJ0123456789');
    // Retransmitted after the hole filled: accepted in order.
    r.push(21, ACK, B('abcdef'));
    expect(c.text()).toBe('ABCDEFGHIJ0123456789abcdef');

    const budget = new ReassemblyBudget(8);
    const a = new StreamReassembler(100, budget), b = new StreamReassembler(100, budget);
    const la = collect(a), lb = collect(b);
    a.push(0, SYN, Buffer.alloc(0)); b.push(0, SYN, Buffer.alloc(0));
    a.push(5, ACK, B('aaaaaa'));
    b.push(5, ACK, B('bbbbbb'));
    expect(budget.held).toBe(6);
    expect(lb.limits.length).toBe(1);
    expect(la.limits.length).toBe(0);
    a.finish(); b.finish();
    expect(budget.held).toBe(0);
  });
});
