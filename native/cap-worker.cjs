'use strict';
/*
 * netlens --backend cap: the capture process.
 *
 * The npm package `cap` (0.2.1, src/binding.cc) watches libpcap's socket with a
 * uv_poll_t whose callback begins with assert(status == 0). When the interface
 * goes down or away, the kernel flags the packet socket with an error
 * (ENETDOWN); libuv reports POLLERR to a poll callback as status UV_EBADF, in
 * the same event-loop turn, before any JavaScript could close the handle; the
 * assertion aborts the process (exit status 134). So cap runs here, in a child
 * of netlens, and its abort ends only this process: netlens (src/source/live.ts)
 * sees it, says in one line what happened to the interface, and exits 1 as
 * with the native backend.
 *
 *   argv[2]  JSON {iface, filter, bufferBytes}
 *   fd 3     one JSON line once the handle is open: {"linkType": "ETHERNET"} or {"error": "..."}
 *   stdout   one record per packet: u32 tsSec | u32 tsNsec | u32 caplen | u32 len | caplen bytes
 *            (little-endian; written once per event-loop turn)
 *   stdin    frames to send: u32 length | bytes; end of input: stop (drain, close, exit 0)
 *
 * Once the handle is open the process needs no rights: as root it becomes
 * nobody, as tcpdump -Z does.
 */
const fs = require('node:fs');

const SNAPLEN = 65535;
const opts = JSON.parse(process.argv[2] || '{}');

function firstLine(e) {
  return String(e && e.message ? e.message : e).split('\n')[0].trim();
}

function ready(obj) {
  fs.writeSync(3, `${JSON.stringify(obj)}\n`);
}

// The terminal's Ctrl-C reaches the whole process group: netlens decides when this process stops.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) process.on(sig, () => {});

let Cap;
try {
  ({ Cap } = require('cap'));
} catch (e) {
  ready({ error: firstLine(e) });
  process.exit(1);
}

const c = new Cap();
const packet = Buffer.alloc(SNAPLEN);
let linkType;
try {
  linkType = c.open(opts.iface, opts.filter || '', opts.bufferBytes || 10 * 1024 * 1024, packet);
} catch (e) {
  ready({ error: firstLine(e) });
  process.exit(1);
}

if (typeof process.getuid === 'function' && process.getuid() === 0) {
  try {
    process.setgroups([]);
    process.setgid('nobody');
    process.setuid('nobody');
  } catch {
    try {
      process.setgid(65534);
      process.setuid(65534);
    } catch {
      /* keep the rights rather than fail the capture */
    }
  }
}
ready({ linkType });

// Records are gathered in one buffer and written once per turn of the event loop (one copy per batch).
let out = Buffer.allocUnsafe(1 << 20);
let used = 0;
let scheduled = false;
function flush() {
  scheduled = false;
  if (used === 0) return;
  process.stdout.write(Buffer.from(out.subarray(0, used)));
  used = 0;
}

// cap hands over the bytes only: no kernel time stamp, no wire length. Stamped with the wall clock
// when the packet event runs (epoch anchored once, then advanced with the monotonic clock).
const epochAtStartNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
c.on('packet', (nbytes, truncated) => {
  if (used + 16 + nbytes > out.length) flush();
  const t = epochAtStartNs + process.hrtime.bigint();
  out.writeUInt32LE(Number(t / 1_000_000_000n), used);
  out.writeUInt32LE(Number(t % 1_000_000_000n), used + 4);
  out.writeUInt32LE(nbytes, used + 8);
  // A truncated packet was at least one byte longer.
  out.writeUInt32LE(truncated ? nbytes + 1 : nbytes, used + 12);
  packet.copy(out, used + 16, 0, nbytes);
  used += 16 + nbytes;
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});

// stdin: frames to inject, then end of input = stop.
let pending = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    const len = pending.readUInt32LE(0);
    if (pending.length < 4 + len) break;
    try {
      c.send(pending.subarray(4, 4 + len), len);
    } catch (e) {
      process.stderr.write(`send: ${firstLine(e)}\n`);
    }
    pending = pending.subarray(4 + len);
  }
});
process.stdin.on('end', () => {
  // cap cannot drain on close: give packets already readable one more turn (its poll callback
  // dispatches everything pending), then close and write what is left.
  setTimeout(() => {
    c.close();
    c.removeAllListeners('packet');
    flush();
    process.stdout.end(() => process.exit(0));
  }, 20);
});
