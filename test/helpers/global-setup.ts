/**
 * vitest globalSetup: the tests that run dist/cli/main.js (or import dist/)
 * must not run a stale build. Before any test file runs, dist/ is rebuilt with
 * `tsc -p tsconfig.json` when a file of src/ has no output in dist/ or is newer
 * than it (one line says so); otherwise nothing happens.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { ROOT } from './netlens.js';

/** The first src/ file whose dist/ output is missing or older than it, or null when dist/ is up to date. */
export function staleSource(root = ROOT): string | null {
  const src = join(root, 'src');
  const dist = join(root, 'dist');
  const walk = (dir: string): string | null => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        const s = walk(p);
        if (s !== null) return s;
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const out = join(dist, relative(src, p)).replace(/\.ts$/, '.js');
        if (!existsSync(out) || statSync(out).mtimeMs < statSync(p).mtimeMs) return relative(root, p);
      }
    }
    return null;
  };
  return walk(src);
}

export default function setup(): void {
  const stale = staleSource();
  if (stale === null) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const why = existsSync(join(ROOT, 'dist')) ? `${stale} is newer than its build` : 'dist/ is missing';
  console.log(`global setup: ${why}: building dist/ with tsc -p tsconfig.json`);
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc -p tsconfig.json failed (status ${r.status}):\n${r.stdout}${r.stderr}`);
}
