/**
 * Without the libpcap binding (NETLENS_NO_NATIVE=1 stands in for a machine
 * without libpcap-dev or a compiler): offline analysis works, live capture and
 * BPF filters say in one line what to install.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, netlens } from './helpers/netlens.js';

const env = { NETLENS_NO_NATIVE: '1' };

describe('no libpcap binding', () => {
  it('reads, tracks and prints captures as usual', () => {
    const withBinding = netlens(['read', join(FIXTURES, 'mixed.pcap')]);
    const without = netlens(['read', join(FIXTURES, 'mixed.pcap')], undefined, env);
    expect(without.status).toBe(0);
    expect(without.stdout).toBe(withBinding.stdout);
    expect(netlens(['conns', '--json', join(FIXTURES, 'mixed.pcap')], undefined, env).status).toBe(0);
  });
  it('live capture says in one line what to install', () => {
    const r = netlens(['capture', 'lo', '-c', '1'], undefined, env);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('apt-get install libpcap-dev');
  });
  it('a BPF filter on a file says in one line what to install', () => {
    const r = netlens(['read', join(FIXTURES, 'mixed.pcap'), 'tcp'], undefined, env);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('libpcap');
  });
});
