/**
 * netlens as a library: the records of the command line's `--json` views, as
 * typed objects, streamed from a capture file, a Buffer or a readable stream,
 * or from a live interface. Every function here runs the same decoders,
 * tracker and record writers as the command line, so `connections(f)` yields
 * exactly what `netlens conns --json f` prints. docs/api.md shows each call.
 *
 *   import { connections } from 'netlens';
 *   for await (const c of connections('login.pcap', { filter: 'tcp port 443' })) console.log(c.id, c.handshake, c.teardown);
 */
import { SourceError, newFrame, LinkType } from './frame.js';
import { PacketDecoder } from './decode/packet-decoder.js';
import { Tracker } from './track/tracker.js';
import { ArpTable } from './track/arp-table.js';
import type { ArpTable as ArpTableType } from './track/arp-table.js';
import { Pipeline } from './pipeline.js';
import { openLive, listInterfaces, type DeviceInfo } from './source/live.js';
import { StringSink } from './encode/sink.js';
import { writePacketJson } from './encode/packet-record.js';
import { writeConnJson } from './encode/conn-record.js';
import { writeHttpJson } from './encode/http-record.js';
import { HttpCollector } from './report/http.js';
import { writeDnsJson } from './encode/dns-record.js';
import { DnsCollector } from './report/dns.js';
import { ArpReport } from './report/arp.js';
import { FollowCollector } from './report/follow.js';
import { parseConnSelector } from './report/ladder/model.js';
import { noColor } from './encode/palette.js';
import { pipelineOptions, runRecords, type RunOptions } from './library/run.js';
import type { CaptureSource } from './library/source.js';
import type { ArpRecord, ConnRecord, DnsRecord, Handshake, HttpRecord, PacketRecord, Teardown } from './encode/records.js';

export type * from './encode/records.js';
export type { CaptureSource } from './library/source.js';
export type { RunOptions } from './library/run.js';
export type { DeviceInfo } from './source/live.js';
export { slicePackets, sliceToFile } from './library/slice.js';
export type { ConnNames, SlicedFrame, SliceDestination, SliceOptions, SliceSummary } from './library/slice.js';
export { SourceError, LinkType };

/** Every packet, as `netlens read --json` prints it (tshark's fields, the conversation id, analysis flags, state events). */
export function readPackets(source: CaptureSource, options: RunOptions = {}): AsyncGenerator<PacketRecord> {
  return runRecords<PacketRecord>(source, options, (out) => ({
    sink: { packet: (n, f, d, t, arp) => writePacketJson(out, n, f, d, t, arp, options.communityIdSeed ?? 0), recycle: true },
    end: () => {},
  }), undefined, 'pick');
}

/**
 * Every conversation, as `netlens conns --json` prints it: in the order they end (or are evicted), each once;
 * with `interim: N`, also an interim record (`interim: true`) of each one still open every N seconds of capture time.
 */
export function connections(source: CaptureSource, options: RunOptions = {}): AsyncGenerator<ConnRecord> {
  const seed = options.communityIdSeed ?? 0;
  return runRecords<ConnRecord>(source, options, (out) => ({
    sink: { conn: (c) => writeConnJson(out, c, seed), interim: (c) => writeConnJson(out, c, seed, true), recycle: true },
    end: () => {},
  }), undefined, 'conversations');
}

/** Options of the views that reassemble streams (http, followStream). */
export interface StreamOptions extends RunOptions {
  /** Bytes held out of order per stream (default 4 MiB). */
  maxHeld?: number;
  /** Bytes held out of order in all streams (default 64 MiB). */
  maxHeldTotal?: number;
}

const held = (o: StreamOptions) => ({ maxHeld: o.maxHeld ?? 4 * 1024 * 1024, maxHeldTotal: o.maxHeldTotal ?? 64 * 1024 * 1024 });

/** Every HTTP request and its response, as `netlens http --json` prints them. */
export function httpTransactions(source: CaptureSource, options: StreamOptions = {}): AsyncGenerator<HttpRecord> {
  const warn = options.onWarning ?? (() => {});
  return runRecords<HttpRecord>(source, options, (out) => {
    const col = new HttpCollector(
      (id, tx, communityId) => writeHttpJson(out, id, tx, communityId),
      (id, side, msg) => warn(`conn ${id} ${side}: not HTTP from here on (${msg})`),
      held(options),
      (id, side, bytes) => warn(`conn ${id} ${side}: out-of-order bytes over the reassembly bounds were dropped (${bytes} bytes held)`),
      true,
      (id, pending) => warn(`conn ${id}: more than ${pending} requests waiting for their responses: the oldest are reported without one`),
    );
    col.communityIdSeed = options.communityIdSeed ?? 0;
    return { sink: { packet: (n, f, d, t) => col.packet(n, f, d, t), conn: (c) => col.conn(c), recycle: true }, end: () => col.end() };
  }, undefined, 'conversations');
}

