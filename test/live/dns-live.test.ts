/**
 * `dns -i` on a real interface: queries crafted with node's dgram and net
 * (dig is not needed) go across a veth pair to dnsmasq in a namespace, over
 * UDP and TCP (two queries on one connection), and to a silent UDP socket on
 * port 53 that never answers (the same query sent twice: a retry). netlens
 * follows it live while tcpdump records the same interface: the live records
 * must be the offline ones on tcpdump's file (time stamps aside), and tshark's
 * pairs on that file must match. Needs root, the native binding, tcpdump and
 * dnsmasq; skips with the reason otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsRecord } from '../../src/encode/records.js';
import { CLI, ndjson, netlens } from '../helpers/netlens.js';
import { nativeAvailable, nativeUnavailableReason } from '../../src/source/live.js';
import { createVethPair, netnsUnavailableReason, type VethPair } from '../helpers/netns.js';

const reason = netnsUnavailableReason()
  || (nativeAvailable() ? '' : nativeUnavailableReason())
  || (spawnSync('sh', ['-c', 'command -v tcpdump && command -v dnsmasq']).status === 0 ? '' : 'tcpdump or dnsmasq missing');
if (reason) console.warn(`skipping live dns tests: ${reason}`);
const haveTshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A query (RD set) for one name and type. */
function queryMsg(id: number, name: string, type: number): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id, 0); head.writeUInt16BE(0x0100, 2); head.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0); tail.writeUInt16BE(1, 2);
  return Buffer.concat([head, ...labels, Buffer.from([0]), tail]);
}

/** Sends a UDP query from `sock` and waits for one datagram back (or `waitMs`). */
function udpAsk(sock: Socket, host: string, msg: Buffer, waitMs = 2000): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const t = setTimeout(() => { sock.off('message', on); resolve(null); }, waitMs);
    const on = (m: Buffer): void => { clearTimeout(t); sock.off('message', on); resolve(m); };
    sock.on('message', on);
    sock.send(msg, 53, host);
  });
}

/** Two queries on one TCP connection (RFC 7766 pipelining), both answers read, then closed. */
function tcpAsk(host: string, msgs: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port: 53 });
    let got = Buffer.alloc(0), answers = 0;
    s.on('connect', () => s.write(Buffer.concat(msgs.map((m) => { const l = Buffer.alloc(2); l.writeUInt16BE(m.length); return Buffer.concat([l, m]); }))));
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      while (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) { got = got.subarray(2 + got.readUInt16BE(0)); answers++; }
      if (answers === msgs.length) s.end();
    });
    s.on('close', () => resolve(answers));
    s.on('error', reject);
    setTimeout(() => s.destroy(), 5000);
  });
}

function liveView(args: string[]): { done: () => Promise<{ out: string; err: string; status: number }> } {
  const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '', err = '';
  p.stdout!.on('data', (d) => { out += d; });
  p.stderr!.on('data', (d) => { err += d; });
  const exited = new Promise<number>((r) => p.on('exit', (c) => r(c ?? -1)));
  return { done: async () => { p.kill('SIGINT'); const status = await exited; return { out, err, status }; } };
}

