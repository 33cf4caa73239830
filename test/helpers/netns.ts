/**
 * Test helper: a network namespace joined to the root namespace by a veth pair.
 *
 *   root namespace: <hostIf>  hostIp/24   (capture here from the test process)
 *   namespace <ns>: <nsIf>    nsIp/24     (run clients with nsExec / nsSpawn)
 *
 * IPv6 is disabled on both ends so that no spontaneous traffic (DAD, MLD,
 * router solicitations) shows up in captures: only what a test sends.
 * Everything stays local to this machine. Needs root (CAP_NET_ADMIN) and `ip`.
 */
import { execFile, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface VethPair {
  ns: string;
  hostIf: string;
  nsIf: string;
  hostIp: string;
  nsIp: string;
  hostMac: string;
  nsMac: string;
  /** Runs a command inside the namespace (async: the test process's event loop keeps running). */
  nsExec(cmd: string, args: string[], timeoutMs?: number): Promise<{ stdout: string; stderr: string }>;
  /** Spawns a long-running command inside the namespace. */
  nsSpawn(cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  /** Deletes the namespace and the veth pair; safe to call twice. */
  destroy(): void;
}

function run(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim()}`);
}

function sysctl(ns: string | null, key: string, value: string): void {
  const args = ns ? ['netns', 'exec', ns, 'sysctl', '-qw', `${key}=${value}`] : ['-qw', `${key}=${value}`];
  spawnSync(ns ? 'ip' : 'sysctl', args, { stdio: 'ignore' });
}

function macOf(ns: string | null, ifname: string): string {
  const args = ns ? ['-n', ns, '-j', 'link', 'show', ifname] : ['-j', 'link', 'show', ifname];
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  const info = JSON.parse(r.stdout) as { address: string }[];
  return info[0].address;
}

/** Why namespaces can't be used here ('' when they can). */
export function netnsUnavailableReason(): string {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root (creates network namespaces and veth pairs)';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return 'iproute2 (`ip`) not installed';
  const probe = `nlt_probe_${process.pid}`;
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (r.status !== 0) return `cannot create a network namespace: ${(r.stderr || '').trim()}`;
  spawnSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  return '';
}

/**
 * Why user `nobody` (uid 65534) can't read `paths` ('' when it can): a checkout under a
 * private directory (mktemp -d is mode 0700) hides dist/ and the binding from that user, so
 * the "run without privileges" checks would fail on the directory, not on the rights.
 */
export function unprivilegedReadReason(paths: string[]): string {
  if (spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status !== 0) return 'setpriv not installed';
  for (const p of paths) {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', p], { stdio: 'ignore' });
    if (r.status !== 0) return `user nobody cannot read ${p} (the checkout sits in a directory closed to other users)`;
  }
  return '';
}

let counter = 0;

/** Creates namespace + veth with names unique to this process (interface names <= 15 chars). */
export function createVethPair(hostIp = '10.78.0.2', nsIp = '10.78.0.1', prefixLen = 24): VethPair {
  const tag = `${process.pid % 1_000_000}${counter++ > 0 ? String.fromCharCode(96 + counter) : ''}`;
  const ns = `nlt_ns_${tag}`;
  const hostIf = `nlt_h_${tag}`;
  const nsIf = `nlt_c_${tag}`;
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    spawnSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' }); // removes the peer too
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  };
  try {
    run(['netns', 'add', ns]);
    run(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    run(['link', 'set', nsIf, 'netns', ns]);
    sysctl(null, `net.ipv6.conf.${hostIf}.disable_ipv6`, '1');
    sysctl(ns, `net.ipv6.conf.${nsIf}.disable_ipv6`, '1');
    sysctl(ns, 'net.ipv6.conf.all.disable_ipv6', '1');
    run(['addr', 'add', `${hostIp}/${prefixLen}`, 'dev', hostIf]);
    run(['-n', ns, 'addr', 'add', `${nsIp}/${prefixLen}`, 'dev', nsIf]);
    run(['-n', ns, 'link', 'set', 'lo', 'up']);
    run(['-n', ns, 'link', 'set', nsIf, 'up']);
    run(['link', 'set', hostIf, 'up']);
    // No segmentation/receive offloads: every capture socket then sees wire-sized frames
    // (with GRO/TSO a veth hands out up to 64 KB super-frames, coalesced differently per socket).
    const offloads = ['gro', 'off', 'gso', 'off', 'tso', 'off', 'tx', 'off', 'rx', 'off'];
    spawnSync('ethtool', ['-K', hostIf, ...offloads], { stdio: 'ignore' });
    spawnSync('ip', ['netns', 'exec', ns, 'ethtool', '-K', nsIf, ...offloads], { stdio: 'ignore' });
  } catch (e) {
    destroy();
    throw e;
  }
  const pair: VethPair = {
    ns,
    hostIf,
    nsIf,
    hostIp,
    nsIp,
    hostMac: macOf(null, hostIf),
    nsMac: macOf(ns, nsIf),
    nsExec: async (cmd, args, timeoutMs = 20_000) => {
      const r = await execFileP('ip', ['netns', 'exec', ns, cmd, ...args], { timeout: timeoutMs, encoding: 'utf8' });
      return { stdout: r.stdout, stderr: r.stderr };
    },
    nsSpawn: (cmd, args, opts = {}) => spawn('ip', ['netns', 'exec', ns, cmd, ...args], opts),
    destroy,
  };
  // Last resort if the test process dies before afterAll runs.
  process.once('exit', destroy);
  return pair;
}
