/**
 * Zeek's bookkeeping (src/track/tcp/zeek.ts), table by table: every (sender,
 * peer) pair of endpoint states under each kind of segment, every conn_state
 * arm, and the history letters of short segment scripts.
 */
import { describe, expect, it } from 'vitest';
import { TcpSegment } from '../../src/track/tcp/segment.js';
import { type ZeekConnection, type ZeekEndpoint, ZeekState as Z, zeekConnState, zeekHistory, zeekStep } from '../../src/track/tcp/zeek.js';

const NAMES = Object.keys(Z) as (keyof typeof Z)[];
const ALL = NAMES.map((n) => Z[n]);
const name = (s: number): string => NAMES[s]!;
type Pair = [number, number];

// ------------------------------------------------------------------ endpoint states

/**
 * Per kind of segment (its flags), the (sender, peer) pairs it changes and what they become;
 * every other pair keeps both states.
 */
const STEP: Record<string, (e: number, p: number) => Pair | null> = {
  // A SYN opens an inactive sender; a retransmitted one (or a SYN in any later state) changes nothing.
  S: (e) => (e === Z.INACTIVE ? [Z.SYN_SENT, -1] : null),
  // A SYN-ACK: the sender answered (or, from SYN_SENT, a simultaneous open); both are established
  // once the peer had answered too.
  SA: (e, p) => {
    if (e !== Z.INACTIVE && e !== Z.SYN_SENT && e !== Z.SYN_ACK_SENT) return null;
    if (p === Z.SYN_ACK_SENT) return [Z.ESTABLISHED, Z.ESTABLISHED];
    return e === Z.SYN_ACK_SENT ? null : [Z.SYN_ACK_SENT, -1];
  },
  // SYN with FIN: whatever the SYN did, the sender is closed.
  SF: (e) => (e === Z.RESET ? null : [Z.CLOSED, -1]),
  SAF: (e, p) => {
    if (e === Z.RESET) return null;
    const opens = e === Z.INACTIVE || e === Z.SYN_SENT || e === Z.SYN_ACK_SENT;
    return [Z.CLOSED, opens && p === Z.SYN_ACK_SENT ? Z.ESTABLISHED : -1];
  },
  // An ACK completes the sender's handshake once the peer has sent its SYN; a peer still in
  // SYN_SENT or SYN_ACK_SENT is established with it. Anything from an inactive sender makes it partial.
  A: (e, p) => {
    if (e === Z.INACTIVE) return [Z.PARTIAL, -1];
    if ((e === Z.SYN_SENT || e === Z.SYN_ACK_SENT) && (p === Z.SYN_SENT || p === Z.SYN_ACK_SENT || p === Z.ESTABLISHED)) {
      return [Z.ESTABLISHED, p === Z.ESTABLISHED ? -1 : Z.ESTABLISHED];
    }
    return null;
  },
  '': (e) => (e === Z.INACTIVE ? [Z.PARTIAL, -1] : null),
  // A FIN closes the sender (after what its ACK did).
  F: (e) => (e === Z.RESET ? null : [Z.CLOSED, -1]),
  FA: (e, p) => {
    if (e === Z.RESET) return null;
    const establishes = (e === Z.SYN_SENT || e === Z.SYN_ACK_SENT) && (p === Z.SYN_SENT || p === Z.SYN_ACK_SENT);
    return [Z.CLOSED, establishes ? Z.ESTABLISHED : -1];
  },
  // A RST resets the sender from any state, itself included; the peer is told nothing.
  R: () => [Z.RESET, -1],
  RA: () => [Z.RESET, -1],
  SR: () => [Z.RESET, -1],
  FR: () => [Z.RESET, -1],
};

