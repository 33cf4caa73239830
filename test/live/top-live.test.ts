/**
 * `netlens capture IFACE --top` end to end: the table runs in a real terminal
 * (a detached tmux session, driven with send-keys and read with capture-pane)
 * while clients in a network namespace talk to a TCP server in this process
 * across a veth pair. Rows appear, states advance to TIME_WAIT / CLOSED, `q`
 * exits with status 0 and the summary follows. Then the non-TTY form: one
 * line per state change, flushed while the capture still runs.
 * Needs root, the native libpcap binding, tmux and nc: otherwise skipped with a reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/netlens.js';
import { createVethPair, netnsUnavailableReason, type VethPair } from '../helpers/netns.js';

const reason = netnsUnavailableReason()
  || (existsSync(join(ROOT, 'native', 'build', 'Release', 'netlens_pcap.node')) ? '' : 'the native libpcap binding is not built')
  || (spawnSync('sh', ['-c', 'command -v tmux && command -v nc']).status === 0 ? '' : 'tmux or nc missing');
if (reason) console.warn(`skipping capture --top tests: ${reason}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PORT = 9301;

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
async function until<T>(what: string, ms: number, check: () => T | undefined | false): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

describe.skipIf(reason !== '')('capture --top on a veth pair', () => {
  let v: VethPair;
  const dir = mkdtempSync(join(tmpdir(), 'netlens-top-'));
  const exitFile = join(dir, 'exit');
  const sock = join(dir, 'tmux.sock'); // a private tmux server, removed with dir
  const session = 'top';
  const sockets = new Set<Socket>();
  // Echo server: answers every chunk, closes when the client does.
  const server = createServer((s) => {
    sockets.add(s);
    s.on('data', (d) => s.write(Buffer.concat([Buffer.from('re:'), d])));
    s.on('end', () => s.end());
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  let longClient: ChildProcess | null = null;

  const tmux = (...args: string[]) => spawnSync('tmux', ['-S', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const pane = () => tmux('capture-pane', '-p', '-t', session).stdout ?? '';

  beforeAll(async () => {
    v = createVethPair('10.82.0.2', '10.82.0.1');
    await new Promise<void>((r) => server.listen(PORT, v.hostIp, r));
  });

  afterAll(() => {
    longClient?.kill('SIGKILL');
    tmux('kill-server');
    for (const s of sockets) s.destroy();
    server.close();
    v?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the table in a terminal: rows appear, states reach TIME_WAIT/CLOSED, q exits with status 0', async () => {
    const cmd = `'${process.execPath}' '${CLI}' capture ${v.hostIf} --top -Z root; echo EXIT=$? > '${exitFile}.tmp'; stty -a >> '${exitFile}.tmp'; mv '${exitFile}.tmp' '${exitFile}'; sleep 120`;
    const started = tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', session, cmd);
    expect(started.status, started.stderr).toBe(0);
    await until('the table', 8000, () => /netlens --top/.test(pane()) && /packets? captured/.test(pane()));
    expect(tmux('display-message', '-p', '-t', session, '#{alternate_on} #{cursor_flag}').stdout.trim()).toBe('1 0');

    // One connection that stays open (data every 300 ms), three short ones.
    longClient = v.nsSpawn('nc', [v.hostIp, String(PORT)], { stdio: ['pipe', 'ignore', 'ignore'] });
    const tick = setInterval(() => longClient?.stdin?.write('x'), 300);
    try {
      await v.nsExec('sh', ['-c', `for i in 1 2 3; do printf hi | nc -q1 ${v.hostIp} ${PORT}; done`]);

      const esc = v.hostIp.replace(/\./g, '\\.');
      const closedRow = new RegExp(`^-.*\\b${v.nsIp.replace(/\./g, '\\.')}:\\d+\\s+TIME_WAIT\\s+${esc}:${PORT}\\s+CLOSED\\s+complete/fin`);
      const openRow = new RegExp(`^ .*:\\d+\\s+ESTABLISHED\\s+${esc}:${PORT}\\s+ESTABLISHED\\s+complete/open`);
      const screen = await until('closed and open rows', 8000, () => {
        const s = pane();
        const lines = s.split('\n');
        return lines.filter((l) => closedRow.test(l)).length >= 1 && lines.some((l) => openRow.test(l)) ? s : undefined;
      });
      const lines = screen.split('\n');
      expect(lines[0]).toMatch(new RegExp(`^netlens --top  ${v.hostIf}  \\d\\d:\\d\\d:\\d\\d`));
      expect(lines[1]).toMatch(/CLIENT\s+STATE\s+SERVER\s+STATE\s+PATTERN/);
      expect(lines.at(-1) === '' ? lines.at(-2) : lines.at(-1)).toMatch(/^\d+ packets captured, \d+ received by filter, 0 dropped by kernel {2}q quit/);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(120);
      // The busy open connection sorts above the closed ones, and all three short ones show up.
      const open = lines.findIndex((l) => openRow.test(l));
      const firstClosed = lines.findIndex((l) => closedRow.test(l));
      expect(open).toBeLessThan(firstClosed);
      await until('all three closed rows', 5000, () => pane().split('\n').filter((l) => closedRow.test(l)).length === 3);

      // Closed connections fade out after ~5 s; the open one stays.
      await until('the closed rows to fade', 9000, () => {
        const ls = pane().split('\n');
        return !ls.some((l) => closedRow.test(l)) && ls.some((l) => openRow.test(l));
      });
    } finally {
      clearInterval(tick);
    }

    tmux('send-keys', '-t', session, 'q');
    const status = await until('netlens to exit', 8000, () => existsSync(exitFile) && readFileSync(exitFile, 'utf8'));
    expect(status.split('\n')[0]).toBe('EXIT=0');
    const after = pane();
    // Back on the normal screen: the summary, then tcpdump's counters.
    expect(after).not.toMatch(/CLIENT\s+STATE\s+SERVER/);
    expect(after.match(/^#\d+ TCP \S+ > \S+ {2}complete\/fin {2}TIME_WAIT\/CLOSED {2}\d+\/\d+ pkts/gm)).toHaveLength(3);
    expect(after).toMatch(/^#\d+ TCP \S+ > \S+ {2}complete\/open {2}ESTABLISHED\/ESTABLISHED/m);
    expect(after).toMatch(/^\d+ packets captured\n\d+ packets received by filter\n0 packets dropped by kernel$/m);
    // The terminal is restored: normal screen, cursor shown, cooked mode with echo (stty -a after netlens).
    expect(tmux('display-message', '-p', '-t', session, '#{alternate_on} #{cursor_flag}').stdout.trim()).toBe('0 1');
    expect(status).toMatch(/(^|\s)icanon(\s|$)/m);
    expect(status).toMatch(/(^|\s)echo(\s|$)/m);
    expect(status).toMatch(/(^|\s)isig(\s|$)/m);
  }, 40_000);

  it('Ctrl-C ends the table as cleanly as q', async () => {
    const file = join(dir, 'exit-ctrl-c');
    const cmd = `'${process.execPath}' '${CLI}' capture ${v.hostIf} --top -Z root; echo EXIT=$? > '${file}'; sleep 120`;
    expect(tmux('new-session', '-d', '-x', '80', '-y', '12', '-s', 'ctrlc', cmd).status).toBe(0);
    await until('the table', 8000, () => /netlens --top/.test(tmux('capture-pane', '-p', '-t', 'ctrlc').stdout ?? ''));
    tmux('send-keys', '-t', 'ctrlc', 'C-c');
    expect(await until('netlens to exit', 8000, () => existsSync(file) && readFileSync(file, 'utf8').trim())).toBe('EXIT=0');
    expect(tmux('capture-pane', '-p', '-t', 'ctrlc').stdout).toMatch(/packets captured\n\d+ packets received by filter/);
    expect(tmux('display-message', '-p', '-t', 'ctrlc', '#{alternate_on} #{cursor_flag}').stdout.trim()).toBe('0 1');
  }, 20_000);

  it('prints one line per state change when stdout is not a terminal, as they happen', async () => {
    const nl = spawn(process.execPath, [CLI, 'capture', v.hostIf, '--top', '-Z', 'root', 'tcp'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    nl.stdout!.on('data', (d) => { out += d; });
    nl.stderr!.on('data', (d) => { err += d; });
    const exited = new Promise<number>((r) => nl.on('exit', (c) => r(c ?? -1)));
    try {
      await until('listening', 8000, () => /listening on/.test(err));
      await v.nsExec('sh', ['-c', `printf hi | nc -q1 ${v.hostIp} ${PORT}`]);
      // Lines arrive while netlens still runs: not held back until the end.
      await until('TIME_WAIT line', 5000, () => / client FIN_WAIT_2 → TIME_WAIT$/m.test(out));
    } finally {
      nl.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    const lines = out.trim().split('\n');
    const conn = new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{6} #0 TCP ${v.nsIp.replace(/\./g, '\\.')}:\\d+ > ${v.hostIp.replace(/\./g, '\\.')}:${PORT}: `);
    const changes = lines.filter((l) => conn.test(l)).map((l) => l.replace(conn, ''));
    // Each end's path in order (whether the echo crosses the client's FIN varies, so only per-side order is fixed).
    const side = (who: string) => changes.filter((c) => c.startsWith(`${who} `));
    expect(side('client')).toEqual([
      'client CLOSED → SYN_SENT', 'client SYN_SENT → ESTABLISHED', 'client ESTABLISHED → FIN_WAIT_1',
      'client FIN_WAIT_1 → FIN_WAIT_2', 'client FIN_WAIT_2 → TIME_WAIT',
    ]);
    expect(side('server')).toEqual([
      'server LISTEN → SYN_RCVD', 'server SYN_RCVD → ESTABLISHED', 'server ESTABLISHED → CLOSE_WAIT',
      'server CLOSE_WAIT → LAST_ACK', 'server LAST_ACK → CLOSED',
    ]);
    expect(changes).toContainEqual(expect.stringMatching(/^handshake complete, rtt \d/));
    expect(lines.at(-1)).toMatch(/ ended #0 TCP .* {2}complete\/fin {2}TIME_WAIT\/CLOSED {2}\d+\/\d+ pkts/);
    expect(out).not.toMatch(/\x1b/); // eslint-disable-line no-control-regex
    expect(err).toMatch(/\d+ packets captured\n\d+ packets received by filter\n0 packets dropped by kernel/);
  }, 20_000);
});