/** Options of dnsTransactions. */
export interface DnsOptions extends StreamOptions {
  /** Seconds of capture time a query waits for its response before it is reported unanswered (default 30). */
  timeout?: number;
  /** Queries waiting for their responses at once (default 65536); the oldest is reported unanswered when one more comes. */
  maxPending?: number;
}

/**
 * Every DNS query and its response over UDP and TCP port 53, as `netlens dns --json` prints them: in the order
 * they are reported (at the response; an unanswered query when it times out or the capture ends, with `rcode: null`).
 */
export function dnsTransactions(source: CaptureSource, options: DnsOptions = {}): AsyncGenerator<DnsRecord> {
  const warn = options.onWarning ?? (() => {});
  return runRecords<DnsRecord>(source, options, (out) => {
    const col = new DnsCollector((tx) => writeDnsJson(out, tx), {
      ...held(options),
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      ...(options.maxPending !== undefined ? { maxPending: options.maxPending } : {}),
    }, (id, side) => warn(`conn ${id} ${side}: bytes missing from the capture: DNS messages after them are not read`));
    return { sink: { packet: (n, f, d, t) => col.packet(n, f, d, t), conn: (c) => col.conn(c), recycle: true }, end: () => col.end() };
  }, undefined, 'conversations');
}

/** The ARP / neighbour-discovery table and its findings, as `netlens arp --json` prints them. */
export function arpFindings(source: CaptureSource, options: RunOptions = {}): AsyncGenerator<ArpRecord> {
  return runRecords<ArpRecord>(source, options, (out) => {
    let table: ArpTableType | null = null;
    const report = new ArpReport(true, noColor, null);
    return {
      sink: { packet: (_n, _f, _d, _t, arp) => { if (table === null) { table = arp; report.watch(arp); } }, recycle: true },
      end: () => report.finish(table, (l) => out.line(l)),
    };
  });
}

/** A conversation's two reassembled byte streams. */
export interface FollowedStream {
  /** What the client sent, in order, retransmissions removed (bytes never captured are left out: see gapBytes). */
  client: Buffer;
  server: Buffer;
  /** Bytes of each side's stream that were not captured. */
  gapBytes: { client: number; server: number };
}

/**
 * One conversation's reassembled streams, as `netlens follow --raw client|server`
 * writes them. `conn`: its id (as in `connections`), or "ip:port-ip:port".
 * Throws a SourceError when the capture has no such conversation.
 */
export async function followStream(source: CaptureSource, conn: number | string, options: StreamOptions = {}): Promise<FollowedStream> {
  const selector = parseConnSelector(String(conn));
  if (selector === null) throw new SourceError(`not a connection id or ip:port-ip:port: ${JSON.stringify(conn)}`);
  const got: FollowedStream = { client: Buffer.alloc(0), server: Buffer.alloc(0), gapBytes: { client: 0, server: 0 } };
  for (const side of ['client', 'server'] as const) {
    const chunks: Buffer[] = [];
    let col: FollowCollector | null = null;
    let found = false;
    const run = runRecords<never>(source, options, () => {
      col = new FollowCollector(selector, { kind: 'raw', side }, { line: () => {}, bytes: (b) => { chunks.push(Buffer.from(b)); } }, noColor, held(options));
      const c = col;
      return { sink: { packet: (n, f, d, t) => c.packet(n, f, d, t), conn: (x) => c.connEnded(x), recycle: true }, end: () => { found = c.end(); } };
    }, undefined, 'conversations');
    for await (const _ of run) { /* follow writes bytes, not records */ }
    if (!found) throw new SourceError(`no conversation ${conn} in this capture`);
    const c = col as FollowCollector | null;
    got[side] = Buffer.concat(chunks);
    if (c !== null) got.gapBytes[side] = c.gapBytes[c.clientSide ^ (side === 'client' ? 0 : 1)]!;
  }
  return got;
}

/** A capture in a few figures: what a test of one's own asserts on (docs/api.md). */
export interface CaptureSummary {
  /** Frames analysed: every frame of the capture, or with a filter, of the conversations it chose (--prefilter: the matching frames). */
  packets: number;
  /** Conversations, TCP and UDP. */
  conversations: number;
  tcp: number;
  udp: number;
  /** The TCP connections' handshake when they all share one, 'mixed' when they differ, null without TCP. */
  handshake: Handshake | 'mixed' | null;
  /** Likewise for the teardown. */
  teardown: Teardown | 'mixed' | null;
  /** Zeek's conn_state likewise. */
  connState: string | null;
  /** Retransmitted segments over all connections. */
  retransmissions: number;
  /** Every conversation's record, by id. */
  conns: ConnRecord[];
}

