/**
 * The library (src/index.ts): each call yields exactly the records the
 * command line prints for the same capture, from a path, a Buffer or a
 * stream; filters, damage and missing conversations behave as on the command line.
 */
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arpFindings, connections, decodeFrame, dnsTransactions, followStream, httpTransactions, readPackets, SourceError, summarise } from '../../src/index.js';
import { CLI, FIXTURES, netlens } from '../helpers/netlens.js';
import { spawnSync } from 'node:child_process';
import { nativeAvailable, nativeUnavailableReason } from '../../src/source/live.js';

if (!nativeAvailable()) console.warn(`library/index.test: skipping the filter test: ${nativeUnavailableReason()}`);

const KEEPALIVE = join(FIXTURES, 'http-keepalive.pcap');
const MIXED = join(FIXTURES, 'mixed.pcap');
const CLOSE = join(FIXTURES, 'tcp-client-close.pcap');

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const cliRecords = (args: string[]) => netlens(args).stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);

describe('the same records as the command line', () => {
  it('readPackets = read --json', async () => {
    expect(await all(readPackets(MIXED))).toEqual(cliRecords(['read', '--json', MIXED]));
  });
  it('connections = conns --json, from a path, a Buffer and a stream', async () => {
    const want = cliRecords(['conns', '--json', MIXED]);
    expect(want.length).toBeGreaterThan(3);
    expect(await all(connections(MIXED))).toEqual(want);
    expect(await all(connections(readFileSync(MIXED)))).toEqual(want);
    expect(await all(connections(createReadStream(MIXED)))).toEqual(want);
  });
  it('httpTransactions = http --json', async () => {
    const want = cliRecords(['http', '--json', KEEPALIVE]);
    expect(want).toHaveLength(4);
    expect(await all(httpTransactions(KEEPALIVE))).toEqual(want);
  });
  it('dnsTransactions = dns --json', async () => {
    const dns = join(FIXTURES, 'dns.pcap');
    const want = cliRecords(['dns', '--json', dns]);
    expect(want).toHaveLength(6);
    expect(await all(dnsTransactions(dns))).toEqual(want);
    expect(await all(dnsTransactions(dns, { timeout: 0.001 }))).toEqual(cliRecords(['dns', '--json', '--dns-timeout', '0.001', dns]));
  });
  it('arpFindings = arp --json', async () => {
    const want = cliRecords(['arp', '--json', CLOSE]);
    expect(want.length).toBeGreaterThan(0);
    expect(await all(arpFindings(CLOSE))).toEqual(want);
  });
  it('followStream = follow --raw client and --raw server', async () => {
    const s = await followStream(KEEPALIVE, 0);
    const raw = (side: string) => spawnSync(process.execPath, [CLI, 'follow', KEEPALIVE, '0', '--raw', side], { maxBuffer: 1 << 26 }).stdout;
    expect(s.client.equals(raw('client'))).toBe(true);
    expect(s.server.equals(raw('server'))).toBe(true);
    expect(s.client.toString('latin1')).toMatch(/^GET \/ HTTP\/1\.1\r\n/);
    await expect(followStream(KEEPALIVE, 99)).rejects.toThrow(SourceError);
  });
  it.skipIf(!nativeAvailable())(`a filter, as on the command line${nativeAvailable() ? '' : ` (skipped: ${nativeUnavailableReason()})`}`, async () => {
    const got = await all(readPackets(MIXED, { filter: 'udp' }));
    expect(got).toEqual(cliRecords(['read', '--json', MIXED, 'udp']));
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((p) => p.udp !== undefined)).toBe(true);
  });
  it.skipIf(!nativeAvailable())('a filter means what it means on the command line: packets picked, conversations chosen, analysis whole', async () => {
    const LOSSY = join(FIXTURES, 'lossy-download.pcap');
    const picked = await all(readPackets(LOSSY, { filter: 'tcp src port 8080' }));
    expect(picked).toEqual(cliRecords(['read', '--json', LOSSY, 'tcp src port 8080']));
    expect(picked.some((p) => p.analysis?.includes('retransmission'))).toBe(true);
    expect(await all(readPackets(LOSSY, { filter: 'tcp src port 8080', prefilter: true }))).toEqual(cliRecords(['read', '--json', '--prefilter', LOSSY, 'tcp src port 8080']));
    const conns = await all(connections(MIXED, { filter: 'tcp port 8080 and ip6' }));
    expect(conns).toEqual(cliRecords(['conns', '--json', MIXED, 'tcp port 8080 and ip6']));
    expect(conns.map((c) => [c.id, c.handshake, c.teardown])).toEqual([[5, 'complete', 'fin']]);
    const lossy = await all(connections(LOSSY, { filter: 'tcp src port 8080' }));
    expect(lossy.map((c) => [c.handshake, c.teardown])).toEqual([['complete', 'fin']]);
    expect(await all(httpTransactions(KEEPALIVE, { filter: 'tcp dst port 8080' }))).toEqual(cliRecords(['http', '--json', KEEPALIVE, 'tcp dst port 8080']));
  });
  it('count stops after N packets', async () => {
    expect(await all(readPackets(MIXED, { count: 3 }))).toEqual(cliRecords(['read', '--json', '-c', '3', MIXED]));
  });
});

describe('summarise, for a test of one\'s own', () => {
  it('a clean close', async () => {
    expect(await summarise(CLOSE)).toMatchObject({ handshake: 'complete', teardown: 'fin', connState: 'SF', tcp: 1, retransmissions: 0 });
  });
  it('several connections that differ', async () => {
    const s = await summarise(MIXED);
    expect(s.conns.map((c) => c.id)).toEqual([...s.conns.keys()]);
    expect(s.packets).toBe(cliRecords(['read', '--json', MIXED]).length);
  });
});

describe('bad input', () => {
  it('not a capture: a SourceError, no temporary file left', async () => {
    await expect(all(connections(Buffer.from('hello, not a capture')))).rejects.toThrow(SourceError);
    await expect(all(connections('/nonexistent/x.pcap'))).rejects.toThrow(/no such file/);
  });
  it('damage in the middle: the records before it, then the SourceError', async () => {
    const bytes = readFileSync(MIXED);
    const cut = Buffer.from(bytes);
    // A record header whose captured length is absurd, after the first few records.
    let off = 24;
    for (let i = 0; i < 5; i++) off += 16 + cut.readUInt32LE(off + 8);
    cut.writeUInt32LE(0x7fffffff, off + 8);
    const dir = mkdtempSync(join(tmpdir(), 'netlens-lib-'));
    writeFileSync(join(dir, 'cut.pcap'), cut);
    const got: unknown[] = [];
    await expect((async () => { for await (const p of readPackets(join(dir, 'cut.pcap'))) got.push(p); })()).rejects.toThrow(SourceError);
    expect(got).toEqual(cliRecords(['read', '--json', join(dir, 'cut.pcap')]));
    expect(got).toHaveLength(5);
  });
});

describe('decodeFrame', () => {
  it('one frame, as the first packet of a capture', () => {
    const bytes = readFileSync(CLOSE);
    const caplen = bytes.readUInt32LE(24 + 8);
    const rec = decodeFrame(bytes.subarray(40, 40 + caplen), { ts: { sec: bytes.readUInt32LE(24), nsec: bytes.readUInt32LE(28) * 1000 } });
    expect(rec).toEqual(cliRecords(['read', '--json', '-c', '1', CLOSE])[0]);
    expect(rec.arp?.op).toBe(1);
  });
});
