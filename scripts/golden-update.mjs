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
 * Subdirectories of test/golden/ (e.g. ladder/) have their own formats and are left alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const GOLDEN = join(ROOT, 'test', 'golden');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const NAME = /^([A-Za-z0-9_-]+)\.([a-z-]+)\.ndjson$/;

if (!existsSync(CLI)) {
  console.error('golden-update: dist/ is missing: run npm run build:ts first');
  process.exit(1);
}

const names = new Set(readdirSync(GOLDEN).filter((f) => NAME.test(f) && statSync(join(GOLDEN, f)).isFile()));
for (const arg of process.argv.slice(2)) names.add(arg.endsWith('.ndjson') ? arg : `${arg}.ndjson`);

let failed = 0;
for (const name of [...names].sort()) {
  const m = NAME.exec(name);
  if (m === null) { console.error(`golden-update: ${name}: not <fixture>.<command>.ndjson`); failed++; continue; }
  const [, fixture, command] = m;
  const pcap = join(ROOT, 'fixtures', `${fixture}.pcap`);
  if (!existsSync(pcap)) { console.error(`golden-update: ${name}: no fixtures/${fixture}.pcap`); failed++; continue; }
  const r = spawnSync(process.execPath, [CLI, command, '--json', pcap], {
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
