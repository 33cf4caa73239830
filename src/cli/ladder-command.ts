/** `netlens ladder`: placeholder until the view lands. */
import { UsageError, type Options } from './args.js';

export async function runLadder(_opts: Options): Promise<number> {
  throw new UsageError('ladder is not available yet');
}
