import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from '../../src/source/pcap-writer.js';
import { conversation } from '../helpers/frames.js';
import { CLI, FIXTURES, ndjson, netlens } from '../helpers/netlens.js';

const tmp = mkdtempSync(join(tmpdir(), 'netlens-follow-'));

/** An HTTP exchange whose URI, headers and body carry terminal escapes (clear screen, OSC 52 clipboard write). */
export function hostilePcap(): string {
  const k = conversation('10.0.0.1', '10.0.0.2', 40000, 8000);
  const req = Buffer.from('GET /\x1b[2J HTTP/1.1\r\nHost: h\x1b]52;c;aGVsbG8=\x07\r\n\r\n', 'latin1');
  const body = Buffer.from('boom \x1b[2J\x1b]52;c;aGVsbG8=\x07 \x00\xff\r\n', 'latin1');
  const resp = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\x1b[2J\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
  k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
  k.c(101, 901, 'PA', req);
  k.s(901, 101 + req.length, 'PA', resp);
  k.c(101 + req.length, 901 + resp.length, 'FA'); k.s(901 + resp.length, 102 + req.length, 'FA');
  k.c(102 + req.length, 902 + resp.length, 'A');
  const file = join(tmp, 'hostile.pcap');
  const w = CaptureWriter.open(file, 1, 65535, true);
  for (const f of k.frames) w.write(f);
  w.close();
  return file;
}

describe('netlens follow', () => {
  let hostile = '';
  beforeAll(() => { hostile = hostilePcap(); });

  it('--raw server on lossy-download.pcap: the response body has the published sha256', () => {
    const conns = ndjson(netlens(['conns', '--json', join(FIXTURES, 'lossy-download.pcap')]).stdout);
    const c = conns.find((x) => x.server.port === 8080)!;
    expect(c).toBeDefined();
    expect(c.retransmissions).toBeGreaterThan(0);
    // Binary output: run without the helper's utf8 decoding.
    const r = spawnSync(process.execPath, [CLI, 'follow', join(FIXTURES, 'lossy-download.pcap'), String(c.id), '--raw', 'server'], { maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(0);
    const bytes = r.stdout as Buffer;
    const headerEnd = bytes.indexOf('\r\n\r\n');
    expect(headerEnd).toBeGreaterThan(0);
    const head = bytes.subarray(0, headerEnd).toString('latin1');
    expect(head).toMatch(/^HTTP\/1\.[01] 200/);
    const bodyBytes = bytes.subarray(headerEnd + 4);
    expect(bodyBytes.length).toBe(1_000_000);
    const want = readFileSync(join(FIXTURES, 'lossy-download.sha256'), 'utf8').split(/\s+/)[0];
    expect(createHash('sha256').update(bodyBytes).digest('hex')).toBe(want);
    // The client's side is the request.
    const cl = spawnSync(process.execPath, [CLI, 'follow', join(FIXTURES, 'lossy-download.pcap'), String(c.id), '--raw', 'client']);
    expect((cl.stdout as Buffer).toString('latin1')).toMatch(/^GET \/big\.bin HTTP\/1\.1\r\n/);
  });

  it('prints both sides in capture order with headers; ip:port-ip:port selects too', () => {
    const r = netlens(['follow', join(FIXTURES, 'http-keepalive.pcap'), '0']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('>>> client 10.77.0.1:40008 (78 bytes)');
    expect(lines[1]).toBe('GET / HTTP/1.1');
    const heads = lines.filter((l) => /^(>>>|<<<) /.test(l)).map((l) => l.slice(0, 3));
    expect(heads).toEqual(['>>>', '<<<', '>>>', '<<<', '>>>', '<<<', '>>>', '<<<']);
    const r2 = netlens(['follow', join(FIXTURES, 'http-keepalive.pcap'), '10.77.0.2:8080-10.77.0.1:40008']);
    expect(r2.stdout).toBe(r.stdout);
  });

  it('--hex dumps offset, hex and ASCII', () => {
    const r = netlens(['follow', join(FIXTURES, 'http-keepalive.pcap'), '0', '--hex']);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toBe('00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|');
  });

  it('UDP conversations, datagram by datagram', () => {
    const r = netlens(['follow', join(FIXTURES, 'udp-exchange.pcap'), '0']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^>>> client \S+ \(datagram, \d+ bytes\)/);
    expect(r.stdout).toMatch(/<<< server \S+ \(datagram, \d+ bytes\)/);
  });

  it('unknown conversation: one line on stderr, non-zero status', () => {
    const r = netlens(['follow', join(FIXTURES, 'http-keepalive.pcap'), '99']);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n').length).toBe(1);
  });

  it('places out-of-order segments, drops retransmitted bytes, reports a gap and goes on', () => {
    const k = conversation('10.0.0.1', '10.0.0.2', 40001, 7000);
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(106, 901, 'PA', Buffer.from(' world\n')); // arrives first
    k.c(101, 901, 'PA', Buffer.from('hello'));
    k.c(101, 901, 'PA', Buffer.from('HELLO world\n')); // retransmission: first copy wins
    k.s(901, 113, 'PA', Buffer.from('ok\n'));
    k.s(914, 113, 'PA', Buffer.from('after the gap\n')); // 901+3 .. 913: 10 bytes never captured
    k.c(113, 928, 'FA'); k.s(928, 114, 'FA'); k.c(114, 929, 'A');
    const file = join(tmp, 'reorder.pcap');
    const w = CaptureWriter.open(file, 1, 65535, true);
    for (const f of k.frames) w.write(f);
    w.close();
    const r = netlens(['follow', file, '0']);
    expect(r.stdout).toBe([
      '>>> client 10.0.0.1:40001 (12 bytes)', 'hello world',
      '<<< server 10.0.0.2:7000 (3 bytes)', 'ok',
      '[server: 10 bytes missing from the capture]',
      '<<< server 10.0.0.2:7000 (14 bytes)', 'after the gap', '',
    ].join('\n'));
    const raw = spawnSync(process.execPath, [CLI, 'follow', file, '0', '--raw', 'client']);
    expect((raw.stdout as Buffer).toString('latin1')).toBe('hello world\n');
    const rs = spawnSync(process.execPath, [CLI, 'follow', file, '0', '--raw', 'server'], { encoding: 'buffer' });
    expect(rs.stderr.toString()).toMatch(/10 bytes of the server's stream were not captured/);
  });

  it('never writes an escape or other control byte to the terminal', () => {
    for (const args of [['follow', hostile, '0'], ['follow', hostile, '0', '--hex']]) {
      const r = netlens(args, undefined, { NO_COLOR: '1' });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('boom');
      expect(r.stdout).not.toContain('\x1b');
      expect(r.stdout).not.toContain('\x07');
      expect(/[\x00-\x08\x0b-\x1f\x7f]/.test(r.stdout)).toBe(false);
    }
    // http shows the request's URI and Host: escaped too, in the table; JSON escapes by itself.
    const h = netlens(['http', hostile]);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('\\x1b[2J');
    expect(h.stdout).not.toContain('\x1b');
    expect(/[\x00-\x08\x0b-\x1f\x7f]/.test(h.stdout)).toBe(false);
    const j = netlens(['http', '--json', hostile]);
    expect(j.stdout).not.toContain('\x1b');
    expect(ndjson(j.stdout)).toMatchObject([{ method: 'GET', uri: '/\x1b[2J', host: 'h\x1b]52;c;aGVsbG8=\x07', status: 200 }]);
  });
});

describe('a framed protocol like the socket tutorials\' (fixtures/framed.pcap)', () => {
  // 4-byte length, JSON header, body; two messages in one write, then one by one; each
  // program saved the exact bytes it sent (scripts/record-fixtures.sh framed).
  for (const side of ['client', 'server'] as const) {
    it(`follow --raw ${side} returns exactly the bytes the ${side} sent`, () => {
      const r = spawnSync(process.execPath, [CLI, 'follow', '--raw', side, join(FIXTURES, 'framed.pcap'), '0'], { maxBuffer: 1 << 24 });
      expect(r.status).toBe(0);
      expect(Buffer.compare(r.stdout, readFileSync(join(FIXTURES, `framed.${side}.bin`)))).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(3000);
    });
  }
});
