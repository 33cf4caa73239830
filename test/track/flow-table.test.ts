/**
 * The conversation table (src/track/flow-table.ts) on its own: a key finds its
 * conversation from either direction, the table grows, the LRU order and the
 * reuse pool; and through the tracker: port reuse and the table limit.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/frame.js';
import { FlowTable } from '../../src/track/flow-table.js';
import { conversation } from '../helpers/frames.js';
import { track } from '../helpers/track.js';

const TCP = 6, UDP = 17;

/** Sets the table's key to IPv4 src → dst. */
function key4(t: FlowTable, src: number, dst: number): void {
  t.key.set([0, 0, 0xffff, src, 0, 0, 0xffff, dst]);
}

describe('FlowTable', () => {
  it('finds a conversation from either direction, and tells which side sent', () => {
    const t = new FlowTable(0);
    key4(t, 0x0a000001, 0x0a000002);
    const h = t.hash(TCP, 40000, 80);
    expect(t.find(h, TCP, 40000, 80, false)).toBeNull();
    const c = t.add(7, h, TCP, false, 40000, 80, 1, 2);
    expect(c).toMatchObject({ id: 7, proto: TCP, v6: false, port: [40000, 80], firstSec: 1, firstNsec: 2, lastSec: 1 });
    expect(t.find(h, TCP, 40000, 80, false)).toBe(c);
    expect(t.side).toBe(0);
    key4(t, 0x0a000002, 0x0a000001);
    const back = t.hash(TCP, 80, 40000);
    expect(back).toBe(h);
    expect(t.find(back, TCP, 80, 40000, false)).toBe(c);
    expect(t.side).toBe(1);
    // Another protocol, port or address is another conversation.
    expect(t.find(t.hash(UDP, 80, 40000), UDP, 80, 40000, false)).toBeNull();
    expect(t.find(t.hash(TCP, 81, 40000), TCP, 81, 40000, false)).toBeNull();
    key4(t, 0x0a000003, 0x0a000001);
    expect(t.find(t.hash(TCP, 80, 40000), TCP, 80, 40000, false)).toBeNull();
    expect(t.side).toBe(0);
  });

  it('IPv6: every address word counts', () => {
    const t = new FlowTable(0);
    const a = [0x20010db8, 0, 0, 1], b = [0x20010db8, 0, 0, 2];
    t.key.set([...a, ...b]);
    const c = t.add(0, t.hash(TCP, 1, 2), TCP, true, 1, 2, 0, 0);
    t.key.set([...b, ...a]);
    expect(t.find(t.hash(TCP, 2, 1), TCP, 2, 1, true)).toBe(c);
    expect(t.side).toBe(1);
    t.key.set([0x20010db9, 0, 0, 1, ...b]); // differs in the first word only
    expect(t.find(t.hash(TCP, 1, 2), TCP, 1, 2, true)).toBeNull();
    t.key.set([...a, ...b]);
    expect(t.find(t.hash(TCP, 1, 2), TCP, 1, 2, false)).toBeNull(); // an IPv4 key is not an IPv6 one
  });

  it('grows past its first 1024 buckets and still finds every conversation; remove() forgets one', () => {
    const t = new FlowTable(0);
    const made = [];
    for (let i = 0; i < 5000; i++) {
      key4(t, 0x0a000000 + i, 0xc0a80001);
      made.push(t.add(i, t.hash(TCP, 1024 + (i % 7), 80), TCP, false, 1024 + (i % 7), 80, i, 0));
    }
    expect(t.size).toBe(5000);
    for (let i = 0; i < 5000; i++) {
      key4(t, 0x0a000000 + i, 0xc0a80001);
      expect(t.find(t.hash(TCP, 1024 + (i % 7), 80), TCP, 1024 + (i % 7), 80, false)).toBe(made[i]);
    }
    t.remove(made[1234]!);
    key4(t, 0x0a000000 + 1234, 0xc0a80001);
    expect(t.find(t.hash(TCP, 1024 + (1234 % 7), 80), TCP, 1024 + (1234 % 7), 80, false)).toBeNull();
    expect(t.size).toBe(4999);
  });

  it('keeps the least recently active first: touch() moves one to the end, remove() unlinks', () => {
    const t = new FlowTable(0);
    const cs = [0, 1, 2, 3].map((i) => { key4(t, i + 1, 100); return t.add(i, t.hash(TCP, 1, 2), TCP, false, 1, 2, 0, 0); });
    const ids = () => [...t.conversations()].map((c) => c.id);
    expect(ids()).toEqual([0, 1, 2, 3]);
    t.touch(cs[1]!); t.touch(cs[0]!); t.touch(cs[0]!);
    expect(ids()).toEqual([2, 3, 1, 0]);
    expect(t.oldest).toBe(cs[2]);
    t.remove(cs[2]!); t.remove(cs[0]!);
    expect(ids()).toEqual([3, 1]);
    expect(t.oldest).toBe(cs[3]);
    t.clear();
    expect(ids()).toEqual([]);
    expect([t.size, t.oldest]).toEqual([0, null]);
  });

  it('reuses released conversations, up to its pool bound, reset for the new one', () => {
    const t = new FlowTable(1);
    key4(t, 1, 2);
    const a = t.add(0, t.hash(TCP, 1, 2), TCP, false, 1, 2, 0, 0);
    const b = t.add(1, t.hash(TCP, 3, 4), TCP, false, 3, 4, 0, 0);
    a.history = 'ShAD';
    t.remove(a); t.remove(b);
    t.release(a); t.release(b); // the pool holds one
    key4(t, 5, 6);
    const c = t.add(2, t.hash(UDP, 5, 6), UDP, false, 5, 6, 9, 0);
    expect(c).toBe(a);
    expect(c).toMatchObject({ id: 2, proto: UDP, history: '', port: [5, 6], firstSec: 9 });
    expect(t.add(3, t.hash(UDP, 7, 8), UDP, false, 7, 8, 0, 0)).not.toBe(b);
    expect(t.allocated).toBe(3);
  });

  it('destinationIsMulticast: IPv4 224/4, IPv6 ff00::/8', () => {
    const t = new FlowTable(0);
    key4(t, 0x0a000001, 0xe00000fb);
    expect(t.destinationIsMulticast(false)).toBe(true);
    key4(t, 0xe00000fb, 0x0a000001);
    expect(t.destinationIsMulticast(false)).toBe(false);
    t.key.set([0x20010db8, 0, 0, 1, 0xff020000, 0, 0, 0xfb]);
    expect(t.destinationIsMulticast(true)).toBe(true);
  });
});

describe('through the tracker', () => {
  it('port reuse after a close starts a new conversation', () => {
    const k = conversation();
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(101, 901, 'FA'); k.s(901, 102, 'FA'); k.c(102, 902, 'A');
    k.c(5000, undefined, 'S'); k.s(7000, 5001, 'SA'); k.c(5001, 7001, 'A');
    const conns = track(k.frames);
    expect(conns.map((c) => c.id)).toEqual([0, 1]);
    expect(conns[1]!.handshake).toBe('complete');
  });
  it('the table limit evicts and reports every conversation exactly once', () => {
    const frames: Frame[] = [];
    for (let i = 0; i < 50; i++) {
      const k = conversation('10.0.0.1', '10.0.0.2', 10000 + i, 80);
      k.c(1, undefined, 'S');
      frames.push(...k.frames);
    }
    const conns = track(frames, { maxConns: 10 });
    expect(conns.map((c) => c.id).sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect(conns.every((c) => c.handshake === 'unanswered' && c.connState === 'S0')).toBe(true);
  });
});
