#!/usr/bin/env node
/**
 * netlens command line: argv → source → pipeline → view. User errors end in
 * one line on stderr and a non-zero status, never a stack trace.
 */
import { writeStderr } from './process-guard.js'; // first: installs the SIGUSR1 guard before anything else runs
import './heap-policy.js'; // the garbage collector's growth (docs/bounds.md)
import { SourceError } from '../frame.js';
import { loadPalette } from '../encode/palette.js';
import { parseArgs, USAGE, UsageError, type Options } from './args.js';
import { COMMANDS } from './commands.js';
import { ByteSink, OutputClosed, OutputFailed } from '../encode/sink.js';

async function main(argv: string[]): Promise<number> {
  const opts: Options = parseArgs(argv);
  if (opts.help || opts.command === '' || opts.command === 'help') {
    const out = new ByteSink();
    out.line(USAGE);
    out.flush();
    return opts.command === '' && !opts.help ? 2 : 0;
  }
  if (opts.command === 'version' || opts.command === '--version') {
    const out = new ByteSink();
    out.line('netlens 0.1.0');
    out.flush();
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, opts.command) ? COMMANDS[opts.command] : undefined;
  if (load === undefined) {
    throw new UsageError(`unknown command ${JSON.stringify(opts.command)} (try: ${Object.keys(COMMANDS).join(', ')})`);
  }
  await loadPalette(process.stdout);
  return (await load(opts))(opts);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof OutputClosed) {
      // The reader of stdout went away (| head): stop at once, quietly, as tcpdump does on SIGPIPE.
      process.exitCode = 0;
      return;
    }
    if (e instanceof UsageError || e instanceof SourceError || e instanceof OutputFailed) {
      writeStderr(`netlens: ${e.message}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    writeStderr(`netlens: internal error: ${msg.split('\n')[0]} (set NETLENS_DEBUG=1 for details)\n`);
    if (process.env.NETLENS_DEBUG) writeStderr(`${(e as Error)?.stack ?? ''}\n`);
    process.exitCode = 70;
  },
);
