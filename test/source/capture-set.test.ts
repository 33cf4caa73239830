/**
 * Many files, one capture (source/capture-set.ts): a capture cut into pieces
 * (by netlens's own reader and writer here, by tcpdump -C and editcap where
 * they are installed) gives, whatever order the pieces are named in, as a
 * glob, as a directory, or gzip-compressed, exactly what the whole capture
 * gives: the same lines, packet records, conversations, HTTP transactions and
 * streams. Overlapping files are read one after the other and said to
 * overlap; a repeated file is skipped and said to be repeated.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURES, haveTool, ndjson, netlens } from '../helpers/netlens.js';
import { CaptureFileReader } from '../../src/source/file-reader.js';
import { CaptureWriter } from '../../src/source/pcap-writer.js';
import { expandInputs } from '../../src/source/capture-set.js';
import { connections } from '../../src/index.js';

const WHOLE = join(FIXTURES, 'lossy-download.pcap');

/** Cuts a capture into files of `per` frames each (netlens's reader and writer), named dir/name-00.pcap, -01 …; returns their paths. */
function cut(file: string, dir: string, per: number, name = 'piece'): string[] {
  const r = new CaptureFileReader(file);
  const paths: string[] = [];
  let w: CaptureWriter | null = null, n = 0;
  for (let f = r.next(); f !== null; f = r.next()) {
    if (n++ % per === 0) {
      w?.close();
      const p = join(dir, `${name}-${String(paths.length).padStart(2, '0')}.pcap`);
      paths.push(p);
      w = CaptureWriter.open(p, r.linkType, r.snaplen || 262144, r.nanosecond);
    }
    w!.write(f);
  }
  w?.close();
  r.close();
  return paths;
}

const VIEWS: string[][] = [['read'], ['read', '--json'], ['conns', '--json'], ['conns'], ['http', '--json'], ['follow'], ['follow', '--hex']];
/** The command's arguments around the inputs: follow takes the connection after them. */
const argsFor = (view: string[], inputs: string[]): string[] => [...view, ...inputs, ...(view[0] === 'follow' ? ['0'] : [])];

