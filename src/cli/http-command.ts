/** `netlens http`: placeholder until the view lands. */
import { UsageError, type Options } from './args.js';

export async function runHttp(_opts: Options): Promise<number> {
  throw new UsageError('http is not available yet');
}
