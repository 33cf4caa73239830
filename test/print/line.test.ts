/**
 * The line printer (src/print/line.ts and the printers it dispatches to):
 * crafted TCP lines with escapes, state events and analysis flags, in exact
 * text; colour through the palette; lines that straddle a small sink's
 * buffer come out whole and in order. Lines of real captures against
 * tcpdump's are in test/oracle/tcpdump-lines.test.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { noColor, type Palette } from '../../src/encode/palette.js';
import { StringSink } from '../../src/encode/sink.js';
import { TimeFormatter } from '../../src/encode/time.js';
import { formatLine, LinePrinter } from '../../src/print/line.js';
import { CaptureFileReader } from '../../src/source/file-reader.js';
import { Tracker } from '../../src/track/tracker.js';
import { conversation } from '../helpers/frames.js';
import { FIXTURES } from '../helpers/netlens.js';

/** An HTTP conversation with escapes, high bytes, a long line, a retransmission, and a close. */
function craftedHttp() {
  const k = conversation('10.0.0.1', '10.0.0.2', 40000, 80);
  const req = Buffer.from('GET /a\\b\x1b[2J\x1b]52;c;SGVsbG8=\x07\xff\x80 HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1');
  const long = Buffer.concat([Buffer.from('GET /'), Buffer.alloc(5000, 0x7a), Buffer.from(' HTTP/1.1\r\n\r\n')]);
  k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
  k.c(101, 901, 'PA', req as never);
  k.c(101, 901, 'PA', req as never); // a retransmission
  k.s(901, 101 + req.length, 'PA', Buffer.from('HTTP/1.1 200 \x01K\r\n\r\n', 'latin1') as never);
  k.c(101 + req.length, 920, 'PA', long as never);
  k.c(101 + req.length + long.length, 920, 'FA'); k.s(920, 102 + req.length + long.length, 'FA');
  k.c(102 + req.length + long.length, 921, 'A');
  return k.frames;
}

/** The lines of `frames` (each with its newline), through one LinePrinter over a sink of `size` bytes. */
function lines(frames: Iterable<import('../../src/frame.js').Frame>, palette: Palette = noColor, size = 1 << 16, extra = {}): string[] {
  const d = new PacketDecoder();
  const t = new Tracker();
  const out = new StringSink(size);
  const printer = new LinePrinter(out, { time: new TimeFormatter('tt', false, true), palette, annotate: true, ...extra });
  const got: string[] = [];
  for (const f of frames) {
    d.decode(f);
    t.observe(d, f.tsSec, f.tsNsec);
    printer.line(f, d, t, null);
    got.push(out.take());
  }
  return got;
}

const HEAD = '1700000000.00';
const C = ' IP 10.0.0.1.40000 > 10.0.0.2.80: ', S = ' IP 10.0.0.2.80 > 10.0.0.1.40000: ';