describe('several capture files read as one capture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-capture-set-'));
  const pieces = cut(WHOLE, dir, 150);

  it('the pieces were really cut (several files, every frame in one of them)', () => {
    expect(pieces.length).toBeGreaterThan(3);
    const count = (f: string) => netlens(['read', '--count', f]).stdout.trim();
    const total = pieces.reduce((s, p) => s + Number(count(p).split(' ')[0]), 0);
    expect(`${total} packets`).toBe(count(WHOLE));
  });

  for (const view of VIEWS) {
    it(`${view.join(' ')}: the pieces, in any order, say what the whole capture says`, () => {
      const whole = netlens(argsFor(view, [WHOLE]));
      expect(whole.status, whole.stderr).toBe(0);
      const shuffled = [pieces[2]!, pieces[0]!, ...pieces.slice(3).reverse(), pieces[1]!];
      const parts = netlens(argsFor(view, shuffled));
      expect(parts.status, parts.stderr).toBe(0);
      expect(parts.stderr).toBe('');
      expect(parts.stdout).toBe(whole.stdout);
    });
  }

  it('one connection across the files is one record, with the whole transfer in it', () => {
    const recs = ndjson(netlens(['conns', '--json', ...pieces]).stdout);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ handshake: 'complete', teardown: 'fin', connState: 'SF' });
  });

  it('a glob the shell did not expand, a directory, and gzip-compressed pieces give the same', () => {
    const whole = netlens(['conns', '--json', WHOLE]).stdout;
    expect(netlens(['conns', '--json', join(dir, 'piece-*.pcap')]).stdout).toBe(whole);
    const sub = join(dir, 'as-dir');
    mkdirSync(sub);
    pieces.forEach((p, i) => {
      // Every other piece compressed; the names say nothing (gzip is known by its magic).
      const to = join(sub, `p${i}.cap`);
      if (i % 2 === 0) writeFileSync(to, gzipSync(readFileSync(p))); else copyFileSync(p, to);
    });
    writeFileSync(join(sub, 'notes.txt'), 'not a capture\n'); // not a capture: left out of a directory
    const r = netlens(['conns', '--json', sub]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(whole);
  });

  it('a glob crosses directories: wildcards in a directory\'s name, and a directory named with brackets taken as it is', () => {
    const whole = netlens(['conns', '--json', WHOLE]).stdout;
    pieces.forEach((p, i) => {
      const day = join(dir, `day-${i % 2}`, 'run[1]');
      mkdirSync(day, { recursive: true });
      copyFileSync(p, join(day, `cap-${i}.pcap`));
    });
    expect(netlens(['conns', '--json', join(dir, 'day-*', 'run[1]', 'cap-*.pcap')]).stdout).toBe(whole);
    expect(netlens(['conns', '--json', join(dir, 'day-?', 'run[1]', '*')]).stdout).toBe(whole);
    // One day's pieces alone: the other connection's half is missing, so the record differs.
    expect(netlens(['conns', '--json', join(dir, 'day-0', 'run[1]', 'cap-*.pcap')]).stdout).not.toBe(whole);
    const none = netlens(['conns', '--json', join(dir, 'day-[7-9]', 'run[1]', 'cap-*.pcap')]);
    expect(none.status).toBe(1);
    expect(none.stderr).toBe(`netlens: ${join(dir, 'day-[7-9]', 'run[1]', 'cap-*.pcap')}: no file matches\n`);
  });

  it('a directory\'s gzipped logs are not captures: left out, the captures read', () => {
    const sub = join(dir, 'with-logs');
    mkdirSync(sub);
    writeFileSync(join(sub, 'a.pcap.gz'), gzipSync(readFileSync(WHOLE)));
    writeFileSync(join(sub, 'messages.log.gz'), gzipSync(Buffer.from('Dec  4 kernel: not a capture\n'.repeat(100))));
    const r = netlens(['conns', '--json', sub]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(netlens(['conns', '--json', WHOLE]).stdout);
  });

  it('the decompressed copies of a run killed by a signal are removed by the next run', () => {
    const dead = spawnSync('true').pid!; // exited: its pid names no process of ours now
    const stale = join(tmpdir(), `netlens-gz-${dead}-stale`);
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, '0-x.pcap'), 'left behind');
    const gz = join(dir, 'sweep.pcap.gz');
    writeFileSync(gz, gzipSync(readFileSync(WHOLE)));
    expect(netlens(['read', '--count', gz]).status).toBe(0);
    expect(existsSync(stale)).toBe(false);
  });

  it('one gzip-compressed file reads like the file (read lines and conns)', () => {
    const gz = join(dir, 'whole.pcap.gz');
    writeFileSync(gz, gzipSync(readFileSync(WHOLE)));
    expect(netlens(['read', gz]).stdout).toBe(netlens(['read', WHOLE]).stdout);
    expect(netlens(['conns', gz]).stdout).toBe(netlens(['conns', WHOLE]).stdout);
  });

  it('a filter after the inputs chooses conversations as it does on one file', () => {
    const whole = netlens(['conns', '--json', WHOLE, 'tcp', 'port', '8080']);
    expect(ndjson(whole.stdout)).toHaveLength(1);
    expect(netlens(['conns', '--json', ...pieces, 'tcp', 'port', '8080']).stdout).toBe(whole.stdout);
    expect(netlens(['conns', '--json', ...pieces, 'udp']).stdout).toBe('');
  });

  it('a repeated file is skipped and said to be repeated', () => {
    const r = netlens(['conns', '--json', pieces[0]!, ...pieces, pieces[1]!]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`netlens: warning: ${pieces[0]} repeats ${pieces[0]} (the same size and first packet): skipped\nnetlens: warning: ${pieces[1]} repeats ${pieces[1]} (the same size and first packet): skipped\n`);
    expect(r.stdout).toBe(netlens(['conns', '--json', WHOLE]).stdout);
  });

  it('files that overlap in time are read one after the other, and said to overlap', () => {
    // Two captures of the same minute: the odd frames in one file, the even in the other.
    const r = new CaptureFileReader(WHOLE);
    const odd = join(dir, 'odd.pcap'), even = join(dir, 'even.pcap');
    const wo = CaptureWriter.open(odd, r.linkType, 262144, false), we = CaptureWriter.open(even, r.linkType, 262144, false);
    let n = 0, total = 0;
    for (let f = r.next(); f !== null; f = r.next()) { (n++ % 2 ? wo : we).write(f); total++; }
    wo.close(); we.close(); r.close();
    const out = netlens(['read', '--count', odd, even]);
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(`${total} packets\n`);
    expect(out.stderr).toBe(`netlens: warning: ${odd} begins before ${even} ends: the files overlap in time; read one after the other, not merged\n`);
  });

  it('an input that is not there, a glob that matches nothing, a directory without captures, a damaged gzip: one line, status 1', () => {
    const empty = join(dir, 'empty-dir');
    mkdirSync(empty);
    const bad = join(dir, 'bad.pcap.gz');
    writeFileSync(bad, Buffer.concat([gzipSync(readFileSync(WHOLE)).subarray(0, 5000)]));
    for (const [args, line] of [
      [['conns', join(dir, 'nothing.pcap')], `netlens: ${join(dir, 'nothing.pcap')}: no such file\n`],
      [['conns', join(dir, 'none-*.pcap')], `netlens: ${join(dir, 'none-*.pcap')}: no file matches\n`],
      [['conns', pieces[0]!, join(dir, 'typo.pcap')], `netlens: ${join(dir, 'typo.pcap')}: no such file\n`],
      [['conns', empty], `netlens: ${empty}: a directory with no capture files in it\n`],
    ] as const) {
      const r = netlens([...args]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(line);
    }
    const r = netlens(['conns', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^netlens: .*bad\.pcap\.gz: not a readable gzip file \([^\n]+\)\n$/);
  });

  it('-w onto a capture being read is refused before anything is opened; stdin stands alone; gzip on stdin says what to do', () => {
    const copy = join(dir, 'copy.pcap');
    copyFileSync(WHOLE, copy);
    const size = readFileSync(copy).length;
    for (const args of [['read', copy, '-w', copy], ['conns', pieces[0]!, copy, '-w', copy], ['http', dir, '-w', copy], ['conns', '--format', 'parquet', copy, '-w', copy]]) {
      const r = netlens(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`netlens: -w ${copy} is a capture being read`);
      expect(readFileSync(copy).length).toBe(size);
    }
    const alone = netlens(['conns', '-', pieces[0]!], readFileSync(WHOLE));
    expect(alone.status).toBe(1);
    expect(alone.stderr).toBe('netlens: - (stdin) stands alone: it cannot be read with other inputs\n');
    const gz = netlens(['read', '-'], gzipSync(readFileSync(WHOLE)));
    expect(gz.status).toBe(1);
    expect(gz.stderr).toBe('netlens: stdin: gzip-compressed; netlens reads gzip from files, not from stdin (zcat it into netlens, or name the file)\n');
  });

  it('a filter word that names something in the current directory stays a filter word', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'netlens-words-'));
    writeFileSync(join(cwd, 'tcp'), 'not a capture\n');
    mkdirSync(join(cwd, 'port'));
    const r = spawnSync(process.execPath, [join(FIXTURES, '..', 'dist', 'cli', 'main.js'), 'conns', '--json', WHOLE, 'tcp', 'port', '8080'], { cwd, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(netlens(['conns', '--json', WHOLE, 'tcp', 'port', '8080']).stdout);
  });

  it('the arguments after the inputs are left for the connection and the filter', () => {
    expect(expandInputs([pieces[0]!, pieces[1]!, '0', 'tcp'])).toEqual({ files: [pieces[0], pieces[1]], used: 2 });
    expect(expandInputs(['-', 'tcp'])).toEqual({ files: ['-'], used: 1 });
    expect(expandInputs([join(dir, 'missing'), 'tcp'])).toEqual({ files: [join(dir, 'missing')], used: 1 });
  });

  it('the library reads several paths as one capture', async () => {
    const whole: unknown[] = [], parts: unknown[] = [];
    for await (const c of connections(WHOLE)) whole.push(c);
    for await (const c of connections([...pieces].reverse())) parts.push(c);
    expect(parts).toEqual(whole);
  });
});

describe.skipIf(!haveTool('tcpdump'))('a capture rotated by tcpdump -C', () => {
  it('conns and read on the rotated files say what they say on the whole capture', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-rotated-'));
    const r = spawnSync('tcpdump', ['-Z', 'root', '-r', WHOLE, '-w', join(dir, 'rot'), '-C', '1'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = expandInputs([join(dir, 'rot*')]).files;
    expect(files.length).toBeGreaterThan(1);
    for (const view of [['conns', '--json'], ['read'], ['http', '--json']]) {
      expect(netlens([...view, join(dir, 'rot*')]).stdout).toBe(netlens([...view, WHOLE]).stdout);
    }
  });
});
if (!haveTool('tcpdump')) console.warn('skipping the tcpdump -C rotation test: tcpdump is not installed');
