/** Live commands (capture, interfaces, conns -i); filled in with the libpcap binding. */
import { SourceError } from '../source/frame.js';
import type { Options } from './args.js';

export async function runCapture(_opts: Options): Promise<number> {
  throw new SourceError('live capture needs libpcap: apt-get install libpcap-dev && npm run build (offline reading works without it)');
}
export async function runInterfaces(_opts: Options): Promise<number> {
  throw new SourceError('listing interfaces needs libpcap: apt-get install libpcap-dev && npm run build');
}
export async function runLiveConns(_opts: Options): Promise<number> {
  throw new SourceError('live capture needs libpcap: apt-get install libpcap-dev && npm run build (offline reading works without it)');
}
