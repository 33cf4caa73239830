/**
 * HTTP after capture gaps (bytes the reassembler never saw), as Zeek's HTTP
 * analyzer does it (HTTP_Analyzer::Undelivered): a gap inside a body of known
 * length is skipped and parsing goes on; elsewhere the message is ended and
 * parsing resynchronises on the next request / status line. The missing bytes
 * are reported on the transaction (`gapBytes`). And the pending queue is linear:
 * many pipelined requests cost time in proportion to their number.
 */
import { describe, expect, it, vi } from 'vitest';
import { HttpConversation, type HttpTransaction, MAX_PENDING } from '../../src/track/http.js';

type Step = ['c' | 's', string] | ['cgap' | 'sgap', number];

function run(steps: Step[]): HttpTransaction[] {
  const conv = new HttpConversation();
  const tx: HttpTransaction[] = [];
  conv.onTransaction = (t) => tx.push(t);
  steps.forEach(([kind, v], i) => {
    if (kind === 'c') conv.client(Buffer.from(v as string, 'latin1'), 100 + i, 0);
    else if (kind === 's') conv.server(Buffer.from(v as string, 'latin1'), 100 + i, 0);
    else if (kind === 'cgap') conv.clientGap(v as number);
    else conv.serverGap(v as number);
  });
  conv.finish();
  return tx;
}

const brief = (tx: HttpTransaction[]) => tx.map((t) => ({ u: t.uri, s: t.status, r: t.responseBodyBytes, g: t.gapBytes, tr: t.truncated }));

const REQ = (u: string) => `GET ${u} HTTP/1.1\r\nHost: h\r\n\r\n`;
const RESP = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('gaps inside a body of known length are skipped', () => {
  it('Content-Length body: the bytes count into the body and the next response parses', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n';
    const tx = run([
      ['c', REQ('/a')], ['c', REQ('/b')],
      ['s', head + 'x'.repeat(30)], ['sgap', 50], ['s', 'y'.repeat(20)],
      ['s', RESP('ok')],
    ]);
    expect(brief(tx)).toEqual([
      { u: '/a', s: 200, r: 100, g: 50, tr: false },
      { u: '/b', s: 200, r: 2, g: 0, tr: false },
    ]);
  });

  it('a gap that ends exactly at the end of the body completes the message', () => {
    const tx = run([
      ['c', REQ('/a')], ['c', REQ('/b')],
      ['s', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'], ['sgap', 7], ['s', RESP('ok')],
    ]);
    expect(brief(tx).map((t) => [t.u, t.s, t.r, t.g])).toEqual([['/a', 200, 10, 7], ['/b', 200, 2, 0]]);
  });

  it('a chunk\'s data: skipped within the chunk, the chunked body goes on', () => {
    const tx = run([
      ['c', REQ('/c')], ['c', REQ('/d')],
      ['s', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123'], ['sgap', 8], ['s', 'cdef\r\n0\r\n\r\n'],
      ['s', RESP('ok')],
    ]);
    expect(brief(tx)).toEqual([
      { u: '/c', s: 200, r: 16, g: 8, tr: false },
      { u: '/d', s: 200, r: 2, g: 0, tr: false },
    ]);
  });
});

describe('other gaps: the message ends, parsing resynchronises on the next start line', () => {
  it('a gap in a response header: that response is truncated, the next one is found', () => {
    const tx = run([
      ['c', REQ('/a')], ['c', REQ('/b')],
      ['s', 'HTTP/1.1 200 OK\r\nContent-Le'], ['sgap', 40], ['s', 'ngth-rest: 3\r\n\r\nabc' + RESP('second')],
    ]);
    expect(brief(tx)).toEqual([
      { u: '/a', s: 200, r: 0, g: 40, tr: true },
      { u: '/b', s: 200, r: 6, g: 0, tr: false },
    ]);
  });

  it('a gap longer than the body: the message ends, what follows the gap mid-line is skipped', () => {
    const tx = run([
      ['c', REQ('/a')], ['c', REQ('/b')], ['c', REQ('/c')],
      ['s', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'], ['sgap', 500], ['s', 'tail of something\r\n' + RESP('x') + RESP('yy')],
    ]);
    expect(brief(tx).map((t) => [t.u, t.s, t.tr])).toEqual([['/a', 200, true], ['/b', 200, false], ['/c', 200, false]]);
    expect(tx[0]!.gapBytes).toBe(500);
  });

  it('a request lost whole in a client gap: the response sent before the next request is not paired with it', () => {
    // Keep-alive, one at a time: /a, (lost request), /c. The lost request's response comes
    // before /c was sent, so it gets a record of its own and /c keeps its own response.
    const tx = run([
      ['c', REQ('/a')], ['s', RESP('A')],
      ['cgap', 30], ['s', RESP('B')],
      ['c', REQ('/c')], ['s', RESP('C')],
    ]);
    expect(tx.map((t) => [t.uri, t.status, t.responseBodyBytes])).toEqual([['/a', 200, 1], [null, 200, 1], ['/c', 200, 1]]);
  });

  it('a response lost whole in a server gap: the next response answers the request sent after it', () => {
    const tx = run([
      ['c', REQ('/a')], ['s', RESP('A')],
      ['c', REQ('/b')], ['sgap', 40],
      ['c', REQ('/c')], ['s', RESP('CC')],
    ]);
    expect(tx.map((t) => [t.uri, t.status, t.responseBodyBytes])).toEqual([['/a', 200, 1], ['/b', null, 0], ['/c', 200, 2]]);
  });

  it('a gap in the request stream: later requests are still parsed', () => {
    const tx = run([
      ['c', 'POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Enc'], ['cgap', 100], ['c', 'oding: chunked\r\n\r\n' + REQ('/next')],
      ['s', RESP('1')], ['s', RESP('2')],
    ]);
    expect(tx.map((t) => [t.method, t.uri, t.status, t.truncated, t.gapBytes])).toEqual([['POST', '/up', 200, true, 100], ['GET', '/next', 200, false, 0]]);
  });

  it('the first request lost whole: its response still makes a record, later ones pair as usual', () => {
    const tx = run([['cgap', 87], ['s', RESP('ok')], ['c', REQ('/b')], ['s', RESP('xyz')]]);
    expect(tx.map((t) => [t.uri, t.status, t.responseBodyBytes])).toEqual([[null, 200, 2], ['/b', 200, 3]]);
  });

  it('a stream that is not HTTP, begun inside a gap: nothing reported', () => {
    const conv = new HttpConversation();
    const tx: HttpTransaction[] = [];
    const errors: string[] = [];
    conv.onTransaction = (t) => tx.push(t);
    conv.onError = (_side, msg) => errors.push(msg);
    conv.clientGap(300);
    conv.client(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x0a]), 1, 0);
    conv.server(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x0a]), 2, 0);
    conv.finish();
    expect([tx.length, errors]).toEqual([0, []]);
  });

  it('a line longer than the line limit after a gap is skipped, not kept', () => {
    const tx = run([
      ['c', REQ('/a')], ['c', REQ('/b')],
      ['s', 'HTTP/1.1 200 OK\r\n'], ['sgap', 10], ['s', 'z'.repeat(200_000) + '\r\n' + RESP('ok')],
    ]);
    expect(tx.map((t) => [t.uri, t.status])).toEqual([['/a', 200], ['/b', 200]]);
  });
});

