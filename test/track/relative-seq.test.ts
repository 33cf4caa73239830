/**
 * The two tools' sequence bases (src/track/tcp/relative-seq.ts): tcpdump's
 * relative numbers as `read` prints them, and tshark's base_seq in its
 * port-reuse rule.
 */
import { describe, expect, it } from 'vitest';
import { conversation } from '../helpers/frames.js';
import { track, trackEach } from '../helpers/track.js';

/** [relSeq, relAck, absolute] of every frame. */
function relative(k: ReturnType<typeof conversation>): [number, number, boolean][] {
  const out: [number, number, boolean][] = [];
  trackEach(k.frames, (t) => out.push([t.relSeq, t.relAck, t.seqAbsolute]));
  return out;
}

describe("tcpdump's relative sequence numbers", () => {
  it('a SYN has no ACK: absolute; the SYN-ACK sets both bases and is absolute; then relative', () => {
    const k = conversation();
    k.c(1000, undefined, 'S'); k.s(5000, 1001, 'SA'); k.c(1001, 5001, 'A');
    k.c(1001, 5001, 'PA', 10); k.s(5001, 1011, 'A');
    expect(relative(k)).toEqual([[1000, 0, true], [5000, 1001, true], [1, 1, false], [1, 1, false], [1, 11, false]]);
  });

  it('picked up mid-stream: the first segment with ACK sets the bases (its sender\'s at its own seq); a segment without ACK is absolute', () => {
    const k = conversation();
    k.s(7000, 3000, 'PA', 100); k.c(3000, 7100, 'A'); k.s(7100, 3000, 'PA', 50);
    k.c(3000, 0, 'R');
    expect(relative(k)).toEqual([[7000, 3000, true], [1, 100, false], [100, 1, false], [3000, 0, true]]);
  });

  it('sequence numbers relative across the 2^32 wrap', () => {
    const k = conversation();
    k.c(0xfffffff0, undefined, 'S'); k.s(9, 0xfffffff1, 'SA'); k.c(0xfffffff1, 10, 'A');
    k.c(0xfffffff1, 10, 'PA', 100);
    k.s(10, (0xfffffff1 + 100) >>> 0, 'A');
    expect(relative(k).slice(3)).toEqual([[1, 1, false], [1, 101, false]]);
  });
});

describe("tshark's base_seq: a SYN with a new ISN is a new conversation", () => {
  it('a retransmitted SYN keeps its ISN and its conversation; a SYN with another seq starts a new one, even on an open tuple', () => {
    const k = conversation();
    k.c(100, undefined, 'S'); k.c(100, undefined, 'S', 0, { t: 1 });
    k.c(7777, undefined, 'S', 0, { t: 2 });
    const conns = track(k.frames);
    expect(conns.map((c) => [c.id, c.packets.client])).toEqual([[0, 2], [1, 1]]);
  });
});
