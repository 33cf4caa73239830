/**
 * The records netlens writes as NDJSON (`--json`) and the library yields, as
 * TypeScript types: the one definition of every record's fields. The writers
 * in encode/ and report/ write exactly these keys; docs/records.md is
 * generated from this file (node scripts/records-doc.mjs) and
 * test/encode/records.test.ts checks both: the document against this file,
 * and every record the fixtures give against these types.
 *
 * Time stamps (`ts`, `firstTs`, …) are strings of epoch seconds with exactly
 * nine decimals ("1763793600.123456789"; a JS number cannot hold nanoseconds
 * of an epoch). Durations, latencies and RTTs are numbers of seconds.
 */

/** Epoch seconds with exactly nine decimals, as a string. */
export type Timestamp = string;

/** One end of a conversation. */
export interface Endpoint {
  /** IPv4 dotted quad or IPv6 in RFC 5952 form. */
  ip: string;
  port: number;
}

/** A count for each side of a conversation. */
export interface PerSide<T> {
  client: T;
  server: T;
}

/** One of RFC 793's states, as the capture point can infer it. */
export type TcpState = 'CLOSED' | 'LISTEN' | 'SYN_SENT' | 'SYN_RCVD' | 'ESTABLISHED' | 'FIN_WAIT_1' | 'FIN_WAIT_2' | 'CLOSE_WAIT' | 'CLOSING' | 'LAST_ACK' | 'TIME_WAIT';

/** How a TCP connection opened. */
export type Handshake = 'complete' | 'simultaneous' | 'refused' | 'unanswered' | 'partial' | 'not-seen';

/** How a TCP connection ended. */
export type Teardown = 'fin' | 'simultaneous-fin' | 'half-closed' | 'reset-by-client' | 'reset-by-server' | 'open' | 'refused';

/** tshark's tcp.analysis flags, by netlens's names. */
export type AnalysisFlag = 'retransmission' | 'fast-retransmission' | 'spurious-retransmission' | 'out-of-order' | 'lost-segment' | 'ack-lost-segment'
  | 'dup-ack' | 'zero-window' | 'zero-window-probe' | 'window-full' | 'window-update' | 'keep-alive' | 'keep-alive-ack';

/** `conns --json`: one record per conversation, written once when it ends (or is evicted). */
export interface ConnRecord {
  type: 'conn';
  /**
   * Present (true) on an interim record (`--interim SECONDS`): the conversation
   * is still open and every field is what it is so far; its final record, without
   * `interim`, comes when it ends.
   */
  interim?: true;
  /** Numbers conversations from 0 in the order of their first packet; `follow` and `ladder` take it. */
  id: number;
  proto: 'tcp' | 'udp';
  /** The side that sent the first SYN (TCP), or the first sender (UDP); by port heuristics when no SYN was seen. */
  client: Endpoint;
  server: Endpoint;
  /** Community ID v1 of the flow ("1:" + base64 of SHA-1; --community-id-seed), as Zeek, Suricata and tshark write it. */
  communityId: string;
  firstTs: Timestamp;
  lastTs: Timestamp;
  /** lastTs − firstTs, seconds. */
  duration: number;
  /** Frames of the conversation sent by each side. */
  packets: PerSide<number>;
  /** TCP/UDP payload bytes sent by each side, without retransmitted bytes. */
  bytes: PerSide<number>;
  /** TCP only. */
  handshake?: Handshake;
  /** TCP only. */
  teardown?: Teardown;
  /** TCP only: SYN-ACK to the ACK that completes the handshake, seen from the capture point; null without a complete handshake. */
  rtt?: number | null;
  /** TCP only: each endpoint's states in the order entered. */
  states?: PerSide<TcpState[]>;
  /** Zeek's conn_state (S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH). */
  connState?: string;
  /** Zeek's history letters, originator upper case. */
  history?: string;
  /** TCP only: segments tshark marks retransmission, fast-retransmission or spurious-retransmission. */
  retransmissions?: number;
  /** TCP only: bytes of sequence space never captured (Zeek's missed_bytes). */
  missedBytes?: number;
  /** MPTCP subflows only. */
  mptcp?: MptcpInfo;
}

/** A connection's MPTCP role (RFC 8684). */
export interface MptcpInfo {
  subflow: 'initial' | 'additional';
  /** The connection token, hex; null when the keys were not seen. */
  token: string | null;
  /** The id of the initial subflow's conversation (additional subflows). */
  of?: number | null;
}

