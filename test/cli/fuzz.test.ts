/**
 * The mutation fuzzer (npm run fuzz, docs/fuzzing.md): its checks catch what
 * they are meant to, its cases are reproducible, its in-process worker prints
 * what the command line prints, and a bounded slice of it (fixed seed and
 * number of cases) finds no failure in any view.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript modules of scripts/, without type declarations
import { checkRun, netlensFrame, roundtripProblem, signature } from '../../scripts/fuzz-check.mjs';
// @ts-expect-error: see above
import { makeRng, mutate, parseCapture, serialize } from '../../scripts/fuzz-mutate.mjs';
// @ts-expect-error: see above
import { Worker, spawnView, ROOT } from '../../scripts/fuzz-runner.mjs';
// @ts-expect-error: see above
import { buildCase, sourceFiles } from '../../scripts/fuzz-captures.mjs';

const FIXTURES = join(ROOT as string, 'fixtures');

/** The CI slice: a fixed seed and number of cases (about 100 s on two busy cores; docs/fuzzing.md). */
const SLICE_SEED = 14;
const SLICE_CASES = 500;

type Problem = { kind: string; detail: string };
const run = (argv: string[], over: Record<string, unknown> = {}) => ({
  argv, status: 0, signal: null, timedOut: false, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), svg: null, ...over,
});
const kinds = (r: ReturnType<typeof run>): string[] => (checkRun(r) as Problem[]).map((p) => p.kind);