describe.skipIf(reason !== '')('dns -i on a veth pair, dnsmasq in the namespace', () => {
  let v: VethPair;
  let dnsmasq: ChildProcess;
  let silent: Socket;
  const dir = mkdtempSync(join(tmpdir(), 'netlens-dns-live-'));
  const ref = join(dir, 'tcpdump.pcap');
  let live: { out: string; err: string; status: number };
  let liveZeek: { out: string; err: string; status: number };

  beforeAll(async () => {
    v = createVethPair('10.83.0.2', '10.83.0.1');
    dnsmasq = v.nsSpawn('dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', `--pid-file=${join(dir, 'dnsmasq.pid')}`, '--user=root',
      '--no-resolv', '--no-hosts', '--host-record=v6.example.test,fd83::99', '--host-record=example.test,10.83.0.99',
      '--cname=alias.example.test,example.test', '--local=/invalid/', '--port', '53', `--listen-address=${v.nsIp}`, '--bind-interfaces'], { stdio: 'ignore' });
    // A server that never answers, on the host side: the namespace's queries to it go unanswered.
    silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(53, v.hostIp, r));
    const td = spawn('tcpdump', ['-i', v.hostIf, '-s', '0', '--immediate-mode', '-U', '-w', ref, 'port 53'], { stdio: 'ignore' });
    const view = liveView(['dns', '--json', '-i', v.hostIf, '-Z', 'root']);
    const zeekView = liveView(['dns', '--format', 'zeek', '--seed', '5', '-i', v.hostIf, '-Z', 'root']);
    await sleep(1500);
    const client = createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, v.hostIp, r));
    const asked: [number, string, number][] = [[1001, 'example.test', 1], [1002, 'v6.example.test', 28], [1003, 'alias.example.test', 1], [1004, 'nosuch.invalid', 1], [1005, 'unknown.elsewhere', 1]];
    for (const [id, name, type] of asked) expect(await udpAsk(client, v.nsIp, queryMsg(id, name, type))).not.toBeNull();
    client.close();
    expect(await tcpAsk(v.nsIp, [queryMsg(2001, 'example.test', 1), queryMsg(2002, 'v6.example.test', 28)])).toBe(2);
    // From the namespace to the silent server: one query, re-sent with the same id 300 ms later.
    const q = queryMsg(3001, 'lost.test', 1).toString('hex');
    await v.nsExec(process.execPath, ['-e', `const s=require('dgram').createSocket('udp4');const m=Buffer.from('${q}','hex');s.bind(0,()=>{s.send(m,53,'${v.hostIp}');setTimeout(()=>s.send(m,53,'${v.hostIp}',()=>s.close()),300);});`]);
    await sleep(1000);
    live = await view.done();
    liveZeek = await zeekView.done();
    td.kill('SIGINT');
    await new Promise((r) => td.on('exit', r));
  }, 60_000);

  afterAll(() => {
    silent?.close();
    dnsmasq?.kill();
    v?.destroy();
  });

  it('the live records are the offline records of tcpdump\'s capture (time stamps aside)', () => {
    expect(live.status, live.err).toBe(0);
    const on = ndjson(live.out) as DnsRecord[];
    const offline = netlens(['dns', '--json', ref]);
    expect(offline.status).toBe(0);
    const off = ndjson(offline.stdout) as DnsRecord[];
    const strip = (r: DnsRecord) => ({ ...r, ts: undefined, responseTs: undefined, rtt: r.rtt === null ? null : 'rtt', conn: undefined });
    expect(on.map(strip)).toEqual(off.map(strip));
    expect(off.map((r) => [r.transport, r.id, r.query, r.qtype, r.rcode, r.answers.map((a) => a.data), r.retries, r.expired ?? null])).toEqual([
      ['udp', 1001, 'example.test', 'A', 'NOERROR', ['10.83.0.99'], 0, null],
      ['udp', 1002, 'v6.example.test', 'AAAA', 'NOERROR', ['fd83::99'], 0, null],
      ['udp', 1003, 'alias.example.test', 'A', 'NOERROR', ['example.test', '10.83.0.99'], 0, null],
      ['udp', 1004, 'nosuch.invalid', 'A', 'NXDOMAIN', [], 0, null],
      ['udp', 1005, 'unknown.elsewhere', 'A', 'REFUSED', [], 0, null],
      ['tcp', 2001, 'example.test', 'A', 'NOERROR', ['10.83.0.99'], 0, null],
      ['tcp', 2002, 'v6.example.test', 'AAAA', 'NOERROR', ['fd83::99'], 0, null],
      ['udp', 3001, 'lost.test', 'A', null, [], 1, 'end'],
    ]);
  });

  it('--format zeek live: the rows of dns.log from tcpdump\'s capture (times and uids aside); the retry a row of its own, as Zeek logs it', () => {
    expect(liveZeek.status, liveZeek.err).toBe(0);
    const rows = (text: string) => {
      const ls = text.split('\n').filter((l) => l !== '');
      const fields = ls.find((l) => l.startsWith('#fields\t'))!.split('\t').slice(1);
      return ls.filter((l) => !l.startsWith('#')).map((l) => Object.fromEntries(l.split('\t').map((x, i) => [fields[i]!, x])));
    };
    const strip = (r: Record<string, string>) => ({ ...r, ts: undefined, uid: undefined, rtt: r.rtt === '-' ? '-' : 'rtt' });
    const on = rows(liveZeek.out), off = rows(netlens(['dns', '--format', 'zeek', '--seed', '5', ref]).stdout);
    expect(on.map(strip)).toEqual(off.map(strip));
    expect(off.filter((r) => r.trans_id === '3001').map((r) => [r.query, r.rcode, r.answers, r.RD])).toEqual([['lost.test', '-', '-', 'T'], ['lost.test', '-', '-', 'T']]);
    expect(off.find((r) => r.trans_id === '1003')!.answers).toBe('example.test,10.83.0.99');
  });

  it.skipIf(!haveTshark)('tshark pairs the same queries on tcpdump\'s file, with the same rtts', () => {
    const off = ndjson(netlens(['dns', '--json', ref]).stdout) as DnsRecord[];
    const r = spawnSync('tshark', ['-r', ref, '-Y', 'dns.flags.response == 1', '-T', 'fields', '-e', 'dns.id', '-e', 'dns.time', '-e', 'dns.flags.rcode'], { encoding: 'utf8' });
    const ts = r.stdout.trim().split('\n').map((l) => l.split('\t')).map(([id, time, rcode]) => [Number(id), Number(time), Number(rcode)]);
    const RC: Record<string, number> = { NOERROR: 0, NXDOMAIN: 3, REFUSED: 5 };
    const ours = off.filter((x) => x.rcode !== null).map((x) => [x.id, x.rtt!, RC[x.rcode!]!]);
    expect(ours.map((x) => [x[0], x[2]])).toEqual(ts.map((x) => [x[0], x[2]]));
    ours.forEach((x, i) => expect(Math.abs(x[1]! - ts[i]![1]!)).toBeLessThan(1.5e-6));
  });
});
