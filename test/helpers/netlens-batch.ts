/**
 * Many netlens command lines in few processes. Each result is the one
 * netlens(args, input, env) of ./netlens.js gives (status, stdout, stderr), but
 * the command lines run in-process in runners (netlens-batch-runner.mjs)
 * through dist/cli/commands.js's table, so a test of hundreds of command lines
 * pays node's start-up and the loading of dist/ once per runner rather than
 * once per line (about 0.2 s each on this machine).
 *
 * The runners run one command after another in one process, so module state
 * left by one command (caches in src/print, say) could in principle change the
 * next one's output. NETLENS_TEST_SEPARATE=1 in the environment runs every case
 * in a process of its own instead (./netlens.js's netlens()), for when a batched
 * result is in doubt.
 *
 * Standard input ('-') is the case's bytes in a file on fd 0 (netlens reads fd 0
 * alike whether a pipe or a file is there).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, netlens, type RunResult } from './netlens.js';

export interface NetlensCase {
  args: string[];
  input?: Buffer;
  env?: NodeJS.ProcessEnv;
}

const RUNNER = join(ROOT, 'test', 'helpers', 'netlens-batch-runner.mjs');

/** True when NETLENS_TEST_SEPARATE=1: every case in its own process. */
export const SEPARATE = process.env.NETLENS_TEST_SEPARATE === '1';

/**
 * Runs the cases and gives their results in order: in `runners` processes at a
 * time (each a share of the cases of one environment), a fresh runner taking
 * over after one died or after an internal error (status 70, since module state
 * may then be half-updated). A case a runner died in gets status -1, what it had
 * written, and the runner's exit on stderr.
 */
export async function netlensMany(cases: NetlensCase[], runners = 2): Promise<RunResult[]> {
  if (SEPARATE) return cases.map((c) => netlens(c.args, c.input, c.env));
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run npm run build first');
  const results: RunResult[] = new Array(cases.length);
  // Cases of one environment share runners; each environment's cases are dealt round-robin to its runners.
  const groups = new Map<string, number[]>();
  for (let i = 0; i < cases.length; i++) {
    const key = JSON.stringify(Object.entries(cases[i]!.env ?? {}).sort());
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  const shares: number[][] = [];
  for (const indices of groups.values()) {
    const n = Math.max(1, Math.min(runners, Math.ceil(indices.length / 8)));
    for (let k = 0; k < n; k++) shares.push(indices.filter((_, j) => j % n === k));
  }
  const dir = mkdtempSync(join(tmpdir(), 'netlens-batch-'));
  try {
    let s = 0;
    const worker = async (): Promise<void> => {
      while (s < shares.length) {
        const id = s++;
        await runShare(cases, shares[id]!, join(dir, String(id)), results);
      }
    };
    await Promise.all(Array.from({ length: Math.min(runners, shares.length) }, worker));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** One share of the cases (all of one environment) through runner processes, results into `results`. */
async function runShare(cases: NetlensCase[], indices: number[], dir: string, results: RunResult[]): Promise<void> {
  mkdirSync(dir);
  const env = cases[indices[0]!]!.env ?? {};
  const list = indices.map((i) => {
    const input = cases[i]!.input;
    if (input === undefined) return { args: cases[i]!.args, input: null };
    const path = join(dir, `in-${i}`);
    writeFileSync(path, input);
    return { args: cases[i]!.args, input: path };
  });
  const casesPath = join(dir, 'cases.json');
  writeFileSync(casesPath, JSON.stringify(list));
  const outPath = join(dir, 'stdout');
  const errPath = join(dir, 'stderr');
  let next = 0;
  while (next < list.length) {
    const out = openSync(outPath, 'a');
    const err = openSync(errPath, 'a');
    let exit: { code: number | null; signal: NodeJS.Signals | null };
    try {
      exit = await new Promise((resolve, reject) => {
        const p = spawn(process.execPath, [RUNNER, casesPath, dir, String(next)], {
          stdio: ['ignore', out, err],
          env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...env, NETLENS_BATCH_STDOUT: outPath, NETLENS_BATCH_STDERR: errPath },
        });
        p.on('error', reject);
        p.on('close', (code, signal) => resolve({ code, signal }));
      });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    const before = next;
    while (next < list.length && existsSync(join(dir, `${next}.status`))) {
      results[indices[next]!] = {
        status: Number(readFileSync(join(dir, `${next}.status`), 'utf8')),
        stdout: readFileSync(join(dir, `${next}.out`), 'utf8'),
        stderr: readFileSync(join(dir, `${next}.err`), 'utf8'),
      };
      next++;
    }
    if (next === before) {
      // The runner died inside this case: its result is what the runner left.
      results[indices[next]!] = {
        status: -1,
        stdout: readFileSync(outPath, 'utf8'),
        stderr: `netlens batch runner: exit ${exit.code} signal ${exit.signal}\n${readFileSync(errPath, 'utf8')}`,
      };
      next++;
    }
  }
}