describe('zeekStep: every (sender, peer) pair under every kind of segment', () => {
  for (const [flags, change] of Object.entries(STEP)) {
    it(`[${flags || 'no flags'}]`, () => {
      const syn = flags.includes('S'), fin = flags.includes('F'), rst = flags.includes('R'), ack = flags.includes('A');
      const got: string[] = [], want: string[] = [];
      for (const e of ALL) {
        for (const p of ALL) {
          const c = change(e, p);
          const w: Pair = c === null ? [e, p] : [c[0], c[1] < 0 ? p : c[1]];
          const r = zeekStep(e, p, syn, fin, rst, ack);
          got.push(`${name(e)}, ${name(p)} → ${name(r & 7)}, ${name(r >>> 3)}`);
          want.push(`${name(e)}, ${name(p)} → ${name(w[0])}, ${name(w[1])}`);
        }
      }
      expect(got).toEqual(want);
    });
  }
});

// ------------------------------------------------------------------ conn_state

/** [originator, responder, orig bytes, resp bytes, history, conn_state] (base/protocols/conn/main.zeek). */
const CONN_STATE: [number, number, number, number, string, string][] = [
  // The responder reset: rejected when the originator's SYN had no answer (or nothing was sent by either).
  [Z.SYN_SENT, Z.RESET, 0, 0, 'Sr', 'REJ'],
  [Z.SYN_ACK_SENT, Z.RESET, 0, 0, 'Hr', 'REJ'],
  [Z.RESET, Z.RESET, 0, 0, 'SrR', 'REJ'],
  [Z.RESET, Z.RESET, 10, 0, 'ShADrR', 'RSTR'],
  [Z.ESTABLISHED, Z.RESET, 10, 5, 'ShADdr', 'RSTR'],
  [Z.CLOSED, Z.RESET, 10, 5, 'ShADdFr', 'RSTR'],
  [Z.INACTIVE, Z.RESET, 0, 0, 'r', 'RSTRH'],
  [Z.PARTIAL, Z.RESET, 0, 0, 'Dr', 'RSTRH'],
  // The originator reset.
  [Z.RESET, Z.INACTIVE, 0, 0, 'SR', 'RSTOS0'],
  [Z.RESET, Z.PARTIAL, 0, 0, '^SR', 'RSTOS0'],
  [Z.RESET, Z.INACTIVE, 0, 0, 'SDR', 'RSTOS0'],
  [Z.RESET, Z.INACTIVE, 0, 0, 'SAR', 'OTH'],
  [Z.RESET, Z.INACTIVE, 0, 0, 'DR', 'OTH'],
  [Z.RESET, Z.ESTABLISHED, 10, 5, 'ShADdR', 'RSTO'],
  [Z.RESET, Z.SYN_ACK_SENT, 0, 0, 'ShR', 'RSTO'],
  // Closes.
  [Z.CLOSED, Z.CLOSED, 10, 5, 'ShADdFf', 'SF'],
  [Z.CLOSED, Z.INACTIVE, 0, 0, 'SF', 'SH'],
  [Z.CLOSED, Z.PARTIAL, 0, 0, 'SFa', 'SH'],
  [Z.CLOSED, Z.ESTABLISHED, 10, 5, 'ShADdF', 'S2'],
  [Z.INACTIVE, Z.CLOSED, 0, 0, 'f', 'SHR'],
  [Z.PARTIAL, Z.CLOSED, 0, 0, 'Af', 'SHR'],
  [Z.ESTABLISHED, Z.CLOSED, 10, 5, 'ShADdf', 'S3'],
  // Neither closed nor reset.
  [Z.SYN_SENT, Z.INACTIVE, 0, 0, 'S', 'S0'],
  [Z.ESTABLISHED, Z.ESTABLISHED, 10, 5, 'ShADd', 'S1'],
  [Z.SYN_SENT, Z.SYN_ACK_SENT, 0, 0, 'Sh', 'OTH'],
  [Z.PARTIAL, Z.PARTIAL, 10, 5, 'Dd', 'OTH'],
  [Z.INACTIVE, Z.INACTIVE, 0, 0, '', 'OTH'],
];

