#!/usr/bin/env node
// Worst-case captures for the bounds table (bench/bounds.mjs): classic pcap,
// Ethernet, written in large batches from one reused buffer (a few seconds per
// gigabyte), to a file or to stdout ("-").
//
//   node bench/gen-bounds.mjs conns     OUT [N=2000000]   N distinct TCP connections, each one HTTP request and its
//                                                         response (picked up mid-stream: 2 packets), plus connection #0,
//                                                         opened first with a handshake and used every 1000 connections
//                                                         (so it is reported last: the conns table cannot print in end order)
//   node bench/gen-bounds.mjs arp       OUT [N=2000000]   N distinct IPv4 → MAC bindings: answered requests, gratuitous
//                                                         requests, requests nobody answers, unsolicited replies, a conflict
//                                                         every 100 bindings
//   node bench/gen-bounds.mjs stream    OUT [BYTES=1e9]   one TCP connection: an HTTP GET and a BYTES-long response body in
//                                                         1448-byte segments (text lines with some control bytes), an ACK
//                                                         every two segments, FINs
//   node bench/gen-bounds.mjs pipelined OUT [N=300000]    one TCP connection carrying N pipelined requests, all sent before
//                                                         the first response, then the N responses
import { closeSync, openSync, writeSync } from 'node:fs';

const [kind, out, nArg] = process.argv.slice(2);
if (kind === undefined || out === undefined) {
  console.error('usage: node bench/gen-bounds.mjs conns|arp|stream|pipelined OUT|- [N]');
  process.exit(2);
}
const fd = out === '-' ? 1 : openSync(out, 'w');

// ------------------------------------------------------------------ output

const BUF = 8 << 20;
const buf = Buffer.alloc(BUF);
let pos = 0;
function flush() {
  let off = 0;
  while (off < pos) {
    try {
      off += writeSync(fd, buf, off, pos - off);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    }
  }
  pos = 0;
}
function room(n) { if (pos + n > BUF) flush(); }

const hdr = Buffer.alloc(24);
hdr.writeUInt32LE(0xa1b2c3d4, 0); hdr.writeUInt16LE(2, 4); hdr.writeUInt16LE(4, 6);
hdr.writeUInt32LE(262144, 16); hdr.writeUInt32LE(1, 20);
room(24); hdr.copy(buf, pos); pos += 24;

const T0 = 1_763_800_000;
let clockUs = 0;
function recordHeader(len) {
  buf.writeUInt32LE(T0 + Math.floor(clockUs / 1e6), pos);
  buf.writeUInt32LE(clockUs % 1e6, pos + 4);
  buf.writeUInt32LE(len, pos + 8);
  buf.writeUInt32LE(len, pos + 12);
  pos += 16;
}

const MAC_C = 0x020000000001, MAC_S = 0x020000000002;
function mac(o, m) { buf.writeUInt16BE(Math.floor(m / 0x100000000), o); buf.writeUInt32BE(m % 0x100000000, o + 2); }

const ACK = 0x10, PSH = 0x08, SYN = 0x02, FIN = 0x01;