describe('the fuzzer\'s checks', () => {
  it('pass a clean run of each kind of view', () => {
    expect(kinds(run(['read', 'f'], { stdout: Buffer.from('12:00:00.000001 IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64\n\tµs → tab\n') }))).toEqual([]);
    expect(kinds(run(['conns', '--json', 'f'], { stdout: Buffer.from('{"id":0,"packets":{"client":1,"server":0}}\n{"id":1}\n') }))).toEqual([]);
    expect(kinds(run(['read', 'f'], { status: 1, stderr: Buffer.from('netlens: f: record at offset 40 has caplen 4294967295, larger than any snaplen\n') }))).toEqual([]);
  });
  it('catch an internal error, another exit status, a signal and a timeout', () => {
    expect(kinds(run(['read', 'f'], { status: 70, stderr: Buffer.from('netlens: internal error: x is undefined (set NETLENS_DEBUG=1 for details)\n') }))).toEqual(['internal-error']);
    expect(kinds(run(['read', 'f'], { status: 2, stderr: Buffer.from('netlens: unknown option\n') }))).toEqual(['exit-status']);
    expect(kinds(run(['read', 'f'], { status: null, signal: 'SIGABRT' }))).toEqual(['signal']);
    expect(kinds(run(['read', 'f'], { status: null, timedOut: true }))).toEqual(['timeout']);
  });
  it('catch a stack trace, a stderr line of another form, control bytes on stderr and a silent exit 1', () => {
    const trace = 'netlens: boom\nTypeError: Cannot read properties of undefined\n    at f (file:///x/dist/print/line.js:10:5)\n';
    expect(kinds(run(['read', 'f'], { status: 1, stderr: Buffer.from(trace) }))).toEqual(expect.arrayContaining(['stack-trace', 'stderr-format']));
    expect(kinds(run(['read', 'f'], { status: 1, stderr: Buffer.from('netlens: bad\nsecond line\n') }))).toEqual(['stderr-format']);
    expect(kinds(run(['read', 'f'], { status: 1, stderr: Buffer.from('netlens: name \x1b[2J\n') }))).toEqual(['stderr-control']);
    expect(kinds(run(['read', 'f'], { status: 1 }))).toEqual(['silent-failure']);
  });
  it('catch raw bytes in a human view: C0, DEL, C1, invalid UTF-8, and JavaScript values gone wrong', () => {
    expect(kinds(run(['read', 'f'], { stdout: Buffer.from('a\x1b[31mred\n') }))).toEqual(['control-byte']);
    expect(kinds(run(['follow', 'f', '0'], { stdout: Buffer.from('a\rb\n') }))).toEqual(['control-byte']);
    expect(kinds(run(['conns', 'f'], { stdout: Buffer.from('x\x7f\n') }))).toEqual(['control-byte']);
    expect(kinds(run(['http', 'f'], { stdout: Buffer.from('x\u009b2J\n') }))).toEqual(['control-byte']);
    expect(kinds(run(['read', 'f'], { stdout: Buffer.from([0x41, 0xff, 0x0a]) }))).toEqual(['invalid-utf8']);
    expect(kinds(run(['read', 'f'], { stdout: Buffer.from('NaN:NaN:NaN.000001 IP 1.2.3.4 > 5.6.7.8\n') }))).toEqual(['js-value']);
    expect(kinds(run(['conns', 'f'], { stdout: Buffer.from('#0 TCP 1.2.3.4:1 → 5.6.7.8:2 undefined\n') }))).toEqual(['js-value']);
    expect(kinds(run(['ladder', 'f', '0', '--svg', 'o.svg'], { svg: Buffer.from('<svg>\x01</svg>') }))).toEqual(['control-byte']);
  });
  it('catch a --json line that is not a JSON object, a cut last line and a negative count', () => {
    expect(kinds(run(['read', '--json', 'f'], { stdout: Buffer.from('{"n":1}\n{"n":2,\n') }))).toEqual(['json']);
    expect(kinds(run(['read', '--json', 'f'], { stdout: Buffer.from('{"n":1}\n{"n"') }))).toContain('json');
    expect(kinds(run(['arp', '--json', 'f'], { stdout: Buffer.from('[1]\n') }))).toEqual(['json']);
    expect(kinds(run(['conns', '--json', 'f'], { stdout: Buffer.from('{"bytes":{"client":-40}}\n') }))).toEqual(['json-value']);
  });
  it('catch a file read -w wrote that does not read back the same', () => {
    const said = { status: 0, stdout: Buffer.from('58 packets\n'), stderr: Buffer.alloc(0) };
    expect(roundtripProblem(said, { status: 0, stdout: Buffer.from('58 packets\n'), stderr: Buffer.alloc(0) })).toBeNull();
    expect(roundtripProblem(said, { status: 0, stdout: Buffer.from('57 packets\n'), stderr: Buffer.alloc(0) })?.kind).toBe('write-roundtrip');
    expect(roundtripProblem(said, { status: 1, stdout: Buffer.alloc(0), stderr: Buffer.from('netlens: x: empty file\n') })?.kind).toBe('write-roundtrip');
  });
  it('group failures by kind, message and the netlens frame (a recursion by its loop)', () => {
    expect(signature('internal-error', 'netlens: /tmp/f.pcap: offset 123 of 0x1f', 'print/line.js:3 f')).toBe(signature('internal-error', 'netlens: /tmp/g.pcap: offset 9 of 0x2a', 'print/line.js:3 f'));
    const frames = (names: string[]) => `RangeError: Maximum call stack size exceeded\n${names.map((n, i) => `    at ${n} (file:///r/dist/print/line.js:${10 + i}:1)`).join('\n')}`;
    expect(netlensFrame(frames(['a', 'b', 'c', 'b', 'c', 'b', 'c']))).toBe(netlensFrame(frames(['c', 'b', 'c', 'b', 'c', 'b'])));
    expect(netlensFrame('TypeError: x\n    at g (file:///r/dist/decode/tcp.js:7:3)\n    at h (node:internal/x:1:1)')).toBe('decode/tcp.js:7 g');
  });
});

describe('the fuzzer\'s cases', () => {
  it('re-serialize every fixture byte for byte when nothing is changed', () => {
    for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.pcap'))) {
      const bytes = readFileSync(join(FIXTURES, f));
      expect(Buffer.compare(serialize(parseCapture(bytes)).buf, bytes), f).toBe(0);
    }
  });
  it('are the same bytes for the same seed and case, and differ between cases', () => {
    const files = sourceFiles(false);
    const a = buildCase(7, 3, files, new Map());
    const b = buildCase(7, 3, files, new Map());
    expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
    expect(a.ops).toEqual(b.ops);
    const differing = [4, 5, 6, 7].filter((i) => Buffer.compare(buildCase(7, i, files, new Map()).bytes, a.bytes) !== 0);
    expect(differing.length).toBeGreaterThan(0);
  });
  it('change the file (a mutation is never a no-op on every try)', () => {
    const bytes = readFileSync(join(FIXTURES, 'mixed.pcap'));
    let changed = 0;
    for (let i = 0; i < 50; i++) if (Buffer.compare(mutate(bytes, makeRng(1, i)).bytes, bytes) !== 0) changed++;
    expect(changed).toBeGreaterThan(45);
  });
});