describe('zeekConnState: every arm', () => {
  for (const [os, rs, ob, rb, history, want] of CONN_STATE) {
    it(`${name(os)} / ${name(rs)}, ${ob}/${rb} bytes, history "${history}" → ${want}`, () => {
      expect(zeekConnState(os, rs, ob, rb, history)).toBe(want);
    });
  }
});

// ------------------------------------------------------------------ history

function endpoint(): ZeekEndpoint {
  return {
    zeekState: Z.INACTIVE, zeekPrevState: Z.INACTIVE, didClose: false, histMask: 0, histLastSyn: -1, histLastFin: -1, histLastRst: -1,
    histRxmitCount: 0, histWin0Count: 0, isn: 1000, hasIsn: true,
  };
}

/** One segment of a script: who sends (o originator, r responder), flags, seq, payload length, and options. */
type Step = [who: 'o' | 'r', flags: string, seq: number, len?: number, opts?: { win?: number; rxmit?: boolean }];

function historyOf(steps: Step[]): string {
  const c: ZeekConnection = { history: '', clientSide: 0 };
  const ep = [endpoint(), endpoint()];
  const g = new TcpSegment();
  for (const [who, flags, seq, len = 0, opts = {}] of steps) {
    g.syn = flags.includes('S'); g.fin = flags.includes('F'); g.rst = flags.includes('R'); g.hasAck = flags.includes('A');
    g.seq = 1000 + seq; g.len = len; g.window = opts.win ?? 65535;
    zeekHistory(c, ep[who === 'o' ? 0 : 1]!, who === 'o', g, opts.rxmit === true);
  }
  return c.history;
}

const HISTORY: [string, Step[], string][] = [
  ['handshake, data both ways, FINs', [['o', 'S', 0], ['r', 'SA', 0], ['o', 'A', 1], ['o', 'A', 1, 10], ['r', 'A', 1, 20], ['o', 'FA', 11], ['r', 'FA', 21], ['o', 'A', 12]], 'ShADdFf'],
  ['a letter is recorded once per direction', [['o', 'A', 1], ['o', 'A', 1], ['o', 'A', 1, 5], ['o', 'A', 6, 5], ['r', 'A', 1], ['r', 'A', 1]], 'ADa'],
  ['a SYN retransmitted at the same seq: one S', [['o', 'S', 0], ['o', 'S', 0], ['o', 'S', 0]], 'S'],
  ['a SYN at another seq: S again', [['o', 'S', 0], ['o', 'S', 500]], 'SS'],
  ['a FIN repeated at its place: one F; a FIN at a later place: F again', [['o', 'FA', 10], ['o', 'FA', 10], ['o', 'FA', 20]], 'FF'],
  ['RST at another seq: R again', [['r', 'R', 5], ['r', 'R', 5], ['r', 'RA', 9]], 'rr'],
  ['FIN with RST is I; SYN with FIN is Q', [['o', 'FR', 1], ['r', 'SF', 0]], 'Iq'],
  ['retransmitted payload: T at the 1st and 10th', [...Array(10).keys()].map((): Step => ['o', 'A', 1, 10, { rxmit: true }]), 'DTT'],
  ['a retransmitted flag without payload is not a T', [['o', 'A', 1, 0, { rxmit: true }]], 'A'],
  ['zero window: W at the 1st and 10th, not for SYN or RST', [['r', 'SA', 0, 0, { win: 0 }], ['r', 'R', 1, 0, { win: 0 }], ...[...Array(10).keys()].map((): Step => ['r', 'A', 1, 0, { win: 0 }])], 'hraww'],
];

describe('zeekHistory: letters of segment scripts', () => {
  for (const [what, steps, want] of HISTORY) {
    it(`${what}: "${want}"`, () => {
      expect(historyOf(steps)).toBe(want);
    });
  }
});
