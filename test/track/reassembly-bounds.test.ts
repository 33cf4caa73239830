/**
 * --max-held and --max-held-total bound the bytes `follow` and `http` hold out
 * of order; a stream over its bound is reported (once, on stderr) and does not
 * grow. A response whose third segment arrives before its second needs the
 * third held until the second comes.
 */
import { describe, expect, it } from 'vitest';
import { ndjson, netlens } from '../helpers/netlens.js';
import { classicPcap, tcpSegment } from '../helpers/pcap.js';

const SYN = 0x02, ACK = 0x10, PSH_ACK = 0x18, FIN_ACK = 0x11;
const C = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80 };
const S = { src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: 40000 };

const request = Buffer.from('GET /x HTTP/1.1\r\nHost: h\r\n\r\n');
const body = Buffer.alloc(3000, 0x61);
const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
const response = Buffer.concat([head, body]);
const piece = (from: number, to: number): Buffer => response.subarray(from, to);
const r0 = 5001, q0 = 1001, q1 = q0 + request.length;
const cut1 = 1000, cut2 = 2000;

const capture = classicPcap([
  tcpSegment({ ...C, seq: 1000, flags: SYN }),
  tcpSegment({ ...S, seq: 5000, ack: q0, flags: SYN | ACK }),
  tcpSegment({ ...C, seq: q0, ack: r0, flags: ACK }),
  tcpSegment({ ...C, seq: q0, ack: r0, flags: PSH_ACK, payload: request }),
  tcpSegment({ ...S, seq: r0, ack: q1, payload: piece(0, cut1) }),
  tcpSegment({ ...S, seq: r0 + cut2, ack: q1, payload: piece(cut2, response.length) }), // ahead of the hole: held
  tcpSegment({ ...S, seq: r0 + cut1, ack: q1, payload: piece(cut1, cut2) }), // fills the hole
  tcpSegment({ ...S, seq: r0 + response.length, ack: q1, flags: FIN_ACK }),
  tcpSegment({ ...C, seq: q1, ack: r0 + response.length + 1, flags: FIN_ACK }),
  tcpSegment({ ...S, seq: r0 + response.length + 1, ack: q1 + 1, flags: ACK }),
]);

describe('reassembly bounds', () => {
  it('within the default bounds the held segment is placed: the whole response, no warning', () => {
    const follow = netlens(['follow', '--raw', 'server', '-', '0'], capture);
    expect(follow.stderr).toBe('');
    expect(Buffer.from(follow.stdout, 'latin1').toString('latin1')).toBe(response.toString('latin1'));
    const http = netlens(['http', '--json', '-'], capture);
    expect(http.stderr).toBe('');
    expect(ndjson(http.stdout).map((r) => [r.status, r.responseBodyBytes])).toEqual([[200, body.length]]);
  });

  for (const flag of [['--max-held', '512'], ['--max-held-total', '1K']]) {
    it(`${flag.join(' ')}: the segment over the bound is dropped and reported once`, () => {
      const follow = netlens(['follow', '--raw', 'server', ...flag, '-', '0'], capture);
      expect(follow.stderr).toMatch(/^netlens: warning: out-of-order bytes over the reassembly bounds were dropped/m);
      expect(follow.stderr).toMatch(/bytes of the server's stream were not captured/);
      // Only the bytes before the dropped segment (and the hole-filler) arrive; nothing after the hole.
      expect(follow.stdout.length).toBe(cut2);

      const http = netlens(['http', '--json', ...flag, '-'], capture);
      const warnings = http.stderr.split('\n').filter((l) => l.includes('reassembly bounds'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^netlens: warning: conn 0 server: out-of-order bytes over the reassembly bounds were dropped/);
      const [tx] = ndjson(http.stdout);
      // The dropped bytes become a gap inside the body: counted, so the message's framing still holds.
      expect([tx!.status, tx!.responseBodyBytes]).toEqual([200, body.length]);
    });
  }

  it('sizes take K, M and G; anything else is a usage error', () => {
    expect(netlens(['follow', '--raw', 'server', '--max-held', '4M', '--max-held-total', '1G', '-', '0'], capture).stderr).toBe('');
    const bad = netlens(['follow', '--max-held', '4x', '-', '0'], capture);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('netlens: option --max-held needs a size such as 512K or 4M, not "4x"\n');
  });
});
