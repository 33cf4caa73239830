import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import type { Frame } from '../../src/frame.js';
import { header, headerValues, HttpConversation, type HttpHead, HttpMessageParser, type HttpTransaction, parseRequestLine, parseStatusLine } from '../../src/track/http.js';
import { Tracker } from '../../src/track/tracker.js';
import { HttpCollector } from '../../src/report/http.js';
import type { HttpRecord } from '../../src/encode/records.js';
import { httpRecord, writeHttpJson } from '../../src/encode/http-record.js';
import { conversation } from '../helpers/frames.js';

import { FIXTURES, ndjson, netlens, ROOT } from '../helpers/netlens.js';
import { MemoryOutput } from '../helpers/memory-output.js';

type Script = ['c' | 's', string][];

interface Result { tx: HttpTransaction[]; errors: string[] }

/** Runs a script; `split(i)` gives the cut points for message i (chunks fed separately, each with its own time). */
function run(script: Script, split: (i: number, len: number) => number[] = () => []): Result {
  const conv = new HttpConversation();
  const tx: HttpTransaction[] = [];
  const errors: string[] = [];
  conv.onTransaction = (t) => tx.push(t);
  conv.onError = (side, msg) => errors.push(`${side}: ${msg}`);
  script.forEach(([side, text], i) => {
    const b = Buffer.from(text, 'latin1');
    const cuts = [0, ...split(i, b.length), b.length];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const chunk = b.subarray(cuts[k], cuts[k + 1]);
      // The time stamp of a message is that of its first byte: later chunks come later.
      if (side === 'c') conv.client(chunk, 100 + i, k); else conv.server(chunk, 100 + i, k);
    }
  });
  conv.finish();
  return { tx, errors };
}

function summary(r: Result) {
  return {
    errors: r.errors,
    tx: r.tx.map((t) => ({ m: t.method, u: t.uri, h: t.host, s: t.status, i: t.interim, q: t.requestBodyBytes, r: t.responseBodyBytes, qt: t.requestSec, rt: t.responseSec, tr: t.truncated })),
  };
}

/** The same result whatever the segmentation: every message cut at every byte boundary, and byte by byte. */
function sameAtEverySplit(script: Script) {
  const whole = summary(run(script));
  script.forEach(([, text], i) => {
    for (let k = 1; k < text.length; k++) {
      expect(summary(run(script, (j) => (j === i ? [k] : [])))).toEqual(whole);
    }
  });
  expect(summary(run(script, (_j, len) => Array.from({ length: Math.max(0, len - 1) }, (_, x) => x + 1)))).toEqual(whole);
  return whole;
}