describe('the fuzz worker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-fuzz-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('prints what the command line prints, view by view', async () => {
    const file = join(FIXTURES, 'mixed.pcap');
    const views = [['read', '-v', file], ['conns', '--json', file], ['http', file], ['follow', file, '1', '--hex'], ['arp', '--json', file]];
    const worker = new Worker(join(dir, 'w'), 30);
    try {
      const results = await worker.runCase(views, join(dir, 'l.svg'));
      for (let k = 0; k < views.length; k++) {
        const cli = spawnView(views[k], 30);
        expect(results[k].status, `${views[k].join(' ')}: ${results[k].stderr}${results[k].stack}`).toBe(cli.status);
        expect(results[k].bytes, views[k].join(' ')).toBe(cli.stdout.length);
        expect(results[k].problems).toEqual([]);
      }
    } finally {
      worker.stop();
    }
  });
});

describe('a bounded fuzz slice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-fuzz-slice-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it(`seed ${SLICE_SEED}, ${SLICE_CASES} cases, every view: no failure`, () => {
    const summaryFile = join(dir, 'summary.json');
    // Kept after the test: the repro lines of a failure point into it.
    const out = join(tmpdir(), 'netlens-fuzz-failures-ci');
    rmSync(out, { recursive: true, force: true });
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'fuzz-captures.mjs'), '--seed', String(SLICE_SEED), '--iterations', String(SLICE_CASES),
      '--heavy-rate', '0', '--time-budget', '150', '--out', out, '--summary-json', summaryFile, '--quiet'], { cwd: ROOT, encoding: 'utf8', timeout: 200_000 });
    if (r.status !== 0 && r.status !== 1) throw new Error(`the fuzzer did not finish (status ${r.status}, signal ${r.signal}): ${r.stderr}`);
    const s = JSON.parse(readFileSync(summaryFile, 'utf8'));
    console.log(r.stdout.trim());
    if (s.sources < 100) console.warn(`fuzz slice: ${s.sources} sources (../shared/corpus absent?): the slice covers fixtures/ only`);
    const failures = (s.classes as { kind: string; detail: string; frame: string; views: string[]; examples: { repro: string }[] }[])
      .map((c) => `[${c.kind}] ${c.detail}${c.frame ? ` @ ${c.frame}` : ''} (views: ${c.views.join(', ')}; repro: ${c.examples[0]?.repro ?? '?'})`);
    expect(failures).toEqual([]);
    expect(s.fuzzerErrors).toBe(0);
    // The budget is only a guard: on a machine this slow the slice ran short, and says so.
    if (s.cases < SLICE_CASES) console.warn(`fuzz slice: only ${s.cases} of ${SLICE_CASES} cases within the 150 s guard`);
    expect(s.cases).toBeGreaterThan(SLICE_CASES / 4);
  }, 240_000);
});
