/**
 * What a closed pipe, a full disk or a stdout that cannot be written does to
 * netlens: a closed reader ends the command at once and quietly (status 0,
 * nothing on stderr); any other failed write is one line naming the output and
 * the cause, status 1, never a stack trace or "internal error"; a capture file
 * that could not be finished still holds every whole record written before.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, FIXTURES, haveTool, netlens } from '../helpers/netlens.js';
import { classicPcap, tcpSegment } from '../helpers/pcap.js';
import { ngSection } from '../helpers/pcapng.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-io-'));
const big = join(dir, 'big.pcap');

/** 40,000 segments of 8,000 connections: several MB of lines, far more than one write buffer or a pipe holds. */
function bigCapture(): Buffer {
  const frames: Buffer[] = [];
  for (let c = 0; c < 8000; c++) {
    const sport = 20000 + c;
    const src = `10.1.${(c >> 8) & 255}.${c & 255}`;
    frames.push(tcpSegment({ src, sport, dport: 80, seq: 1000, flags: 0x02 }));
    frames.push(tcpSegment({ src: '10.9.9.9', dst: src, sport: 80, dport: sport, seq: 5000, ack: 1001, flags: 0x12 }));
    frames.push(tcpSegment({ src, sport, dport: 80, seq: 1001, ack: 5001, flags: 0x10 }));
    frames.push(tcpSegment({ src, sport, dport: 80, seq: 1001, ack: 5001, payload: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n') }));
    frames.push(tcpSegment({ src, sport, dport: 80, seq: 1028, ack: 5001, flags: 0x04 }));
  }
  return classicPcap(frames);
}

beforeAll(() => { writeFileSync(big, bigCapture()); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

/** Runs a shell pipeline with bash; returns netlens's status (PIPESTATUS[0]) and its stderr. */
function piped(netlensArgs: string, reader: string): { status: number; stderr: string; ms: number } {
  const errFile = join(dir, `err-${Math.random().toString(36).slice(2)}`);
  const t0 = Date.now();
  const r = spawnSync('bash', ['-c', `'${process.execPath}' '${CLI}' ${netlensArgs} 2>'${errFile}' | ${reader} >/dev/null; echo \${PIPESTATUS[0]}`], {
    encoding: 'utf8', env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' },
  });
  return { status: Number(r.stdout.trim()), stderr: readFileSync(errFile, 'utf8'), ms: Date.now() - t0 };
}

/** One line on stderr, no stack trace, no "internal error". */
function oneCleanLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/internal error|    at |node:internal|Error:/);
  return lines[0]!;
}

describe('stdout closed by its reader (| head)', () => {
  for (const [name, args, reader] of [
    ['read | head -1', `read '${big}'`, 'head -1'],
    ['read -v | head -1', `read -v '${big}'`, 'head -1'],
    ['read --json | head -1', `read --json '${big}'`, 'head -1'],
    ['conns | head -1', `conns '${big}'`, 'head -1'],
    ['conns --json | head -1', `conns --json '${big}'`, 'head -1'],
    ['http --json | head -1', `http --json '${big}'`, 'head -1'],
    ['arp | head -1', `arp '${big}'`, 'head -1'],
    ['read -w - | head -c 100', `read -w - '${big}'`, 'head -c 100'],
  ] as const) {
    it(`${name}: exits 0 quietly`, () => {
      const r = piped(args, reader);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});

describe('writes that fail', () => {
  it('stdout is /dev/full: one line naming stdout and the cause, status 1', () => {
    const r = spawnSync(process.execPath, [CLI, 'read', big], { stdio: ['ignore', openFd('/dev/full', 'w'), 'pipe'], encoding: 'utf8' });
    expect(oneCleanLine(r.stderr)).toBe('netlens: cannot write stdout: no space left on device (ENOSPC)');
    expect(r.status).toBe(1);
  });

  it('conns --json and --help to /dev/full: the same line, status 1', () => {
    for (const args of [['conns', '--json', big], ['--help']]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', openFd('/dev/full', 'w'), 'pipe'], encoding: 'utf8' });
      expect(oneCleanLine(r.stderr), args.join(' ')).toBe('netlens: cannot write stdout: no space left on device (ENOSPC)');
      expect(r.status).toBe(1);
    }
  });

  it('stdout open read-only (EBADF): one line, status 1', () => {
    const r = spawnSync(process.execPath, [CLI, 'read', join(FIXTURES, 'mixed.pcap')], { stdio: ['ignore', openFd('/dev/null', 'r'), 'pipe'], encoding: 'utf8' });
    expect(oneCleanLine(r.stderr)).toBe('netlens: cannot write stdout: not open for writing (EBADF)');
    expect(r.status).toBe(1);
  });

  it('-w from a pcapng section with no interface block: one line (nothing to write a link type for), status 1, no file', () => {
    const input = join(dir, 'no-idb.pcapng');
    writeFileSync(input, ngSection());
    const out = join(dir, 'no-idb-out.pcap');
    const r = netlens(['read', '-w', out, input]);
    expect(oneCleanLine(r.stderr)).toMatch(/no interface description block before the first packet: nothing to write/);
    expect(r.status).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it('-w /dev/full: one line naming the file, status 1', () => {
    const r = netlens(['read', '-w', '/dev/full', big]);
    expect(oneCleanLine(r.stderr)).toBe('netlens: cannot write /dev/full: no space left on device (ENOSPC)');
    expect(r.status).toBe(1);
  });

  const tmpfsReason = process.getuid?.() !== 0 ? 'needs root (mounts a small tmpfs)' : !haveTool('tcpdump') ? 'tcpdump missing' : '';
  if (tmpfsReason) console.warn(`skipping the full-disk test: ${tmpfsReason}`);
  it.skipIf(tmpfsReason !== '')('-w to a disk that fills up: one line, status 1, and the file is a valid capture of whole records', () => {
    const mnt = join(dir, 'small');
    mkdirSync(mnt);
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=300k', 'tmpfs', mnt], { encoding: 'utf8' });
    if (m.status !== 0) throw new Error(`mount failed: ${m.stderr}`);
    try {
      for (const name of ['out.pcap', 'out.pcapng']) {
        const out = join(mnt, name);
        const r = netlens(['read', '-w', out, big]);
        expect(oneCleanLine(r.stderr), name).toBe(`netlens: cannot write ${out}: no space left on device (ENOSPC)`);
        expect(r.status).toBe(1);
        expect(statSync(out).size).toBeGreaterThan(100_000);
        const td = spawnSync('tcpdump', ['-nn', '-r', out], { encoding: 'utf8', maxBuffer: 1 << 26 });
        expect(td.status, td.stderr).toBe(0);
        expect(td.stderr).not.toMatch(/truncated|bogus|cut short/i);
        const lines = td.stdout.trim().split('\n');
        expect(lines.length).toBeGreaterThan(500);
        // The records kept are the first ones of the input, whole.
        const ref = spawnSync('tcpdump', ['-nn', '-c', String(lines.length), '-r', big], { encoding: 'utf8', maxBuffer: 1 << 26 });
        expect(td.stdout).toBe(ref.stdout);
        rmSync(out);
      }
    } finally {
      spawnSync('umount', [mnt]);
    }
  });
});

function openFd(path: string, mode: 'r' | 'w'): number {
  if (!existsSync(path)) throw new Error(`${path} missing`);
  return openSync(path, mode);
}