describe('pipelining', () => {
  it('many pipelined requests: every one paired in order; the queue is never shifted or spliced (no work per element left behind)', () => {
    // Speed itself is measured in the benchmark (bench/gen-bounds.mjs pipelined); here, that the
    // queue is read from a moving head: Array.prototype.shift / splice on it made 300,000 quadratic.
    const n = 20_000;
    const conv = new HttpConversation();
    let seen = 0, ok = 0;
    conv.onTransaction = (t) => { if (t.uri === `/${seen}` && t.status === 200) ok++; seen++; };
    const reqs = Buffer.from(Array.from({ length: n }, (_, i) => REQ(`/${i}`)).join(''));
    const resps = Buffer.from(RESP('').repeat(n));
    const shift = vi.spyOn(Array.prototype, 'shift');
    const splice = vi.spyOn(Array.prototype, 'splice');
    try {
      conv.client(reqs, 1, 0);
      conv.server(resps, 2, 0);
      conv.finish();
      expect([shift.mock.calls.length, splice.mock.calls.length]).toEqual([0, 0]);
    } finally {
      shift.mockRestore();
      splice.mockRestore();
    }
    expect([seen, ok]).toEqual([n, n]);
  });

  it(`more than ${MAX_PENDING} requests awaiting responses: the oldest are reported early, later responses still pair with their own requests`, () => {
    const n = MAX_PENDING + 100;
    const conv = new HttpConversation();
    const tx: HttpTransaction[] = [];
    let limits = 0;
    conv.onTransaction = (t) => tx.push(t);
    conv.onLimit = () => { limits++; };
    conv.client(Buffer.from(Array.from({ length: n }, (_, i) => REQ(`/${i}`)).join('')), 1, 0);
    // The responses carry the index of their request in their body.
    conv.server(Buffer.from(Array.from({ length: n }, (_, i) => RESP(String(i))).join('')), 2, 0);
    conv.finish();
    expect(limits).toBe(1);
    expect(tx.length).toBe(n);
    expect(tx.slice(0, 100).every((t) => t.status === null)).toBe(true);
    expect(tx.slice(100).every((t, i) => t.status === 200 && t.responseBodyBytes === String(i + 100).length)).toBe(true);
  });
});
