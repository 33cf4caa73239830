/** Address formatting for the views: the only place addresses become strings. */

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push(i.toString(16).padStart(2, '0'));
const DEC: string[] = [];
for (let i = 0; i < 256; i++) DEC.push(String(i));

export function macAt(b: Buffer, o: number): string {
  return `${HEX2[b[o]!]}:${HEX2[b[o + 1]!]}:${HEX2[b[o + 2]!]}:${HEX2[b[o + 3]!]}:${HEX2[b[o + 4]!]}:${HEX2[b[o + 5]!]}`;
}

export function ipv4(n: number): string {
  return `${DEC[n >>> 24]}.${DEC[(n >>> 16) & 255]}.${DEC[(n >>> 8) & 255]}.${DEC[n & 255]}`;
}

export function ipv4At(b: Buffer, o: number): string {
  return `${DEC[b[o]!]}.${DEC[b[o + 1]!]}.${DEC[b[o + 2]!]}.${DEC[b[o + 3]!]}`;
}

const words = new Uint16Array(8);

/** IPv6 text form as glibc's inet_ntop writes it (RFC 5952 compression, embedded IPv4 for ::ffff:a.b.c.d). */
export function ipv6At(b: Buffer, o: number): string {
  for (let i = 0; i < 8; i++) words[i] = (b[o + 2 * i]! << 8) | b[o + 2 * i + 1]!;
  return ipv6Words(words);
}

export function ipv6Words(w: Uint16Array): string {
  let bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      if (curBase < 0) { curBase = i; curLen = 1; } else curLen++;
    } else if (curBase >= 0) {
      if (curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
      curBase = -1;
    }
  }
  if (curBase >= 0 && curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
  if (bestLen < 2) bestBase = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) s += ':';
      continue;
    }
    if (i !== 0) s += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      s += `${w[6]! >>> 8}.${w[6]! & 255}.${w[7]! >>> 8}.${w[7]! & 255}`;
      return s;
    }
    s += w[i]!.toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) s += ':';
  return s;
}

/** Makes any text safe for a terminal: control bytes and non-ASCII become \xNN, backslash is doubled. */
export function safeText(s: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 0x5c) {
      out += s.slice(start, i) + (c === 0x5c ? '\\\\' : c > 0xff ? `\\u${c.toString(16).padStart(4, '0')}` : `\\x${HEX2[c]}`);
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

/** printf's %02x: a byte as two hex digits (a larger value as all of its digits). */
export function hex2(n: number): string {
  return (n & 255) === n ? HEX2[n]! : n.toString(16).padStart(2, '0');
}


/** A 48-bit MAC held as a number → aa:bb:cc:dd:ee:ff. */
export function macNum(m: number): string {
  const hi = Math.floor(m / 0x1_0000_0000), lo = m >>> 0;
  return `${HEX2[hi >>> 8]}:${HEX2[hi & 255]}:${HEX2[lo >>> 24]}:${HEX2[(lo >>> 16) & 255]}:${HEX2[(lo >>> 8) & 255]}:${HEX2[lo & 255]}`;
}

