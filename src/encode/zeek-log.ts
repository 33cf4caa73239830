/**
 * Zeek logs: conn.log (and http.log) as Zeek's ASCII writer writes them
 * (src/logging/writers/ascii/Ascii.cc: the `#separator` header block, TSV
 * rows, `#close`) or as its JSON writer does (LogAscii::use_json: one object
 * a line, dotted keys, times as epoch-second numbers, unset fields left out).
 * One writer for both: a log is a list of fields (name, Zeek type) and each
 * row a list of values in that order; null is Zeek's unset field.
 */
import { randomInt } from 'node:crypto';
import { IpProto } from '../decode/constants.js';
import { type Connection } from '../track/tcp/connection.js';
import { connCommunityId } from './community-id.js';
import { endpointIp } from './conn-record.js';
import type { ByteSink } from './sink.js';
import type { HttpTransaction } from '../track/http.js';

/** A field of a log: its name and Zeek type, as the `#fields` and `#types` lines give them. */
export type ZeekField = readonly [name: string, type: string];

/** A value: a time as [sec, nsec], a number (count, port, interval), a string (string, addr, enum), a bool, a set's strings; null is unset. */
export type ZeekValue = string | number | boolean | readonly [number, number] | readonly string[] | null;

/** Conn::Info (base/protocols/conn/main.zeek), in its order, and policy/protocols/conn/community-id-logging.zeek's field. */
export const CONN_FIELDS: readonly ZeekField[] = [
  ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'], ['id.resp_p', 'port'],
  ['proto', 'enum'], ['service', 'string'], ['duration', 'interval'], ['orig_bytes', 'count'], ['resp_bytes', 'count'],
  ['conn_state', 'string'], ['local_orig', 'bool'], ['local_resp', 'bool'], ['missed_bytes', 'count'], ['history', 'string'],
  ['orig_pkts', 'count'], ['orig_ip_bytes', 'count'], ['resp_pkts', 'count'], ['resp_ip_bytes', 'count'],
  ['tunnel_parents', 'set[string]'], ['ip_proto', 'count'], ['community_id', 'string'],
];

/** A Zeek time value: the double Zeek makes of a packet's stamp (seconds + microseconds / 1e6, libpcap's microsecond precision). */
export function zeekTime(sec: number, nsec: number): number {
  return sec + Math.floor(nsec / 1000) / 1e6;
}

/** A number as rapidjson's Writer::Double writes it (the shortest repr; a whole number keeps ".0"). */
function jsonDouble(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  const s = String(x);
  return Number.isInteger(x) && !s.includes('e') ? `${s}.0` : s;
}

/**
 * A string of bytes (one char a byte, as the HTTP parser reads them) as Zeek
 * writes it: valid UTF-8 as its characters, control bytes and invalid UTF-8 as
 * \xNN; in TSV a backslash doubled (json-non-printable-escaping baselines).
 */
function zeekText(s: string, tsv: boolean): string {
  let plain = true;
  for (let i = 0; i < s.length && plain; i++) { const c = s.charCodeAt(i); plain = c >= 0x20 && c < 0x7f && (c !== 0x5c || !tsv); }
  if (plain) return s;
  const b = Buffer.from(s, 'latin1');
  let r = '';
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    if (c >= 0x20 && c < 0x7f) { r += c === 0x5c && tsv ? '\\\\' : String.fromCharCode(c); i++; continue; }
    const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    let ok = n > 0 && i + n <= b.length;
    for (let k = 1; ok && k < n; k++) ok = (b[i + k]! & 0xc0) === 0x80;
    if (ok) {
      const ch = b.toString('utf8', i, i + n);
      if (!ch.includes('\ufffd')) { r += ch; i += n; continue; }
    }
    r += `\\x${c.toString(16).padStart(2, '0')}`;
    i++;
  }
  return r;
}

/** A string field in TSV: "" is (empty), "-" escaped (it would read as unset). */
function tsvString(s: string): string {
  if (s === '') return '(empty)';
  if (s === '-') return '\\x2d';
  return zeekText(s, true);
}

/** strftime's "%Y-%m-%d-%H-%M-%S" in local time, as the ASCII writer stamps #open and #close. */
function headerTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

/** One Zeek log into a sink: `json` false is the ASCII writer's TSV with its header, true its JSON lines. */
export class ZeekLogWriter {
  private opened = false;

  constructor(private readonly out: ByteSink, private readonly path: string, private readonly fields: readonly ZeekField[],
    private readonly json: boolean, private readonly now: () => Date = () => new Date()) {}

