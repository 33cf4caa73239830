// What `npm run fuzz` asserts about one run of one view (scripts/fuzz-captures.mjs):
// the same checks for a run in the fuzzer's worker process and for a run of
// the real command line (node dist/cli/main.js).

/** Whether a view's stdout is NDJSON (every line parses) or for a person (no control bytes). */
export const isJsonView = (argv) => argv.includes('--json');

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$|^\s*(FATAL ERROR|Native stack trace|----- Native stack trace|node:internal|<--- Last few GCs --->|#\s*Fatal error)/m;
const ERROR_NAME = /^(Uncaught )?(Type|Range|Reference|Syntax|Eval|URI|Aggregate|Internal)?Error( \[\w+\])?: /m;

/** Control characters a terminal acts on: C0 but \t and \n, DEL, and C1 (as UTF-8 code points). */
function controlAt(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10) || (c >= 0x7f && c <= 0x9f)) return i;
  }
  return -1;
}

/** A printable excerpt of text around index i, for a report line. */
export function excerpt(text, i, width = 60) {
  const from = Math.max(0, i - width / 2);
  return JSON.stringify(text.slice(from, from + width));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks one run. r: {argv, status, signal, timedOut, stdout (Buffer), stderr (Buffer), svg (Buffer|null)}.
 * Returns the problems found: [{kind, detail}] (empty when the run is fine).
 */
export function checkRun(r, xmlValidate = null) {
  const problems = [];
  const add = (kind, detail) => problems.push({ kind, detail });
  const err = r.stderr.toString('utf8');
  if (r.timedOut) add('timeout', `no exit after ${r.timeoutSec ?? '?'} s`);
  else if (r.signal) add('signal', `killed by ${r.signal}${firstLine(err) ? `: ${firstLine(err)}` : ''}`);
  else if (r.status === 70 || /netlens: internal error/.test(err)) add('internal-error', firstLine(err.split('\n').find((l) => /internal error/.test(l)) ?? err) || `exit ${r.status}`);
  else if (r.status !== 0 && r.status !== 1) add('exit-status', `exit ${r.status}: ${firstLine(err)}`);

  if (STACK.test(err) || ERROR_NAME.test(err)) add('stack-trace', firstLine(err.split('\n').find((l) => STACK.test(l) || ERROR_NAME.test(l)) ?? err));
  const lines = err.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const l of lines) {
    if (!l.startsWith('netlens: ')) { add('stderr-format', `stderr line not of the form "netlens: …": ${JSON.stringify(l.slice(0, 100))}`); break; }
  }
  const c = controlAt(err.replace(/\n/g, ' '));
  if (c >= 0) add('stderr-control', `control byte 0x${err.charCodeAt(c).toString(16)} on stderr: ${excerpt(err, c)}`);
  if (r.status === 1 && !r.timedOut && !r.signal && lines.length === 0) add('silent-failure', 'exit 1 with nothing on stderr');

  if (!r.timedOut && !r.signal) {
    if (isJsonView(r.argv)) checkJson(r.stdout, add);
    else {
      checkHuman(r.stdout, add, 'stdout');
      checkGarbage(r.stdout, r.argv, add);
    }
    if (r.svg && r.status === 0) {
      checkHuman(r.svg, add, 'svg');
      if (xmlValidate !== null) {
        const v = xmlValidate(r.svg.toString('utf8'));
        if (v !== true) add('svg-xml', `the SVG is not well-formed XML: ${v?.err?.msg ?? v} (line ${v?.err?.line ?? '?'})`);
      }
    }
  }
  return problems;
}

function firstLine(s) {
  return s.split('\n').find((l) => l.trim() !== '')?.slice(0, 200) ?? '';
}

function checkHuman(buf, add, where) {
  let text;
  try {
    text = utf8.decode(buf);
  } catch {
    // Find the first bad byte for the report.
    const t = buf.toString('utf8');
    const i = t.indexOf('\ufffd');
    add('invalid-utf8', `${where}: bytes that are not UTF-8 (a raw packet byte?) near ${excerpt(t, Math.max(0, i))}`);
    text = buf.toString('utf8');
  }
  const c = controlAt(text);
  if (c >= 0) {
    const line = text.slice(0, c).split('\n').length;
    add('control-byte', `${where} line ${line}: unescaped control byte 0x${text.charCodeAt(c).toString(16).padStart(2, '0')}: ${excerpt(text, c)}`);
  }
}

/**
 * JavaScript's own words for a value gone wrong, which no netlens view prints
 * on purpose: NaN, Infinity, undefined, [object Object], Invalid Date. read
 * and follow print packet text too, so there only what a packet cannot spell
 * by itself to the letter is looked for... which is none of them; NaN and
 * Infinity are still looked for in their time stamps and numbers (a
 * word-bounded match; a payload that spells them is rare in these sources,
 * and the report shows the line).
 */