const SCRIPTS: Record<string, Script> = {
  'request with a body': [
    ['c', 'POST /form HTTP/1.1\r\nHost: example\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world'],
    ['s', 'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok'],
  ],
  'chunked response with trailers': [
    ['c', 'GET /c HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['s', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\nA\r\n0123456789\r\n0\r\nX-Sum: 42\r\nX-More: yes\r\n\r\n'],
  ],
  'three pipelined requests': [
    ['c', 'GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n'],
    ['s', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\naaaHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nbb\r\n0\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nc'],
  ],
  'HEAD': [
    ['c', 'HEAD /big HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['s', 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext'],
  ],
  '204 and 304': [
    ['c', 'DELETE /x HTTP/1.1\r\nHost: h\r\n\r\nGET /y HTTP/1.1\r\nHost: h\r\nIf-None-Match: "1"\r\n\r\nGET /z HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['s', 'HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\nETag: "1"\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz'],
  ],
  '100-continue': [
    ['c', 'PUT /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n'],
    ['s', 'HTTP/1.1 100 Continue\r\n\r\n'],
    ['c', 'abcde'],
    ['s', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'],
  ],
  'HTTP/1.0 close-delimited': [
    ['c', 'GET /old HTTP/1.0\r\nhost: h10\r\n\r\n'],
    ['s', 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the connection closes\n'],
  ],
  'folded and repeated headers': [
    ['c', 'GET /f HTTP/1.1\r\nHOST: folded\r\n  continued\r\nX-A: 1\r\nX-A: 2\r\n\r\n'],
    ['s', 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\nContent-Length: 3\r\n\r\nabc'],
  ],
};

describe('HTTP/1.x parser: the same result at every split', () => {
  it('request with a body', () => {
    const r = sameAtEverySplit(SCRIPTS['request with a body']!);
    expect(r.errors).toEqual([]);
    expect(r.tx).toMatchObject([{ m: 'POST', u: '/form', h: 'example', s: 201, q: 11, r: 2, qt: 100, rt: 101 }]);
  });
  it('chunked response with trailers', () => {
    const r = sameAtEverySplit(SCRIPTS['chunked response with trailers']!);
    expect(r.tx).toMatchObject([{ m: 'GET', s: 200, r: 21, tr: false }]);
  });
  it('three pipelined requests, answered in order', () => {
    const r = sameAtEverySplit(SCRIPTS['three pipelined requests']!);
    expect(r.tx.map((t) => [t.u, t.s, t.r])).toEqual([['/a', 200, 3], ['/b', 200, 2], ['/c', 404, 1]]);
  });
  it('HEAD: no body in the response, whatever Content-Length says', () => {
    const r = sameAtEverySplit(SCRIPTS.HEAD!);
    expect(r.tx.map((t) => [t.m, t.u, t.s, t.r])).toEqual([['HEAD', '/big', 200, 0], ['GET', '/next', 200, 4]]);
  });
  it('204 and 304: no body', () => {
    const r = sameAtEverySplit(SCRIPTS['204 and 304']!);
    expect(r.tx.map((t) => [t.u, t.s, t.r])).toEqual([['/x', 204, 0], ['/y', 304, 0], ['/z', 200, 1]]);
  });
  it('100 Continue is interim: the final response belongs to the same request', () => {
    const r = sameAtEverySplit(SCRIPTS['100-continue']!);
    expect(r.tx).toMatchObject([{ m: 'PUT', s: 200, i: [100], q: 5, r: 2, qt: 100, rt: 101 }]);
  });
  it('HTTP/1.0: the response body ends with the connection', () => {
    const r = sameAtEverySplit(SCRIPTS['HTTP/1.0 close-delimited']!);
    expect(r.tx).toMatchObject([{ m: 'GET', h: 'h10', s: 200, r: 28, tr: false }]);
  });
  it('folded, repeated and differently-cased headers', () => {
    const r = sameAtEverySplit(SCRIPTS['folded and repeated headers']!);
    expect(r.errors).toEqual([]);
    expect(r.tx).toMatchObject([{ h: 'folded continued', s: 200, r: 3 }]);
  });
});

describe('HTTP/1.x parser: edge cases', () => {
  it('a request with no response has status null', () => {
    const r = run([['c', 'GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n'], ['s', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']]);
    expect(r.tx.map((t) => [t.uri, t.status])).toEqual([['/a', 200], ['/b', null]]);
  });
  it('malformed bytes are reported once per stream, not fatal', () => {
    const r = run([['c', 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n'], ['s', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxgarbage\r\nmore garbage\r\n'], ['s', 'and more\r\n']]);
    expect(r.errors).toEqual(['server: not an HTTP status line']);
    expect(r.tx.map((t) => [t.uri, t.status])).toEqual([['/a', 200]]);
    const bad = run([['c', 'GET /a HTTP/1.1\r\nHost h\r\n\r\n']]);
    expect(bad.errors).toEqual(['client: malformed header line']);
  });
  it('a connection whose client does not start like an HTTP request is ignored', () => {
    const r = run([['c', '\x16\x03\x01\x02\x00\x01'], ['s', 'HTTP/1.1 200 OK\r\n\r\n']]);
    expect(r).toEqual({ tx: [], errors: [] });
    const ssh = run([['s', 'SSH-2.0-OpenSSH\r\n'], ['c', 'GET / HTTP/1.1\r\n\r\n']]);
    expect(ssh).toEqual({ tx: [], errors: [] });
  });
  it('bad chunk sizes are malformed', () => {
    const r = run([['c', 'GET / HTTP/1.1\r\n\r\n'], ['s', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']]);
    expect(r.errors).toEqual(['server: bad chunk size']);
  });
});

describe('netlens http on fixtures', () => {
  for (const fixture of ['http-keepalive', 'http-pipelined', 'http-ipv6']) {
    it(`${fixture}: --json matches test/golden/${fixture}.http.ndjson`, () => {
      const r = netlens(['http', '--json', join(FIXTURES, `${fixture}.pcap`)]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(ROOT, 'test', 'golden', `${fixture}.http.ndjson`), 'utf8'));
    });
  }

  it('http-keepalive.pcap: four requests on one connection, chunked body decoded', () => {
    const recs = ndjson(netlens(['http', '--json', join(FIXTURES, 'http-keepalive.pcap')]).stdout);
    expect(recs.map((r) => [r.type, r.method, r.uri, r.status])).toEqual([
      ['http', 'GET', '/', 200], ['http', 'GET', '/chunked', 200], ['http', 'GET', '/missing', 404], ['http', 'POST', '/upload', 200],
    ]);
    expect(new Set(recs.map((r) => r.conn)).size).toBe(1);
    const chunked = recs[1]!;
    // 4 chunks of "chunk number N\n" (15 bytes each), chunk framing removed.
    expect(chunked.responseBodyBytes).toBe(60);
    expect(recs[0]!.responseBodyBytes).toBe(38);
    expect(recs[3]!.requestBodyBytes).toBeGreaterThan(0);
    for (const r of recs) {
      expect(Object.keys(r)).toEqual(['type', 'conn', 'communityId', 'method', 'uri', 'host', 'status', 'requestTs', 'responseTs', 'latency', 'responseEndTs', 'ttlb', 'requestBodyBytes', 'responseBodyBytes']);
      expect(r.latency).toBeCloseTo(Number(r.responseTs) - Number(r.requestTs), 5);
      expect(r.latency).toBeGreaterThan(0);
      expect(r.ttlb).toBeCloseTo(Number(r.responseEndTs) - Number(r.requestTs), 5);
      expect(r.ttlb).toBeGreaterThanOrEqual(r.latency);
    }
  });

  it('http-pipelined.pcap: three requests in one segment, three records in order', () => {
    const recs = ndjson(netlens(['http', '--json', join(FIXTURES, 'http-pipelined.pcap')]).stdout);
    expect(recs.map((r) => [r.method, r.uri, r.status, r.responseBodyBytes])).toEqual([
      ['GET', '/', 200, 38], ['GET', '/chunked', 200, 60], ['GET', '/missing', 404, 10],
    ]);
    expect(new Set(recs.map((r) => r.requestTs)).size).toBe(1);
  });

  it('http-ipv6.pcap', () => {
    const recs = ndjson(netlens(['http', '--json', join(FIXTURES, 'http-ipv6.pcap')]).stdout);
    expect(recs).toMatchObject([{ method: 'GET', uri: '/', host: '[fd77::2]:8080', status: 200, requestBodyBytes: 0, responseBodyBytes: 38 }]);
  });

  it('the human table', () => {
    const r = netlens(['http', join(FIXTURES, 'http-keepalive.pcap')]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^conn\s+time\s+method\s+host\s+uri\s+status/);
    expect(lines.length).toBe(5);
    expect(lines[3]).toMatch(/^#0\s+07:23:50\.342453\s+GET\s+10\.77\.0\.2:8080\s+\/missing\s+404/);
  });
});

describe('HTTP/1.x start lines: the hand matcher equals the grammar', () => {
  const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/(\d\.\d)$/;
  const STATUS_LINE = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/;
  // Pieces that make near-misses likely: spaces, tabs, CR, NBSP, digits, versions, separators.
  const piece = fc.constantFrom('GET', 'HTTP/1.1', 'HTTP/', '1.0', ' ', '  ', '\t', '\r', '\xa0', '/', 'a', '200', '2000', 'OK', '.', 'x y', '"', ':', '9', '\x85');
  const line = fc.array(piece, { maxLength: 8 }).map((a) => a.join(''));
  it('request lines', () => {
    fc.assert(fc.property(line, (l) => {
      const m = REQUEST_LINE.exec(l);
      const h = parseRequestLine(l);
      expect(h === null ? null : [h.method, h.uri, h.version]).toEqual(m === null ? null : [m[1], m[2], m[3]]);
    }), { numRuns: 20000 });
  });
  it('status lines', () => {
    fc.assert(fc.property(line, (l) => {
      const m = STATUS_LINE.exec(l);
      const h = parseStatusLine(l);
      expect(h === null ? null : [h.version, h.status, h.reason]).toEqual(m === null ? null : [m[1], Number(m[2]), m[3] ?? '']);
    }), { numRuns: 20000 });
  });
});

describe('http records written as bytes', () => {
  const tx = (over: Partial<HttpTransaction>): HttpTransaction => ({
    method: 'GET', uri: '/', version: '1.1', host: 'h', status: 200, reason: 'OK', interim: [],
    requestSec: 1763800000, requestNsec: 5, responseSec: 1763800000, responseNsec: 120005, responseEndSec: 1763800001, responseEndNsec: 7,
    requestBodyBytes: 0, responseBodyBytes: 12, requestDone: true, responseDone: true, truncated: false, ...over,
  });
  const CID = '1:wCb3OG7yAFWelaUydu0D+125CLM=';
  /** The record the contract describes, built field by field: what the writer must write. */
  const expected = (conn: number, t: HttpTransaction): string => {
    const ts = (sec: number, nsec: number) => `${sec}.${String(nsec).padStart(9, '0')}`;
    const hasReq = t.requestSec >= 0, hasResp = t.responseSec >= 0;
    return JSON.stringify({
      type: 'http', conn, communityId: CID, method: t.method, uri: t.uri, host: t.host, status: t.status,
      requestTs: hasReq ? ts(t.requestSec, t.requestNsec) : null,
      responseTs: hasResp ? ts(t.responseSec, t.responseNsec) : null,
      latency: hasReq && hasResp ? Math.round(((t.responseSec - t.requestSec) + (t.responseNsec - t.requestNsec) / 1e9) * 1e9) / 1e9 : null,
      responseEndTs: t.responseEndSec >= 0 ? ts(t.responseEndSec, t.responseEndNsec) : null,
      ttlb: hasReq && t.responseEndSec >= 0 ? Math.round(((t.responseEndSec - t.requestSec) + (t.responseEndNsec - t.requestNsec) / 1e9) * 1e9) / 1e9 : null,
      requestBodyBytes: t.requestBodyBytes, responseBodyBytes: t.responseBodyBytes,
    });
  };
  it('equal the contract record, JSON.stringify-escaped, for awkward strings, nulls and times', () => {
    const cases = [
      tx({}),
      tx({ uri: '/a"b\\c\x1b[2J\x7f\xff', host: null, method: 'M\u2028' }),
      tx({ status: null, responseSec: -1, responseNsec: 0, responseEndSec: -1, responseEndNsec: 0 }),
      tx({ requestSec: -1, method: null, uri: null, version: null }),
      tx({ responseSec: 1763799999, responseNsec: 999999999 }), // a response stamped before its request
      tx({ responseNsec: 5 + 500 }), // a latency below 1 µs
    ];
    for (const t of cases) {
      const out = new MemoryOutput();
      writeHttpJson(out, 42, t, CID);
      expect(out.take()).toBe(expected(42, t) + '\n');
    }
    // Many records through a 700-byte buffer: each straddles its end somewhere.
    const out = new MemoryOutput(700);
    let want = '';
    for (let i = 0; i < 200; i++) {
      const t = cases[i % cases.length]!;
      writeHttpJson(out, i, t, CID);
      want += expected(i, t) + '\n';
    }
    expect(out.take()).toBe(want);
  });
});

describe('http collector: entries reused across connections', () => {
  it('sequential connections, one of them not HTTP, late segments after the close: every record once and right', () => {
    const frames: Frame[] = [];
    const conn = (cport: number, clientFirst: string, serverText: string): void => {
      const k = conversation('10.0.0.1', '10.0.0.2', cport, 80);
      const q = Buffer.from(clientFirst, 'latin1'), r = Buffer.from(serverText, 'latin1');
      k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
      if (clientFirst === '') { k.s(901, 101, 'PA', r); k.c(101, 901 + r.length, 'A'); }
      else { k.c(101, 901, 'PA', q); k.s(901, 101 + q.length, 'PA', r); }
      const cs = 101 + q.length, ss = 901 + r.length;
      k.c(cs, ss, 'FA'); k.s(ss, cs + 1, 'FA'); k.c(cs + 1, ss + 1, 'A');
      k.c(cs, ss, 'FA'); // a late retransmitted FIN, after both streams ended
      frames.push(...k.frames);
    };
    conn(40001, 'GET /one HTTP/1.1\r\nHost: a\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    conn(40002, '', 'SSH-2.0-OpenSSH_9.6\r\n'); // the server speaks first: not HTTP
    conn(40003, 'GET /three HTTP/1.1\r\nHost: c\r\n\r\n', 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    conn(40004, 'GET /four HTTP/1.1\r\nHost: d\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfour');
    frames.forEach((f, i) => { f.tsSec += Math.floor(i / 10); });
    const records: HttpRecord[] = [];
    const col = new HttpCollector((id, t, c) => records.push(httpRecord(id, t, c)), () => {});
    const d = new PacketDecoder();
    const t = new Tracker({ onEnd: (c) => col.conn(c), recycle: true });
    frames.forEach((f, i) => { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); col.packet(i + 1, f, d, t); });
    t.finish();
    col.end();
    expect(records.map((r) => [r.conn, r.method, r.uri, r.host, r.status, r.responseBodyBytes])).toEqual([
      [0, 'GET', '/one', 'a', 200, 2], [2, 'GET', '/three', 'c', 404, 0], [3, 'GET', '/four', 'd', 200, 4],
    ]);
  });
});

describe('header fields', () => {
  it('looked up case-insensitively, repeats kept in order, folded lines joined with one space', () => {
    const heads: HttpHead[] = [];
    const errors: string[] = [];
    const p = new HttpMessageParser(true, {
      start: () => {}, head: (h, proposed) => { heads.push(h); return proposed; }, body: () => {}, done: () => {}, error: (m) => { errors.push(m); },
    });
    p.feed(Buffer.from('GET / HTTP/1.1\r\nHOST: a\r\nContent-Length : 3\r\n\r\n', 'latin1'), 0, 0);
    // "Content-Length :" (whitespace before the colon) is not a field name (RFC 9112 §5.1).
    expect(errors).toEqual(['malformed header line']);
    expect(heads).toHaveLength(0);
    const q = new HttpMessageParser(true, {
      start: () => {}, head: (h, proposed) => { heads.push(h); return proposed; }, body: () => {}, done: () => {}, error: () => {},
    });
    q.feed(Buffer.from('GET / HTTP/1.1\r\nHOST:  a.example \r\nX-Multi: one\r\nx-multi: two  \r\nX-Fold: first  \r\n\t second\r\nX-Empty:\r\n\r\n', 'latin1'), 0, 0);
    const h = heads[0]!;
    expect(header(h, 'host')).toBe('a.example');
    expect(headerValues(h, 'x-multi')).toEqual(['one', 'two']);
    expect(header(h, 'x-fold')).toBe('first second');
    expect(header(h, 'x-empty')).toBe('');
    expect(header(h, 'x-missing')).toBeNull();
    expect(header(h, 'x-mult')).toBeNull(); // a prefix of a name is not the name
  });
});