/** One IPv4/TCP frame; `payload` is copied from `src[from, to)`. */
function tcp(fromClient, cip, cport, sip, sport, seq, ack, flags, src = null, from = 0, to = 0) {
  const plen = to - from, len = 54 + plen;
  room(16 + len);
  recordHeader(len);
  const f = pos;
  mac(f, fromClient ? MAC_S : MAC_C); mac(f + 6, fromClient ? MAC_C : MAC_S);
  buf.writeUInt16BE(0x0800, f + 12);
  const ip = f + 14;
  buf[ip] = 0x45; buf[ip + 1] = 0; buf.writeUInt16BE(40 + plen, ip + 2);
  buf.writeUInt32BE(0x40000000, ip + 4); // id 0, DF
  buf[ip + 8] = 64; buf[ip + 9] = 6; buf.writeUInt16BE(0, ip + 10);
  buf.writeUInt32BE(fromClient ? cip : sip, ip + 12); buf.writeUInt32BE(fromClient ? sip : cip, ip + 16);
  let sum = 0;
  for (let q = ip; q < ip + 20; q += 2) sum += (buf[q] << 8) | buf[q + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  buf.writeUInt16BE(~sum & 0xffff, ip + 10);
  const t = ip + 20;
  buf.writeUInt16BE(fromClient ? cport : sport, t); buf.writeUInt16BE(fromClient ? sport : cport, t + 2);
  buf.writeUInt32BE(seq >>> 0, t + 4); buf.writeUInt32BE(ack >>> 0, t + 8);
  buf[t + 12] = 0x50; buf[t + 13] = flags; buf.writeUInt16BE(64240, t + 14);
  buf.writeUInt32BE(0, t + 16); // checksum not computed (netlens and tcpdump check it only under -v)
  if (plen > 0) src.copy(buf, t + 20, from, to);
  pos += len;
}

/** An Ethernet/ARP frame (RFC 826, IPv4 over Ethernet). */
function arp(op, sha, spa, tha, tpa, dst) {
  room(16 + 42);
  recordHeader(42);
  const f = pos;
  mac(f, dst); mac(f + 6, sha);
  buf.writeUInt16BE(0x0806, f + 12);
  const a = f + 14;
  buf.writeUInt16BE(1, a); buf.writeUInt16BE(0x0800, a + 2); buf[a + 4] = 6; buf[a + 5] = 4; buf.writeUInt16BE(op, a + 6);
  mac(a + 8, sha); buf.writeUInt32BE(spa >>> 0, a + 14); mac(a + 18, tha); buf.writeUInt32BE(tpa >>> 0, a + 24);
  pos += 42;
}

// ------------------------------------------------------------------ the cases

const REQ = Buffer.from('GET /x HTTP/1.1\r\nHost: bench\r\n\r\n');
const RESP = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
const SERVER = 0xc0a80001; // 192.168.0.1

if (kind === 'conns') {
  const n = Number(nArg ?? 2_000_000);
  // #0: a handshake first, then a request and its response every 1000 connections; never closed.
  const lip = 0x0aff_fffe, lport = 50000;
  let cseq = 1000, sseq = 5000;
  tcp(true, lip, lport, SERVER, 80, cseq, 0, SYN);
  tcp(false, lip, lport, SERVER, 80, sseq, cseq + 1, SYN | ACK);
  cseq++; sseq++;
  tcp(true, lip, lport, SERVER, 80, cseq, sseq, ACK);
  for (let k = 0; k < n; k++) {
    clockUs += 10; // 100,000 connections a second
    const cip = (0x0a000000 + k + 1) >>> 0, cport = 1024 + (k % 60000);
    const cs = (k * 2654435761) >>> 0, ss = (k * 40503 + 7) >>> 0;
    tcp(true, cip, cport, SERVER, 80, cs, ss, ACK | PSH, REQ, 0, REQ.length);
    tcp(false, cip, cport, SERVER, 80, ss, cs + REQ.length, ACK | PSH, RESP, 0, RESP.length);
    if (k % 1000 === 999) {
      tcp(true, lip, lport, SERVER, 80, cseq, sseq, ACK | PSH, REQ, 0, REQ.length);
      cseq += REQ.length;
      tcp(false, lip, lport, SERVER, 80, sseq, cseq, ACK | PSH, RESP, 0, RESP.length);
      sseq += RESP.length;
    }
  }
} else if (kind === 'arp') {
  const n = Number(nArg ?? 2_000_000);
  const ASKER_IP = 0x0aff0001, ASKER_MAC = 0x02ff00000001, BCAST = 0xffffffffffff;
  for (let k = 0; k < n; k++) {
    clockUs += 10;
    const ip = (0x0a000000 + k + 1) >>> 0, m = 0x020000000000 + k + 1;
    switch (k % 4) {
      case 0: // a request and its reply
        arp(1, ASKER_MAC, ASKER_IP, 0, ip, BCAST);
        clockUs += 1;
        arp(2, m, ip, ASKER_MAC, ASKER_IP, ASKER_MAC);
        break;
      case 1: // gratuitous request (an announcement)
        arp(1, m, ip, 0, ip, BCAST);
        break;
      case 2: // a request nobody answers
        arp(1, m, ip, 0, (0x0b000000 + k) >>> 0, BCAST);
        break;
      default: // a reply nobody asked for
        arp(2, m, ip, ASKER_MAC, ASKER_IP, ASKER_MAC);
        break;
    }
    if (k % 100 === 99) arp(2, m + 0x1000_0000, ip, ASKER_MAC, ASKER_IP, ASKER_MAC); // a second MAC claims ip: a conflict
  }
} else if (kind === 'stream' || kind === 'pipelined') {
  const cip = 0x0a000001, cport = 40000;
  let cseq = 100, sseq = 900000;
  tcp(true, cip, cport, SERVER, 80, cseq, 0, SYN);
  clockUs += 50;
  tcp(false, cip, cport, SERVER, 80, sseq, cseq + 1, SYN | ACK);
  clockUs += 50;
  cseq++; sseq++;
  tcp(true, cip, cport, SERVER, 80, cseq, sseq, ACK);
  const MSS = 1448;
  /** Sends `data` from one side in MSS segments; the other side ACKs every two. */
  const send = (fromClient, data, from, to) => {
    let segs = 0;
    for (let p = from; p < to; p += MSS) {
      const e = Math.min(to, p + MSS);
      clockUs += 1;
      if (fromClient) { tcp(true, cip, cport, SERVER, 80, cseq, sseq, ACK | PSH, data, p, e); cseq += e - p; }
      else { tcp(false, cip, cport, SERVER, 80, sseq, cseq, ACK | PSH, data, p, e); sseq += e - p; }
      if (++segs % 2 === 0 || e === to) {
        if (fromClient) tcp(false, cip, cport, SERVER, 80, sseq, cseq, ACK);
        else tcp(true, cip, cport, SERVER, 80, cseq, sseq, ACK);
      }
    }
  };
  if (kind === 'stream') {
    const bytes = Number(nArg ?? 1e9);
    send(true, REQ, 0, REQ.length);
    const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${bytes}\r\n\r\n`);
    // The body: lines of 20 to 119 printable characters, CRLF, a tab or a control byte now and then; the pattern
    // is 64 KiB, repeated, and a segment is cut from a doubled copy so it never wraps.
    const PAT = 65536;
    const pattern = Buffer.alloc(2 * PAT);
    let lineLeft = 20, li = 0;
    for (let i = 0; i < PAT; i++) {
      if (lineLeft === 1) { pattern[i] = 0x0d; lineLeft--; continue; }
      if (lineLeft === 0) { pattern[i] = 0x0a; li++; lineLeft = 20 + ((li * 37) % 100); continue; }
      pattern[i] = i % 997 === 0 ? 0x1b : i % 251 === 0 ? 0x09 : 0x21 + ((i * 7 + li) % 94);
      lineLeft--;
    }
    pattern.copy(pattern, PAT, 0, PAT);
    send(false, head, 0, head.length);
    const seg = Buffer.alloc(MSS);
    let segs = 0;
    for (let off = 0; off < bytes; off += MSS) {
      const len = Math.min(MSS, bytes - off);
      pattern.copy(seg, 0, off % PAT, (off % PAT) + len);
      clockUs += 1;
      tcp(false, cip, cport, SERVER, 80, sseq, cseq, ACK | PSH, seg, 0, len);
      sseq += len;
      if (++segs % 2 === 0 || off + len >= bytes) tcp(true, cip, cport, SERVER, 80, cseq, sseq, ACK);
    }
  } else {
    const n = Number(nArg ?? 300_000);
    // Every request first (pipelined), then every response; generated in slices so the pieces stay small.
    const SLICE = 10000;
    for (let i = 0; i < n; i += SLICE) {
      const parts = [];
      for (let k = i; k < Math.min(n, i + SLICE); k++) parts.push(`GET /${k} HTTP/1.1\r\nHost: bench\r\n\r\n`);
      const b = Buffer.from(parts.join(''));
      send(true, b, 0, b.length);
    }
    for (let i = 0; i < n; i += SLICE) {
      const parts = [];
      for (let k = i; k < Math.min(n, i + SLICE); k++) parts.push('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
      const b = Buffer.from(parts.join(''));
      send(false, b, 0, b.length);
    }
  }
  clockUs += 100;
  tcp(true, cip, cport, SERVER, 80, cseq, sseq, FIN | ACK);
  tcp(false, cip, cport, SERVER, 80, sseq, cseq + 1, FIN | ACK);
  tcp(true, cip, cport, SERVER, 80, cseq + 1, sseq + 1, ACK);
} else {
  console.error(`gen-bounds: unknown case ${kind} (conns, arp, stream, pipelined)`);
  process.exit(2);
}
flush();
if (fd !== 1) closeSync(fd);
