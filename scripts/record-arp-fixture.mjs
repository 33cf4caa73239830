#!/usr/bin/env node
/**
 * Records fixtures/arp-crafted.pcap (needs root, iproute2, tcpdump, ping and
 * the native binding: npm run build):
 *
 *   sudo node scripts/record-arp-fixture.mjs
 *
 * Same topology as scripts/record-fixtures.sh (namespaces nlfx_c / nlfx_s,
 * veth_c 10.77.0.1 / veth_s 10.77.0.2, IPv6 off); tcpdump --immediate-mode
 * records on veth_s while
 *   1. both neighbour caches are flushed and the client pings the server once
 *      (ARP request/reply, ICMP echo),
 *   2. the native binding's inject() puts crafted frames on veth_c
 *      (scripts/arp-frames.mjs): a gratuitous reply claiming 10.77.0.1 from
 *      02:00:00:00:00:aa (a conflict), a probe and an announcement for
 *      10.77.0.50 from 02:00:00:00:00:bb, an unsolicited reply for 10.77.0.70
 *      from 02:00:00:00:00:cc.
 * Internal: `node record-arp-fixture.mjs inject IFACE CLIENT_IP SERVER_IP SERVER_MAC` does step 2
 * (run inside the client namespace).
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { craftedFrames } from './arp-frames.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT = join(ROOT, 'fixtures', 'arp-crafted.pcap');
const NS_C = 'nlfx_c', NS_S = 'nlfx_s', IF_C = 'veth_c', IF_S = 'veth_s';
const C4 = '10.77.0.1', S4 = '10.77.0.2';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sh(cmd, args, allowFail = false) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0 && !allowFail) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
  return r.stdout;
}

async function inject(iface, clientIp, serverIp, serverMac) {
  const { openLive } = await import('../dist/source/live.js');
  const s = openLive({ iface, snaplen: 262144, promisc: false, immediate: true, bufferKiB: 1024, filter: '', nanosecond: true, backend: 'native' });
  for (const f of craftedFrames({ clientIp, serverIp, serverMac })) {
    s.inject(f);
    await sleep(100);
  }
  await s.stop();
}

function teardown() {
  for (const ns of [NS_C, NS_S]) sh('ip', ['netns', 'del', ns], true);
}

async function record() {
  if (process.getuid?.() !== 0) throw new Error('must run as root: sudo node scripts/record-arp-fixture.mjs');
  teardown();
  sh('ip', ['netns', 'add', NS_C]);
  sh('ip', ['netns', 'add', NS_S]);
  sh('ip', ['link', 'add', IF_C, 'netns', NS_C, 'type', 'veth', 'peer', 'name', IF_S, 'netns', NS_S]);
  for (const [ns, ifc, ip] of [[NS_C, IF_C, C4], [NS_S, IF_S, S4]]) {
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
    sh('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', ifc]);
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    sh('ip', ['-n', ns, 'link', 'set', ifc, 'up']);
  }
  const serverMac = JSON.parse(sh('ip', ['-n', NS_S, '-j', 'link', 'show', IF_S]))[0].address;
  await sleep(1000);
  const cap = spawn('ip', ['netns', 'exec', NS_S, 'tcpdump', '-i', IF_S, '-s', '0', '--immediate-mode', '-U', '-w', OUT], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((resolve, reject) => {
    let err = '';
    cap.stderr.on('data', (d) => { err += d; if (err.includes('listening on')) resolve(); });
    cap.on('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${err.trim()}`)));
  });
  try {
    sh('ip', ['-n', NS_C, 'neigh', 'flush', 'all']);
    sh('ip', ['-n', NS_S, 'neigh', 'flush', 'all']);
    sh('ip', ['netns', 'exec', NS_C, 'ping', '-q', '-c', '1', S4]);
    await sleep(200);
    sh('ip', ['netns', 'exec', NS_C, process.execPath, fileURLToPath(import.meta.url), 'inject', IF_C, C4, S4, serverMac]);
    await sleep(300);
  } finally {
    const exited = new Promise((r) => cap.once('exit', r));
    cap.kill('SIGINT');
    await exited;
    teardown();
  }
  process.stdout.write(`${OUT}\n${sh('tcpdump', ['-nn', '-e', '-r', OUT], true)}`);
}

if (process.argv[2] === 'inject') {
  const [, , , iface, clientIp, serverIp, serverMac] = process.argv;
  await inject(iface, clientIp, serverIp, serverMac);
} else {
  await record();
}
