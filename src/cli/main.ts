#!/usr/bin/env node
/**
 * netlens command line: argv → source → pipeline → view. User errors end in
 * one line on stderr and a non-zero status, never a stack trace.
 */
import { writeStderr } from './process-guard.js'; // first: installs the SIGUSR1 guard before anything else runs
import './heap-policy.js'; // the garbage collector's growth (docs/bounds.md)
import { readFileSync } from 'node:fs';
import { SourceError } from '../frame.js';
import { loadPalette } from '../encode/palette.js';
import { ASCII_GLYPHS, localeIsUtf8, useGlyphs } from '../encode/glyphs.js';
import { commandSynopsis, commandUsage, parseArgs, topUsage, UsageError, type Options } from './args.js';
import { COMMANDS } from './commands.js';
import { ByteSink, OutputClosed, OutputFailed } from '../encode/sink.js';

/** netlens's version, from its package.json. */
function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function main(argv: string[]): Promise<number> {
  const opts: Options = parseArgs(argv);
  if (opts.version || opts.command === 'version') {
    const out = new ByteSink();
    out.line(`netlens ${version()}`);
    out.flush();
    return 0;
  }
  if (opts.help || opts.command === '' || opts.command === 'help') {
    const known = Object.hasOwn(COMMANDS, opts.command);
    const text = known ? commandUsage(opts.command) : topUsage();
    if (opts.command === '' && !opts.help) { // no command at all: the usage is the error
      writeStderr(`${text}\n`);
      return 2;
    }
    const out = new ByteSink();
    out.line(text);
    out.flush();
    return 0;
  }
  const load = COMMANDS[opts.command]!;
  if (!localeIsUtf8()) useGlyphs(ASCII_GLYPHS); // LANG=C and the like: ASCII everywhere
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
    if (e instanceof UsageError) {
      // After a mistake in the command line itself, the command's synopsis (or the top-level one) follows the line.
      const named = commandOf(process.argv.slice(2));
      const command = e.usageOf === null ? null : e.usageOf !== '' ? e.usageOf : Object.hasOwn(COMMANDS, named) ? named : '';
      writeStderr(`netlens: ${e.message}\n${command !== null ? `${commandSynopsis(command)}\n` : ''}`);
      process.exitCode = 2;
      return;
    }
    if (e instanceof SourceError || e instanceof OutputFailed) {
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

/** The command an argv names as its first word, or ''. */
function commandOf(argv: string[]): string {
  return argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : '';
}
