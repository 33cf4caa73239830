// Running netlens views for the fuzzer: in a long-lived worker process
// (scripts/fuzz-worker.mjs, views called in-process, per-view timeout, a
// crash or hang kills only the worker) or as the real command line
// (node dist/cli/main.js, one process per view: slow, exact, used to confirm
// every failure the worker finds and for the stdin samples).
import { fork, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkRun, roundtripProblem, writtenFile } from './fuzz-check.mjs';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const DIST = join(ROOT, 'dist');
export const CLI = join(DIST, 'cli', 'main.js');

/** The environment views run in: UTF-8 (the ladder's glyphs), no debug output, no inherited node flags. */
export function viewEnv() {
  const env = { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
  delete env.NETLENS_DEBUG;
  delete env.NODE_OPTIONS;
  delete env.FORCE_COLOR;
  return env;
}

export class Worker {
  /** dir: a private temporary directory; timeoutSec: per view. */
  constructor(dir, timeoutSec, heapMb = 0) {
    this.dir = dir;
    this.timeoutSec = timeoutSec;
    this.heapMb = heapMb;
    this.child = null;
    this.starts = 0;
  }

  async start() {
    mkdirSync(this.dir, { recursive: true });
    this.outPath = join(this.dir, 'stdout');
    this.errPath = join(this.dir, 'stderr');
    const out = openSync(this.outPath, 'a');
    const err = openSync(this.errPath, 'a');
    const execArgv = [];
    if (this.heapMb > 0) execArgv.push(`--max-old-space-size=${this.heapMb}`);
    this.child = fork(join(ROOT, 'scripts', 'fuzz-worker.mjs'), [], {
      stdio: ['ignore', out, err, 'ipc'],
      execArgv,
      env: { ...viewEnv(), NETLENS_FUZZ_DIST: DIST, NETLENS_FUZZ_STDOUT: this.outPath, NETLENS_FUZZ_STDERR: this.errPath },
    });
    closeSync(out);
    closeSync(err);
    this.starts++;
    await new Promise((resolve, reject) => {
      const onMsg = (m) => { if (m.type === 'ready') { this.child.off('exit', onExit); this.child.off('message', onMsg); resolve(); } };
      const onExit = (code, sig) => reject(new Error(`the fuzz worker exited while starting (${sig ?? code}): ${tail(this.errPath)}`));
      this.child.on('message', onMsg);
      this.child.once('exit', onExit);
    });
  }

  stop() {
    if (this.child !== null) { this.child.kill('SIGKILL'); this.child = null; }
  }

  /**
   * Runs views (argv lists; '@tcp' stands for the first TCP conversation of
   * this case's conns --json) one after the other. Resolves with one result
   * per view: {argv, status, ms, problems, stderr, frame, stack}; a view that
   * hung or killed the worker gets a timeout or crash problem and the rest
   * go on in a fresh worker.
   */
  async runCase(views, svg) {
    const results = [];
    let from = 0;
    let tcp = '0';
    while (from < views.length) {
      if (this.child === null) await this.start();
      const r = await this.runFrom(views, from, svg, tcp);
      results.push(...r.results);
      tcp = r.tcp;
      if (r.restart) this.stop();
      from = results.length;
    }
    return results;
  }

  runFrom(views, from, svg, tcp) {
    const child = this.child;
    return new Promise((resolve) => {
      const results = [];
      let current = null;
      let timer = null;
      const finish = (restart) => {
        clearTimeout(timer);
        child.off('message', onMsg);
        child.off('exit', onExit);
        resolve({ results, restart, tcp });
      };
      const onMsg = (m) => {
        if (m.type === 'start') {
          current = m;
          clearTimeout(timer);
          timer = setTimeout(() => {
            child.off('exit', onExit);
            child.kill('SIGKILL');
            this.child = null;
            results.push({ argv: current.argv, status: null, ms: this.timeoutSec * 1000, problems: [{ kind: 'timeout', detail: `no result after ${this.timeoutSec} s (in the worker)` }], stderr: '', frame: '', stack: '' });
            finish(false);
          }, this.timeoutSec * 1000);
        } else if (m.type === 'view') {
          clearTimeout(timer);
          if (m.tcp !== undefined) tcp = m.tcp;
          results.push(m);
          current = null;
        } else if (m.type === 'done') {
          finish(m.restart);
        }
      };
      const onExit = (code, signal) => {
        this.child = null;
        const argv = current?.argv ?? views[from + results.length] ?? ['?'];
        results.push({ argv, status: code, ms: 0, problems: [{ kind: signal ? 'signal' : 'crash', detail: `the worker died (${signal ?? `exit ${code}`}): ${tail(this.errPath)}` }], stderr: tail(this.errPath), frame: '', stack: '' });
        finish(false);
      };
      child.on('message', onMsg);
      child.once('exit', onExit);
      child.send({ type: 'case', views: views.slice(from), svg, tcp });
    });
  }
}

function tail(path) {
  try {
    const t = readFileSync(path, 'utf8').trim().split('\n');
    return t.slice(-3).join(' | ').slice(0, 300);
  } catch { return ''; }
}

/** Runs one view as the real command line; the result checkRun takes. */
export function spawnView(argv, timeoutSec, stdinFile = null) {
  const svgIdx = argv.indexOf('--svg');
  const svgPath = svgIdx >= 0 ? argv[svgIdx + 1] : null;
  if (svgPath && existsSync(svgPath)) rmSync(svgPath);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...argv], {
    input: stdinFile !== null ? readFileSync(stdinFile) : undefined,
    stdio: [stdinFile !== null ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    timeout: timeoutSec * 1000,
    killSignal: 'SIGKILL',
    maxBuffer: 1 << 30,
    env: viewEnv(),
  });
  const timedOut = r.error?.code === 'ETIMEDOUT';
  return {
    argv, timeoutSec, timedOut,
    status: r.status, signal: timedOut ? null : r.signal,
    stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr ?? Buffer.alloc(0),
    svg: svgPath && existsSync(svgPath) ? readFileSync(svgPath) : null,
    ms: performance.now() - t0,
  };
}

/**
 * Runs one view as the real command line and checks it (checkRun), and for a
 * \`read --count -w FILE\` view also reads FILE back. Returns the problems.
 */
export function spawnChecked(argv, timeoutSec, xmlValidate = null, stdinFile = null) {
  const r = spawnView(argv, timeoutSec, stdinFile);
  const problems = checkRun(r, xmlValidate);
  const written = writtenFile(argv);
  if (written !== null && r.status === 0 && problems.length === 0) {
    const back = spawnView(['read', '--count', written], timeoutSec);
    const p = roundtripProblem(r, back);
    problems.push(...(p !== null ? [p] : checkRun(back, xmlValidate)));
  }
  return problems;
}

/** A command line for a shell: arguments quoted where they need it. */
export function shellLine(args) {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}
