/** Every (state, event) arm of the RFC 793 transition functions. */
import { describe, expect, it } from 'vitest';
import { DeliverEvent, SendEvent, TcpState as S, type TcpState, onDeliver, onSend } from '../../src/track/tcp/state.js';

const ALL = Object.values(S) as TcpState[];

// Expected changes; every other (state, event) pair keeps its state.
const SEND: Record<number, Partial<Record<TcpState, TcpState>>> = {
  [SendEvent.SYN]: { CLOSED: S.SYN_SENT },
  [SendEvent.SYN_ACK]: { LISTEN: S.SYN_RCVD, SYN_SENT: S.SYN_RCVD },
  [SendEvent.FIN]: { ESTABLISHED: S.FIN_WAIT_1, SYN_RCVD: S.FIN_WAIT_1, CLOSE_WAIT: S.LAST_ACK },
  [SendEvent.RST]: Object.fromEntries(ALL.map((s) => [s, S.CLOSED])),
  [SendEvent.NONE]: {},
};
const DELIVER: Record<number, Partial<Record<TcpState, TcpState>>> = {
  [DeliverEvent.SYN]: { LISTEN: S.SYN_RCVD, SYN_SENT: S.SYN_RCVD },
  [DeliverEvent.ACK_OF_SYN]: { SYN_SENT: S.ESTABLISHED, SYN_RCVD: S.ESTABLISHED },
  [DeliverEvent.ACK_OF_FIN]: { FIN_WAIT_1: S.FIN_WAIT_2, CLOSING: S.TIME_WAIT, LAST_ACK: S.CLOSED },
  [DeliverEvent.FIN]: { ESTABLISHED: S.CLOSE_WAIT, SYN_RCVD: S.CLOSE_WAIT, FIN_WAIT_1: S.CLOSING, FIN_WAIT_2: S.TIME_WAIT },
};

/** One test per (state, event): the expected change, or no change. */
function everyArm<E extends number>(
  title: string, events: Record<string, E>, table: Record<number, Partial<Record<TcpState, TcpState>>>, fn: (s: TcpState, e: E) => TcpState,
): void {
  describe(title, () => {
    for (const [name, ev] of Object.entries(events)) {
      for (const state of ALL) {
        const want = table[ev]![state] ?? state;
        it(`${state} + ${name} → ${want}`, () => expect(fn(state, ev)).toBe(want));
      }
    }
  });
}

everyArm('onSend', SendEvent, SEND, onSend);
everyArm('onDeliver', DeliverEvent, DELIVER, onDeliver);
