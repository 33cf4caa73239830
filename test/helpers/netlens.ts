/** Runs the built CLI (dist/) or the in-process pipeline for tests. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const CORPUS = join(ROOT, '..', 'shared', 'corpus');
export const FIXTURES = join(ROOT, 'fixtures');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

export function haveCorpus(): boolean {
  const ok = existsSync(join(CORPUS, 'pcap'));
  if (!ok) console.warn('skipping corpus tests: ../shared/corpus not found (CI has it beside the clone)');
  return ok;
}

export function haveTool(name: string): boolean {
  const r = spawnSync('sh', ['-c', `command -v ${name}`]);
  const ok = r.status === 0;
  if (!ok) console.warn(`skipping: ${name} is not installed`);
  return ok;
}

export interface RunResult { status: number; stdout: string; stderr: string }

export function netlens(args: string[], input?: Buffer, env: NodeJS.ProcessEnv = {}): RunResult {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run npm run build first');
  const r = spawnSync(process.execPath, [CLI, ...args], {
    // A UTF-8 locale unless a test asks for another (LANG=C makes the human views ASCII).
    input, env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', LC_ALL: '', LC_CTYPE: '', LANG: 'C.UTF-8', ...env }, maxBuffer: 1 << 28, encoding: 'buffer',
  });
  return { status: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

export function ndjson(text: string): Record<string, any>[] {
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}
