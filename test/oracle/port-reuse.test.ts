/**
 * Port reuse: a SYN (without ACK) whose sequence number is not the base of its
 * sender's direction starts a new conversation on the same 4-tuple, as tshark's
 * rule in dissect_tcp does (packet-tcp.c: "If this is a SYN packet, then check
 * if its seq-nr is different from the base_seq of the retrieved conversation"),
 * whether or not the first conversation is still held; a retransmitted SYN (same
 * ISN) does not. A SYN on a tuple whose connection has closed starts one too
 * (Zeek's IsReuse). Where tshark is installed, netlens's conversation ids split
 * the frames exactly as tshark's tcp.stream does.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/frame.js';
import { captureWriter, conversation, tcpFrame } from '../helpers/frames.js';
import { haveTool, ndjson, netlens } from '../helpers/netlens.js';

const write = captureWriter('port-reuse');

const C = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80 };
const S = { src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: 40000 };

/** Two unanswered connection attempts with different ISNs, `gap` seconds apart, each SYN sent twice. */
function twoAttempts(gap: number): Frame[] {
  return [
    tcpFrame({ ...C, seq: 1000, flags: 'S', t: 0 }),
    tcpFrame({ ...C, seq: 1000, flags: 'S', t: 1 }), // retransmission: same ISN
    tcpFrame({ ...C, seq: 9000, flags: 'S', t: 1 + gap }),
    tcpFrame({ ...C, seq: 9000, flags: 'S', t: 2 + gap }),
  ];
}

/** netlens's conversation id of each frame, as `read --json` gives it. */
function connIds(file: string, extra: string[] = []): number[] {
  return ndjson(netlens(['read', '--json', ...extra, file]).stdout).map((p) => p.conn);
}

describe('a SYN with a new ISN on a tuple that never completed starts a new conversation', () => {
  it('whether the first attempt is still held (short gap) or was evicted (gap beyond --tcp-idle)', () => {
    for (const gap of [1, 400]) {
      const file = write(`attempts-${gap}`, twoAttempts(gap));
      expect(connIds(file)).toEqual([0, 0, 1, 1]);
      const conns = ndjson(netlens(['conns', '--json', file]).stdout);
      expect(conns.map((c) => [c.id, c.connState, c.history, c.packets.client])).toEqual([[0, 'S0', 'S', 2], [1, 'S0', 'S', 2]]);
    }
  });

  it('a refused attempt (RST) and a new one with another ISN: two conversations, the second complete', () => {
    const f = [
      tcpFrame({ ...C, seq: 1000, flags: 'S', t: 0 }),
      tcpFrame({ ...S, seq: 0, ack: 1001, flags: 'R.', t: 0.001 }),
      tcpFrame({ ...C, seq: 5000, flags: 'S', t: 1 }),
      tcpFrame({ ...S, seq: 7000, ack: 5001, flags: 'S.', t: 1.001 }),
      tcpFrame({ ...C, seq: 5001, ack: 7001, flags: '.', t: 1.002 }),
    ];
    const conns = ndjson(netlens(['conns', '--json', write('refused-then-new', f)]).stdout);
    expect(conns.map((c) => [c.handshake, c.connState])).toEqual([['refused', 'REJ'], ['complete', 'S1']]);
  });

  it('an answered SYN retransmitted with its ISN stays one conversation', () => {
    const k = conversation();
    k.c(1000, undefined, 'S'); k.c(1000, undefined, 'S'); k.s(3000, 1001, 'S.'); k.c(1001, 3001, '.');
    const file = write('retransmitted-syn', k.frames);
    expect(connIds(file)).toEqual([0, 0, 0, 0]);
  });
});

const tshark = haveTool('tshark');
describe.skipIf(!tshark)('conversation ids split frames as tshark tcp.stream does', () => {
  const established = (() => {
    const k = conversation('10.0.0.1', '10.0.0.2', 40000, 80);
    k.c(1000, undefined, 'S'); k.s(3000, 1001, 'S.'); k.c(1001, 3001, '.'); k.c(1001, 3001, 'P.', 10);
    k.c(77777, undefined, 'S'); // a new ISN while the first connection is open (no FIN, no RST)
    k.s(8888, 77778, 'S.'); k.c(77778, 8889, '.');
    return k.frames;
  })();
  const cases: Record<string, Frame[]> = {
    'two-attempts': twoAttempts(1),
    'two-attempts-evicted': twoAttempts(400),
    established,
  };
  for (const [name, frames] of Object.entries(cases)) {
    it(name, () => {
      const file = write(`tshark-${name}`, frames);
      const r = spawnSync('tshark', ['-r', file, '-n', '-T', 'fields', '-e', 'tcp.stream'], { encoding: 'utf8' });
      const theirs = r.stdout.split('\n').filter((l) => l !== '').map(Number);
      expect(theirs.length).toBe(frames.length);
      expect(new Set(theirs).size).toBeGreaterThan(1);
      expect(connIds(file)).toEqual(theirs);
    });
  }
});
