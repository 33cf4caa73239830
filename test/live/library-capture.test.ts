/**
 * The library's live source, capture(iface): pings across a veth pair come
 * out as the packet records `capture --json` prints, with the filter applied,
 * until the AbortSignal ends it; count ends it too. Needs root and the
 * native binding; skips with the reason otherwise.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, type PacketRecord } from '../../src/index.js';
import { ROOT } from '../helpers/netlens.js';
import { createVethPair, netnsUnavailableReason, type VethPair } from '../helpers/netns.js';

const reason = netnsUnavailableReason()
  || (existsSync(join(ROOT, 'native', 'build', 'Release', 'netlens_pcap.node')) ? '' : 'the native libpcap binding is not built');
if (reason) console.warn(`skipping the library's live capture tests: ${reason}`);

describe.skipIf(reason !== '')('capture(iface) on a veth pair', () => {
  let v: VethPair;
  beforeAll(() => { v = createVethPair('10.78.40.2', '10.78.40.1'); });
  afterAll(() => v?.destroy());

  it('yields the filtered packets until the signal aborts', async () => {
    const ac = new AbortController();
    const got: PacketRecord[] = [];
    const run = (async () => { for await (const p of capture(v.hostIf, { filter: 'icmp', signal: ac.signal, immediate: true })) got.push(p); })();
    await new Promise((r) => setTimeout(r, 300));
    await v.nsExec('ping', ['-c', '3', '-i', '0.2', v.hostIp]);
    await new Promise((r) => setTimeout(r, 300));
    ac.abort();
    await run;
    expect(got).toHaveLength(6); // three echo requests and their replies
    expect(got.map((p) => p.icmp?.type)).toEqual([8, 0, 8, 0, 8, 0]);
    expect(got.every((p) => p.type === 'packet' && p.ip?.src !== undefined)).toBe(true);
    expect(got.map((p) => p.n)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('ends by itself after count packets', async () => {
    const got: PacketRecord[] = [];
    const run = (async () => { for await (const p of capture(v.hostIf, { filter: 'icmp', count: 2, immediate: true })) got.push(p); })();
    await new Promise((r) => setTimeout(r, 300));
    await v.nsExec('ping', ['-c', '3', '-i', '0.2', v.hostIp]);
    await run;
    expect(got).toHaveLength(2);
  });
});
