/**
 * "When?" in the table views: conns gives each conversation's start and
 * duration and a closing summary line, http each request's time, time to
 * first byte and time to last byte; one --time option across views; a clear
 * line when there is nothing to show; LANG=C gives ASCII everywhere.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ndjson, netlens } from '../helpers/netlens.js';
import { nativeAvailable, nativeUnavailableReason } from '../../src/source/live.js';

const hasNative = nativeAvailable();
if (!hasNative) console.warn(`when.test: native binding unavailable (${nativeUnavailableReason()}); skipping the filtered case`);

const fx = (f: string): string => join(FIXTURES, f);

describe('conns: start, duration, closing line', () => {
  it('each block says when the conversation began and for how long (local time, like read)', () => {
    const r = netlens(['conns', fx('mixed.pcap')]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('#0 UDP 10.77.0.1:40541 → 10.77.0.2:53  at 07:24:11.620915 for 162µs, 1/1 pkts, 41 B / 57 B');
    expect(lines[2]).toBe('    at 07:24:11.642740 for 203.99ms, 11/9 pkts, 163 B / 429 B, rtt 49µs');
    // The same start as read's line for the conversation's first frame.
    const read = netlens(['read', '--no-annotate', fx('mixed.pcap')]).stdout.split('\n');
    expect(read.some((l) => l.startsWith('07:24:11.642740 IP 10.77.0.1.40015 > 10.77.0.2.8080: Flags [S]'))).toBe(true);
    expect(lines.at(-1)).toBe('6 conversations: 3 TCP (3 complete / fin), 3 UDP; 0 retransmitted segments');
  });

  it('--time and -t… as in read: epoch, date, since the first frame, none; -ttt is refused', () => {
    const second = (args: string[]): string => netlens(['conns', ...args, fx('mixed.pcap')]).stdout.split('\n')[2]!;
    expect(second(['-tt'])).toMatch(/^ {4}at 1795\d{6}\.642740 for 203\.99ms,/);
    expect(second(['--time', 'date'])).toMatch(/^ {4}at 2026-\d\d-\d\d 07:24:11\.642740 for /);
    // since-first counts from the capture's first frame (an ARP request here), as read -ttttt does.
    const firstFrame = netlens(['read', '-ttttt', '--no-annotate', fx('mixed.pcap')]).stdout.split('\n')
      .find((l) => l.includes('10.77.0.1.40015 > 10.77.0.2.8080: Flags [S]'))!.trim().split(' ')[0];
    expect(second(['--time', 'since-first'])).toBe(`    at ${firstFrame} for 203.99ms, 11/9 pkts, 163 B / 429 B, rtt 49µs`);
    expect(second(['-t'])).toBe('    for 203.99ms, 11/9 pkts, 163 B / 429 B, rtt 49µs');
    const delta = netlens(['conns', '-ttt', fx('mixed.pcap')]);
    expect(delta.status).toBe(2);
    expect(delta.stderr.split('\n')[0]).toMatch(/^netlens: conns: -ttt .*since-first/);
  });

  it('retransmissions and patterns counted in the closing line', () => {
    const r = netlens(['conns', fx('lossy-download.pcap')]);
    const last = r.stdout.trimEnd().split('\n').at(-1)!;
    const records = ndjson(netlens(['conns', '--json', fx('lossy-download.pcap')]).stdout);
    const rx = records.reduce((n, c) => n + (c.retransmissions ?? 0), 0);
    expect(rx).toBeGreaterThan(0);
    expect(last).toMatch(new RegExp(`; ${rx} retransmitted segments$`));
    expect(last).toMatch(/^\d+ conversations?: \d+ TCP \(\d+ complete \/ /);
  });

  it.skipIf(!hasNative)('a filter that matches nothing: one line saying so', () => {
    expect(netlens(['conns', fx('mixed.pcap'), 'tcp port 9']).stdout).toBe('no TCP or UDP conversation has a frame matching the filter\n');
  });

  it('nothing to show: one line saying so, not an empty output', () => {
    expect(netlens(['conns', fx('arp-crafted.pcap')]).stdout).toBe('no TCP or UDP conversations in this capture\n');
    expect(netlens(['conns', fx('udp-exchange.pcap')]).stdout.trimEnd().split('\n').at(-1)).toBe('1 conversation: no TCP connections, 1 UDP');
  });
});

describe('http: request time, time to first and last byte', () => {
  it('/chunked: first byte after 51.66 ms, the whole body after 203.52 ms', () => {
    const r = netlens(['http', fx('http-keepalive.pcap')]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^conn +time +method +host +uri +status +req body +resp body +ttfb +ttlb$/);
    expect(lines[2]).toMatch(/^#0 +07:23:50\.138500 +GET +10\.77\.0\.2:8080 +\/chunked +200 +0 +60 +51\.66ms +203\.52ms$/);
    const rec = ndjson(netlens(['http', '--json', fx('http-keepalive.pcap')]).stdout)[1]!;
    expect(rec).toMatchObject({ uri: '/chunked', latency: 0.051656, ttlb: 0.20352 });
    // The response's last byte is the last data segment the server sent on it, before the next request.
    expect(Number(rec.responseEndTs) - Number(rec.requestTs)).toBeCloseTo(0.20352, 6);
  });

  it('-t drops the time column; no HTTP: one line', () => {
    expect(netlens(['http', '-t', fx('http-keepalive.pcap')]).stdout.split('\n')[0]).toMatch(/^conn +method +host /);
    expect(netlens(['http', fx('dns.pcap')]).stdout).toBe('no HTTP/1.x requests or responses in this capture\n');
  });
});

describe('LANG=C: ASCII everywhere', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.pcap'));
  const views = [['read'], ['read', '-v'], ['conns'], ['http'], ['arp'], ['ladder', '--ascii']];
  it.each(views.map((v) => [v.join(' ')]))('%s on every fixture: no byte past 0x7f on stdout or stderr', (view) => {
    let checked = 0;
    for (const f of files) {
      const args = view.split(' ');
      if (args[0] === 'ladder') args.splice(1, 1); // the locale alone must choose ASCII
      const r = netlens([...args, fx(f), ...(args[0] === 'ladder' ? ['0'] : [])], undefined, { LANG: 'C' });
      expect(r.stdout + r.stderr, `${view} ${f}`).not.toMatch(/[^\x00-\x7f]/);
      checked += r.stdout.length;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('the same views in a UTF-8 locale keep → and µ', () => {
    const r = netlens(['conns', fx('tcp-client-close.pcap')], undefined, { LANG: 'en_US.UTF-8' });
    expect(r.stdout).toContain('CLOSED → SYN_SENT');
    expect(netlens(['conns', fx('tcp-client-close.pcap')], undefined, { LANG: 'C' }).stdout).toContain('CLOSED -> SYN_SENT');
    expect(netlens(['read', fx('tcp-client-close.pcap')], undefined, { LANG: 'C' }).stdout).toContain('(client CLOSED -> SYN_SENT)');
  });
});