describe('TCP lines on crafted frames', () => {
  it('HTTP lines with escapes, high bytes and a long line; state events and analysis flags, in exact text', () => {
    const got = lines(craftedHttp());
    expect(got).toEqual([
      `${HEAD}1000${C}Flags [S], seq 100, win 65535, length 0 (client CLOSED → SYN_SENT)\n`,
      `${HEAD}2000${S}Flags [S.], seq 900, ack 101, win 65535, length 0 (server LISTEN → SYN_RCVD; client SYN_SENT → ESTABLISHED)\n`,
      `${HEAD}3000${C}Flags [.], ack 1, win 65535, length 0 (server SYN_RCVD → ESTABLISHED; handshake complete, rtt 2.00ms)\n`,
      // As tcpdump: a request or status line that is not printable ASCII is not shown, only "HTTP".
      `${HEAD}4000${C}Flags [P.], seq 1:53, ack 1, win 65535, length 52: HTTP\n`,
      `${HEAD}5000${C}Flags [P.], seq 1:53, ack 1, win 65535, length 52: HTTP [retransmission]\n`,
      `${HEAD}6000${S}Flags [P.], seq 1:20, ack 53, win 65535, length 19: HTTP\n`,
      `${HEAD}7000${C}Flags [P.], seq 53:5071, ack 20, win 65535, length 5018: HTTP: GET /${'z'.repeat(5000)} HTTP/1.1\n`,
      `${HEAD}8000${C}Flags [F.], seq 5071, ack 20, win 65535, length 0 (client ESTABLISHED → FIN_WAIT_1)\n`,
      `${HEAD}9000${S}Flags [F.], seq 20, ack 5072, win 65535, length 0 (server ESTABLISHED → CLOSE_WAIT; server CLOSE_WAIT → LAST_ACK; client FIN_WAIT_1 → FIN_WAIT_2)\n`,
      `1700000000.010000${C}Flags [.], ack 21, win 65535, length 0 (client FIN_WAIT_2 → TIME_WAIT; server LAST_ACK → CLOSED)\n`,
    ]);
    expect(got.join('')).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/); // nothing but newlines below 0x20
  });

  it('-S: absolute numbers; -q: the length only; formatLine is the same line without its newline', () => {
    const frames = craftedHttp();
    expect(lines(frames, noColor, 1 << 16, { absolute: true })[3]).toBe(`${HEAD}4000${C}Flags [P.], seq 101:153, ack 901, win 65535, length 52: HTTP\n`);
    expect(lines(frames, noColor, 1 << 16, { quick: true, annotate: false })[3]).toBe(`${HEAD}4000${C}tcp 52\n`);
    const d = new PacketDecoder();
    d.decode(frames[0]!);
    const t = new Tracker();
    t.observe(d, frames[0]!.tsSec, frames[0]!.tsNsec);
    expect(formatLine(frames[0]!, d, t, { time: new TimeFormatter('tt', false, true), palette: noColor, annotate: true }))
      .toBe(`${HEAD}1000${C}Flags [S], seq 100, win 65535, length 0 (client CLOSED → SYN_SENT)`);
  });

  it('colour: the flags, analysis flags and events go through the palette', () => {
    const mark = (tag: string) => (s: string) => `<${tag}>${s}</${tag}>`;
    const palette: Palette = { ...noColor, flags: mark('f'), analysis: mark('a'), event: mark('e'), addr: mark('ip') };
    const got = lines(craftedHttp(), palette);
    expect(got[0]).toBe(`${HEAD}1000 IP <ip>10.0.0.1</ip>.40000 > <ip>10.0.0.2</ip>.80: Flags [<f>S</f>], seq 100, win 65535, length 0 <e>(client CLOSED → SYN_SENT)</e>\n`);
    expect(got[4]).toBe(`${HEAD}5000 IP <ip>10.0.0.1</ip>.40000 > <ip>10.0.0.2</ip>.80: Flags [<f>P.</f>], seq 1:53, ack 1, win 65535, length 52: HTTP <a>[retransmission]</a>\n`);
  });
});

describe('lines through a small buffer', () => {
  it('lines straddling a 1500-byte sink buffer come out whole and in order', () => {
    for (const file of ['http-keepalive.pcap', 'lossy-download.pcap', 'tcp-half-close.pcap', 'mixed.pcap']) {
      const frames = [];
      const reader = new CaptureFileReader(join(FIXTURES, file));
      for (let f = reader.next(); f !== null; f = reader.next()) frames.push({ ...f, buf: Buffer.from(f.buf.subarray(f.offset, f.offset + f.caplen)), offset: 0 });
      reader.close();
      expect(frames.length, file).toBeGreaterThan(10);
      for (const extra of [{}, { verbose: 2 }, { linkHeader: true }]) {
        const whole = lines(frames, noColor, 1 << 20, extra).join('');
        const d = new PacketDecoder();
        const t = new Tracker();
        const out = new StringSink(1500);
        const printer = new LinePrinter(out, { time: new TimeFormatter('tt', false, true), palette: noColor, annotate: true, ...extra });
        for (const f of frames) { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); printer.line(f, d, t, null); }
        expect(out.take() === whole, `${file} ${JSON.stringify(extra)}`).toBe(true);
      }
    }
  });
});
