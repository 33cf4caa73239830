/** `netlens capture IFACE --top`: placeholder until the view lands. */
import { UsageError, type Options } from './args.js';

export async function runTop(_opts: Options, _iface: string, _filter: string): Promise<number> {
  throw new UsageError('--top is not available yet');
}