  /** The header block (TSV); written before the first row, or by close() for an empty log. */
  private open(): void {
    this.opened = true;
    if (this.json) return;
    const o = this.out;
    o.line('#separator \\x09');
    o.line('#set_separator\t,');
    o.line('#empty_field\t(empty)');
    o.line('#unset_field\t-');
    o.line(`#path\t${this.path}`);
    o.line(`#open\t${headerTime(this.now())}`);
    o.line(`#fields\t${this.fields.map((f) => f[0]).join('\t')}`);
    o.line(`#types\t${this.fields.map((f) => f[1]).join('\t')}`);
  }

  row(values: readonly ZeekValue[]): void {
    if (!this.opened) this.open();
    this.out.line(this.json ? this.jsonRow(values) : this.tsvRow(values));
  }

  /** The end of the log: `#close` (TSV). */
  close(): void {
    if (!this.opened) this.open();
    if (!this.json) this.out.line(`#close\t${headerTime(this.now())}`);
  }

  private tsvRow(values: readonly ZeekValue[]): string {
    let s = '';
    for (let i = 0; i < this.fields.length; i++) {
      if (i > 0) s += '\t';
      const v = values[i] ?? null, type = this.fields[i]![1];
      if (v === null) s += '-';
      else if (type === 'time') { const [sec, nsec] = v as [number, number]; s += zeekTime(sec, nsec).toFixed(6); }
      else if (type === 'interval') s += (v as number).toFixed(6);
      else if (type === 'bool') s += v ? 'T' : 'F';
      else if (type.startsWith('set[') || type.startsWith('vector[')) {
        const a = v as readonly string[];
        s += a.length === 0 ? '(empty)' : a.map(tsvString).join(',');
      } else if (typeof v === 'number') s += String(v);
      else s += tsvString(v as string);
    }
    return s;
  }

  private jsonRow(values: readonly ZeekValue[]): string {
    let s = '{';
    for (let i = 0; i < this.fields.length; i++) {
      const v = values[i] ?? null;
      if (v === null) continue;
      const [name, type] = this.fields[i]!;
      if (s.length > 1) s += ',';
      s += JSON.stringify(name) + ':';
      if (type === 'time') { const [sec, nsec] = v as [number, number]; s += jsonDouble(zeekTime(sec, nsec)); }
      else if (type === 'interval') s += jsonDouble(v as number);
      else if (typeof v === 'number' || typeof v === 'boolean') s += String(v);
      else if (Array.isArray(v)) s += JSON.stringify(v.map((x: string) => zeekText(x, false)));
      else s += JSON.stringify(zeekText(v as string, false));
    }
    return s + '}';
  }
}

/** Zeek's uid: 'C' + base62 of 96 bits (UID::Base62: each 64-bit word, least significant digit first). */
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const M64 = (1n << 64n) - 1n;

function base62(v: bigint): string {
  let s = '';
  do { s += DIGITS[Number(v % 62n)]; v /= 62n; } while (v > 0n);
  return s;
}

/** splitmix64: the next 64 bits for state x. */
function mix64(x: bigint): bigint {
  x = (x + 0x9e3779b97f4a7c15n) & M64;
  x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & M64;
  return x ^ (x >> 31n);
}

/**
 * The uid of conversation `id` in a run with this seed: 96 bits drawn from
 * (seed, id), so conn.log and http.log of the same --seed agree, and the same
 * --seed gives the same uids again. `prefix` is Zeek's ('C' connections).
 */
export function zeekUid(seed: number, id: number, prefix = 'C'): string {
  const base = (BigInt(seed) << 40n) ^ (BigInt(id) << 1n);
  const hi = mix64(base) >> 32n; // Zeek's first word holds the 32 bits beyond 64
  const lo = mix64(base | 1n);
  return prefix + base62(hi) + base62(lo);
}

/** The seed of a run's uids: the one given (--seed), or a random one (Zeek's uids differ from run to run). */
export function runUidSeed(seed: number | null): number {
  return seed ?? randomInt(2 ** 47);
}

/** A network of --zeek-local-nets: its address words (IPv4 in the last) and prefix length in bits over the 128. */
export interface LocalNet { words: Uint32Array; bits: number }

/** "10.0.0.0/8,2001:db8::/32" → networks; throws a one-line Error on a bad one. */
export function parseLocalNets(text: string): LocalNet[] {
  return text.split(',').filter((s) => s.trim() !== '').map((s) => {
    const m = /^\s*([0-9a-fA-F:.]+)(?:\/(\d+))?\s*$/.exec(s);
    const words = m === null ? null : addrWords(m[1]!);
    if (m === null || words === null) throw new Error(`--zeek-local-nets: ${JSON.stringify(s)} is not an address or CIDR`);
    const v4 = m[1]!.includes('.') && !m[1]!.includes(':');
    const max = v4 ? 32 : 128;
    const len = m[2] === undefined ? max : Number(m[2]);
    if (len > max) throw new Error(`--zeek-local-nets: ${JSON.stringify(s)}: a /${len} prefix is longer than the address`);
    return { words, bits: len + (128 - max) };
  });
}

