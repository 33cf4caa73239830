/**
 * DNS query/response pairing (RFC 1035 §7.3: a response is matched to its
 * query by transaction id, and the resolver checks the question it carries)
 * and DNS-over-TCP framing (RFC 1035 §4.2.2, RFC 7766 §8: each message after
 * a two-byte length, several per connection, a message split across segments
 * or several in one).
 *
 * Pairing, as Zeek's dns.log does it (scripts/base/protocols/dns/main.zeek),
 * per conversation and transaction id, but here also by the question, so two
 * queries sharing an id on one 4-tuple stay apart, and a query re-sent with
 * the same id and question before its answer is one transaction with a retry
 * (tshark's dns.retransmission). Bounded unlike Zeek's per-connection queues:
 * one table of pending queries for the whole capture, with a cap (the oldest
 * is reported unanswered when it is full) and a timeout in capture time.
 */

/** What the pending table keeps of a query: its keys and when it was first sent. */
export interface PendingQuery {
  /** Transport, 4-tuple, transaction id and question (qtype, qclass, name in lower case). */
  key: string;
  /** Transport, 4-tuple and transaction id: finds the query of a response that carries no question. */
  idKey: string;
  querySec: number;
  queryNsec: number;
  /** Answered, kept only to absorb late duplicate responses to a retried query (never reported again). */
  answered: boolean;
}

/**
 * Why a pending query left the table unanswered: its timeout, the table's cap,
 * the end of the capture, or the same query sent again after the retry window
 * (a new transaction from then on).
 */
export type ExpiryReason = 'timeout' | 'cap' | 'end' | 'resent';

export const DEFAULT_DNS_TIMEOUT = 30;
export const DEFAULT_MAX_PENDING = 65536;
/**
 * A copy of a query sent within this many seconds of the first is a retry;
 * later, it is a new transaction (tshark's dns.retransmission_timer, 5 s, the
 * same as a stub resolver's default timeout: glibc's `timeout:5`).
 */
export const DEFAULT_RETRY_WINDOW = 5;

export class DnsPendingTable<T extends PendingQuery> {
  /** In insertion order, which is first-query order: the oldest is first (Map keeps insertion order; a retry does not move its query). */
  private readonly byKey = new Map<string, T>();
  private readonly byId = new Map<string, T>();
  /** Pending queries dropped because the table was full (reported unanswered at once). */
  evicted = 0;

  constructor(readonly cap: number, readonly timeoutSec: number, private readonly onExpire: (q: T, why: ExpiryReason) => void) {}

  get size(): number { return this.byKey.size; }

  find(key: string): T | undefined { return this.byKey.get(key); }
  /** The latest query with this transport, 4-tuple and id (for a response without a question). */
  findById(idKey: string): T | undefined { return this.byId.get(idKey); }

  add(q: T): void {
    const old = this.byKey.get(q.key);
    if (old !== undefined) this.drop(old, 'cap');
    while (this.byKey.size >= this.cap) {
      const oldest = this.byKey.values().next().value as T;
      this.evicted++;
      this.drop(oldest, 'cap');
    }
    this.byKey.set(q.key, q);
    this.byId.set(q.idKey, q);
  }

  /** Out of the table (answered, or reported), without a report. */
  remove(q: T): void {
    if (this.byKey.get(q.key) === q) this.byKey.delete(q.key);
    if (this.byId.get(q.idKey) === q) this.byId.delete(q.idKey);
  }

  /** Reports (unanswered) and removes every query first sent more than the timeout before (sec, nsec). */
  expire(sec: number, nsec: number): void {
    const limit = sec + nsec / 1e9 - this.timeoutSec;
    for (const q of this.byKey.values()) {
      if (q.querySec + q.queryNsec / 1e9 > limit) break;
      this.drop(q, 'timeout');
    }
  }

  /** Every query still pending, reported unanswered (the end of the capture). */
  flush(): void {
    for (const q of this.byKey.values()) this.drop(q, 'end');
  }

  private drop(q: T, why: ExpiryReason): void {
    this.remove(q);
    if (!q.answered) this.onExpire(q, why);
  }
}

/** The most a DNS-over-TCP message can be (the two-byte length). */
const MAX_MESSAGE = 0xffff;

