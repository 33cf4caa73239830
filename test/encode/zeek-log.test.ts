/**
 * `conns --format zeek|zeek-json`: the JSON lines say what the TSV rows say
 * (Zeek's JSON writer: dotted keys, unset fields left out, times as numbers),
 * uids are Zeek's shape and follow --seed, local_orig/local_resp follow
 * Site::local_nets, and UDP gets Zeek's conn_state and history (conn_state()
 * in base/protocols/conn/main.zeek; UDP.cc's D/d history letters). The field
 * values themselves are compared with Zeek's baselines in
 * test/oracle/zeek-baseline.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONN_FIELDS, parseLocalNets, ZeekLogWriter, zeekUid } from '../../src/encode/zeek-log.js';
import { StringSink } from '../../src/encode/sink.js';
import { classicPcap, tcpSegment } from '../helpers/pcap.js';
import { FIXTURES, ndjson, netlens } from '../helpers/netlens.js';

function tsv(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((l) => l !== '');
  const fields = lines.find((l) => l.startsWith('#fields\t'))!.split('\t').slice(1);
  return lines.filter((l) => !l.startsWith('#')).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i]!, v])));
}

/** The TSV rendering of a zeek-json value of field f. */
function asTsv(f: string, v: unknown): string {
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (f === 'ts' || f === 'duration') return (v as number).toFixed(6);
  return String(v);
}

/** Ethernet + IPv4 + UDP with `payload` bytes. */
function udp(src: string, dst: string, sport: number, dport: number, payload = 4): Buffer {
  const eth = Buffer.from('020000000002020000000001' + '0800', 'hex');
  const ip = Buffer.alloc(20);
  ip[0] = 0x45; ip.writeUInt16BE(28 + payload, 2); ip[8] = 64; ip[9] = 17;
  Buffer.from(src.split('.').map(Number)).copy(ip, 12);
  Buffer.from(dst.split('.').map(Number)).copy(ip, 16);
  const u = Buffer.alloc(8);
  u.writeUInt16BE(sport, 0); u.writeUInt16BE(dport, 2); u.writeUInt16BE(8 + payload, 4);
  return Buffer.concat([eth, ip, u, Buffer.alloc(payload, 0x41)]);
}

describe('conns --format zeek-json', () => {
  for (const fixture of ['mixed.pcap', 'tcp-refused.pcap', 'tcp-midstream.pcap', 'lossy-download.pcap']) {
    it(`${fixture}: each line is its TSV row, unset fields left out`, () => {
      const file = join(FIXTURES, fixture);
      const rows = tsv(netlens(['conns', '--format', 'zeek', '--seed', '3', file]).stdout);
      const json = ndjson(netlens(['conns', '--format', 'zeek-json', '--seed', '3', file]).stdout);
      expect(json.length).toBe(rows.length);
      expect(rows.length).toBeGreaterThan(0);
      json.forEach((j, i) => {
        const row = rows[i]!;
        for (const [f, v] of Object.entries(row)) {
          if (v === '-') expect(j[f], f).toBeUndefined();
          else expect(asTsv(f, j[f]), f).toBe(v);
        }
        expect(Object.keys(j).every((k) => row[k] !== undefined)).toBe(true);
        expect(typeof j.ts).toBe('number');
        expect(typeof j['id.orig_p']).toBe('number');
      });
    });
  }
});

describe('uids', () => {
  it("are 'C' and base62 (Zeek's UID::Base62 of 96 bits), fixed by --seed, shared by conn and nothing else", () => {
    const file = join(FIXTURES, 'mixed.pcap');
    const uids = (args: string[]) => tsv(netlens(['conns', '--format', 'zeek', ...args, file]).stdout).map((r) => r.uid);
    const a = uids(['--seed', '7']);
    for (const u of a) expect(u).toMatch(/^C[0-9a-zA-Z]{2,17}$/);
    expect(new Set(a).size).toBe(a.length);
    expect(uids(['--seed', '7'])).toEqual(a);
    expect(uids(['--seed', '8'])).not.toEqual(a);
    expect(uids([])).not.toEqual(uids([])); // random without --seed, as Zeek's
    expect(zeekUid(7, 0)).toBe(zeekUid(7, 0));
    expect(zeekUid(7, 0)).not.toBe(zeekUid(7, 1));
  });
});

