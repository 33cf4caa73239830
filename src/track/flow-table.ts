/**
 * The conversation table: Connections by their 5-tuple, found from either
 * direction, in a hash table chained through Connection.nextInBucket that
 * doubles as it fills (load ≤ 1); a list from the least to the most recently
 * active (Connection.lruPrev/lruNext) for idle expiry and eviction; and, when
 * the tracker recycles, the reported Connections kept for reuse. Which
 * conversations to end, and when, is the tracker's business.
 */
import { type Connection, newConnection } from './tcp/connection.js';

export class FlowTable {
  /**
   * The key being looked up, filled by the caller: side A's address in words 0-3, side B's in
   * 4-7 (IPv4 in words 3 and 7, IPv4-mapped form).
   */
  readonly key = new Uint32Array(8);
  /** The side find() matched: 0 when the key's side A is the conversation's side A, else 1. */
  side = 0;
  /** Conversations held. */
  size = 0;
  /** Connection objects made; the other conversations reused released ones. */
  allocated = 0;

  private buckets: (Connection | null)[] = new Array<Connection | null>(1024).fill(null);
  private bucketMask = 1023;
  /** Least and most recently active. */
  private head: Connection | null = null;
  private tail: Connection | null = null;
  /**
   * Released conversations waiting for reuse. Bounded by maxPool, and in
   * practice by the most conversations held at once: a smaller cap dropped
   * the surplus of every burst of endings to the garbage collector, and the
   * old generation grew with the file (bench/big-stream.mjs).
   */
  private readonly pool: Connection[] = [];

  constructor(private readonly maxPool: number) {}

  /** The least recently active conversation, or null. */
  get oldest(): Connection | null { return this.head; }

  /** Hash of the key with these ports: the same from either direction. */
  hash(proto: number, sport: number, dport: number): number {
    const k = this.key;
    return (mix(k[0]!, k[1]!, k[2]!, k[3]!, sport) ^ mix(k[4]!, k[5]!, k[6]!, k[7]!, dport) ^ proto) | 0;
  }

  /** The conversation of the key and ports (hash h), setting `side`; null when there is none. */
  find(h: number, proto: number, sport: number, dport: number, v6: boolean): Connection | null {
    const k = this.key;
    for (let c: Connection | null = this.buckets[h & this.bucketMask]!; c !== null; c = c.nextInBucket) {
      if (c.proto !== proto) continue;
      if (matches(c, k, 0, sport, dport, v6)) { this.side = 0; return c; }
      if (matches(c, k, 4, sport, dport, v6)) { this.side = 1; return c; }
    }
    this.side = 0;
    return null;
  }

  /** A new conversation `id` for the key (its side A), most recently active; reuses a released Connection when there is one. */
  add(id: number, h: number, proto: number, v6: boolean, sport: number, dport: number, sec: number, nsec: number): Connection {
    let c = this.pool.pop();
    if (c === undefined) {
      c = newConnection(id, proto, v6);
      this.allocated++;
    } else {
      c.reset(id, proto, v6);
    }
    const k = this.key;
    for (let i = 0; i < 8; i++) c.addr[i] = k[i]! | 0;
    c.port[0] = sport;
    c.port[1] = dport;
    c.portPair = (sport << 16) | dport;
    c.addrA3 = k[3]! | 0;
    c.addrB7 = k[7]! | 0;
    c.firstSec = c.lastSec = sec;
    c.firstNsec = c.lastNsec = nsec;
    c.hash = h;
    if (this.size >= this.buckets.length) this.grow();
    const i = h & this.bucketMask;
    c.nextInBucket = this.buckets[i]!;
    this.buckets[i] = c;
    c.lruPrev = this.tail;
    if (this.tail !== null) this.tail.lruNext = c; else this.head = c;
    this.tail = c;
    this.size++;
    return c;
  }

