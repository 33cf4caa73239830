/**
 * Multipath TCP subflows (src/track/tcp/mptcp.ts): a recorded capture (the
 * kernel's own tokens) and built version-0 handshakes (RFC 6824: keys in SYN
 * and SYN-ACK, SHA-1 tokens), a join whose connection was not captured.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/frame.js';
import { mptcpTokenOf } from '../../src/track/tcp/mptcp.js';
import { conversation } from '../helpers/frames.js';
import { tcpConns, track } from '../helpers/track.js';

describe('Multipath TCP subflows', () => {
  it('fixtures/mptcp.pcap: the joined subflow names the initial one by the token the kernel put in its MP_JOIN', () => {
    const [initial, joined] = tcpConns('mptcp.pcap');
    expect(initial!.mptcp).toMatchObject({ subflow: 'initial' });
    expect(initial!.mptcp.token).toMatch(/^0x[0-9a-f]{8}$/);
    // The initial subflow's token is netlens's SHA-256 of the server's key; the joined one's is the kernel's, from the wire.
    expect(joined!.mptcp).toEqual({ subflow: 'additional', token: initial!.mptcp.token, of: initial!.id });
    expect(joined!.client.ip).toBe('10.77.0.3');
  });

  it('version 0 (RFC 6824): keys in SYN and SYN-ACK, tokens by SHA-1; a join whose connection was not captured', () => {
    const opt = (hexBytes: string): Buffer => Buffer.from(hexBytes.replace(/ /g, ''), 'hex');
    const clientKey = '1111111111111111', serverKey = '2222222222222222';
    const sha1Token = (key: string): string => '0x' + createHash('sha1').update(Buffer.from(key, 'hex')).digest().subarray(0, 4).toString('hex');
    const withOpt = (f: Frame, o: Buffer): Frame => {
      // Append the option (padded to 4 bytes) to a built frame's TCP header.
      const padded = Buffer.concat([o, Buffer.alloc((4 - (o.length % 4)) % 4, 1)]);
      const b = Buffer.concat([f.buf.subarray(0, 54), padded, f.buf.subarray(54)]);
      b.writeUInt16BE(b.readUInt16BE(16) + padded.length, 16);
      b[46] = (((b[46]! >> 4) + padded.length / 4) << 4) | (b[46]! & 0x0f);
      return { ...f, buf: b, caplen: b.length, len: b.length };
    };
    const k = conversation('10.0.0.1', '10.0.0.2', 40000, 9000);
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    const j = conversation('10.0.0.3', '10.0.0.2', 40001, 9000);
    j.c(500, undefined, 'S'); j.s(700, 501, 'SA'); j.c(501, 701, 'A');
    const lost = conversation('10.0.0.4', '10.0.0.2', 40002, 9000);
    lost.c(1, undefined, 'S');
    const token = sha1Token(serverKey);
    const frames = [
      withOpt(k.frames[0]!, opt(`1e0c 0000 ${clientKey}`)), withOpt(k.frames[1]!, opt(`1e0c 0000 ${serverKey}`)), withOpt(k.frames[2]!, opt(`1e14 0000 ${clientKey}${serverKey}`)),
      withOpt(j.frames[0]!, opt(`1e0c 1000 ${token.slice(2)} 01020304`)), withOpt(j.frames[1]!, opt('1e10 1000 0102030405060708 01020304')), j.frames[2]!,
      withOpt(lost.frames[0]!, opt('1e0c 1000 abcdef01 01020304')),
    ].map((f, i) => ({ ...f, tsSec: f.tsSec + i }));
    const [a, b, c] = track(frames);
    expect(a!.mptcp).toEqual({ subflow: 'initial', token });
    expect(b!.mptcp).toEqual({ subflow: 'additional', token, of: a!.id });
    expect(c!.mptcp).toEqual({ subflow: 'additional', token: '0xabcdef01', of: null });
    expect(a!.handshake).toBe('complete');
  });
});

describe('mptcpTokenOf', () => {
  it('the top 32 bits of the key\'s SHA-256 (version 1) or SHA-1 (version 0)', () => {
    const key = Buffer.from('00112233445566778899', 'hex');
    const top = (alg: string) => createHash(alg).update(key.subarray(1, 9)).digest().readUInt32BE(0);
    expect(mptcpTokenOf(key, 1, 1)).toBe(top('sha256'));
    expect(mptcpTokenOf(key, 1, 0)).toBe(top('sha1'));
  });
});