/** `http --json`: one record per request (pipelined requests each get their own, in order). */
export interface HttpRecord {
  type: 'http';
  /** The conversation id, as in `conns`. */
  conn: number;
  /** The conversation's Community ID v1, as in `conns`. */
  communityId: string;
  /** null for a response whose request was not captured. */
  method: string | null;
  uri: string | null;
  host: string | null;
  /** null when no response was seen. */
  status: number | null;
  requestTs: Timestamp;
  responseTs: Timestamp | null;
  /** Request's first byte to the response's first byte (time to first byte), seconds. */
  latency: number | null;
  /** The capture time of the segment carrying the response's last byte; null when no response was seen. */
  responseEndTs: Timestamp | null;
  /** Request's first byte to the response's last byte (time to last byte), seconds; null without both. */
  ttlb: number | null;
  /** After removing chunked transfer coding. */
  requestBodyBytes: number;
  responseBodyBytes: number;
  /** Bytes of the stream missing from the capture inside this transaction (present only when some were). */
  gapBytes?: number;
}

/**
 * `dns --json`: one record per DNS transaction (a query and its response) over UDP or TCP port 53, written when
 * the response comes, or when an unanswered query times out, is pushed out of the full pending table, or the capture ends.
 */
export interface DnsRecord {
  type: 'dns';
  /** The DNS transaction id (the header's ID). */
  id: number;
  /** The conversation id, as in `conns`. */
  conn: number;
  transport: 'udp' | 'tcp';
  /** The query's sender (for a response alone, its destination). */
  client: Endpoint;
  server: Endpoint;
  /** The first question's name, without the final dot (the root is "."); null when the message has no question. */
  query: string | null;
  /** The question's type, by tcpdump's names ("A", "AAAA", "Type65280"); null without a question. */
  qtype: string | null;
  /** The question's class ("IN", "CH", "CLASS7"); null without a question. */
  qclass: string | null;
  /** The response's RCODE mnemonic ("NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED" …); null when no response was seen. */
  rcode: string | null;
  /** The response's answer section, in order. */
  answers: DnsAnswerRecord[];
  /** First query to response, seconds; null without both. */
  rtt: number | null;
  /** When the query was first sent (the response's time when the query was not captured). */
  ts: Timestamp;
  /** null when no response was seen. */
  responseTs: Timestamp | null;
  /** Times the same query (id and question, same 4-tuple) was sent again before the response, within 5 s of the first (tshark's retransmissions). */
  retries: number;
  /** The response's TC bit: the answer did not fit (over UDP, ask again over TCP). */
  truncated: boolean;
  /** The response's AA bit: the server is an authority for the name; null when no response was seen. */
  authoritative: boolean | null;
  /** The query's RD bit: the client asked for recursion; null when the query was not captured. */
  recursionDesired: boolean | null;
  /** The response's RA bit: the server offers recursion; null when no response was seen. */
  recursionAvailable: boolean | null;
  /** The query's three bits after RD and RA (Z, AD, CD: 4, 2, 1), as Zeek's `Z`; null when the query was not captured. */
  z: number | null;
  /**
   * Only on a query reported without a response: why it stopped waiting (the timeout, the table's cap, the end of
   * the capture, or the same query sent again more than 5 s after it, which starts a new transaction).
   */
  expired?: 'timeout' | 'cap' | 'end' | 'resent';
}

/** One resource record of a DNS response's answer section. */
export interface DnsAnswerRecord {
  /** The owner name, without the final dot. */
  name: string;
  /** tcpdump's type name. */
  type: string;
  ttl: number;
  /** The data as dig shows it (names without the final dot): "10.0.0.1", "example.test", "10 mail.example.test", or RFC 3597's "\\# 4 0a000001". */
  data: string;
}