  /** c becomes the most recently active. */
  touch(c: Connection): void {
    if (this.tail === c) return;
    if (c.lruPrev !== null) c.lruPrev.lruNext = c.lruNext; else this.head = c.lruNext;
    if (c.lruNext !== null) c.lruNext.lruPrev = c.lruPrev;
    c.lruPrev = this.tail;
    c.lruNext = null;
    if (this.tail !== null) this.tail.lruNext = c;
    this.tail = c;
  }

  remove(c: Connection): void {
    const i = c.hash & this.bucketMask;
    let head: Connection | null = this.buckets[i]!;
    if (head === c) {
      this.buckets[i] = c.nextInBucket;
    } else {
      for (; head !== null; head = head.nextInBucket) {
        if (head.nextInBucket === c) { head.nextInBucket = c.nextInBucket; break; }
      }
    }
    if (c.lruPrev !== null) c.lruPrev.lruNext = c.lruNext; else this.head = c.lruNext;
    if (c.lruNext !== null) c.lruNext.lruPrev = c.lruPrev; else this.tail = c.lruPrev;
    c.lruPrev = c.lruNext = c.nextInBucket = null;
    this.size--;
  }

  /** c was reported and is no longer held: keep it for reuse by add(). */
  release(c: Connection): void {
    if (this.pool.length < this.maxPool) this.pool.push(c);
  }

  /** The conversations held, least recently active first. Do not add or remove while iterating. */
  *conversations(): IterableIterator<Connection> {
    for (let c = this.head; c !== null; c = c.lruNext) yield c;
  }

  /** Forgets every held conversation at once (their links are reset when they are reused). */
  clear(): void {
    this.buckets.fill(null);
    this.head = this.tail = null;
    this.size = 0;
  }

  /** Whether the key's destination (words 4-7) is a multicast address. */
  destinationIsMulticast(v6: boolean): boolean {
    const k = this.key;
    return v6 ? k[4]! >>> 24 === 0xff : k[7]! >>> 28 === 0xe;
  }

  /** Doubles the bucket array and rehashes every held conversation. */
  private grow(): void {
    const size = this.buckets.length * 2;
    const next = new Array<Connection | null>(size).fill(null);
    const mask = size - 1;
    for (let c = this.head; c !== null; c = c.lruNext) {
      const i = c.hash & mask;
      c.nextInBucket = next[i]!;
      next[i] = c;
    }
    this.buckets = next;
    this.bucketMask = mask;
  }
}

/** Whether c is the conversation of key k (side A at word `at`) and these ports. */
function matches(c: Connection, k: Uint32Array, at: number, sport: number, dport: number, v6: boolean): boolean {
  if (c.v6 !== v6) return false;
  if (at === 0) {
    if (c.portPair !== ((sport << 16) | dport) || c.addrA3 !== (k[3]! | 0) || c.addrB7 !== (k[7]! | 0)) return false;
  } else if (c.portPair !== ((dport << 16) | sport) || c.addrA3 !== (k[7]! | 0) || c.addrB7 !== (k[3]! | 0)) {
    return false;
  }
  if (!v6) return true; // IPv4: the other words are the fixed IPv4-mapped prefix
  const a = c.addr;
  if (at === 0) {
    return a[0] === (k[0]! | 0) && a[1] === (k[1]! | 0) && a[2] === (k[2]! | 0)
      && a[4] === (k[4]! | 0) && a[5] === (k[5]! | 0) && a[6] === (k[6]! | 0);
  }
  return a[0] === (k[4]! | 0) && a[1] === (k[5]! | 0) && a[2] === (k[6]! | 0)
    && a[4] === (k[0]! | 0) && a[5] === (k[1]! | 0) && a[6] === (k[2]! | 0);
}

function mix(a: number, b: number, c: number, d: number, port: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ b ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ c ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ d ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ port ^ (h >>> 16), 0x27d4eb2f);
  return h ^ (h >>> 15);
}
