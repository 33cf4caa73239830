#!/usr/bin/env node
/**
 * netlens command line: argv → source → pipeline → view. User errors end in
 * one line on stderr and a non-zero status, never a stack trace.
 */
import { SourceError } from '../source/frame.js';
import { parseArgs, USAGE, UsageError, type Options } from './args.js';
import { runConns, runRead } from './commands.js';

async function main(argv: string[]): Promise<number> {
  const opts: Options = parseArgs(argv);
  if (opts.help || opts.command === '' || opts.command === 'help') {
    process.stdout.write(USAGE + '\n');
    return opts.command === '' && !opts.help ? 2 : 0;
  }
  switch (opts.command) {
    case 'read': return runRead(opts);
    case 'conns': return runConns(opts);
    case 'arp': {
      const { runArp } = await import('./arp-command.js');
      return runArp(opts);
    }
    case 'follow': {
      const { runFollow } = await import('./follow-command.js');
      return runFollow(opts);
    }
    case 'http': {
      const { runHttp } = await import('./http-command.js');
      return runHttp(opts);
    }
    case 'ladder': {
      const { runLadder } = await import('./ladder-command.js');
      return runLadder(opts);
    }
    case 'capture': {
      const { runCapture } = await import('./live-commands.js');
      return runCapture(opts);
    }
    case 'interfaces': {
      const { runInterfaces } = await import('./live-commands.js');
      return runInterfaces(opts);
    }
    case '--version': case 'version':
      process.stdout.write('netlens 0.1.0\n');
      return 0;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(opts.command)} (try: read, capture, conns, arp, ladder, interfaces)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof SourceError) {
      process.stderr.write(`netlens: ${e.message}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`netlens: internal error: ${msg.split('\n')[0]} (set NETLENS_DEBUG=1 for details)\n`);
    if (process.env.NETLENS_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    process.exitCode = 70;
  },
);