describe('local_orig / local_resp', () => {
  it("private addresses are local (Site::private_address_space_is_local), --zeek-local-nets adds networks", () => {
    const dir = mkdtempSync(join(tmpdir(), 'nl-zeek-'));
    const file = join(dir, 'udp.pcap');
    writeFileSync(file, classicPcap([udp('10.1.2.3', '8.8.8.8', 40000, 5353), udp('8.8.8.8', '10.1.2.3', 5353, 40000)]));
    const row = (args: string[]) => tsv(netlens(['conns', '--format', 'zeek', ...args, file]).stdout)[0]!;
    expect([row([]).local_orig, row([]).local_resp]).toEqual(['T', 'F']);
    const r = row(['--zeek-local-nets', '8.8.0.0/16,2001:db8::/32']);
    expect([r.local_orig, r.local_resp]).toEqual(['T', 'T']);
    expect(parseLocalNets('192.168.0.0/16')[0]!.bits).toBe(96 + 16);
    const bad = netlens(['conns', '--format', 'zeek', '--zeek-local-nets', '10.0.0.0/33', file]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toMatch(/--zeek-local-nets: "10.0.0.0\/33"/);
    const without = netlens(['conns', '--seed', '1', file]);
    expect(without.status).toBe(2);
    expect(without.stderr.split('\n')[0]).toMatch(/--seed goes with --format zeek/);
  });
});

describe('UDP: Zeek\'s conn_state and history', () => {
  it('S0 one way (no duration, bytes unset), SF both ways with D then d', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nl-zeek-'));
    const file = join(dir, 'udp.pcap');
    // Conversation 1: one datagram, never answered. Conversation 2: a request and its answer a second later.
    writeFileSync(file, classicPcap([udp('10.0.0.1', '10.0.0.2', 40001, 9999), udp('10.0.0.1', '10.0.0.2', 40002, 9998), udp('10.0.0.2', '10.0.0.1', 9998, 40002, 10)]));
    const rows = tsv(netlens(['conns', '--format', 'zeek', file]).stdout);
    const one = rows.find((r) => r['id.orig_p'] === '40001')!, two = rows.find((r) => r['id.orig_p'] === '40002')!;
    expect([one.conn_state, one.history, one.duration, one.orig_bytes, one.orig_pkts, one.orig_ip_bytes, one.resp_pkts]).toEqual(['S0', 'D', '-', '-', '1', '32', '0']);
    expect([two.conn_state, two.history, two.duration, two.orig_bytes, two.resp_bytes, two.resp_ip_bytes, two.ip_proto, two.proto]).toEqual(['SF', 'Dd', '1.000000', '4', '10', '38', '17', 'udp']);
  });

  it('a conversation whose first datagram is a DNS response is flipped: ^ first, the responder\'s d', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nl-zeek-'));
    const file = join(dir, 'dns.pcap');
    // A DNS response (QR bit set) from port 53, then the query it answers: Zeek flips at the first one.
    const resp = udp('10.0.0.53', '10.0.0.1', 53, 40000, 12);
    resp[42 + 2] = 0x81; resp[42 + 3] = 0x80; // flags: QR, RD, RA
    const query = udp('10.0.0.1', '10.0.0.53', 40000, 53, 12);
    query[42 + 2] = 0x01;
    writeFileSync(file, classicPcap([resp, query]));
    const [r] = tsv(netlens(['conns', '--format', 'zeek', file]).stdout);
    expect([r!['id.orig_h'], r!['id.resp_h'], r!.history, r!.conn_state]).toEqual(['10.0.0.1', '10.0.0.53', '^dD', 'SF']);
  });
});

describe('--format', () => {
  it('json is --json, text the table; two formats are refused', () => {
    const file = join(FIXTURES, 'tcp-refused.pcap');
    expect(netlens(['conns', '--format', 'json', file]).stdout).toBe(netlens(['conns', '--json', file]).stdout);
    expect(netlens(['conns', '--format', 'text', file]).stdout).toBe(netlens(['conns', file]).stdout);
    const r = netlens(['conns', '--json', '--format', 'zeek', file]);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/two formats/);
    const bad = netlens(['conns', '--format', 'csv', file]);
    expect(bad.status).toBe(2);
    const dns = join(FIXTURES, 'dns.pcap');
    expect(netlens(['dns', '--format', 'json', dns]).stdout).toBe(netlens(['dns', '--json', dns]).stdout);
    const zeekDns = netlens(['dns', '--format', 'zeek', dns]);
    expect(zeekDns.status).toBe(2);
    expect(zeekDns.stderr.split('\n')[0]).toMatch(/dns.log is not written yet/);
  });
});

