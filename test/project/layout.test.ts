/**
 * The layout's one rule, checked on every `npm test`: imports point one way,
 *
 *   shared (src/*.ts: frame, bytes, errors)
 *     → source/ , decode/            (neither imports the other)
 *     → track/                        (track/tcp/ inside it)
 *     → pipeline.ts
 *     → encode/                       (sinks, addresses, time, escaping, palette, ndjson)
 *     → print/ , report/              (neither imports the other)
 *     → cli/ , index.ts + library/    (the command line and the library)
 *
 * and no file imports itself through a cycle. Imports are read from the
 * TypeScript sources (static `import … from`, `export … from`, and `import(…)`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/netlens.js';

const SRC = join(ROOT, 'src');

/** Rank of a file's layer, and its room (two rooms of one rank may not import each other). */
function layerOf(file: string): { rank: number; room: string } {
  const rel = relative(SRC, file).replace(/\\/g, '/');
  const top = rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : rel;
  switch (top) {
    case 'frame.ts': case 'bytes.ts': case 'errors.ts': return { rank: 0, room: 'shared' };
    case 'source': return { rank: 1, room: 'source' };
    case 'decode': return { rank: 1, room: 'decode' };
    case 'track': return { rank: 2, room: 'track' };
    case 'pipeline.ts': return { rank: 3, room: 'pipeline' };
    case 'encode': return { rank: 4, room: 'encode' };
    case 'print': return { rank: 5, room: 'print' };
    case 'report': return { rank: 5, room: 'report' };
    case 'cli': return { rank: 6, room: 'cli' };
    case 'index.ts': case 'library': return { rank: 6, room: 'library' };
    default: return { rank: -1, room: top };
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    if (!spec.startsWith('.')) continue;
    out.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  return out;
}

const files = walk(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => relative(ROOT, f);

describe('the layout: imports point one way', () => {
  it('every file is in a known room', () => {
    expect(files.filter((f) => layerOf(f).rank < 0).map(rel)).toEqual([]);
  });

  it('every relative import resolves to a source file', () => {
    const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `${rel(f)} → ${rel(d)}`));
    expect(missing).toEqual([]);
  });

  it('no import runs back up, or sideways between two rooms of one rank', () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      const a = layerOf(f);
      for (const d of deps) {
        const b = layerOf(d);
        if (b.rank > a.rank || (b.rank === a.rank && b.room !== a.room)) bad.push(`${rel(f)} (${a.room}) → ${rel(d)} (${b.room})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('no file cycle', () => {
    const state = new Map<string, 1 | 2>();
    const cycles: string[] = [];
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 1);
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (!graph.has(d)) continue;
        const s = state.get(d);
        if (s === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].map(rel).join(' → '));
        else if (s === undefined) visit(d);
      }
      stack.pop();
      state.set(f, 2);
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
