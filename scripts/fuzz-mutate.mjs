// Capture-file mutations for `npm run fuzz` (scripts/fuzz-captures.mjs).
//
// A capture is parsed into a model (classic pcap: file header + records;
// pcapng: blocks, with enhanced packet blocks split into their fields), so
// that a mutation can either keep the file well formed (edit a packet and
// re-serialize with matching lengths: the damage reaches the decoders and
// printers) or break the container on purpose (a length field, a trailer, a
// block, a cut: the damage reaches the file reader). Everything is driven by
// one seeded generator: the same (seed, case) gives the same bytes.

// ------------------------------------------------------------------ random

function mix32(x) {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** sfc32, seeded from (seed, stream): an independent sequence per case. */
export function makeRng(seed, stream = 0) {
  let a = mix32((seed >>> 0) ^ 0x9e3779b9);
  let b = mix32(((stream >>> 0) + 0x7f4a7c15) >>> 0);
  let c = mix32(a ^ Math.imul(b, 31) ^ Math.floor(seed / 4294967296));
  let d = 1;
  const u32 = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  const r = {
    u32,
    float: () => u32() / 4294967296,
    /** 0 … n-1 */
    int: (n) => (n <= 0 ? 0 : Math.floor((u32() / 4294967296) * n)),
    /** lo … hi inclusive */
    range: (lo, hi) => lo + Math.floor((u32() / 4294967296) * (hi - lo + 1)),
    chance: (p) => u32() / 4294967296 < p,
    pick: (arr) => arr[Math.floor((u32() / 4294967296) * arr.length)],
    /** Picks a key of {key: weight}. */
    weighted: (table) => {
      let total = 0;
      for (const k in table) total += table[k];
      let x = (u32() / 4294967296) * total;
      for (const k in table) { x -= table[k]; if (x < 0) return k; }
      return Object.keys(table)[0];
    },
    /** Small counts: 1 most often, sometimes more. */
    small: (max) => { let n = 1; while (n < max && u32() < 0x60000000) n++; return n; },
    bytes: (n) => { const b = Buffer.allocUnsafe(n); for (let i = 0; i < n; i++) b[i] = u32() & 255; return b; },
  };
  return r;
}

// ------------------------------------------------------------------ byte helpers

const rd16 = (b, o, le) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
const rd32 = (b, o, le) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
const wr16 = (b, o, v, le) => (le ? b.writeUInt16LE(v & 0xffff, o) : b.writeUInt16BE(v & 0xffff, o));
const wr32 = (b, o, v, le) => (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
const pad4 = (n) => (n + 3) & ~3;

// ------------------------------------------------------------------ parse / serialize

const PCAPNG_SHB = 0x0a0d0d0a;
const BOM = 0x1a2b3c4d;
const IDB = 1, EPB = 6, SPB = 3, OPB = 2, ISB = 5, NRB = 4;

/**
 * Parses a capture into a model, or returns null when it is neither format
 * (the file is then mutated as raw bytes only).
 * pcap:   {format, le, header, records: [{tsSec, tsSub, len, data}], tail}
 * pcapng: {format, blocks: [{type, le, body} | {type: EPB, le, ifid, tsh, tsl, origlen, data, options}], tail}
 */
export function parseCapture(buf) {
  if (buf.length < 12) return null;
  const m = buf.readUInt32LE(0);
  if (m === PCAPNG_SHB) return parsePcapng(buf);
  const mb = buf.readUInt32BE(0);
  let le;
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) le = true;
  else if (mb === 0xa1b2c3d4 || mb === 0xa1b23c4d) le = false;
  else return null;
  if (buf.length < 24) return null;
  const model = { format: 'pcap', le, header: Buffer.from(buf.subarray(0, 24)), records: [], tail: Buffer.alloc(0) };
  let p = 24;
  while (p + 16 <= buf.length) {
    const caplen = rd32(buf, p + 8, le);
    if (caplen > buf.length - p - 16) break;
    model.records.push({
      tsSec: rd32(buf, p, le), tsSub: rd32(buf, p + 4, le), len: rd32(buf, p + 12, le),
      data: Buffer.from(buf.subarray(p + 16, p + 16 + caplen)),
    });
    p += 16 + caplen;
  }
  model.tail = Buffer.from(buf.subarray(p));
  return model;
}

function parsePcapng(buf) {
  const model = { format: 'pcapng', blocks: [], tail: Buffer.alloc(0) };
  let p = 0;
  let le = true;
  while (p + 12 <= buf.length) {
    if (buf.readUInt32LE(p) === PCAPNG_SHB) {
      if (p + 12 > buf.length) break;
      if (buf.readUInt32LE(p + 8) === BOM) le = true;
      else if (buf.readUInt32BE(p + 8) === BOM) le = false;
      else break;
    }
    const type = rd32(buf, p, le);
    const total = rd32(buf, p + 4, le);
    if (total < 12 || total % 4 !== 0 || total > buf.length - p) break;
    const body = Buffer.from(buf.subarray(p + 8, p + total - 4));
    model.blocks.push(splitBlock(type, le, body));
    p += total;
  }
  model.tail = Buffer.from(buf.subarray(p));
  return model.blocks.length > 0 ? model : null;
}

function splitBlock(type, le, body) {
  if (type === EPB && body.length >= 20) {
    const caplen = rd32(body, 12, le);
    if (caplen <= body.length - 20) {
      return {
        type, le, ifid: rd32(body, 0, le), tsh: rd32(body, 4, le), tsl: rd32(body, 8, le), origlen: rd32(body, 16, le),
        data: Buffer.from(body.subarray(20, 20 + caplen)), options: Buffer.from(body.subarray(20 + pad4(caplen))),
      };
    }
  }
  return { type, le, body };
}

/** The packet records of a model, each with its link type: [{rec, linkType}] (rec has .data). */
export function packetsOf(model) {
  if (model.format === 'pcap') {
    const lt = rd32(model.header, 20, model.le) & 0xffff;
    return model.records.map((rec) => ({ rec, linkType: lt }));
  }
  const out = [];
  let ifaces = [];
  for (const b of model.blocks) {
    if (b.type === PCAPNG_SHB) ifaces = [];
    else if (b.type === IDB && b.body && b.body.length >= 8) ifaces.push(rd16(b.body, 0, b.le));
    else if (b.type === EPB && b.data) out.push({ rec: b, linkType: ifaces[b.ifid] ?? -1 });
  }
  return out;
}

/**
 * Bytes of a model, with a map of where its container fields are:
 * fields: [{name, off, size, le}] (lengths, types, trailers, option lengths),
 * bounds: offsets where a record or block starts.
 */
export function serialize(model) {
  const parts = [];
  const fields = [];
  const bounds = [];
  let off = 0;
  const push = (b) => { parts.push(b); off += b.length; };
  if (model.format === 'pcap') {
    const le = model.le;
    fields.push({ name: 'pcap.version', off: 4, size: 2, le }, { name: 'pcap.snaplen', off: 16, size: 4, le }, { name: 'pcap.linktype', off: 20, size: 4, le });
    push(model.header);
    for (const r of model.records) {
      bounds.push(off);
      const h = Buffer.alloc(16);
      wr32(h, 0, r.tsSec, le); wr32(h, 4, r.tsSub, le);
      wr32(h, 8, r.data.length, le); wr32(h, 12, r.len, le);
      fields.push({ name: 'pcap.caplen', off: off + 8, size: 4, le, rest: r.data.length }, { name: 'pcap.len', off: off + 12, size: 4, le },
        { name: 'pcap.ts_sub', off: off + 4, size: 4, le });
      push(h);
      push(r.data);
    }
    bounds.push(off);
    push(model.tail);
    return { buf: Buffer.concat(parts), fields, bounds };
  }
  for (const b of model.blocks) {
    const le = b.le;
    bounds.push(off);
    let body = b.body;
    if (body === undefined) {
      const cap = b.data.length;
      body = Buffer.alloc(20 + pad4(cap) + b.options.length);
      wr32(body, 0, b.ifid, le); wr32(body, 4, b.tsh, le); wr32(body, 8, b.tsl, le);
      wr32(body, 12, cap, le); wr32(body, 16, b.origlen, le);
      b.data.copy(body, 20);
      b.options.copy(body, 20 + pad4(cap));
      fields.push({ name: 'epb.ifid', off: off + 8, size: 4, le }, { name: 'epb.caplen', off: off + 20, size: 4, le, rest: cap },
        { name: 'epb.origlen', off: off + 24, size: 4, le }, { name: 'epb.ts', off: off + 12, size: 4, le });
      optionFields(body, 20 + pad4(cap), le, off + 8, 'epb', fields);
    } else if (b.type === PCAPNG_SHB) {
      fields.push({ name: 'shb.bom', off: off + 8, size: 4, le }, { name: 'shb.version', off: off + 12, size: 2, le }, { name: 'shb.section_len', off: off + 16, size: 4, le });
      optionFields(body, 16, le, off + 8, 'shb', fields);
    } else if (b.type === IDB) {
      fields.push({ name: 'idb.linktype', off: off + 8, size: 2, le }, { name: 'idb.snaplen', off: off + 12, size: 4, le });
      optionFields(body, 8, le, off + 8, 'idb', fields);
    } else if (b.type === SPB) {
      fields.push({ name: 'spb.len', off: off + 8, size: 4, le });
    } else if (b.type === ISB) {
      optionFields(body, 12, le, off + 8, 'isb', fields);
    }
    const padded = body.length % 4 === 0 ? body : Buffer.concat([body, Buffer.alloc(4 - (body.length % 4))]);
    const total = 12 + padded.length;
    const head = Buffer.alloc(8);
    wr32(head, 0, b.type, le);
    wr32(head, 4, total + (b.lenDelta ?? 0), le);
    const trail = Buffer.alloc(4);
    wr32(trail, 0, total + (b.trailerDelta ?? 0), le);
    fields.push({ name: 'block.type', off, size: 4, le }, { name: 'block.len', off: off + 4, size: 4, le, rest: total },
      { name: 'block.trailer', off: off + total - 4, size: 4, le, rest: total });
    push(head); push(padded); push(trail);
  }
  bounds.push(off);
  push(model.tail);
  return { buf: Buffer.concat(parts), fields, bounds };
}

function optionFields(body, from, le, base, who, fields) {
  let o = from;
  while (o + 4 <= body.length) {
    const code = rd16(body, o, le);
    const len = rd16(body, o + 2, le);
    fields.push({ name: `${who}.opt_code`, off: base + o, size: 2, le }, { name: `${who}.opt_len`, off: base + o + 2, size: 2, le, rest: body.length - o - 4 });
    if (code === 0) break;
    o += 4 + pad4(len);
  }
}

export function cloneModel(model) {
  if (model.format === 'pcap') {
    return { ...model, header: Buffer.from(model.header), records: model.records.map((r) => ({ ...r, data: Buffer.from(r.data) })), tail: Buffer.from(model.tail) };
  }
  return { ...model, blocks: model.blocks.map(cloneBlock), tail: Buffer.from(model.tail) };
}

function cloneBlock(b) {
  return b.body !== undefined ? { ...b, body: Buffer.from(b.body) } : { ...b, data: Buffer.from(b.data), options: Buffer.from(b.options) };
}

// ------------------------------------------------------------------ packet fields

const ETH_VLAN = new Set([0x8100, 0x88a8, 0x9100]);

/**
 * Where the headers and their fields are in one packet (as far as the bytes
 * allow): {layers: [{name, off}], fields: [{name, off, size, nibble?, kind}]}.
 * kind: 'len' (length / header-length / option-length / count), 'port',
 * 'proto', 'type', 'flags', 'value'.
 */
export function locateFields(data, linkType) {
  const L = { layers: [], fields: [] };
  const f = (name, off, size, kind, nibble) => { if (off + size <= data.length) L.fields.push({ name, off, size, kind, nibble }); };
  const n = data.length;
  let off = 0;
  let et = -1;
  switch (linkType) {
    case 1: off = ethernet(data, 0, L, f); et = off < 0 ? -1 : data.readUInt16BE(off - 2); break;
    case 0: case 108:
      if (n < 4) return L;
      L.layers.push({ name: 'null', off: 0 });
      f('null.family', 0, 4, 'type');
      off = 4; et = (data[4] >> 4) === 6 ? 0x86dd : 0x0800; break;
    case 12: case 14: case 101: case 228: case 229:
      off = 0; et = n > 0 && (data[0] >> 4) === 6 ? 0x86dd : 0x0800; break;
    case 113:
      if (n < 16) return L;
      L.layers.push({ name: 'sll', off: 0 });
      f('sll.halen', 4, 2, 'len'); f('sll.proto', 14, 2, 'ethertype');
      off = 16; et = data.readUInt16BE(14); break;
    case 276:
      if (n < 20) return L;
      L.layers.push({ name: 'sll2', off: 0 });
      f('sll2.proto', 0, 2, 'ethertype'); f('sll2.halen', 11, 1, 'len');
      off = 20; et = data.readUInt16BE(0); break;
    default:
      return L;
  }
  if (off >= 0) network(data, et, off, L, f, 0);
  return L;
}

function ethernet(data, at, L, f) {
  if (data.length - at < 14) return -1;
  L.layers.push({ name: 'eth', off: at });
  let p = at + 12;
  f('eth.type', p, 2, 'ethertype');
  while (p + 4 <= data.length && ETH_VLAN.has(data.readUInt16BE(p))) {
    L.layers.push({ name: 'vlan', off: p });
    f('vlan.type', p + 4, 2, 'ethertype');
    p += 4;
  }
  return p + 2 <= data.length ? p + 2 : -1;
}

function network(data, et, off, L, f, depth) {
  if (depth > 3 || off >= data.length) return;
  const n = data.length;
  if (et === 0x8864) { // PPPoE session, PPP protocol
    L.layers.push({ name: 'pppoe', off });
    f('pppoe.len', off + 4, 2, 'len'); f('ppp.proto', off + 6, 2, 'type');
    if (off + 8 > n) return;
    const proto = data.readUInt16BE(off + 6);
    return network(data, proto === 0x21 ? 0x0800 : proto === 0x57 ? 0x86dd : -1, off + 8, L, f, depth + 1);
  }
  if (et === 0x8847 || et === 0x8848) {
    let q = off;
    while (q + 4 <= n) {
      L.layers.push({ name: 'mpls', off: q });
      f('mpls.entry', q + 2, 1, 'flags');
      const bottom = data[q + 2] & 1;
      q += 4;
      if (bottom) break;
    }
    return network(data, q < n && (data[q] >> 4) === 6 ? 0x86dd : 0x0800, q, L, f, depth + 1);
  }
  if (et === 0x0806 || et === 0x8035) {
    L.layers.push({ name: 'arp', off });
    f('arp.hrd', off, 2, 'type'); f('arp.pro', off + 2, 2, 'ethertype'); f('arp.hln', off + 4, 1, 'len'); f('arp.pln', off + 5, 1, 'len'); f('arp.op', off + 6, 2, 'type');
    return;
  }
  if (et === 0x0800) return ipv4(data, off, L, f, depth);
  if (et === 0x86dd) return ipv6(data, off, L, f, depth);
}

function ipv4(data, off, L, f, depth) {
  if (depth > 3) return;
  const n = data.length;
  if (off + 20 > n) { f('ip.vhl', off, 1, 'len', 'lo'); return; }
  L.layers.push({ name: 'ip', off });
  f('ip.vhl', off, 1, 'len', 'lo'); f('ip.version', off, 1, 'type', 'hi'); f('ip.len', off + 2, 2, 'len'); f('ip.frag', off + 6, 2, 'flags'); f('ip.proto', off + 9, 1, 'proto'); f('ip.ttl', off + 8, 1, 'value');
  const ihl = (data[off] & 15) * 4;
  const end = Math.min(n, off + Math.max(20, ihl));
  for (let o = off + 20; o < end;) {
    const t = data[o];
    if (t === 0) break;
    if (t === 1) { o++; continue; }
    if (o + 1 >= end) break;
    f('ip.opt_len', o + 1, 1, 'len');
    if (t === 7 || t === 68 || t === 131 || t === 137) f('ip.opt_ptr', o + 2, 1, 'len');
    if (data[o + 1] < 2) break;
    o += data[o + 1];
  }
  transport(data, data[off + 9], off + Math.max(20, ihl), L, f, depth);
}

function ipv6(data, off, L, f, depth) {
  if (depth > 3) return;
  const n = data.length;
  if (off + 40 > n) { f('ip6.version', off, 1, 'type', 'hi'); return; }
  L.layers.push({ name: 'ip6', off });
  f('ip6.plen', off + 4, 2, 'len'); f('ip6.nxt', off + 6, 1, 'proto'); f('ip6.version', off, 1, 'type', 'hi');
  let nh = data[off + 6];
  let p = off + 40;
  for (let k = 0; k < 8 && p + 8 <= n; k++) {
    if (nh === 0 || nh === 43 || nh === 60 || nh === 135 || nh === 139 || nh === 140) {
      L.layers.push({ name: `ip6ext${nh}`, off: p });
      f('ip6ext.nxt', p, 1, 'proto'); f('ip6ext.len', p + 1, 1, 'len');
      if (nh === 43) { f('rt6.type', p + 2, 1, 'type'); f('rt6.segleft', p + 3, 1, 'len'); }
      const end = Math.min(n, p + (data[p + 1] + 1) * 8);
      if (nh === 0 || nh === 60) {
        for (let o = p + 2; o + 1 < end;) {
          if (data[o] === 0) { o++; continue; }
          f('ip6opt.len', o + 1, 1, 'len');
          o += 2 + data[o + 1];
        }
      }
      nh = data[p]; p += (data[p + 1] + 1) * 8;
    } else if (nh === 44) {
      L.layers.push({ name: 'frag6', off: p });
      f('frag6.nxt', p, 1, 'proto'); f('frag6.off', p + 2, 2, 'flags');
      nh = data[p]; p += 8;
    } else if (nh === 51) {
      L.layers.push({ name: 'ah', off: p });
      f('ah.nxt', p, 1, 'proto'); f('ah.len', p + 1, 1, 'len');
      nh = data[p]; p += (data[p + 1] + 2) * 4;
    } else break;
  }
  transport(data, nh, p, L, f, depth);
}

function transport(data, proto, off, L, f, depth) {
  const n = data.length;
  if (off >= n) return;
  if (proto === 6) {
    L.layers.push({ name: 'tcp', off });
    f('tcp.sport', off, 2, 'port'); f('tcp.dport', off + 2, 2, 'port'); f('tcp.seq', off + 4, 4, 'value'); f('tcp.ack', off + 8, 4, 'value');
    f('tcp.off', off + 12, 1, 'len', 'hi'); f('tcp.flags', off + 13, 1, 'flags'); f('tcp.win', off + 14, 2, 'value'); f('tcp.urp', off + 18, 2, 'len');
    if (off + 13 > n) return;
    const hl = (data[off + 12] >> 4) * 4;
    const end = Math.min(n, off + Math.max(20, hl));
    for (let o = off + 20; o < end;) {
      const k = data[o];
      if (k === 0) break;
      if (k === 1) { o++; continue; }
      if (o + 1 >= end) break;
      f('tcp.opt_len', o + 1, 1, 'len');
      if (k === 30) f('mptcp.subtype', o + 2, 1, 'type', 'hi');
      if (data[o + 1] < 2) break;
      o += data[o + 1];
    }
    if (off + Math.max(20, hl) < n) L.layers.push({ name: 'tcp.payload', off: off + Math.max(20, hl) });
    appPayload(data, off + Math.max(20, hl), data.readUInt16BE(off), off + 4 <= n ? data.readUInt16BE(off + 2) : 0, true, L, f, depth);
    return;
  }
  if (proto === 17) {
    L.layers.push({ name: 'udp', off });
    f('udp.sport', off, 2, 'port'); f('udp.dport', off + 2, 2, 'port'); f('udp.len', off + 4, 2, 'len');
    if (off + 8 > n) return;
    L.layers.push({ name: 'udp.payload', off: off + 8 });
    appPayload(data, off + 8, data.readUInt16BE(off), data.readUInt16BE(off + 2), false, L, f, depth);
    return;
  }
  if (proto === 1 || proto === 58) {
    const v6 = proto === 58;
    L.layers.push({ name: v6 ? 'icmp6' : 'icmp', off });
    f('icmp.type', off, 1, 'type'); f('icmp.code', off + 1, 1, 'type');
    const t = data[off];
    const error = v6 ? t >= 1 && t <= 4 : t === 3 || t === 4 || t === 5 || t === 11 || t === 12;
    if (error && off + 8 < n) {
      if (!v6) f('icmp.len', off + 5, 1, 'len');
      const inner = off + 8;
      if ((data[inner] >> 4) === 6) ipv6(data, inner, L, f, depth + 1); else ipv4(data, inner, L, f, depth + 1);
    } else if (v6 && t >= 133 && t <= 137) {
      let o = off + ({ 133: 8, 134: 16, 135: 24, 136: 24, 137: 40 })[t];
      for (let k = 0; k < 16 && o + 2 <= n; k++) {
        f('nd.opt_len', o + 1, 1, 'len');
        if (data[o + 1] === 0) break;
        o += data[o + 1] * 8;
      }
    }
    return;
  }
  if (proto === 47) {
    L.layers.push({ name: 'gre', off });
    f('gre.flags', off, 2, 'flags'); f('gre.proto', off + 2, 2, 'ethertype');
    return;
  }
  if (proto === 2) {
    L.layers.push({ name: 'igmp', off });
    f('igmp.type', off, 1, 'type'); f('igmp.nsrc', off + 10, 2, 'len');
  }
}

function appPayload(data, off, sport, dport, tcp, L, f, depth) {
  const n = data.length;
  const is = (p) => sport === p || dport === p;
  if (is(53) || is(5353)) {
    let p = off;
    if (tcp) { f('dns.tcplen', p, 2, 'len'); p += 2; }
    if (p + 12 > n) return;
    L.layers.push({ name: 'dns', off: p });
    f('dns.flags', p + 2, 2, 'flags');
    for (let k = 0; k < 4; k++) f('dns.count', p + 4 + 2 * k, 2, 'len');
    let o = p + 12;
    for (let k = 0; k < 64 && o < n; k++) {
      const l = data[o];
      f('dns.label', o, 1, 'len');
      if (l === 0 || (l & 0xc0) !== 0) break;
      o += 1 + l;
    }
  } else if (!tcp && is(4789) && off + 8 < n) {
    L.layers.push({ name: 'vxlan', off });
    f('vxlan.flags', off, 1, 'flags');
    const e = ethernet(data, off + 8, L, f);
    if (e > 0) network(data, data.readUInt16BE(e - 2), e, L, f, depth + 1);
  } else if (!tcp && (is(67) || is(68)) && off + 240 < n) {
    L.layers.push({ name: 'bootp', off });
    for (let o = off + 240, k = 0; k < 64 && o + 1 < n; k++) {
      const t = data[o];
      if (t === 255) break;
      if (t === 0) { o++; continue; }
      f('dhcp.opt_len', o + 1, 1, 'len');
      o += 2 + data[o + 1];
    }
  }
}

// ------------------------------------------------------------------ values

function interesting(rng, size, cur, rest, kind) {
  const max = size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
  const table = [0, 1, 2, 3, 4, 7, 8, max, max - 1, Math.floor(max / 2), Math.floor(max / 2) + 1, cur + 1, cur - 1, cur + 4, cur - 4, cur * 2, cur + 8, Math.floor(cur / 2), rng.u32()];
  if (rest !== undefined) table.push(rest, rest + 1, rest - 1, rest + 4, rest - 4, rest + 1000);
  if (size === 4 && kind !== 'value') table.push(65535, 65536, 262144, 262145, 16 * 1024 * 1024, 16 * 1024 * 1024 + 1, 0x7fffffff, 0x80000000, 1e6, 999999, 1e9, 999999999);
  if (size === 2) table.push(0x7fff, 0x8000, 1500, 1514, 9000);
  const v = rng.pick(table);
  return ((v % (max + 1)) + (max + 1)) % (max + 1);
}

const PORTS = [7, 13, 20, 21, 22, 23, 25, 43, 53, 67, 68, 69, 80, 88, 110, 111, 119, 123, 137, 138, 139, 143, 161, 162, 179, 389, 443, 500, 514, 520, 546, 547, 554, 1723, 1812, 1813, 2049, 3784, 4789, 5060, 5353, 5355, 6081, 6379, 6633, 6653, 8080, 8443, 9000];
const PROTOS = [0, 1, 2, 4, 6, 17, 41, 43, 44, 47, 50, 51, 58, 59, 60, 89, 103, 112, 132, 135, 139, 140, 255];
const ETHERTYPES = [0x0800, 0x0806, 0x8035, 0x86dd, 0x8100, 0x88a8, 0x9100, 0x8847, 0x8848, 0x8863, 0x8864, 0x88cc, 0x88e5, 0x893a, 0x0600, 0x05dc, 0x0000, 0xffff, 0x809b, 0x80f3];
const LINKTYPES = [0, 1, 6, 9, 10, 12, 14, 50, 101, 104, 105, 108, 113, 127, 147, 192, 228, 229, 239, 276, 0xffff];

function setField(data, fld, rng, rest) {
  const { off, size, nibble, kind } = fld;
  if (nibble) {
    const v = rng.int(16);
    data[off] = nibble === 'hi' ? (data[off] & 0x0f) | (v << 4) : (data[off] & 0xf0) | v;
    return v;
  }
  let v;
  if (kind === 'port' && rng.chance(0.7)) v = rng.pick(PORTS);
  else if (kind === 'proto' && rng.chance(0.7)) v = rng.pick(PROTOS);
  else if (kind === 'ethertype' && rng.chance(0.7)) v = rng.pick(ETHERTYPES);
  else if (kind === 'flags' && rng.chance(0.5)) v = (size === 1 ? data[off] : data.readUIntBE(off, size)) ^ (1 << rng.int(size * 8));
  else {
    const cur = size === 1 ? data[off] : data.readUIntBE(off, size);
    v = interesting(rng, size, cur, rest, kind);
  }
  data.writeUIntBE(size === 4 ? v >>> 0 : v & ((1 << (8 * size)) - 1), off, size);
  return v;
}

// ------------------------------------------------------------------ mutations

/** Consistent mutations: the container stays well formed, the packets change. */
const MODEL_OPS = {
  pktField: 30, pktBitflip: 10, pktTruncate: 8, pktExtend: 4, pktRepeat: 4, pktDeleteChunk: 3, pktSplice: 3,
  recDup: 6, recDelete: 3, recSwap: 5, recReverse: 2, recTime: 4, icmpNest: 1, tunnelNest: 2, appNest: 2,
  ngBlock: 6, ngIface: 5,
};
/** Container damage: lengths, trailers, cuts, flipped bits anywhere. */
const BYTE_OPS = { lenField: 30, bitflip: 15, byteSet: 8, truncate: 12, insertBytes: 3, deleteBytes: 3 };

/**
 * Mutates one capture. Returns {bytes, ops: ["description", ...]}.
 * `input` is the original file's bytes; `others` a few other models (for splices).
 */
export function mutate(input, rng, opts = {}) {
  const ops = [];
  const parsed = parseCapture(input);
  let model = parsed === null ? null : cloneModel(parsed);
  if (model !== null) windowModel(model, rng, opts.maxRecords ?? 300, ops);
  if (model !== null && model.format === 'pcap' && rng.chance(opts.pcapngRate ?? 0.2)) {
    // Most sources are classic pcap: rewrite some as pcapng (one section, one
    // interface), or merged with a second capture as a two-interface pcapng.
    const other = opts.other ? parseCapture(opts.other) : null;
    if (other !== null && other.format === 'pcap' && rng.chance(0.4)) {
      windowModel(other, rng, opts.maxRecords ?? 300, []);
      model = mergePcapng(model, other, rng);
      ops.push(`as pcapng, merged with ${opts.otherName ?? 'a second capture'} (two interfaces)`);
    } else {
      model = toPcapng(model);
      ops.push('as pcapng');
    }
  }
  const heavyDraw = rng.float(); // drawn always, so that --heavy-rate does not shift the other cases
  if (model !== null && opts.heavy && heavyDraw < (opts.heavyRate ?? 0.002)) {
    // A big input: many distinct conversations or ARP bindings (the views' tables and sorts).
    const d = flood(model, rng);
    if (d !== null) return { bytes: serialize(model).buf, ops: [...ops, d] };
  }
  const profile = model === null ? 'bytes' : rng.weighted({ model: 45, bytes: 25, mixed: 30 });
  if (profile !== 'bytes') {
    const k = rng.small(4);
    for (let i = 0; i < k; i++) {
      const op = rng.weighted(model.format === 'pcapng' ? MODEL_OPS : { ...MODEL_OPS, ngBlock: 0, ngIface: 0 });
      const d = modelOp(op, model, rng);
      if (d) ops.push(d);
    }
  }
  let ser = model !== null ? serialize(model) : { buf: Buffer.from(input), fields: [], bounds: [] };
  let buf = ser.buf;
  if (profile !== 'model' || ops.length === 0) {
    const k = rng.small(3);
    for (let i = 0; i < k; i++) {
      const op = rng.weighted(BYTE_OPS);
      const r = byteOp(op, buf, ser, rng);
      if (r) { buf = r.buf; ops.push(r.desc); if (r.shifted) ser = { fields: [], bounds: [] }; }
    }
  }
  return { bytes: buf, ops };
}

/** Big inputs: a window of records (the interface blocks of pcapng kept), so that a case stays fast. */
function windowModel(model, rng, maxRecords, ops) {
  if (model.format === 'pcap') {
    const n = model.records.length;
    if (n <= maxRecords) return;
    const len = rng.range(Math.min(20, maxRecords), maxRecords);
    const start = rng.chance(0.3) ? 0 : rng.int(n - len + 1);
    model.records = model.records.slice(start, start + len);
    ops.push(`window records ${start}..${start + len - 1} of ${n}`);
    return;
  }
  const pk = model.blocks.filter((b) => b.type === EPB || b.type === SPB || b.type === OPB).length;
  if (pk <= maxRecords) return;
  const len = rng.range(Math.min(20, maxRecords), maxRecords);
  const start = rng.chance(0.3) ? 0 : rng.int(pk - len + 1);
  let i = 0;
  model.blocks = model.blocks.filter((b) => {
    if (b.type !== EPB && b.type !== SPB && b.type !== OPB) return true;
    const keep = i >= start && i < start + len;
    i++;
    return keep;
  });
  ops.push(`window packet blocks ${start}..${start + len - 1} of ${pk}`);
}

function shbBlock(le) {
  const body = Buffer.alloc(16);
  wr32(body, 0, BOM, le); wr16(body, 4, 1, le); wr16(body, 6, 0, le);
  body.writeInt32LE(-1, 8); body.writeInt32LE(-1, 12);
  return { type: PCAPNG_SHB, le, body };
}

function idbBlock(linkType, snaplen, nsec, le) {
  const body = Buffer.alloc(8);
  wr16(body, 0, linkType, le); wr32(body, 4, snaplen, le);
  return { type: IDB, le, body: nsec ? Buffer.concat([body, option(9, Buffer.from([9]), le), endOpt(le)]) : body };
}

function epbOf(rec, ifid, nsec, le) {
  const t = rec.tsSec * (nsec ? 1e9 : 1e6) + rec.tsSub;
  return { type: EPB, le, ifid, tsh: Math.floor(t / 4294967296) >>> 0, tsl: t >>> 0, origlen: rec.len, data: rec.data, options: Buffer.alloc(0) };
}

function pcapHeaderInfo(m) {
  const magic = rd32(m.header, 0, m.le);
  return { nsec: magic === 0xa1b23c4d, snaplen: rd32(m.header, 16, m.le), linkType: rd32(m.header, 20, m.le) & 0xffff };
}

/** A classic pcap model as pcapng: one section header, one interface, an EPB per record. */
export function toPcapng(m) {
  const { nsec, snaplen, linkType } = pcapHeaderInfo(m);
  const le = m.le;
  return { format: 'pcapng', blocks: [shbBlock(le), idbBlock(linkType, snaplen, nsec, le), ...m.records.map((r) => epbOf(r, 0, nsec, le))], tail: Buffer.alloc(0) };
}

/** Two classic pcap models as one pcapng with two interfaces, their packets interleaved at random. */
function mergePcapng(a, b, rng) {
  const ia = pcapHeaderInfo(a), ib = pcapHeaderInfo(b);
  const le = a.le;
  const blocks = [shbBlock(le), idbBlock(ia.linkType, ia.snaplen, ia.nsec, le), idbBlock(ib.linkType, ib.snaplen, ib.nsec, le)];
  let i = 0, j = 0;
  while (i < a.records.length || j < b.records.length) {
    if (j >= b.records.length || (i < a.records.length && rng.chance(0.5))) blocks.push(epbOf(a.records[i++], 0, ia.nsec, le));
    else blocks.push(epbOf(b.records[j++], 1, ib.nsec, le));
  }
  return { format: 'pcapng', blocks, tail: Buffer.alloc(0) };
}

/**
 * Replaces a model's packets with N copies of one of them, each from another
 * address and port (N distinct conversations) or, for ARP, another sender
 * (N distinct bindings). Returns a description, or null when the model has
 * no TCP, UDP or ARP packet.
 */
function flood(model, rng) {
  const pk = packetsOf(model);
  const kind = rng.pick(['conns', 'arp']);
  const cands = [];
  for (const p of pk) {
    const L = locateFields(p.rec.data, p.linkType);
    const ip = L.layers.find((l) => l.name === 'ip' || l.name === 'ip6');
    const l4 = L.layers.find((l) => l.name === 'tcp' || l.name === 'udp');
    const arp = L.layers.find((l) => l.name === 'arp');
    if (kind === 'conns' && ip && l4 && l4.off + 4 <= p.rec.data.length) cands.push({ p, at: ip.name === 'ip' ? ip.off + 12 : ip.off + 20, port: l4.off });
    if (kind === 'arp' && arp && p.rec.data[arp.off + 4] === 6 && p.rec.data[arp.off + 5] === 4 && arp.off + 28 <= p.rec.data.length) cands.push({ p, at: arp.off + 14, mac: arp.off + 8 });
  }
  if (cands.length === 0) return null;
  const { p, at, port, mac } = rng.pick(cands);
  const n = rng.pick([150000, 200000]);
  const copies = new Array(n);
  for (let i = 0; i < n; i++) {
    const rec = model.format === 'pcap' ? { ...p.rec, data: Buffer.from(p.rec.data) } : cloneBlock(p.rec);
    rec.data.writeUInt32BE((0x0a000000 + i + 1) >>> 0, at);
    if (port !== undefined) rec.data.writeUInt16BE(1024 + (i % 60000), port);
    if (mac !== undefined) rec.data.writeUInt32BE(0x02000000 + i, mac + 2);
    if (model.format === 'pcap') { rec.tsSec = p.rec.tsSec + Math.floor(i / 1000); rec.tsSub = (i % 1000) * 1000; }
    else { const t = p.rec.tsl + i * 1000; rec.tsl = t >>> 0; rec.tsh = (p.rec.tsh + Math.floor(t / 4294967296)) >>> 0; }
    copies[i] = rec;
  }
  if (model.format === 'pcap') model.records = copies;
  else model.blocks = [...model.blocks.filter((b) => b.type !== EPB && b.type !== SPB && b.type !== OPB), ...copies];
  return `flood: ${n} copies of packet #${pk.indexOf(p)}, each a distinct ${kind === 'arp' ? 'ARP sender' : 'source address and port'}`;
}

function recordsOf(model) {
  return model.format === 'pcap' ? model.records : model.blocks;
}

function modelOp(op, model, rng) {
  const pk = packetsOf(model);
  const pickPacket = () => (pk.length === 0 ? null : rng.pick(pk));
  switch (op) {
    case 'pktField': {
      const p = pickPacket(); if (!p) return null;
      const L = locateFields(p.rec.data, p.linkType);
      if (L.fields.length === 0) return null;
      // Length fields are where decoders go wrong: pick them more often.
      const lens = L.fields.filter((x) => x.kind === 'len');
      const fld = lens.length > 0 && rng.chance(0.6) ? rng.pick(lens) : rng.pick(L.fields);
      const v = setField(p.rec.data, fld, rng, p.rec.data.length - fld.off);
      return `packet #${pk.indexOf(p)}: ${fld.name} @${fld.off} = ${v}`;
    }
    case 'pktBitflip': {
      const p = pickPacket(); if (!p || p.rec.data.length === 0) return null;
      const n = rng.small(8);
      const d = p.rec.data;
      const at = [];
      for (let i = 0; i < n; i++) {
        const o = rng.chance(0.7) ? rng.int(Math.min(d.length, 80)) : rng.int(d.length);
        d[o] ^= 1 << rng.int(8);
        at.push(o);
      }
      return `packet #${pk.indexOf(p)}: bits flipped @${at.join(',')}`;
    }
    case 'pktTruncate': {
      const p = pickPacket(); if (!p || p.rec.data.length === 0) return null;
      const L = locateFields(p.rec.data, p.linkType);
      const d = p.rec.data;
      let cut = rng.int(d.length);
      if (L.layers.length > 0 && rng.chance(0.7)) cut = Math.max(0, Math.min(d.length - 1, rng.pick(L.layers).off + rng.range(-2, 12)));
      p.rec.data = d.subarray(0, cut);
      const keepLen = rng.chance(0.8);
      if (!keepLen) setOrig(p.rec, cut);
      return `packet #${pk.indexOf(p)}: cut to ${cut} of ${d.length} bytes${keepLen ? ' (wire length kept)' : ''}`;
    }
    case 'pktExtend': {
      const p = pickPacket(); if (!p) return null;
      const n = rng.chance(0.8) ? rng.range(1, 64) : rng.range(65, 4000);
      const extra = rng.chance(0.5) ? Buffer.alloc(n, rng.pick([0, 0xff, 0x41])) : rng.bytes(n);
      p.rec.data = Buffer.concat([p.rec.data, extra]);
      if (rng.chance(0.5)) setOrig(p.rec, Math.max(origOf(p.rec), p.rec.data.length));
      return `packet #${pk.indexOf(p)}: ${n} bytes appended`;
    }
    case 'pktRepeat': {
      const p = pickPacket(); if (!p) return null;
      const L = locateFields(p.rec.data, p.linkType);
      const d = p.rec.data;
      if (d.length < 2) return null;
      let a, b;
      if (L.layers.length > 1 && rng.chance(0.7)) {
        const i = rng.int(L.layers.length - 1);
        a = L.layers[i].off; b = L.layers[i + 1].off;
        if (L.layers[i].name === 'vlan' || L.layers[i].name === 'mpls') b = a + 4;
      } else { a = rng.int(d.length - 1); b = a + rng.range(1, Math.min(40, d.length - a)); }
      if (b <= a) return null;
      const times = rng.pick([1, 2, 3, 10, 100, 1000]);
      const chunk = d.subarray(a, b);
      const reps = Math.min(times, Math.floor(65000 / chunk.length));
      p.rec.data = Buffer.concat([d.subarray(0, b), ...Array(reps).fill(chunk), d.subarray(b)]);
      if (rng.chance(0.7)) setOrig(p.rec, origOf(p.rec) + reps * chunk.length);
      return `packet #${pk.indexOf(p)}: bytes ${a}..${b - 1} repeated ${reps} more times`;
    }
    case 'pktDeleteChunk': {
      const p = pickPacket(); if (!p || p.rec.data.length < 2) return null;
      const d = p.rec.data;
      const a = rng.int(d.length - 1);
      const b = a + rng.range(1, Math.min(64, d.length - a));
      p.rec.data = Buffer.concat([d.subarray(0, a), d.subarray(b)]);
      if (rng.chance(0.5)) setOrig(p.rec, p.rec.data.length);
      return `packet #${pk.indexOf(p)}: bytes ${a}..${b - 1} deleted`;
    }
    case 'pktSplice': {
      if (pk.length < 2) return null;
      const p = rng.pick(pk), q = rng.pick(pk);
      const L = locateFields(p.rec.data, p.linkType);
      const at = L.layers.length > 0 ? rng.pick(L.layers).off : rng.int(p.rec.data.length);
      const from = rng.int(q.rec.data.length + 1);
      p.rec.data = Buffer.concat([p.rec.data.subarray(0, at), q.rec.data.subarray(from)]);
      return `packet #${pk.indexOf(p)}: from byte ${at} replaced by packet #${pk.indexOf(q)} from byte ${from}`;
    }
    case 'recDup': {
      const rs = recordsOf(model); if (rs.length === 0) return null;
      const i = rng.int(rs.length);
      const times = rng.chance(0.9) ? rng.small(3) : rng.pick([20, 200]);
      const at = rng.chance(0.7) ? i + 1 : rng.int(rs.length + 1);
      const copies = Array.from({ length: times }, () => cloneRecord(model, rs[i]));
      rs.splice(at, 0, ...copies);
      return `${model.format === 'pcap' ? 'record' : 'block'} ${i} duplicated ${times}× at ${at}`;
    }
    case 'recDelete': {
      const rs = recordsOf(model); if (rs.length === 0) return null;
      const i = rng.int(rs.length);
      const n = rng.small(4);
      rs.splice(i, n);
      return `${model.format === 'pcap' ? 'records' : 'blocks'} ${i}..${i + n - 1} deleted`;
    }
    case 'recSwap': {
      const rs = recordsOf(model); if (rs.length < 2) return null;
      const i = rng.int(rs.length - 1);
      const j = rng.chance(0.7) ? i + 1 : rng.int(rs.length);
      [rs[i], rs[j]] = [rs[j], rs[i]];
      return `${model.format === 'pcap' ? 'records' : 'blocks'} ${i} and ${j} swapped`;
    }
    case 'recReverse': {
      const rs = recordsOf(model); if (rs.length < 2) return null;
      const i = rng.int(rs.length - 1);
      const j = Math.min(rs.length, i + rng.range(2, 30));
      const part = rs.slice(i, j).reverse();
      rs.splice(i, j - i, ...part);
      return `${model.format === 'pcap' ? 'records' : 'blocks'} ${i}..${j - 1} reversed`;
    }
    case 'recTime': {
      const p = pickPacket(); if (!p) return null;
      const r = p.rec;
      const v = rng.pick([0, 1, 999999, 1000000, 999999999, 1000000000, 0x7fffffff, 0x80000000, 0xffffffff, rng.u32()]);
      if (model.format === 'pcap') { if (rng.chance(0.5)) r.tsSub = v; else r.tsSec = v; } else if (rng.chance(0.5)) r.tsh = v; else r.tsl = v;
      return `packet #${pk.indexOf(p)}: time stamp field = ${v}`;
    }
    case 'tunnelNest': {
      const cands = pk.filter((p) => l3Of(p.rec.data, p.linkType) !== null);
      if (cands.length === 0) return null;
      const p = rng.pick(cands);
      const kind = rng.pick(['ipip', 'ip6ip6', 'gre', 'vxlan', 'geneve', 'icmp', 'icmp6', 'vlan', 'mpls', 'ip6ext']);
      const depth = rng.pick([2, 5, 20, 100, 1000, 10000]);
      const r = nestPacket(p.rec.data, p.linkType, kind, depth, rng);
      if (r === null) return null;
      p.rec.data = r.data;
      setOrig(p.rec, r.data.length);
      return `packet #${pk.indexOf(p)}: ${r.levels} levels of ${kind} nesting`;
    }
    case 'appNest': {
      const cands = pk.filter((p) => locateFields(p.rec.data, p.linkType).layers.some((l) => l.name === 'udp'));
      if (cands.length === 0) return null;
      const p = rng.pick(cands);
      const L = locateFields(p.rec.data, p.linkType);
      const udp = L.layers.find((l) => l.name === 'udp').off;
      const kind = rng.pick(['snmp', 'snmp-pdu', 'dhcp6-relay', 'dns-chain', 'dns-loop']);
      const depth = rng.pick([2, 10, 100, 1000, 8000]);
      const { port, payload } = appPayloadNest(kind, depth, rng);
      const d = Buffer.concat([p.rec.data.subarray(0, udp + 8), payload]);
      d.writeUInt16BE(port, udp + 2);
      d.writeUInt16BE(Math.min(0xffff, 8 + payload.length), udp + 4);
      d.writeUInt16BE(0, udp + 6); // no checksum (IPv4); IPv6 then says it is wrong, which is fine
      fixIpLengths(d, L);
      p.rec.data = d;
      setOrig(p.rec, d.length);
      return `packet #${pk.indexOf(p)}: UDP payload: ${kind} nested ${depth} deep`;
    }
    case 'icmpNest': {
      const cands = pk.filter((p) => { const L = locateFields(p.rec.data, p.linkType); return L.layers.some((l) => l.name === 'ip'); });
      if (cands.length === 0) return null;
      const p = rng.pick(cands);
      const L = locateFields(p.rec.data, p.linkType);
      const ip = L.layers.find((l) => l.name === 'ip').off;
      const depth = rng.pick([2, 10, 100, 1000, 3000]);
      p.rec.data = nestIcmp(p.rec.data, ip, depth);
      setOrig(p.rec, p.rec.data.length);
      return `packet #${pk.indexOf(p)}: wrapped in ${depth} nested ICMP errors`;
    }
    case 'ngBlock': {
      const bs = model.blocks;
      const kind = rng.pick(['unknown', 'spb', 'isb', 'nrb', 'shb-again', 'idb-drop', 'idb-dup', 'block-pad']);
      const le = bs[0]?.le ?? true;
      const at = rng.int(bs.length + 1);
      if (kind === 'unknown') { bs.splice(at, 0, { type: rng.pick([0, 7, 8, 9, 10, 0x80000001, 0x0a0d0a00, rng.u32()]), le, body: rng.bytes(4 * rng.range(0, 16)) }); }
      else if (kind === 'spb') { const b = Buffer.alloc(4); const data = pk.length > 0 ? rng.pick(pk).rec.data : rng.bytes(60); wr32(b, 0, rng.chance(0.7) ? data.length : rng.u32(), le); bs.splice(at, 0, { type: SPB, le, body: Buffer.concat([b, data]) }); }
      else if (kind === 'isb' || kind === 'nrb') { bs.splice(at, 0, { type: kind === 'isb' ? ISB : NRB, le, body: Buffer.concat([kind === 'isb' ? Buffer.alloc(12) : Buffer.alloc(0), randomOptions(rng, le)]) }); }
      else if (kind === 'shb-again') { const shb = bs.find((b) => b.type === PCAPNG_SHB); if (!shb) return null; bs.splice(at, 0, cloneBlock(shb)); }
      else if (kind === 'idb-drop') { const i = bs.findIndex((b) => b.type === IDB); if (i < 0) return null; bs.splice(i, 1); return `interface block ${i} removed`; }
      else if (kind === 'idb-dup') { const idb = bs.find((b) => b.type === IDB); if (!idb) return null; bs.splice(at, 0, cloneBlock(idb)); }
      else {
        const b = rng.pick(bs); if (!b) return null;
        const delta = rng.pick([-8, -4, -1, 1, 2, 4, 8, 64]);
        if (rng.chance(0.5)) b.lenDelta = delta; else if (rng.chance(0.5)) b.trailerDelta = delta; else { b.lenDelta = delta; b.trailerDelta = delta; }
        return `block ${bs.indexOf(b)}: leading ${b.lenDelta ?? 0}, trailing ${b.trailerDelta ?? 0} bytes off its length`;
      }
      return `pcapng: ${kind} block inserted at ${at}`;
    }
    case 'ngIface': {
      const idbs = model.blocks.filter((b) => b.type === IDB && b.body && b.body.length >= 8);
      const epbs = model.blocks.filter((b) => b.type === EPB && b.data);
      const kind = rng.pick(['linktype', 'snaplen', 'tsresol', 'tsoffset', 'options', 'ifid', 'epb-options']);
      if (kind === 'ifid') { if (epbs.length === 0) return null; const e = rng.pick(epbs); e.ifid = rng.pick([1, 2, 255, 0xffffffff, rng.u32()]); return `EPB interface id = ${e.ifid}`; }
      if (kind === 'epb-options') { if (epbs.length === 0) return null; const e = rng.pick(epbs); e.options = randomOptions(rng, e.le); return 'EPB options replaced'; }
      if (idbs.length === 0) return null;
      const b = rng.pick(idbs);
      const le = b.le;
      if (kind === 'linktype') { const v = rng.pick(LINKTYPES); wr16(b.body, 0, v, le); return `IDB link type = ${v}`; }
      if (kind === 'snaplen') { const v = rng.pick([0, 1, 14, 20, 40, 54, 65535, 0xffffffff]); wr32(b.body, 4, v, le); return `IDB snaplen = ${v}`; }
      const optsAt = 8;
      if (kind === 'tsresol') { const v = rng.pick([0, 3, 6, 9, 10, 12, 15, 19, 20, 63, 127, 0x80, 0x8a, 0x9e, 0xbf, 0xff]); b.body = Buffer.concat([b.body.subarray(0, optsAt), option(9, Buffer.from([v]), le), endOpt(le)]); return `IDB if_tsresol = ${v}`; }
      if (kind === 'tsoffset') {
        const v = Buffer.alloc(8);
        const hi = rng.pick([0, 1, 0x7fffffff, 0x80000000, 0xffffffff, rng.u32()]), lo = rng.u32();
        if (le) { v.writeUInt32LE(lo, 0); v.writeUInt32LE(hi, 4); } else { v.writeUInt32BE(hi, 0); v.writeUInt32BE(lo, 4); }
        b.body = Buffer.concat([b.body.subarray(0, optsAt), option(14, v, le), endOpt(le)]);
        return `IDB if_tsoffset = ${hi}:${lo}`;
      }
      b.body = Buffer.concat([b.body.subarray(0, optsAt), randomOptions(rng, le)]);
      return 'IDB options replaced';
    }
    default:
      return null;
  }
}

function option(code, value, le) {
  const b = Buffer.alloc(4 + pad4(value.length));
  wr16(b, 0, code, le); wr16(b, 2, value.length, le); value.copy(b, 4);
  return b;
}
const endOpt = (le) => option(0, Buffer.alloc(0), le);

function randomOptions(rng, le) {
  const parts = [];
  for (let k = rng.range(0, 4); k > 0; k--) {
    const code = rng.pick([1, 2, 3, 4, 9, 14, 0x8000, 2988, 2989, rng.int(65536)]);
    const len = rng.range(0, 24);
    const o = option(code, rng.bytes(len), le);
    if (rng.chance(0.2)) wr16(o, 2, rng.pick([0xffff, len + 4, len + 100, 0x8000]), le);
    parts.push(o);
  }
  if (rng.chance(0.7)) parts.push(endOpt(le));
  return Buffer.concat(parts);
}

function origOf(rec) { return rec.len ?? rec.origlen ?? rec.data.length; }
function setOrig(rec, v) { if ('origlen' in rec) rec.origlen = v >>> 0; else rec.len = v >>> 0; }
function cloneRecord(model, r) { return model.format === 'pcap' ? { ...r, data: Buffer.from(r.data) } : cloneBlock(r); }

/** Where the network layer starts in a packet of a link type we can rewrite: {off, kind: 'eth'|'sll'|'null'|'raw'} or null. */
function l3Of(data, linkType) {
  const L = locateFields(data, linkType);
  const ip = L.layers.find((l) => l.name === 'ip' || l.name === 'ip6');
  if (ip === undefined) return null;
  const kind = linkType === 1 ? 'eth' : linkType === 113 ? 'sll' : linkType === 0 || linkType === 108 ? 'null' : [12, 14, 101, 228, 229].includes(linkType) ? 'raw' : null;
  if (kind === null) return null;
  // Only the first network header, straight after the link layer (and its tags).
  if (kind === 'eth' && L.layers.some((l) => l.off < ip.off && !['eth', 'vlan'].includes(l.name))) return null;
  return { off: ip.off, kind, v6: ip.name === 'ip6' };
}

function ip4Header(proto, payloadLen, rng) {
  const h = Buffer.alloc(20);
  h[0] = 0x45; h.writeUInt16BE(Math.min(0xffff, 20 + payloadLen), 2); h.writeUInt16BE(rng.int(65536), 4);
  h[8] = 64; h[9] = proto;
  h.writeUInt32BE(0x0a000001, 12); h.writeUInt32BE(0x0a000002, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += h.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  h.writeUInt16BE(~sum & 0xffff, 10);
  return h;
}

function ip6Header(nh, payloadLen) {
  const h = Buffer.alloc(40);
  h[0] = 0x60; h.writeUInt16BE(Math.min(0xffff, payloadLen), 4); h[6] = nh; h[7] = 64;
  h[8] = 0xfd; h[23] = 1; h[24] = 0xfd; h[39] = 2;
  return h;
}

const ethHeader = (type) => { const e = Buffer.alloc(14); e.writeUIntBE(0x020000000001, 0, 6); e.writeUIntBE(0x020000000002, 6, 6); e.writeUInt16BE(type, 12); return e; };

/**
 * Wraps a packet's network layer `depth` times in one kind of encapsulation
 * (IP in IP, GRE, VXLAN, Geneve, ICMP errors; VLAN tags, MPLS labels, IPv6
 * destination-option headers), fixing the link layer's type to match.
 */
function nestPacket(data, linkType, kind, depth, rng) {
  const l3 = l3Of(data, linkType);
  if (l3 === null) return null;
  const link = Buffer.from(data.subarray(0, l3.off));
  let x = Buffer.from(data.subarray(l3.off));
  let v6 = l3.v6;
  let levels = 0;
  const LIMIT = 60000;
  if (kind === 'vlan' || kind === 'mpls') {
    if (l3.kind !== 'eth') return null;
    const n = Math.min(depth, Math.floor((LIMIT - x.length) / 4));
    const tags = Buffer.alloc(4 * n);
    for (let i = 0; i < n; i++) {
      if (kind === 'vlan') { tags.writeUInt16BE(0x8100, 4 * i); tags.writeUInt16BE(i & 0xfff, 4 * i + 2); }
      else tags.writeUInt32BE(((16 + i) << 12) | (i === n - 1 ? 0x100 : 0) | 64, 4 * i);
    }
    // VLAN: the tags go after the MAC addresses, each its own TPID; MPLS: the label stack after the type.
    if (kind === 'vlan') return { data: Buffer.concat([link.subarray(0, 12), tags, link.subarray(12)]), levels: n };
    link.writeUInt16BE(0x8847, link.length - 2);
    return { data: Buffer.concat([link, tags, x]), levels: n };
  }
  if (kind === 'ip6ext') {
    if (!v6 || x.length < 40) return null;
    const n = Math.min(depth, Math.floor((LIMIT - x.length) / 8));
    const exts = Buffer.alloc(8 * n);
    for (let i = 0; i < n; i++) { exts[8 * i] = i === n - 1 ? x[6] : 60; exts[8 * i + 2] = 1; exts[8 * i + 3] = 4; }
    const h = Buffer.from(x.subarray(0, 40));
    h[6] = 60; h.writeUInt16BE(Math.min(0xffff, x.length - 40 + exts.length), 4);
    return { data: Buffer.concat([link, h, exts, x.subarray(40)]), levels: n };
  }
  while (levels < depth) {
    let w;
    const et = v6 ? 0x86dd : 0x0800;
    if (kind === 'ipip') { w = Buffer.concat([ip4Header(v6 ? 41 : 4, x.length, rng), x]); v6 = false; }
    else if (kind === 'ip6ip6') { w = Buffer.concat([ip6Header(v6 ? 41 : 4, x.length), x]); v6 = true; }
    else if (kind === 'gre') { const g = Buffer.alloc(4); g.writeUInt16BE(et, 2); w = Buffer.concat([ip4Header(47, 4 + x.length, rng), g, x]); v6 = false; }
    else if (kind === 'vxlan' || kind === 'geneve') {
      const inner = Buffer.concat([ethHeader(et), x]);
      const t = Buffer.alloc(8);
      if (kind === 'vxlan') { t[0] = 0x08; t.writeUIntBE(42, 4, 3); } else { t.writeUInt16BE(0x6558, 2); t.writeUIntBE(42, 4, 3); }
      const u = Buffer.alloc(8);
      u.writeUInt16BE(40000 + (levels & 0xfff), 0); u.writeUInt16BE(kind === 'vxlan' ? 4789 : 6081, 2); u.writeUInt16BE(Math.min(0xffff, 16 + inner.length), 4);
      w = Buffer.concat([ip4Header(17, 16 + inner.length, rng), u, t, inner]); v6 = false;
    } else if (kind === 'icmp') {
      const q = x.subarray(0, Math.min(x.length, 576));
      const ic = Buffer.alloc(8); ic[0] = 3; ic[1] = 1;
      w = Buffer.concat([ip4Header(1, 8 + q.length, rng), ic, q]); v6 = false;
    } else if (kind === 'icmp6') {
      const q = x.subarray(0, Math.min(x.length, 1232));
      const ic = Buffer.alloc(8); ic[0] = 1; ic[1] = 4;
      w = Buffer.concat([ip6Header(58, 8 + q.length), ic, q]); v6 = true;
    } else return null;
    if (w.length + link.length > LIMIT) break;
    x = w;
    levels++;
  }
  if (levels === 0) return null;
  if (l3.kind === 'eth' || l3.kind === 'sll') link.writeUInt16BE(v6 ? 0x86dd : 0x0800, link.length - 2);
  else if (l3.kind === 'null') { if (linkType === 0) link.writeUInt32LE(v6 ? 24 : 2, 0); else link.writeUInt32BE(v6 ? 24 : 2, 0); }
  return { data: Buffer.concat([link, x]), levels };
}

/** BER length octets. */
function berLen(n) {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  if (n < 0x10000) return Buffer.from([0x82, n >> 8, n & 255]);
  return Buffer.from([0x83, n >> 16, (n >> 8) & 255, n & 255]);
}
const ber = (tag, content) => Buffer.concat([Buffer.from([tag]), berLen(content.length), content]);

/** A UDP payload nested `depth` deep for one application printer: {port, payload}. */
function appPayloadNest(kind, depth, rng) {
  const LIMIT = 60000;
  if (kind === 'snmp' || kind === 'snmp-pdu') {
    let v = Buffer.from([0x05, 0x00]);
    for (let i = 0; i < depth && v.length < LIMIT - 64; i++) v = ber(rng.chance(0.9) ? 0x30 : 0xa0 + rng.int(9), v);
    if (kind === 'snmp') return { port: 161, payload: v };
    // A real message header with the nesting as a variable's value.
    const varbind = ber(0x30, Buffer.concat([ber(0x06, Buffer.from([0x2b, 6, 1, 2, 1, 1, 1, 0])), v]));
    const pdu = ber(0xa0, Buffer.concat([ber(0x02, Buffer.from([1])), ber(0x02, Buffer.from([0])), ber(0x02, Buffer.from([0])), ber(0x30, varbind)]));
    return { port: 161, payload: ber(0x30, Buffer.concat([ber(0x02, Buffer.from([1])), ber(0x04, Buffer.from('public')), pdu])) };
  }
  if (kind === 'dhcp6-relay') {
    let m = Buffer.from([1, 0x12, 0x34, 0x56]); // SOLICIT
    for (let i = 0; i < depth && m.length < LIMIT - 40; i++) {
      const h = Buffer.alloc(34); h[0] = 12; h[1] = i & 255; h[2] = 0xfe; h[3] = 0x80; h[18] = 0xfe; h[19] = 0x80;
      const opt = Buffer.alloc(4); opt.writeUInt16BE(9, 0); opt.writeUInt16BE(Math.min(0xffff, m.length), 2);
      m = Buffer.concat([h, opt, m]);
    }
    return { port: 547, payload: m };
  }
  // DNS: a chain of compression pointers, each to the one before (dns-chain), or a name that points at itself (dns-loop).
  const head = Buffer.from([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0x61, 0, 0, 1, 0, 1]);
  const n = kind === 'dns-loop' ? 1 : Math.min(depth, 8000);
  const chainAt = head.length + 12;
  const chain = Buffer.alloc(2 * n);
  for (let i = 0; i < n; i++) chain.writeUInt16BE(0xc000 | (kind === 'dns-loop' ? chainAt : i === 0 ? 12 : chainAt + 2 * (i - 1)), 2 * i);
  const rr1 = Buffer.alloc(12); rr1.writeUInt16BE(0xc00c, 0); rr1.writeUInt16BE(10, 2); rr1.writeUInt16BE(1, 4); rr1.writeUInt16BE(chain.length, 10);
  const rr2 = Buffer.alloc(16); rr2.writeUInt16BE(0xc000 | (chainAt + 2 * (n - 1)), 0); rr2.writeUInt16BE(1, 2); rr2.writeUInt16BE(1, 4); rr2.writeUInt16BE(4, 10); rr2.writeUInt32BE(0x01020304, 12);
  return { port: 53, payload: Buffer.concat([head, rr1, chain, rr2]) };
}

/** After a payload changed size: the IPv4 total length and IPv6 payload length of the located headers. */
function fixIpLengths(d, L) {
  for (const l of L.layers) {
    if (l.name === 'ip' && l.off + 4 <= d.length) d.writeUInt16BE(Math.min(0xffff, d.length - l.off), l.off + 2);
    if (l.name === 'ip6' && l.off + 6 <= d.length) d.writeUInt16BE(Math.min(0xffff, d.length - l.off - 40), l.off + 4);
  }
}

/** An IPv4 packet's header wrapped in `depth` ICMP destination-unreachable errors, each quoting the next. */
function nestIcmp(data, ipOff, depth) {
  const ihl = Math.max(20, (data[ipOff] & 15) * 4);
  let inner = Buffer.from(data.subarray(ipOff, Math.min(data.length, ipOff + ihl + 8)));
  const outerHdr = Buffer.from(data.subarray(ipOff, ipOff + 20));
  for (let k = 0; k < depth; k++) {
    const icmp = Buffer.alloc(8); icmp[0] = 3; icmp[1] = 1;
    const ip = Buffer.from(outerHdr); ip[0] = 0x45; ip[9] = 1;
    const total = 20 + 8 + inner.length;
    ip.writeUInt16BE(Math.min(0xffff, total), 2);
    inner = Buffer.concat([ip, icmp, inner]);
    if (inner.length > 60000) break;
  }
  return Buffer.concat([data.subarray(0, ipOff), inner]);
}

function byteOp(op, buf, ser, rng) {
  const headerLen = buf.length >= 4 && buf.readUInt32LE(0) === PCAPNG_SHB ? 0 : 24;
  switch (op) {
    case 'lenField': {
      if (ser.fields.length === 0) return byteOp('bitflip', buf, ser, rng);
      const lens = ser.fields.filter((x) => /len|caplen|trailer|snaplen/.test(x.name));
      const fld = lens.length > 0 && rng.chance(0.8) ? rng.pick(lens) : rng.pick(ser.fields);
      if (fld.off + fld.size > buf.length) return null;
      const b = Buffer.from(buf);
      const cur = fld.size === 4 ? rd32(b, fld.off, fld.le) : rd16(b, fld.off, fld.le);
      let v;
      if (fld.name === 'pcap.linktype' || fld.name === 'idb.linktype') v = rng.pick(LINKTYPES);
      else v = interesting(rng, fld.size, cur, fld.rest, 'len');
      if (fld.size === 4) wr32(b, fld.off, v, fld.le); else wr16(b, fld.off, v, fld.le);
      return { buf: b, desc: `${fld.name} @${fld.off}: ${cur} → ${v >>> 0}` };
    }
    case 'bitflip': {
      const b = Buffer.from(buf);
      const from = rng.chance(0.9) ? Math.min(headerLen, b.length) : 0;
      if (b.length <= from) return null;
      const n = rng.small(20);
      for (let i = 0; i < n; i++) b[from + rng.int(b.length - from)] ^= 1 << rng.int(8);
      return { buf: b, desc: `${n} bits flipped at random` };
    }
    case 'byteSet': {
      const b = Buffer.from(buf);
      if (b.length <= headerLen) return null;
      const n = rng.small(8);
      for (let i = 0; i < n; i++) b[headerLen + rng.int(b.length - headerLen)] = rng.pick([0, 0xff, 0x7f, 0x80, 1, rng.int(256)]);
      return { buf: b, desc: `${n} bytes overwritten at random` };
    }
    case 'truncate': {
      let at;
      if (ser.bounds.length > 0 && rng.chance(0.6)) at = rng.pick(ser.bounds) + rng.range(-4, 20);
      else at = rng.int(buf.length + 1);
      at = Math.max(0, Math.min(buf.length, at));
      return { buf: buf.subarray(0, at), desc: `file cut at ${at} of ${buf.length} bytes` };
    }
    case 'insertBytes': {
      const at = rng.range(Math.min(headerLen, buf.length), buf.length);
      const n = rng.pick([1, 2, 3, 4, 8, 16, rng.range(1, 200)]);
      return { buf: Buffer.concat([buf.subarray(0, at), rng.chance(0.5) ? Buffer.alloc(n) : rng.bytes(n), buf.subarray(at)]), desc: `${n} bytes inserted at ${at}`, shifted: true };
    }
    case 'deleteBytes': {
      if (buf.length <= headerLen + 1) return null;
      const at = rng.range(headerLen, buf.length - 1);
      const n = Math.min(buf.length - at, rng.pick([1, 2, 3, 4, 8, 16, rng.range(1, 200)]));
      return { buf: Buffer.concat([buf.subarray(0, at), buf.subarray(at + n)]), desc: `${n} bytes deleted at ${at}`, shifted: true };
    }
    default:
      return null;
  }
}