function checkGarbage(buf, argv, add) {
  const text = buf.toString('utf8');
  const payloadView = argv[0] === 'read' || argv[0] === 'follow';
  const re = payloadView ? /(^|[\s:(=,])(NaN|-?Infinity)([\s:),.]|$)|\[object Object\]|Invalid Date/m : /\b(NaN|undefined|Infinity)\b|\[object Object\]|Invalid Date/;
  const m = re.exec(text);
  if (m) {
    const line = text.slice(0, m.index).split('\n').length;
    add('js-value', `stdout line ${line} shows a JavaScript value gone wrong (${m[0].trim()}): ${excerpt(text, m.index)}`);
  }
}

function checkJson(buf, add) {
  const text = buf.toString('utf8');
  if (text.length === 0) return;
  if (!text.endsWith('\n')) add('json', `stdout does not end with a newline: ${excerpt(text, text.length - 30)}`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    try {
      const v = JSON.parse(l);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`}, not an object`);
      const bad = badCount(v, '');
      if (bad !== null) { add('json-value', `stdout line ${i + 1}: ${bad}: ${JSON.stringify(l.slice(0, 160))}`); return; }
    } catch (e) {
      add('json', `stdout line ${i + 1} is not a JSON object (${e.message.split('\n')[0].slice(0, 80)}): ${JSON.stringify(l.slice(0, 120))}`);
      return;
    }
  }
}

/**
 * read --count -w FILE must write a file that reads back: \`read --count FILE\`
 * exits 0 and counts what the writing run counted. first, back: the two runs
 * (status, stdout, stderr). Returns a problem or null.
 */
export function roundtripProblem(first, back) {
  const said = first.stdout.toString('utf8').trim(), reread = back.stdout.toString('utf8').trim();
  if (back.status === 0 && reread === said) return null;
  return { kind: 'write-roundtrip', detail: `read -w wrote a file that reads back as ${JSON.stringify(reread)}, exit ${back.status} (written: ${JSON.stringify(said)}): ${back.stderr.toString('utf8').split('\n')[0].slice(0, 160)}` };
}

/** The file a \`read --count -w FILE\` view writes, or null for any other view. */
export function writtenFile(argv) {
  const w = argv.indexOf('-w');
  return w >= 0 && argv.includes('--count') ? argv[w + 1] : null;
}

/** A packet or byte count that is negative, fractional or beyond 2^53 (a wrapped or NaN count), or null. */
function badCount(v, path) {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) { const b = badCount(v[i], `${path}[${i}]`); if (b !== null) return b; }
    return null;
  }
  if (v === null || typeof v !== 'object') return null;
  for (const k of Object.keys(v)) {
    const p = path === '' ? k : `${path}.${k}`;
    const x = v[k];
    if (/(^|\.)(packets|bytes)(\.|$)|(^|\.)(caplen|len)$/.test(p) && typeof x === 'number' && !(Number.isSafeInteger(x) && x >= 0)) return `${p} is ${x}`;
    if (typeof x === 'object') { const b = badCount(x, p); if (b !== null) return b; }
  }
  return null;
}

/**
 * A failure's class, for grouping: kind, the message with numbers and paths
 * taken out, and (for a run in the worker) the innermost netlens frame of the exception.
 */
export function signature(kind, detail, frame) {
  const msg = String(detail)
    .replace(/\/\S+/g, 'FILE')
    .replace(/0x[0-9a-f]+/gi, 'H')
    .replace(/"[^"]*"/g, 'S')
    .replace(/\d+/g, 'N')
    .slice(0, 120);
  return `${kind}: ${msg}${frame ? ` @ ${frame}` : ''}`;
}

/** The innermost stack frame inside dist/ of an error's stack ("print/line.js:523 formatIcmp"), or ''. */
export function netlensFrame(stack) {
  if (!stack) return '';
  const frames = [];
  for (const l of String(stack).split('\n')) {
    const m = /at (?:(\S+) )?\(?.*\/dist\/(.+?):(\d+):\d+\)?$/.exec(l.trim());
    if (m) frames.push(`${m[2]}:${m[3]}${m[1] ? ` ${m[1]}` : ''}`);
  }
  if (frames.length === 0) return '';
  if (/Maximum call stack size exceeded/.test(stack)) {
    // A recursion: where the overflow hits is chance; the functions that repeat are the loop.
    const n = new Map();
    for (const f of frames) { const k = f.replace(/:\d+/, ''); n.set(k, (n.get(k) ?? 0) + 1); }
    let max = 0;
    for (const c of n.values()) if (c > max) max = c;
    // No frame repeating: not a recursion but one call that overflowed (a spread or apply over a big array).
    if (max < 3) return `stack overflow without recursion (a spread or apply over a big array?) at ${frames[0]}`;
    const loop = [...n].filter(([, c]) => c * 2 >= max).map(([k]) => k).sort();
    const byFile = new Map();
    for (const k of loop) { const [file, fn = '?'] = k.split(' '); byFile.set(file, [...(byFile.get(file) ?? []), fn]); }
    return `recursion through ${[...byFile].map(([file, fns]) => `${file} (${fns.join(', ')})`).join(', ')}`;
  }
  return frames[0];
}
