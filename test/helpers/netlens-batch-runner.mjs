// Runs many netlens command lines in this one process (started by
// test/helpers/netlens-batch.ts): each through dist/cli/commands.js's table,
// the way dist/cli/main.js dispatches it, with the exit status and error lines
// main.js would give. A node process per command line costs its start-up and
// the loading of dist/ (about 0.2 s on this machine); here each costs its own
// work only.
//
// argv: CASES_JSON DIR FIRST. CASES_JSON is [{args, input}] (input: a file whose
// bytes are the command's standard input, or null). For each case from FIRST on,
// fd 1 and fd 2 (files opened for appending, named by NETLENS_BATCH_STDOUT and
// NETLENS_BATCH_STDERR) are emptied, the command runs, and what it wrote is
// copied to DIR/<i>.out and DIR/<i>.err, then its status to DIR/<i>.status
// (written last: the case is done). After an internal error (status 70) this
// process exits 3, since module state may be half-updated: the parent starts a
// fresh one at the next case.
import { closeSync, copyFileSync, ftruncateSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'dist');
const mod = (p) => import(pathToFileURL(join(dist, p)).href);
const args = await mod('cli/args.js');
const { parseArgs, UsageError } = args;
const { SourceError } = await mod('frame.js');
const { OutputClosed, OutputFailed } = await mod('encode/sink.js');
const { loadPalette } = await mod('encode/palette.js');
const { COMMANDS } = await mod('cli/commands.js');

const [casesPath, dir, first] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
const outPath = process.env.NETLENS_BATCH_STDOUT;
const errPath = process.env.NETLENS_BATCH_STDERR;

let lastError = null;
process.on('unhandledRejection', (e) => { lastError = e; });

/** Standard input from a file: fd 0 closed, then the file opened, takes the lowest free descriptor, 0. */
function stdinFrom(path) {
  closeSync(0);
  const fd = openSync(path, 'r');
  if (fd !== 0) throw new Error(`stdin: ${path} opened as fd ${fd}, not 0`);
}

/** The command's status; its error lines on fd 2, as dist/cli/main.js writes them. */
async function run(argv) {
  try {
    const opts = parseArgs(argv);
    const load = Object.hasOwn(COMMANDS, opts.command) ? COMMANDS[opts.command] : undefined;
    if (load === undefined || opts.help || opts.version) throw new Error(`the batch runner runs commands only, not ${JSON.stringify(argv)}`);
    await loadPalette(process.stdout);
    return await (await load(opts))(opts);
  } catch (e) {
    if (e instanceof OutputClosed) return 0;
    if (e instanceof UsageError) {
      const named = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : '';
      const command = e.usageOf === null ? null : e.usageOf !== undefined && e.usageOf !== '' ? e.usageOf : Object.hasOwn(COMMANDS, named) ? named : '';
      const synopsis = command !== null && typeof args.commandSynopsis === 'function' ? `${args.commandSynopsis(command)}\n` : '';
      writeSync(2, `netlens: ${e.message}\n${synopsis}`);
      return 2;
    }
    if (e instanceof SourceError || e instanceof OutputFailed) {
      writeSync(2, `netlens: ${e.message}\n`);
      return 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    writeSync(2, `netlens: internal error: ${msg.split('\n')[0]} (set NETLENS_DEBUG=1 for details)\n`);
    writeSync(2, `${e?.stack ?? ''}\n`); // for the test's failure message
    return 70;
  }
}

for (let i = Number(first); i < cases.length; i++) {
  ftruncateSync(1, 0);
  ftruncateSync(2, 0);
  if (cases[i].input !== null) stdinFrom(cases[i].input);
  let status = await run(cases[i].args);
  if (lastError !== null) {
    writeSync(2, `netlens: internal error: unhandled rejection: ${String(lastError?.stack ?? lastError)}\n`);
    status = 70;
  }
  process.exitCode = undefined;
  copyFileSync(outPath, join(dir, `${i}.out`));
  copyFileSync(errPath, join(dir, `${i}.err`));
  writeFileSync(join(dir, `${i}.status`), String(status));
  if (status === 70) process.exit(3);
}
