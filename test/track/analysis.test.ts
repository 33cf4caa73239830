/**
 * tshark's tcp.analysis flags (src/track/tcp/analysis.ts) on built segment
 * scripts, frame by frame, and the byte counts that leave retransmitted bytes
 * out. (The same rules against tshark itself: test/oracle/analysis-diff.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { AnalysisNames } from '../../src/track/tracker.js';
import { conversation } from '../helpers/frames.js';
import { track, trackEach } from '../helpers/track.js';

/** The analysis names of every frame, '' for none. */
function flagsOf(k: ReturnType<typeof conversation>): string[] {
  const out: string[] = [];
  trackEach(k.frames, (t) => out.push(AnalysisNames.filter((_, i) => (t.analysis & (1 << i)) !== 0).join(' ')));
  return out;
}

/** SYN, SYN-ACK, ACK: the client's next seq is 101, the server's 901. */
function opened(): ReturnType<typeof conversation> {
  const k = conversation();
  k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
  return k;
}

describe('tcp.analysis flags, frame by frame', () => {
  it('a hole, dup ACKs, then the fast retransmission', () => {
    const k = opened();
    k.c(101, 901, 'PA', 100);
    k.c(301, 901, 'PA', 100); // 201-300 never captured
    k.s(901, 201, 'A'); k.s(901, 201, 'A'); k.s(901, 201, 'A');
    k.c(201, 901, 'PA', 100);
    expect(flagsOf(k).slice(3)).toEqual(['', 'lost-segment', '', 'dup-ack', 'dup-ack', 'retransmission fast-retransmission']);
  });

  it('out of order: the hole filled within the RTT', () => {
    const k = opened();
    k.c(101, 901, 'PA', 100);
    k.c(301, 901, 'PA', 100);
    k.c(201, 901, 'PA', 100);
    expect(flagsOf(k).slice(3)).toEqual(['', 'lost-segment', 'out-of-order']);
  });

  it('a retransmission of acknowledged bytes is spurious', () => {
    const k = opened();
    k.c(101, 901, 'PA', 100);
    k.s(901, 201, 'A');
    k.c(101, 901, 'PA', 100, { t: 1 });
    expect(flagsOf(k).slice(3)).toEqual(['', '', 'retransmission spurious-retransmission']);
  });

  it('keep-alive and its ACK', () => {
    const k = opened();
    k.c(101, 901, 'PA', 10);
    k.s(901, 111, 'A');
    k.c(110, 901, 'A'); // one below nextseq
    k.s(901, 111, 'A');
    expect(flagsOf(k).slice(3)).toEqual(['', '', 'keep-alive', 'keep-alive-ack']);
  });

  it('zero window, a probe, the window update', () => {
    const k = opened();
    k.c(101, 901, 'PA', 10);
    k.s(901, 111, 'A', 0, { win: 0 });
    k.c(111, 901, 'PA', 1);
    k.s(901, 111, 'A', 0, { win: 4096 });
    expect(flagsOf(k).slice(3)).toEqual(['', 'zero-window', 'zero-window-probe', 'window-update']);
  });

  it('an ACK for bytes never seen', () => {
    const k = opened();
    k.c(101, 901, 'PA', 100);
    k.s(901, 401, 'A');
    expect(flagsOf(k).slice(3)).toEqual(['', 'ack-lost-segment']);
  });
});

describe('byte counts', () => {
  it('a retransmitted data segment is flagged and its bytes counted once', () => {
    const k = conversation();
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(101, 901, 'PA', 100);
    k.c(101, 901, 'PA', 100, { t: 1 }); // same bytes again, much later
    const [c] = track(k.frames);
    expect(c!.retransmissions).toBe(1);
    expect(c!.bytes.client).toBe(100);
  });

  it('a retransmission that overlaps new bytes counts only the new ones', () => {
    const k = opened();
    k.c(101, 901, 'PA', 100);
    k.c(151, 901, 'PA', 100, { t: 1 }); // 151-200 again, 201-250 new
    const [c] = track(k.frames);
    expect(c!.bytes.client).toBe(150);
  });
});
