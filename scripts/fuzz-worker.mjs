// The fuzzer's worker process (forked by scripts/fuzz-runner.mjs): runs
// netlens views in-process, by importing the commands from dist/, which is
// 50–100× faster than a node process per view. Its fd 1 and fd 2 are files
// opened for appending: each view starts with both emptied and ends with them
// read back and checked (scripts/fuzz-check.mjs), so only the verdict goes
// back to the parent over IPC. The exit status and error line are those
// dist/cli/main.js would give: a UsageError is 2, a SourceError 1, any other
// exception 70 ("internal error").
import { ftruncateSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { checkRun, netlensFrame, roundtripProblem, writtenFile } from './fuzz-check.mjs';

Error.stackTraceLimit = 200; // room to see which frame repeats in a stack overflow
const dist = process.env.NETLENS_FUZZ_DIST;
const outPath = process.env.NETLENS_FUZZ_STDOUT;
const errPath = process.env.NETLENS_FUZZ_STDERR;
const mod = (p) => import(pathToFileURL(join(dist, p)).href);

const { parseArgs, UsageError } = await mod('cli/args.js');
const { SourceError } = await mod('frame.js');
const { loadPalette } = await mod('encode/palette.js');

// dist/cli/commands.js's table, as dist/cli/main.js dispatches (capture and interfaces are not fuzzed: they need an interface).
const { COMMANDS } = await mod('cli/commands.js');

let xmlValidate = null;
try { xmlValidate = (await import('fast-xml-parser')).XMLValidator.validate; } catch { /* optional: the SVG is then only checked for control bytes */ }

let lastError = null;
process.on('unhandledRejection', (e) => { lastError = e; });

/** Runs one view in this process: {status, stdout, stderr, error}. */
async function runInProcess(argv) {
  ftruncateSync(1, 0);
  ftruncateSync(2, 0);
  let status;
  let error = null;
  let message = null;
  try {
    const opts = parseArgs(argv);
    const load = ['capture', 'interfaces'].includes(opts.command) ? undefined : COMMANDS[opts.command];
    if (load === undefined) throw new UsageError(`the fuzz worker has no command ${opts.command}`);
    await loadPalette(process.stdout);
    status = await (await load(opts))(opts);
  } catch (e) {
    if (e instanceof UsageError || e instanceof SourceError) {
      message = `netlens: ${e.message}\n`;
      status = e instanceof UsageError ? 2 : 1;
    } else {
      error = e;
      const msg = e instanceof Error ? e.message : String(e);
      message = `netlens: internal error: ${msg.split('\n')[0]} (set NETLENS_DEBUG=1 for details)\n`;
      status = 70;
    }
  }
  if (lastError !== null && error === null) { error = lastError; status = 70; message = `netlens: internal error: unhandled rejection: ${String(lastError?.message ?? lastError).split('\n')[0]}\n`; }
  lastError = null;
  if (message !== null) process.stderr.write(message);
  process.exitCode = undefined;
  return { status, stdout: readFileSync(outPath), stderr: readFileSync(errPath), error };
}

/** The first TCP conversation's id in a `conns --json` output, or null. */
function firstTcp(stdout) {
  for (const l of stdout.toString('utf8').split('\n')) {
    if (!/"proto":"tcp"/i.test(l)) continue;
    try { const c = JSON.parse(l); if (String(c.proto).toLowerCase() === 'tcp' && Number.isInteger(c.id)) return String(c.id); } catch { /* checked elsewhere */ }
  }
  return null;
}

process.on('message', async (msg) => {
  if (msg.type !== 'case') return;
  let tcp = msg.tcp ?? '0';
  let restart = false;
  for (let k = 0; k < msg.views.length; k++) {
    const argv = msg.views[k].map((a) => (a === '@tcp' ? tcp : a));
    if (msg.svg && existsSync(msg.svg)) rmSync(msg.svg);
    process.send({ type: 'start', id: msg.id, k, argv });
    const t0 = performance.now();
    const r = await runInProcess(argv);
    const ms = performance.now() - t0;
    const svgIdx = argv.indexOf('--svg');
    const svg = svgIdx >= 0 && existsSync(argv[svgIdx + 1]) ? readFileSync(argv[svgIdx + 1]) : null;
    const problems = checkRun({ argv, status: r.status, signal: null, timedOut: false, stdout: r.stdout, stderr: r.stderr, svg }, xmlValidate);
    if (argv[0] === 'conns' && argv.includes('--json') && r.status === 0) tcp = firstTcp(r.stdout) ?? '0';
    const written = writtenFile(argv);
    if (written !== null && r.status === 0 && problems.length === 0) {
      // What read -w wrote must read back: the same number of packets, exit 0.
      const back = await runInProcess(['read', '--count', written]);
      const p = roundtripProblem(r, back);
      if (p !== null) problems.push(p);
      if (back.error) r.error = back.error;
    }
    process.send({
      type: 'view', id: msg.id, k, argv, ms, status: r.status, bytes: r.stdout.length, tcp,
      stderr: r.stderr.toString('utf8').slice(0, 2000), problems,
      frame: r.error ? netlensFrame(r.error.stack) : '',
      stack: r.error ? String(r.error.stack ?? r.error).split('\n').slice(0, 12).join('\n') : '',
    });
    if (r.error) restart = true;
  }
  // An exception may leave module state half-updated: the parent then starts a fresh worker.
  process.send({ type: 'done', id: msg.id, restart });
});
process.send({ type: 'ready' });
