/**
 * Zeek's content gaps (src/track/tcp/zeek-gaps.ts): acknowledged bytes never
 * captured whole are missed_bytes and history G, once per hole, and only
 * while both ends are established (is_clean).
 */
import { describe, expect, it } from 'vitest';
import { conversation } from '../helpers/frames.js';
import { track } from '../helpers/track.js';

function opened(): ReturnType<typeof conversation> {
  const k = conversation();
  k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
  return k;
}

describe('content gaps', () => {
  it('a hole the peer acknowledges is missed, once; G in the history', () => {
    const k = opened();
    k.c(101, 901, 'PA', 100);
    k.c(301, 901, 'PA', 100); // 201-300 never captured
    k.s(901, 401, 'A');
    k.s(901, 401, 'A');
    const [c] = track(k.frames);
    expect(c!.missedBytes).toBe(100);
    expect(c!.history).toBe('ShADaG');
  });

  it('a hole filled before the ACK is not missed', () => {
    const k = opened();
    k.c(101, 901, 'PA', 100);
    k.c(301, 901, 'PA', 100);
    k.c(201, 901, 'PA', 100);
    k.s(901, 401, 'A');
    const [c] = track(k.frames);
    expect(c!.missedBytes).toBe(0);
    expect(c!.history).toBe('ShADa');
  });

  it('two holes: both counted, G once (Zeek logs it at 1, 10, 100, … holes)', () => {
    const k = opened();
    k.c(101, 901, 'PA', 10); k.c(121, 901, 'PA', 10); k.c(141, 901, 'PA', 10); // 111-120 and 131-140 missing
    k.s(901, 151, 'A');
    const [c] = track(k.frames);
    expect(c!.missedBytes).toBe(20);
    expect(c!.history).toBe('ShADaG');
  });

  it('a segment cut short by the snap length counts as missing', () => {
    const k = opened();
    k.c(101, 901, 'PA', 100);
    const f = k.frames[k.frames.length - 1]!;
    k.frames[k.frames.length - 1] = { ...f, caplen: f.caplen - 30 };
    k.s(901, 201, 'A');
    const [c] = track(k.frames);
    expect(c!.missedBytes).toBe(100);
  });

  it('not while an end is not established: picked up mid-stream, nothing is missed', () => {
    const k = conversation();
    k.c(101, 901, 'PA', 100); k.c(301, 901, 'PA', 100);
    k.s(901, 401, 'A');
    const [c] = track(k.frames);
    expect(c!.missedBytes).toBe(0);
  });
});
