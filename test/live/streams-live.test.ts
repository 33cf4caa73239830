/**
 * `http -i` and `follow -i` on a real interface: curl talks to a Node HTTP
 * server across a veth pair while netlens follows the traffic live and
 * tcpdump records the same interface. The live views must say what the same
 * views say offline on tcpdump's file (time stamps aside: each capture socket
 * is stamped separately), and `follow --raw` must give back the exact bytes
 * curl sent. Needs root, the native binding, tcpdump and curl; skips with
 * the reason otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ndjson, netlens, ROOT } from '../helpers/netlens.js';
import { createVethPair, netnsUnavailableReason, type VethPair } from '../helpers/netns.js';

const reason = netnsUnavailableReason()
  || (existsSync(join(ROOT, 'native', 'build', 'Release', 'netlens_pcap.node')) ? '' : 'the native libpcap binding is not built')
  || (spawnSync('sh', ['-c', 'command -v tcpdump && command -v curl']).status === 0 ? '' : 'tcpdump or curl missing');
if (reason) console.warn(`skipping live http/follow tests: ${reason}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a netlens view; resolves with its stdout (as bytes) and exit status after SIGINT. */
function liveView(args: string[]): { p: ChildProcess; done: () => Promise<{ out: Buffer; err: string; status: number }> } {
  const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const chunks: Buffer[] = [];
  let err = '';
  p.stdout!.on('data', (d: Buffer) => chunks.push(d));
  p.stderr!.on('data', (d) => { err += d; });
  const exited = new Promise<number>((r) => p.on('exit', (c) => r(c ?? -1)));
  return { p, done: async () => { p.kill('SIGINT'); const status = await exited; return { out: Buffer.concat(chunks), err, status }; } };
}

describe.skipIf(reason !== '')('http -i and follow -i on a veth pair', () => {
  let v: VethPair;
  const dir = mkdtempSync(join(tmpdir(), 'netlens-streams-live-'));
  const ref = join(dir, 'tcpdump.pcap');
  const server = createServer((req, res) => {
    let body = 0;
    req.on('data', (d: Buffer) => { body += d.length; });
    req.on('end', () => {
      if (req.url === '/missing') { res.statusCode = 404; res.end('no\n'); return; }
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url} ${body} ${'x'.repeat(3000)}\n`); // more than one segment
    });
  });
  const selector = () => `${v.nsIp}:45123-${v.hostIp}:8080`;
  let http: { out: Buffer; err: string; status: number };
  let followText: { out: Buffer; err: string; status: number };
  let followRaw: { out: Buffer; err: string; status: number };

  beforeAll(async () => {
    v = createVethPair('10.82.0.2', '10.82.0.1');
    await new Promise<void>((r) => server.listen(8080, v.hostIp, r));
    const td = spawn('tcpdump', ['-i', v.hostIf, '-s', '0', '--immediate-mode', '-U', '-w', ref], { stdio: 'ignore' });
    const h = liveView(['http', '--json', '-i', v.hostIf, '-Z', 'root']);
    const ft = liveView(['follow', '-i', v.hostIf, selector(), '-Z', 'root']);
    const fr = liveView(['follow', '-i', v.hostIf, selector(), '--raw', 'client', '-Z', 'root']);
    await sleep(1500);
    // One keep-alive connection from a fixed port: a GET, a POST with a body, a 404.
    await v.nsExec('curl', ['-s', '-o', '/dev/null', '--local-port', '45123', `http://${v.hostIp}:8080/a`,
      '--next', '-s', '-o', '/dev/null', '--data-binary', 'field=value&n=42', `http://${v.hostIp}:8080/form`,
      '--next', '-s', '-o', '/dev/null', `http://${v.hostIp}:8080/missing`]);
    // A second connection that is not the one followed.
    await v.nsExec('curl', ['-s', '-o', '/dev/null', `http://${v.hostIp}:8080/other`]);
    await sleep(1000);
    [http, followText, followRaw] = await Promise.all([h.done(), ft.done(), fr.done()]);
    td.kill('SIGINT');
    await new Promise((r) => td.on('exit', r));
  }, 60_000);

  afterAll(() => {
    server.close();
    v?.destroy();
  });

  it('http -i reports the same requests as http on tcpdump\'s capture of the same traffic', () => {
    expect(http.status, http.err).toBe(0);
    const live = ndjson(http.out.toString('utf8'));
    const offline = netlens(['http', '--json', ref]);
    expect(offline.status).toBe(0);
    const off = ndjson(offline.stdout);
    const strip = (r: Record<string, any>) => ({ ...r, requestTs: undefined, responseTs: undefined, responseEndTs: undefined, latency: undefined, ttlb: undefined });
    expect(live.map(strip)).toEqual(off.map(strip));
    expect(live.map((r) => [r.method, r.uri, r.status])).toEqual([['GET', '/a', 200], ['POST', '/form', 200], ['GET', '/missing', 404], ['GET', '/other', 200]]);
    expect(live[1]!.requestBodyBytes).toBe('field=value&n=42'.length);
    // Kernel stamps of two capture sockets: the same instants within a millisecond.
    for (let i = 0; i < live.length; i++) {
      expect(Math.abs(Number(live[i]!.requestTs) - Number(off[i]!.requestTs))).toBeLessThan(1e-3);
      expect(Math.abs(Number(live[i]!.responseEndTs) - Number(off[i]!.responseEndTs))).toBeLessThan(1e-3);
      expect(Math.abs(Number(live[i]!.ttlb) - Number(off[i]!.ttlb))).toBeLessThan(1e-3);
    }
  });

  it('follow -i prints what follow prints on tcpdump\'s capture', () => {
    expect(followText.status, followText.err).toBe(0);
    const offline = netlens(['follow', ref, selector()]);
    expect(offline.status).toBe(0);
    expect(followText.out.toString('utf8')).toBe(offline.stdout);
    expect(offline.stdout).toContain('POST /form HTTP/1.1');
  });

  it('follow -i --raw client gives back exactly the bytes curl sent', () => {
    expect(followRaw.status, followRaw.err).toBe(0);
    const offline = spawnSync(process.execPath, [CLI, 'follow', ref, selector(), '--raw', 'client'], { maxBuffer: 1 << 24 });
    expect(followRaw.out.equals(offline.stdout)).toBe(true);
    const text = followRaw.out.toString('latin1');
    expect(text.match(/(GET|POST) \/\S+ HTTP\/1\.1/g)).toEqual(['GET /a HTTP/1.1', 'POST /form HTTP/1.1', 'GET /missing HTTP/1.1']);
    // The POST's body, then straight on to the next request: the stream as sent.
    expect(text).toContain('\r\n\r\nfield=value&n=42GET /missing HTTP/1.1\r\n');
  });
});