/** One call for a test: `expect(await summarise('login.pcap')).toMatchObject({ handshake: 'complete', teardown: 'fin' })`. */
export async function summarise(source: CaptureSource, options: RunOptions = {}): Promise<CaptureSummary> {
  let pipe: Pipeline | null = null;
  const conns: ConnRecord[] = [];
  const run = runRecords<ConnRecord>(source, options, (out) => ({ sink: { conn: (c) => writeConnJson(out, c, options.communityIdSeed ?? 0), recycle: true }, end: () => {} }), (p) => { pipe = p; }, 'conversations');
  for await (const c of run) conns.push(c);
  conns.sort((a, b) => a.id - b.id);
  const tcp = conns.filter((c) => c.proto === 'tcp');
  const same = <K extends keyof ConnRecord>(k: K): ConnRecord[K] | 'mixed' | null => {
    if (tcp.length === 0) return null;
    const v = tcp[0]![k];
    return tcp.every((c) => c[k] === v) ? v : 'mixed';
  };
  return {
    packets: (pipe as Pipeline | null)?.count ?? 0,
    conversations: conns.length,
    tcp: tcp.length,
    udp: conns.length - tcp.length,
    handshake: same('handshake') as Handshake | 'mixed' | null,
    teardown: same('teardown') as Teardown | 'mixed' | null,
    connState: same('connState') as string | null,
    retransmissions: tcp.reduce((s, c) => s + (c.retransmissions ?? 0), 0),
    conns,
  };
}

/** Options of a live capture. */
export interface CaptureOptions extends RunOptions {
  /** Bytes kept of each packet (default 262144). */
  snaplen?: number;
  /** Promiscuous mode (default true). */
  promisc?: boolean;
  /** Each packet handed over at once instead of in 10 ms blocks. */
  immediate?: boolean;
  /** The kernel's buffer, KiB (default 4096). */
  bufferKiB?: number;
  /** Ends the capture (every buffered packet is still delivered first). */
  signal?: AbortSignal;
  backend?: 'native' | 'cap';
}

/**
 * Packets from a live interface, as `netlens capture IFACE --json` prints them,
 * until `options.signal` aborts, `options.count` packets have come, or the
 * consumer stops iterating. Needs the libpcap runtime library and the right
 * to capture (root or CAP_NET_RAW); a SourceError says in one line what is missing.
 */
export async function* capture(iface: string, options: CaptureOptions = {}): AsyncGenerator<PacketRecord> {
  const session = openLive({
    iface, snaplen: options.snaplen ?? 262144, promisc: options.promisc ?? true, immediate: options.immediate ?? false,
    bufferKiB: options.bufferKiB ?? 4096, filter: options.filter ?? '', nanosecond: true, backend: options.backend ?? 'native',
  });
  const out = new StringSink();
  const queue: PacketRecord[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  let failure: SourceError | null = null;
  const pipe = new Pipeline(pipelineOptions(options), { packet: (n, f, d, t, arp) => writePacketJson(out, n, f, d, t, arp, options.communityIdSeed ?? 0), recycle: true });
  const stop = (): void => { ended = true; wake?.(); };
  options.signal?.addEventListener('abort', stop, { once: true });
  session.start((f) => {
    if (ended) return;
    const more = pipe.onFrame(f);
    for (const line of out.take().split('\n')) if (line !== '') queue.push(JSON.parse(line) as PacketRecord);
    if (!more) ended = true;
    wake?.();
  }, (e) => { failure = e; stop(); });
  try {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      if (ended) break;
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = null;
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    ended = true;
    await session.stop();
  }
  while (queue.length > 0) yield queue.shift()!;
  if (failure !== null) throw failure;
}

/** The interfaces libpcap can capture on (`netlens interfaces --json`). */
export function interfaces(): DeviceInfo[] {
  return listInterfaces();
}

/**
 * Decodes one frame on its own (no conversation around it): the record
 * `read --json` would print for it as the first packet of a capture.
 * `linkType`: its LINKTYPE_ number (default Ethernet).
 */
export function decodeFrame(bytes: Uint8Array, options: { linkType?: number; ts?: { sec: number; nsec: number } } = {}): PacketRecord {
  const f = newFrame();
  f.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  f.offset = 0;
  f.caplen = f.len = bytes.byteLength;
  f.linkType = options.linkType ?? LinkType.ETHERNET;
  f.tsSec = options.ts?.sec ?? 0;
  f.tsNsec = options.ts?.nsec ?? 0;
  const d = new PacketDecoder();
  const t = new Tracker({ maxConns: 16, tcpIdle: 300, udpIdle: 60 });
  const arp = new ArpTable();
  d.decode(f);
  t.observe(d, f.tsSec, f.tsNsec);
  arp.observe(d, f.tsSec, f.tsNsec);
  const out = new StringSink();
  writePacketJson(out, 1, f, d, t, arp);
  return JSON.parse(out.take()) as PacketRecord;
}
