/**
 * Objects the hot paths reuse (stream reassemblers, HTTP parsers and
 * conversations) are put back with reset(). Each test drives one through real
 * input until its state differs from a new one, resets it, and compares every
 * data field with a new object's: a field added to a class later but forgotten
 * in its reset() fails here. (Connection and Endpoint: test/conn-records.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { TcpFlag } from '../../src/decode/constants.js';
import { HttpConversation, HttpMessageParser, type MessageHooks } from '../../src/track/http.js';
import { ReassemblyBudget, StreamReassembler, TcpStreams } from '../../src/track/reassembly.js';

const { SYN, ACK, FIN } = TcpFlag;
const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/**
 * An object's data, for comparison: own fields, recursively, without
 * functions (callbacks and hooks are kept by reset() on purpose and are
 * different closures in a new object).
 */
function data(v: unknown, seen = new Set<unknown>()): unknown {
  if (typeof v === 'function') return '[function]';
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  if (seen.has(v)) return '[cycle]';
  seen.add(v);
  if (Array.isArray(v)) return v.map((x) => data(x, seen));
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) o[k] = data(x, seen);
  return o;
}

describe('reset() leaves an object equal to a new one', () => {
  it('StreamReassembler: after held, out-of-order, gap, FIN and limit state', () => {
    const budget = new ReassemblyBudget();
    const used = new StreamReassembler(16, budget);
    used.onData(() => {}).onGap(() => {}).onEnd(() => {}).onLimit(() => {});
    used.push(1000, SYN, Buffer.alloc(0));
    used.push(1001, ACK, B('abc'));
    used.push(1010, ACK, B('held out of order')); // beyond maxHeld: a limit drop
    used.push(1006, ACK, B('xy')); // held: bytes 1004-1005 missing
    used.ack(1020); // the peer acknowledged unseen bytes: a gap
    used.push(1004, FIN | ACK, Buffer.alloc(0));
    const fresh = new StreamReassembler(16, budget);
    fresh.onData(() => {}).onGap(() => {}).onEnd(() => {}).onLimit(() => {});
    expect(data(used)).not.toEqual(data(fresh));
    used.reset();
    expect(data(used)).toEqual(data(fresh));
    expect(budget.held).toBe(0);
  });

  it('TcpStreams: both directions', () => {
    const used = new TcpStreams(1 << 20);
    used.segment(0, 5000, 0, SYN, Buffer.alloc(0), 0, 0);
    used.segment(1, 9000, 5001, SYN | ACK, Buffer.alloc(0), 0, 0);
    const get = B('GET / HTTP/1.1\r\n');
    used.segment(0, 5001, 9001, ACK, get, 0, get.length);
    used.segment(1, 9001, 5001 + get.length, FIN | ACK, Buffer.alloc(0), 0, 0);
    const fresh = new TcpStreams(1 << 20);
    expect(data(used)).not.toEqual(data(fresh));
    used.reset();
    expect(data(used)).toEqual(data(fresh));
  });

  const hooks: MessageHooks = { start: () => {}, head: (_h, proposed) => proposed, body: () => {}, done: () => {}, error: () => {} };

  it('HttpMessageParser: in the middle of a head, and after a failure', () => {
    for (const input of ['POST /upload HTTP/1.1\r\nHost: a\r\nContent-Le', 'NOT HTTP AT ALL\r\n\r\n']) {
      const used = new HttpMessageParser(true, hooks);
      used.feed(B(input), 1, 2);
      const fresh = new HttpMessageParser(true, hooks);
      expect(data(used)).not.toEqual(data(fresh));
      used.reset();
      expect(data(used)).toEqual(data(fresh));
    }
  });

  it('HttpConversation: one transaction done, the next answered in part, then a second connection', () => {
    const used = new HttpConversation();
    const seen: string[] = [];
    used.onTransaction = (t) => { seen.push(`${t.method} ${t.status}`); };
    used.client(B('GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n'), 10, 0);
    used.server(B('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nContent-Le'), 10, 500);
    const fresh = new HttpConversation();
    expect(data(used)).not.toEqual(data(fresh));
    used.reset();
    expect(data(used)).toEqual(data(fresh));
    // And the reset conversation parses a new connection from its start.
    used.client(B('GET /c HTTP/1.1\r\nHost: h\r\n\r\n'), 11, 0);
    used.server(B('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'), 11, 100);
    expect(seen).toEqual(['GET 200', 'GET 404']);
  });
});
