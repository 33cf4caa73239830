/** `netlens arp`: placeholder until the view lands. */
import { UsageError, type Options } from './args.js';

export async function runArp(_opts: Options): Promise<number> {
  throw new UsageError('arp is not available yet');
}