/**
 * One direction of a DNS-over-TCP connection: reassembled bytes in, whole
 * messages out. A message within one delivery is handed over in place; one
 * split across deliveries is gathered in a buffer (grown to the largest
 * message seen, at most 64 KiB). A gap in the stream loses the framing: the
 * direction is given up (`lost`), as no length can be trusted after it.
 */
export class DnsTcpFramer {
  private partial: Buffer = Buffer.alloc(0);
  /** Bytes gathered in `partial` (the length prefix included). */
  private have = 0;
  /** The length of the message being gathered plus 2, or 0 while fewer than 2 bytes are known. */
  private need = 0;
  private readonly lenBytes = Buffer.alloc(2);
  lost = false;
  messages = 0;

  constructor(private readonly onMessage: (buf: Buffer, off: number, end: number) => void) {}

  reset(): void {
    this.have = 0;
    this.need = 0;
    this.lost = false;
    this.messages = 0;
  }

  gap(): void {
    this.lost = true;
    this.have = 0;
    this.need = 0;
  }

  data(b: Buffer): void {
    if (this.lost) return;
    let p = 0;
    const end = b.length;
    while (p < end) {
      if (this.have === 0) {
        // Whole messages in place, no copy.
        if (end - p >= 2) {
          const len = (b[p]! << 8) | b[p + 1]!;
          if (end - p >= 2 + len) {
            this.messages++;
            this.onMessage(b, p + 2, p + 2 + len);
            p += 2 + len;
            continue;
          }
          this.need = 2 + len;
        } else {
          this.lenBytes[0] = b[p]!;
          this.have = 1;
          p++;
          continue;
        }
        this.grow(this.need);
        const n = end - p;
        b.copy(this.partial, 0, p, end);
        this.have = n;
        return;
      }
      if (this.need === 0) {
        // The length's second byte.
        this.lenBytes[1] = b[p++]!;
        this.need = 2 + ((this.lenBytes[0]! << 8) | this.lenBytes[1]!);
        this.grow(this.need);
        this.partial[0] = this.lenBytes[0]!;
        this.partial[1] = this.lenBytes[1]!;
        this.have = 2;
        if (this.need === 2) { this.complete(); continue; }
        continue;
      }
      const n = Math.min(this.need - this.have, end - p);
      b.copy(this.partial, this.have, p, p + n);
      this.have += n;
      p += n;
      if (this.have === this.need) this.complete();
    }
  }

  private complete(): void {
    this.messages++;
    const need = this.need;
    this.have = 0;
    this.need = 0;
    this.onMessage(this.partial, 2, need);
  }

  private grow(n: number): void {
    if (this.partial.length < n) this.partial = Buffer.alloc(Math.min(MAX_MESSAGE + 2, Math.max(n, 2 * this.partial.length, 512)));
  }
}

/** One answer record: owner name, type, TTL and its data in presentation form (as dig shows it, names without the final dot). */
export interface DnsAnswer {
  name: string;
  type: number;
  ttl: number;
  data: string;
}

/** A query and its response (either may be missing), as the dns view reports it. */
export interface DnsTransaction extends PendingQuery {
  /** The transaction id. */
  id: number;
  transport: 'udp' | 'tcp';
  /** The conversation the query (or the response) belongs to, as in `conns`. */
  conn: number;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  opcode: number;
  /** The first question's name (no final dot; the root is "."), type and class; null / -1 when the message has none. */
  query: string | null;
  qtype: number;
  qclass: number;
  /** -1 when the query was not captured (a response alone). */
  querySec: number;
  queryNsec: number;
  /** -1 while no response was seen. */
  responseSec: number;
  responseNsec: number;
  /** The response's RCODE (4 bits of the header), or -1 without a response. */
  rcode: number;
  /** The response's TC bit: the answer did not fit (over UDP, the client should ask again over TCP). */
  truncated: boolean;
  /** The header's 16 flag bits of the query (its first copy) and of the response; -1 for a message not seen. */
  queryFlags: number;
  responseFlags: number;
  answers: DnsAnswer[];
  /** The same query (id and question) sent again before a response. */
  retries: number;
  /** Why an unanswered query was reported ('timeout', 'cap', 'end', 'resent'), or null. */
  expired: ExpiryReason | null;
}