describe('http --format zeek / zeek-json', () => {
  /** A capture of one HTTP connection: handshake, this request, this response, both FINs. */
  function httpCapture(request: Buffer, response: Buffer): string {
    const c = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80 };
    const s = { src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: 40000 };
    const frames = [
      tcpSegment({ ...c, seq: 100, flags: 0x02 }),
      tcpSegment({ ...s, seq: 500, ack: 101, flags: 0x12 }),
      tcpSegment({ ...c, seq: 101, ack: 501, flags: 0x10 }),
      tcpSegment({ ...c, seq: 101, ack: 501, payload: request }),
      tcpSegment({ ...s, seq: 501, ack: 101 + request.length, payload: response }),
      tcpSegment({ ...c, seq: 101 + request.length, ack: 501 + response.length, flags: 0x11 }),
      tcpSegment({ ...s, seq: 501 + response.length, ack: 102 + request.length, flags: 0x11 }),
      tcpSegment({ ...c, seq: 102 + request.length, ack: 502 + response.length, flags: 0x10 }),
    ];
    const file = join(mkdtempSync(join(tmpdir(), 'nl-zeek-http-')), 'http.pcap');
    writeFileSync(file, classicPcap(frames));
    return file;
  }

  it('request headers Zeek keeps, Basic auth user, proxy headers, 1xx info, and Zeek\'s escaping', () => {
    // The URI: a backslash, a control byte, UTF-8 "é", and a byte that is not UTF-8.
    const uri = Buffer.concat([Buffer.from('/a\\b\x07/', 'latin1'), Buffer.from('é', 'utf8'), Buffer.from([0xff])]);
    const req = Buffer.concat([Buffer.from('GET ', 'latin1'), uri, Buffer.from(' HTTP/1.1\r\nHost: h.example\r\nUser-Agent: t/1\r\nReferer: http://r/\r\n'
      + `Authorization: Basic ${Buffer.from('alice:secret').toString('base64')}\r\nX-Forwarded-For: 192.0.2.7\r\nOrigin: http://o\r\n\r\n`, 'latin1')]);
    const resp = Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello', 'latin1');
    const file = httpCapture(req, resp);
    const [row] = tsv(netlens(['http', '--format', 'zeek', '--seed', '2', file]).stdout);
    expect(row).toBeDefined();
    expect(row!.uri).toBe('/a\\\\b\\x07/é\\xff');
    expect([row!.host, row!.user_agent, row!.referrer, row!.origin, row!.username, row!.password, row!.proxied])
      .toEqual(['h.example', 't/1', 'http://r/', 'http://o', 'alice', '-', 'X-FORWARDED-FOR -> 192.0.2.7']);
    expect([row!.trans_depth, row!.version, row!.status_code, row!.status_msg, row!.info_code, row!.info_msg, row!.response_body_len, row!.tags])
      .toEqual(['1', '1.1', '200', 'OK', '100', 'Continue', '5', '(empty)']);
    const [j] = ndjson(netlens(['http', '--format', 'zeek-json', '--seed', '2', file]).stdout);
    expect(j!.uri).toBe('/a\\b\\x07/é\\xff');
    expect(j!.tags).toEqual([]);
    expect(j!.proxied).toEqual(['X-FORWARDED-FOR -> 192.0.2.7']);
    expect(j!.password).toBeUndefined();
    expect(j!.uid).toBe(row!.uid);
    const [conn] = tsv(netlens(['conns', '--format', 'zeek', '--seed', '2', file]).stdout);
    expect(conn!.uid).toBe(row!.uid);
  });
});

describe('ZeekLogWriter', () => {
  it('rows longer than the sink\'s buffer, unset and empty values, an empty log\'s header and #close', () => {
    const out = new StringSink(64);
    const log = new ZeekLogWriter(out, 'test', [['ts', 'time'], ['s', 'string'], ['n', 'count'], ['v', 'vector[string]'], ['b', 'bool']], false, () => new Date(0));
    const long = 'x'.repeat(5000);
    log.row([[1700000000, 123456789], long, 7, ['a', 'b'], true]);
    log.row([[1700000000, 0], '', null, [], false]);
    log.row([[1700000000, 0], '-', 0, null, null]);
    log.close();
    const lines = out.take().split('\n');
    expect(lines[8]).toBe(`1700000000.123456\t${long}\t7\ta,b\tT`);
    expect(lines[9]).toBe('1700000000.000000\t(empty)\t-\t(empty)\tF');
    expect(lines[10]).toBe('1700000000.000000\t\\x2d\t0\t-\t-');
    expect(lines[11]).toMatch(/^#close\t/);
    const empty = new StringSink();
    new ZeekLogWriter(empty, 'conn', CONN_FIELDS, false).close();
    expect(empty.take().split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0])).toEqual(
      ['#separator \\x09', '#set_separator', '#empty_field', '#unset_field', '#path', '#open', '#fields', '#types', '#close']);
    const json = new StringSink();
    const jl = new ZeekLogWriter(json, 'test', [['ts', 'time'], ['d', 'interval'], ['n', 'count'], ['s', 'string']], true);
    jl.row([[1700000000, 0], 2, null, 'a"b']);
    jl.close();
    expect(json.take()).toBe('{"ts":1700000000.0,"d":2.0,"s":"a\\"b"}\n');
  });
});
