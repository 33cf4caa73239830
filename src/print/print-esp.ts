/** ESP (RFC 4303; print-esp.c), IP protocol 50: the SPI and sequence number, no decryption. */
import { u32be } from '../bytes.js';

/**
 * IP protocol 50 (print-esp.c, without decryption): `ESP(spi=0x00001234,seq=0x1),
 * length 116`; ` [|esp]` when the capture holds no more than the 8-byte header.
 */
export function espText(b: Buffer, off: number, capEnd: number, length: number): string {
  if (off + 8 >= capEnd) return ' [|esp]';
  return `ESP(spi=0x${u32be(b, off).toString(16).padStart(8, '0')},seq=0x${u32be(b, off + 4).toString(16)}), length ${length}`;
}
