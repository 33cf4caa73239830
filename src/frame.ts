/**
 * One captured frame as handed out by every source (file readers, live capture).
 *
 * Buffer-lifetime contract: a source reuses ONE Frame object and its backing
 * buffer; every call that produces the next frame invalidates the previous
 * one. Anything a consumer keeps beyond the current frame must be copied.
 */
export interface Frame {
  /** Backing buffer; the frame's bytes are buf[offset, offset + caplen). */
  buf: Buffer;
  offset: number;
  /** Bytes captured (present in buf). */
  caplen: number;
  /** Bytes on the wire. */
  len: number;
  /** Time stamp: whole seconds since the epoch, and nanoseconds (0..1e9-1 for valid stamps). */
  tsSec: number;
  tsNsec: number;
  /** LINKTYPE_* value (https://www.tcpdump.org/linktypes.html). */
  linkType: number;
  /** pcapng interface index; 0 for classic pcap and live capture. */
  ifIndex: number;
}

export function newFrame(): Frame {
  return { buf: Buffer.alloc(0), offset: 0, caplen: 0, len: 0, tsSec: 0, tsNsec: 0, linkType: 1, ifIndex: 0 };
}

/** Link types netlens decodes (LINKTYPE_* numbers, not DLT_*). */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW_DLT12: 12,
  RAW_DLT14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** A user-facing failure of a source: one line, no stack trace. */
export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}