/** An IPv4 or IPv6 address as 4 words (IPv4 in IPv4-mapped form), or null. */
function addrWords(a: string): Uint32Array | null {
  const w = new Uint32Array(4);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(a)) {
    const p = a.split('.').map(Number);
    if (p.some((x) => x > 255)) return null;
    w[2] = 0xffff; w[3] = ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
    return w;
  }
  const halves = a.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...new Array<string>(Math.max(fill, 0)).fill('0'), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  for (let i = 0; i < 4; i++) w[i] = ((parseInt(groups[2 * i]!, 16) << 16) | parseInt(groups[2 * i + 1]!, 16)) >>> 0;
  return w;
}

/** Whether side `side` of c is in one of the networks (Site::is_local_addr). */
function isLocal(c: Connection, side: number, nets: readonly LocalNet[]): boolean {
  const a = c.addr, o = side * 4;
  for (const n of nets) {
    let bits = n.bits, ok = true;
    for (let i = 0; i < 4 && bits > 0 && ok; i++, bits -= 32) {
      const mask = bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
      ok = ((a[o + i]! >>> 0) & mask) >>> 0 === (n.words[i]! & mask) >>> 0;
    }
    // An IPv4 network matches only IPv4 sides (their prefix words are the IPv4-mapped form's).
    if (ok) return true;
  }
  return false;
}

/**
 * Site::private_address_space (base/utils/site.zeek), which Zeek counts as
 * local (Site::private_address_space_is_local = T): with it Zeek fills
 * local_orig and local_resp even when no local_nets are configured.
 */
const PRIVATE_ADDRESS_SPACE = '0.0.0.0/8,2002::/24,10.0.0.0/8,2002:a00::/24,100.64.0.0/10,2002:6440::/26,127.0.0.0/8,2002:7f00::/24,'
  + '169.254.0.0/16,2002:a9fe::/32,172.16.0.0/12,2002:ac10::/28,192.0.0.0/24,2002:c000::/40,192.0.2.0/24,2002:c000:200::/40,'
  + '192.168.0.0/16,2002:c0a8::/32,198.18.0.0/15,2002:c612::/31,198.51.100.0/24,2002:c633:6400::/40,203.0.113.0/24,2002:cb00:7100::/40,'
  + '224.0.0.0/24,2002:e000::/40,239.0.0.0/8,2002:ef00::/24,240.0.0.0/4,2002:f000::/20,255.255.255.255/32,2002:ffff:ffff::/48,'
  + '::/128,::1/128,64:ff9b:1::/48,100::/64,2001::/23,2001:2::/48,2001:db8::/32,fc00::/7,fe80::/10,fec0::/10';

/** Site::local_nets as Zeek has it by default: the private address space, and the networks given (--zeek-local-nets). */
export function zeekLocalNets(extra: string | null): LocalNet[] {
  return [...parseLocalNets(PRIVATE_ADDRESS_SPACE), ...(extra === null ? [] : parseLocalNets(extra))];
}

/** What conn.log rows take besides the conversation: the uid seed, Site::local_nets, the Community ID seed. */
export interface ConnLogOptions {
  uidSeed: number;
  localNets: readonly LocalNet[];
  communityIdSeed: number;
}

/**
 * Zeek's UDP conn_state (conn_state() in main.zeek): SF both sides active, S0 the
 * originator only, SHR the responder only; its history (UDPSessionAdapter):
 * '^' when flipped at the start, then D (originator) and d (responder) in the
 * order their first datagram came.
 */
export function udpConnState(c: Connection): string {
  const o = c.client.packets > 0, r = c.server.packets > 0;
  return o ? (r ? 'SF' : 'S0') : (r ? 'SHR' : 'OTH');
}

export function udpHistory(c: Connection): string {
  // Side A sent the first datagram.
  const letter = (side: number) => (side === c.clientSide ? 'D' : 'd');
  let h = c.flipped ? '^' : '';
  h += letter(0);
  if (c.ep[1].packets > 0) h += letter(1);
  return h;
}

