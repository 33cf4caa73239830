/** TCP flag letters as tcpdump prints them (`S.`, `FP.`, `none`), shared by the line, JSON and ladder views. */
import { TcpFlag } from '../decode/constants.js';

export function tcpFlagLetters(flags: number): string {
  // tcpdump's tcp_flag_values order: F S R P . U E W (print-tcp.c)
  if ((flags & 0xff) === 0) return 'none';
  let s = '';
  if (flags & TcpFlag.FIN) s += 'F';
  if (flags & TcpFlag.SYN) s += 'S';
  if (flags & TcpFlag.RST) s += 'R';
  if (flags & TcpFlag.PSH) s += 'P';
  if (flags & TcpFlag.ACK) s += '.';
  if (flags & TcpFlag.URG) s += 'U';
  if (flags & TcpFlag.ECE) s += 'E';
  if (flags & TcpFlag.CWR) s += 'W';
  return s;
}
