/**
 * The human conns table's lines that the JSON records do not show (the rest of
 * the tracking behind it: test/track/).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, netlens } from '../helpers/netlens.js';
import { tcpConns } from '../helpers/track.js';

describe('conns table', () => {
  it('fixtures/mptcp.pcap: the joined subflow names the initial one and its token', () => {
    const [initial] = tcpConns('mptcp.pcap');
    const table = netlens(['conns', join(FIXTURES, 'mptcp.pcap')]).stdout;
    expect(table).toContain(`MPTCP subflow joining #${initial!.id}, token ${initial!.mptcp.token}`);
  });
});