/** One conversation's conn.log values, in CONN_FIELDS order. */
export function connLogValues(c: Connection, o: ConnLogOptions): ZeekValue[] {
  const cs = c.clientSide, ss = cs ^ 1;
  const C = c.ep[cs], S = c.ep[ss];
  const tcp = c.proto === IpProto.TCP;
  // Zeek's duration is the difference of its two time doubles; orig/resp bytes are logged only with a duration.
  const duration = zeekTime(c.zeekLastSec, c.zeekLastNsec) - zeekTime(c.firstSec, c.firstNsec);
  const lasted = duration > 0;
  const history = tcp ? c.history : udpHistory(c);
  return [
    [c.firstSec, c.firstNsec], zeekUid(o.uidSeed, c.id),
    endpointIp(c, cs), c.port[cs]!, endpointIp(c, ss), c.port[ss]!,
    tcp ? 'tcp' : 'udp', null,
    lasted ? duration : null, lasted ? C.bytes : null, lasted ? S.bytes : null,
    tcp ? c.connState : udpConnState(c),
    isLocal(c, cs, o.localNets), isLocal(c, ss, o.localNets),
    tcp ? c.missedBytes : 0, history === '' ? null : history,
    C.packets, C.ipBytes, S.packets, S.ipBytes,
    null, c.proto, connCommunityId(c, o.communityIdSeed),
  ];
}

/**
 * HTTP::Info (base/protocols/http/main.zeek) and the file fields
 * base/protocols/http/entities.zeek adds, in their order.
 */
export const HTTP_FIELDS: readonly ZeekField[] = [
  ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'], ['id.resp_p', 'port'],
  ['trans_depth', 'count'], ['method', 'string'], ['host', 'string'], ['uri', 'string'], ['referrer', 'string'], ['version', 'string'],
  ['user_agent', 'string'], ['origin', 'string'], ['request_body_len', 'count'], ['response_body_len', 'count'],
  ['status_code', 'count'], ['status_msg', 'string'], ['info_code', 'count'], ['info_msg', 'string'], ['tags', 'set[enum]'],
  ['username', 'string'], ['password', 'string'], ['proxied', 'set[string]'],
  ['orig_fuids', 'vector[string]'], ['orig_filenames', 'vector[string]'], ['orig_mime_types', 'vector[string]'],
  ['resp_fuids', 'vector[string]'], ['resp_filenames', 'vector[string]'], ['resp_mime_types', 'vector[string]'],
];

/** A conversation's id fields as http.log repeats them: its uid and endpoints, taken while the Connection is at hand. */
export interface ZeekConnId { uid: string; origH: string; origP: number; respH: string; respP: number }

export function zeekConnId(c: Connection, uidSeed: number): ZeekConnId {
  const cs = c.clientSide, ss = cs ^ 1;
  return { uid: zeekUid(uidSeed, c.id), origH: endpointIp(c, cs), origP: c.port[cs]!, respH: endpointIp(c, ss), respP: c.port[ss]! };
}

/** One transaction's http.log values, in HTTP_FIELDS order; `depth` is its trans_depth (1 for a connection's first). */
export function httpLogValues(t: HttpTransaction, id: ZeekConnId, depth: number): ZeekValue[] {
  // Zeek stamps the record when the request (or, without one, the response) begins.
  const at: [number, number] = t.requestSec >= 0 ? [t.requestSec, t.requestNsec] : [t.responseSec, t.responseNsec];
  const info = t.interim.length > 0 ? t.interim[t.interim.length - 1]! : null;
  return [
    at, id.uid, id.origH, id.origP, id.respH, id.respP,
    depth, t.method, t.host, t.uri, t.referrer, t.version, t.userAgent, t.origin,
    t.requestBodyBytes, t.responseBodyBytes, t.status, t.status === null ? null : t.reason ?? '',
    info, info === null ? null : t.interimReason, [],
    t.username, null, t.proxied === null ? null : [...new Set(t.proxied)],
    null, null, null, null, null, null,
  ];
}

/**
 * http.log for a run: each conversation's uid and endpoints taken at its
 * first packet (the Connection is reused once it ends, transactions may come
 * later), trans_depth counted per conversation, forgotten when it ends.
 */
export class ZeekHttpLog {
  private readonly log: ZeekLogWriter;
  private readonly conns = new Map<number, { id: ZeekConnId; depth: number }>();

  constructor(out: ByteSink, json: boolean, private readonly uidSeed: number) {
    this.log = new ZeekLogWriter(out, 'http', HTTP_FIELDS, json);
  }

  /** Every packet's conversation (a lookup; the id fields are made once per TCP conversation). */
  packet(c: Connection | null): void {
    if (c !== null && c.proto === IpProto.TCP && !this.conns.has(c.id)) this.conns.set(c.id, { id: zeekConnId(c, this.uidSeed), depth: 0 });
  }

  /** A transaction of conversation connId; Zeek logs one once it saw a request or a reply, not bytes that were neither. */
  transaction(connId: number, t: HttpTransaction): void {
    const c = this.conns.get(connId);
    if (c !== undefined && (t.method !== null || t.status !== null)) this.log.row(httpLogValues(t, c.id, ++c.depth));
  }

  /** The conversation ended (after its last transactions were given). */
  ended(c: Connection): void { this.conns.delete(c.id); }

  close(): void { this.log.close(); }
}
