/**
 * Connection tracking end to end: recorded scenarios (fixtures/, real programs
 * between two namespaces) and frame-by-frame built ones (simultaneous open and
 * close, encapsulations, sequence wrap): both endpoints' RFC 793 states, the
 * handshake and teardown patterns, Zeek's conn_state and history, byte counts.
 */
import { describe, expect, it } from 'vitest';
import { conversation } from '../helpers/frames.js';
import { FIXTURES, ndjson, netlens } from '../helpers/netlens.js';
import { tcpConns, track } from '../helpers/track.js';
import { join } from 'node:path';

const EST_CLIENT_FIN = ['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT'];
const EST_SERVER_PASSIVE = ['LISTEN', 'SYN_RCVD', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED'];

describe('recorded scenarios (fixtures/)', () => {
  it('client closes first', () => {
    const [c] = tcpConns('tcp-client-close.pcap');
    expect(c).toMatchObject({ handshake: 'complete', teardown: 'fin', connState: 'SF', history: 'ShADadFf', retransmissions: 0 });
    expect(c!.states).toEqual({ client: EST_CLIENT_FIN, server: EST_SERVER_PASSIVE });
    expect(c!.rtt).toBeGreaterThan(0);
    expect(c!.rtt).toBeLessThan(0.01);
  });
  it('server closes first', () => {
    const [c] = tcpConns('tcp-server-close.pcap');
    expect(c).toMatchObject({ handshake: 'complete', teardown: 'fin', connState: 'SF', history: 'ShADadfF' });
    expect(c!.states).toEqual({
      client: ['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED'],
      server: ['LISTEN', 'SYN_RCVD', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT'],
    });
  });
  it('half-close: the server sends in CLOSE_WAIT', () => {
    const [c] = tcpConns('tcp-half-close.pcap');
    expect(c).toMatchObject({ handshake: 'complete', teardown: 'fin', connState: 'SF' });
    expect(c!.states).toEqual({ client: EST_CLIENT_FIN, server: EST_SERVER_PASSIVE });
    expect(c!.bytes.server).toBeGreaterThan(c!.bytes.client);
    const packets = ndjson(netlens(['read', '--json', join(FIXTURES, 'tcp-half-close.pcap')]).stdout);
    const events = packets.flatMap((p) => p.events ?? []);
    expect(events).toContain('half-close-data-by-server');
  });
  it('abortive close (SO_LINGER 0) is a reset by the client', () => {
    const [c] = tcpConns('tcp-abort.pcap');
    expect(c).toMatchObject({ handshake: 'complete', teardown: 'reset-by-client', connState: 'RSTO' });
    expect(c!.states).toEqual({ client: ['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'CLOSED'], server: ['LISTEN', 'SYN_RCVD', 'ESTABLISHED', 'CLOSED'] });
  });
  it('refused: SYN answered by RST', () => {
    const [c] = tcpConns('tcp-refused.pcap');
    expect(c).toMatchObject({ handshake: 'refused', teardown: 'refused', connState: 'REJ', history: 'Sr' });
    expect(c!.states).toEqual({ client: ['CLOSED', 'SYN_SENT', 'CLOSED'], server: ['CLOSED'] });
  });
  it('unanswered: SYN and its retransmissions, nothing back', () => {
    const [c] = tcpConns('tcp-unanswered.pcap');
    expect(c).toMatchObject({ handshake: 'unanswered', teardown: 'open', connState: 'S0', history: 'S' });
    expect(c!.states).toEqual({ client: ['CLOSED', 'SYN_SENT'], server: [] });
    expect(c!.packets.server).toBe(0);
    expect(c!.retransmissions).toBe(c!.packets.client - 1);
  });
  it('mid-stream pickup starts both ends ESTABLISHED and picks the server by port', () => {
    const [c] = tcpConns('tcp-midstream.pcap');
    expect(c).toMatchObject({ handshake: 'not-seen', teardown: 'fin', connState: 'SF' });
    expect(c!.server.port).toBe(9007);
    expect(c!.states.client[0]).toBe('ESTABLISHED');
    expect(c!.states.server[0]).toBe('ESTABLISHED');
  });
  it('HTTP keep-alive: one connection carries every request', () => {
    const conns = tcpConns('http-keepalive.pcap');
    expect(conns).toHaveLength(1);
    expect(conns[0]).toMatchObject({ handshake: 'complete', teardown: 'fin', connState: 'SF' });
  });
  it('lossy download: retransmissions counted, bytes without them', () => {
    const [c] = tcpConns('lossy-download.pcap');
    expect(c!.retransmissions).toBeGreaterThan(0);
    expect(c!.bytes.server).toBeGreaterThan(1_000_000);
    expect(c!.bytes.server).toBeLessThan(1_010_000); // the file plus HTTP headers, each byte once
  });
});

describe('built scenarios', () => {
  it('simultaneous open: both ends CLOSED, SYN_SENT, SYN_RCVD, ESTABLISHED', () => {
    const k = conversation('10.0.0.1', '10.0.0.2', 5000, 5001);
    k.c(100, undefined, 'S');
    k.s(900, undefined, 'S');
    k.c(100, 901, 'SA');
    k.s(900, 101, 'SA');
    k.c(101, 901, 'A');
    const [c] = track(k.frames);
    const both = ['CLOSED', 'SYN_SENT', 'SYN_RCVD', 'ESTABLISHED'];
    expect(c!.states).toEqual({ client: both, server: both });
    expect(c!.handshake).toBe('simultaneous');
  });
  it('a connection carried in MPLS (two labels) is tracked like any other', () => {
    const k = conversation();
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(101, 901, 'PA', 10); k.s(901, 111, 'A');
    k.c(111, 901, 'FA'); k.s(901, 112, 'FA'); k.c(112, 902, 'A');
    const labels = Buffer.from('000100ff000c81fe', 'hex'); // label 16 (not bottom), then label 200 [S]
    const inMpls = k.frames.map((f) => {
      const b = Buffer.concat([f.buf.subarray(0, 12), Buffer.from([0x88, 0x47]), labels, f.buf.subarray(14)]);
      return { ...f, buf: b, caplen: b.length, len: b.length };
    });
    const [plain] = track(k.frames);
    const [c] = track(inMpls);
    expect(c).toMatchObject({ handshake: 'complete', teardown: 'fin', connState: 'SF', bytes: { client: 10, server: 0 } });
    expect(c).toEqual(plain);
  });

  it('a connection carried in a PPPoE session is tracked like any other', () => {
    const k = conversation();
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(101, 901, 'PA', 10); k.s(901, 111, 'A');
    k.c(111, 901, 'FA'); k.s(901, 112, 'FA'); k.c(112, 902, 'A');
    const inPppoe = k.frames.map((f) => {
      const ip = f.buf.subarray(14);
      const head = Buffer.from([0x11, 0, 0x12, 0x34, 0, 0, 0x00, 0x21]);
      head.writeUInt16BE(ip.length + 2, 4);
      const b = Buffer.concat([f.buf.subarray(0, 12), Buffer.from([0x88, 0x64]), head, ip]);
      return { ...f, buf: b, caplen: b.length, len: b.length };
    });
    const [c] = track(inPppoe);
    expect(c).toMatchObject({ handshake: 'complete', teardown: 'fin', connState: 'SF', bytes: { client: 10, server: 0 } });
    expect(c).toEqual(track(k.frames)[0]);
  });

  it('simultaneous close: both ends FIN_WAIT_1, CLOSING, TIME_WAIT', () => {
    const k = conversation();
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(101, 901, 'FA');
    k.s(901, 101, 'FA'); // crosses: does not ack the client's FIN
    k.c(102, 902, 'A');
    k.s(902, 102, 'A');
    const [c] = track(k.frames);
    const tail = ['ESTABLISHED', 'FIN_WAIT_1', 'CLOSING', 'TIME_WAIT'];
    expect(c!.states!.client.slice(2)).toEqual(tail);
    expect(c!.states!.server.slice(2)).toEqual(tail);
    expect(c!.teardown).toBe('simultaneous-fin');
    expect(c!.connState).toBe('SF');
  });
  it('three-way teardown: FIN+ACK that acks our FIN takes FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT', () => {
    const k = conversation();
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(101, 901, 'FA'); k.s(901, 102, 'FA'); k.c(102, 902, 'A');
    const [c] = track(k.frames);
    expect(c!.states!.client).toEqual(EST_CLIENT_FIN);
    expect(c!.states!.server).toEqual(EST_SERVER_PASSIVE);
    expect(c!.teardown).toBe('fin');
  });
  it('sequence numbers wrap past 2^32', () => {
    const k = conversation();
    const isn = 0xffffff00;
    k.c(isn, undefined, 'S'); k.s(7, isn + 1, 'SA'); k.c(isn + 1, 8, 'A');
    k.c(isn + 1, 8, 'PA', 1000); // crosses 2^32
    k.s(8, (isn + 1 + 1000) >>> 0, 'A');
    k.c((isn + 1 + 1000) >>> 0, 8, 'FA'); k.s(8, (isn + 1002) >>> 0, 'FA'); k.c((isn + 1002) >>> 0, 9, 'A');
    const [c] = track(k.frames);
    expect(c!.bytes.client).toBe(1000);
    expect(c!.retransmissions).toBe(0);
    expect(c!.states!.client).toEqual(EST_CLIENT_FIN);
  });
});
