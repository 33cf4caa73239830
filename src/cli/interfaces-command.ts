/** `netlens interfaces`: the interfaces libpcap can capture on (tcpdump -D). */
import { listInterfaces } from '../source/live.js';
import type { Options } from './args.js';
import { ByteSink } from '../encode/sink.js';

export async function runInterfaces(opts: Options): Promise<number> {
  const devs = listInterfaces();
  const out = new ByteSink();
  devs.forEach((d, i) => {
    if (opts.json) {
      out.line(JSON.stringify({ type: 'interface', index: i + 1, ...d }));
      return;
    }
    const flags = [d.up ? 'Up' : null, d.running ? 'Running' : null, d.loopback ? 'Loopback' : null].filter(Boolean).join(', ');
    const desc = d.description ? ` (${d.description})` : '';
    const addrs = d.addresses.length ? `  ${d.addresses.join(' ')}` : '';
    out.line(`${i + 1}.${d.name}${desc} [${flags}]${addrs}`);
  });
  out.flush();
  return 0;
}
