/**
 * Every example in the README and docs/usage.md that runs netlens on a
 * shipped fixture (a fenced block starting with `$ netlens … fixtures/…`,
 * optionally `| head -N`) is run again and must print what the document shows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, netlens } from '../helpers/netlens.js';

interface Example { doc: string; command: string; args: string[]; head: number | null; shown: string }

function examples(doc: string): Example[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const out: Example[] = [];
  for (const m of text.matchAll(/```\n\$ (netlens [^\n]*)\n([\s\S]*?)```/g)) {
    const command = m[1]!;
    const pm = /^netlens ((?:[^|'"]|'[^']*')*?)(?: \| head -(\d+))?$/.exec(command);
    if (pm === null || !/\bfixtures\//.test(command)) continue;
    const args = [...pm[1]!.matchAll(/'([^']*)'|(\S+)/g)].map((a) => a[1] ?? a[2]!).map((a) => (a.startsWith('fixtures/') ? join(ROOT, a) : a));
    // A block may go on with another command: the output shown is up to the next line starting with "$ ".
    const body = m[2]!;
    const next = body.search(/^\$ /m);
    out.push({ doc, command, args, head: pm[2] ? Number(pm[2]) : null, shown: next < 0 ? body : body.slice(0, next) });
  }
  return out;
}

const all = [...examples('README.md'), ...examples('docs/usage.md')];

describe('the documents show what netlens prints', () => {
  it('there are examples to check', () => expect(all.filter((e) => e.doc === 'README.md').length).toBeGreaterThanOrEqual(3));
  for (const e of all) {
    it(`${e.doc}: ${e.command}`, () => {
      const r = netlens(e.args, undefined, { LANG: 'C.UTF-8' });
      let got = r.stdout;
      if (e.head !== null) got = got.split('\n').slice(0, e.head).join('\n') + '\n';
      expect(got.trimEnd()).toBe(e.shown.trimEnd());
    });
  }
});
