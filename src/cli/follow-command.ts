/** `netlens follow`: placeholder until the view lands. */
import { UsageError, type Options } from './args.js';

export async function runFollow(_opts: Options): Promise<number> {
  throw new UsageError('follow is not available yet');
}
