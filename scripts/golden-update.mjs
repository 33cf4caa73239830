#!/usr/bin/env node
/**
 * Regenerates the NDJSON golden files in test/golden/ from the built CLI:
 * every `test/golden/<fixture>.<command>.ndjson` is the stdout of
 *
 *   node dist/cli/main.js <command> --json fixtures/<fixture>.pcap
 *
 * (TZ=UTC, NO_COLOR=1). Run `npm run build:ts` first, then read the diff.
 *
 *   npm run golden:update                        # every existing golden file
 *   npm run golden:update -- arp-crafted.arp     # also create new ones (<fixture>.<command>)
 *
 * and every `test/golden/graph/<fixture>.<conn>.<kind>.svg` the SVG of
 *
 *   node dist/cli/main.js graph fixtures/<fixture>.pcap <conn> --kind <kind> --svg -
 *
 *   npm run golden:update -- graph/http-keepalive.0.rtt   # a new graph golden
 *
 * The ladder goldens (test/golden/ladder/) are made by their test: UPDATE_GOLDEN=1 npx vitest run test/report/ladder.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const GOLDEN = join(ROOT, 'test', 'golden');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const NAME = /^([A-Za-z0-9_-]+)\.([a-z-]+)\.ndjson$/;
const GRAPH = /^graph\/([A-Za-z0-9_-]+)\.(\d+)\.(tseq|throughput|rtt|window)\.svg$/;

if (!existsSync(CLI)) {
  console.error('golden-update: dist/ is missing: run npm run build:ts first');
  process.exit(1);
}

const names = new Set(readdirSync(GOLDEN).filter((f) => NAME.test(f) && statSync(join(GOLDEN, f)).isFile()));
const graphDir = join(GOLDEN, 'graph');
if (existsSync(graphDir)) for (const f of readdirSync(graphDir)) if (GRAPH.test(`graph/${f}`)) names.add(`graph/${f}`);
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('graph/')) names.add(arg.endsWith('.svg') ? arg : `${arg}.svg`);
  else names.add(arg.endsWith('.ndjson') ? arg : `${arg}.ndjson`);
}

let failed = 0;
for (const name of [...names].sort()) {
  const g = GRAPH.exec(name);
  const m = NAME.exec(name);
  if (m === null && g === null) { console.error(`golden-update: ${name}: not <fixture>.<command>.ndjson or graph/<fixture>.<conn>.<kind>.svg`); failed++; continue; }
  const fixture = g !== null ? g[1] : m[1];
  const pcap = join(ROOT, 'fixtures', `${fixture}.pcap`);
  if (!existsSync(pcap)) { console.error(`golden-update: ${name}: no fixtures/${fixture}.pcap`); failed++; continue; }
  const args = g !== null ? ['graph', pcap, g[2], '--kind', g[3], '--svg', '-'] : [m[2], '--json', pcap];
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' },
  });
  if (r.status !== 0) { console.error(`golden-update: ${name}: exit ${r.status}: ${r.stderr.trim()}`); failed++; continue; }
  const file = join(GOLDEN, name);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (before === r.stdout) { console.log(`unchanged ${name}`); continue; }
  writeFileSync(file, r.stdout);
  console.log(`${before === null ? 'created  ' : 'updated  '} ${name}`);
}
process.exit(failed > 0 ? 1 : 0);