/** `read --json` / `capture --json`: one record per packet, tshark's fields. */
export interface PacketRecord {
  type: 'packet';
  /** The frame's number in the capture, from 1. */
  n: number;
  ts: Timestamp;
  /** Length on the wire. */
  len: number;
  /** Bytes captured. */
  caplen: number;
  /** Ethernet frames only. */
  eth?: { src: string; dst: string; type: number };
  /** 802.1Q tags, outer first. */
  vlan?: number[];
  arp?: { op: number; senderMac: string; senderIp: string; targetMac: string; targetIp: string };
  ip?: IpFields;
  tcp?: TcpFields;
  udp?: { sport: number; dport: number; len: number };
  icmp?: { type: number; code: number; id?: number; seq?: number };
  /** The conversation id, as in `conns`. */
  conn?: number;
  /** Community ID v1 of the frame's flow: its conversation's (TCP, UDP), or of the ICMP/ICMPv6 type and code. */
  communityId?: string;
  /** TCP analysis flags of this frame. */
  analysis?: AnalysisFlag[];
  /** State events this frame caused, e.g. "client CLOSED -> SYN_SENT". */
  events?: string[];
  /** Present only when decoding stopped early. */
  error?: string;
  /** A tunnelled packet's inner layers. */
  inner?: { ip?: IpFields; tcp?: TcpFields; udp?: { sport: number; dport: number; len: number } };
}

/** The IP header's fields in a packet record; IPv6 uses the same keys (`proto`: the upper-layer next header, `ttl`: the hop limit). */
export interface IpFields {
  v: 4 | 6;
  src: string;
  dst: string;
  proto: number;
  ttl: number;
  id?: number;
  mf?: boolean;
  df?: boolean;
  fragOffset?: number;
  checksumOk?: boolean;
}

/** The TCP header's fields in a packet record; seq and ack as on the wire. */
export interface TcpFields {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  /** tcpdump's letters in its order F S R P . U E W ("S.", "FP.", "none"). */
  flags: string;
  win: number;
  /** Payload length. */
  len: number;
  mss?: number;
  wscale?: number;
  sackOk?: boolean;
  tsval?: number;
  tsecr?: number;
}

/** `arp --json`: the table's bindings and its findings. */
export type ArpRecord = ArpBindingRecord | ArpConflictRecord | ArpUnansweredRecord | ArpSightingRecord | ArpEvictedRecord;

/** An address and the MAC it was seen at. */
export interface ArpBindingRecord {
  type: 'arp-binding';
  proto: 'arp' | 'ndp';
  ip: string;
  mac: string;
  firstTs: Timestamp;
  lastTs: Timestamp;
  /** Requests for this address it answered. */
  answered: number;
  /** Request to reply, seconds (when one was answered). */
  rtt?: number;
}

/** Two MACs claimed one address. */
export interface ArpConflictRecord {
  type: 'arp-conflict';
  proto: 'arp' | 'ndp';
  ip: string;
  macs: string[];
  firstTs: Timestamp;
  conflictTs: Timestamp;
  count: number;
}

/** Requests for an address nobody answered. */
export interface ArpUnansweredRecord {
  type: 'arp-unanswered';
  proto: 'arp' | 'ndp';
  ip: string;
  requests: number;
  firstTs: Timestamp;
  lastTs: Timestamp;
  /** The addresses that asked (at most a bound; askedByMore counts the rest). */
  askedBy: string[];
  askedByMore?: number;
}

/** Gratuitous ARP, probes and announcements, unsolicited replies. */
export interface ArpSightingRecord {
  type: 'arp-gratuitous' | 'arp-probe' | 'arp-unsolicited-reply';
  proto: 'arp' | 'ndp';
  ip: string;
  mac: string;
  ts: Timestamp;
  lastTs: Timestamp;
  count: number;
  /** arp-gratuitous: request or reply. */
  op?: string;
  /** arp-probe: probe or announcement. */
  kind?: string;
}

/** The table hit its bound and let addresses go (docs/bounds.md). */
export interface ArpEvictedRecord {
  type: 'arp-evicted';
  addresses: number;
  maxAddresses: number;
  /** Records retired from addresses still held (each address keeps at most maxPerAddress). */
  retired: number;
  maxPerAddress: number;
}

/** `capture --json --stats SECONDS` (and the `-i` views with `--json`): the capture's counters, every SECONDS, between the other records. */
export interface StatsRecord {
  type: 'stats';
  /** Wall-clock time the counters were read. */
  ts: Timestamp;
  /** Frames that passed the filter and reached the view (tcpdump's "captured"). */
  captured: number;
  /** libpcap's ps_recv ("received by filter"); null where the backend keeps no kernel counters (cap). */
  received: number | null;
  /** libpcap's ps_drop ("dropped by kernel"). */
  droppedKernel: number | null;
  /** libpcap's ps_ifdrop ("dropped by interface"). */
  droppedInterface: number | null;
  /** Frames the kernel delivered that netlens's capture ring had no room for; null where not counted. */
  droppedRing: number | null;
}
