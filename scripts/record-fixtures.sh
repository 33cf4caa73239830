#!/usr/bin/env bash
# Record small, real packet captures into fixtures/ for netlens tests and demos.
#
#   sudo bash scripts/record-fixtures.sh            # record every scenario
#   sudo bash scripts/record-fixtures.sh dns mixed  # record only some (names without .pcap)
#
# All traffic stays inside two private network namespaces joined by a veth pair:
#   nlfx_c (client)  veth_c  10.77.0.1/24  fd77::1/64
#   nlfx_s (server)  veth_s  10.77.0.2/24  fd77::2/64
# Every capture is taken on the server-side veth (veth_s).
#
# Needs: root, iproute2, tcpdump, ethtool, iptables, python3, node, curl,
#        dnsmasq, dig (dnsutils), ping (iputils-ping).
# Re-runnable: leftover namespaces from an earlier (interrupted) run are removed first.
# Timestamps, ephemeral ports, DNS IDs, TCP sequence numbers etc. differ between runs.

set -euo pipefail

NS_C=nlfx_c
NS_S=nlfx_s
IF_C=veth_c
IF_S=veth_s
C4=10.77.0.1
S4=10.77.0.2
C6=fd77::1
S6=fd77::2

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIX="$ROOT/fixtures"
PY=${PYTHON:-python3}
NODE=${NODE:-node}

if [[ $(id -u) -ne 0 ]]; then
  echo "record-fixtures.sh: must run as root (sudo bash scripts/record-fixtures.sh)" >&2
  exit 1
fi
for tool in ip tcpdump ethtool iptables "$PY" "$NODE" curl dnsmasq dig ping ss; do
  command -v "$tool" >/dev/null || { echo "record-fixtures.sh: missing tool: $tool" >&2; exit 1; }
done

mkdir -p "$FIX"
TMP=$(mktemp -d /tmp/nlfx.XXXXXX)
PIDS=()          # background processes started by this script
CAP_PID=
CAP_NAME=

log() { printf '\n=== %s\n' "$*"; }

in_c() { ip netns exec "$NS_C" "$@"; }
in_s() { ip netns exec "$NS_S" "$@"; }

# Kill processes still living in our namespaces (only ours: nothing else runs there).
kill_ns_procs() {
  local ns pid
  for ns in "$NS_C" "$NS_S"; do
    if ip netns list | grep -qw "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    fi
  done
}

delete_namespaces() {
  kill_ns_procs
  sleep 0.2
  local ns
  for ns in "$NS_C" "$NS_S"; do
    if ip netns list | grep -qw "$ns"; then ip netns del "$ns"; fi
  done
}

cleanup() {
  local rc=$?
  set +e
  if [[ -n "$CAP_PID" ]]; then kill -INT "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; fi
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  delete_namespaces
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
# Topology
# ---------------------------------------------------------------------------
setup_namespaces() {
  delete_namespaces
  ip netns add "$NS_C"
  ip netns add "$NS_S"
  local ns
  for ns in "$NS_C" "$NS_S"; do
    # No router solicitations: keeps stray ICMPv6 out of the captures.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.router_solicitations=0
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.router_solicitations=0
    ip -n "$ns" link set lo up
  done
  ip link add "$IF_C" netns "$NS_C" type veth peer name "$IF_S" netns "$NS_S"
  ip -n "$NS_C" addr add "$C4/24" dev "$IF_C"
  ip -n "$NS_S" addr add "$S4/24" dev "$IF_S"
  ip -n "$NS_C" addr add "$C6/64" dev "$IF_C" nodad
  ip -n "$NS_S" addr add "$S6/64" dev "$IF_S" nodad
  # Turn off checksum/segmentation offloads so the capture shows real
  # MTU-sized segments with correct checksums (as on a physical wire).
  in_c ethtool -K "$IF_C" tx off tso off gso off gro off >/dev/null 2>&1 || true
  in_s ethtool -K "$IF_S" tx off tso off gso off gro off >/dev/null 2>&1 || true
  ip -n "$NS_C" link set "$IF_C" up
  ip -n "$NS_S" link set "$IF_S" up
  # Let link-up chatter (MLD reports etc.) die down before the first capture.
  sleep 3
}

# ---------------------------------------------------------------------------
# Helpers: capture, waiting for listeners
# ---------------------------------------------------------------------------
cap_start() {
  CAP_NAME=$1
  rm -f "$FIX/$CAP_NAME"
  ip netns exec "$NS_S" tcpdump -i "$IF_S" -s 0 --immediate-mode -U -Z root \
    -w "$FIX/$CAP_NAME" 2>"$TMP/tcpdump.log" &
  CAP_PID=$!
  sleep 1
}

cap_stop() {
  sleep 1
  kill -INT "$CAP_PID"
  wait "$CAP_PID" || true
  CAP_PID=
  echo "--> $CAP_NAME: $(grep -h 'packets captured' "$TMP/tcpdump.log" || echo '?')," \
       "$(stat -c %s "$FIX/$CAP_NAME") bytes"
}

# wait_listen NS tcp|udp PORT
wait_listen() {
  local ns=$1 proto=$2 port=$3 i flag=-Hltn
  [[ $proto == udp ]] && flag=-Hlun
  for i in $(seq 1 100); do
    if [[ -n $(ip netns exec "$ns" ss $flag "sport = :$port") ]]; then return 0; fi
    sleep 0.05
  done
  echo "timeout waiting for $proto/$port in $ns" >&2
  return 1
}

# bg_s CMD...: start a background process in the server namespace
bg_s() { ip netns exec "$NS_S" "$@" & PIDS+=($!); LAST_PID=$!; }

# ---------------------------------------------------------------------------
# Helper programs
# ---------------------------------------------------------------------------
write_helpers() {
cat >"$TMP/h.py" <<'EOF'
import os, socket, struct, sys, time

C4, S4 = "10.77.0.1", "10.77.0.2"

def listener(port):
    l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((S4, port))
    l.listen(4)
    l.settimeout(30)
    c, _ = l.accept()
    l.close()
    c.settimeout(30)
    return c

def client(sport):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((C4, sport))
    return s

def read_to_eof(s):
    buf = b""
    while True:
        d = s.recv(65536)
        if not d:
            return buf
        buf += d

def read_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        d = s.recv(4096)
        if not d:
            break
        buf += d
    return buf

def main():
    mode, args = sys.argv[1], sys.argv[2:]
    # ---------------- servers (run in server namespace) ----------------
    if mode == "srv-client-close":          # reply, then wait for the client's FIN
        c = listener(int(args[0]))
        read_line(c)
        c.sendall(b"hello from server\n")
        read_to_eof(c)
        c.close()
    elif mode == "srv-server-close":        # reply, then close first
        c = listener(int(args[0]))
        read_line(c)
        c.sendall(b"hello from server, bye\n")
        c.close()
    elif mode == "srv-half-close":          # read request to EOF, keep sending, then close
        c = listener(int(args[0]))
        read_to_eof(c)
        for i in range(3):
            c.sendall(b"part %d of the response after your FIN\n" % i)
            time.sleep(0.2)
        c.close()
    elif mode == "srv-abort":               # reply, then see the client's RST
        c = listener(int(args[0]))
        read_line(c)
        c.sendall(b"hello from server\n")
        try:
            read_to_eof(c)
        except ConnectionResetError:
            print("server: connection reset by peer (expected)")
        c.close()
    elif mode == "srv-echo":                # uppercase echo until EOF
        c = listener(int(args[0]))
        while True:
            d = c.recv(4096)
            if not d:
                break
            c.sendall(d.upper())
        c.close()
    elif mode == "udp-srv":                 # answer N datagrams
        port, n = int(args[0]), int(args[1])
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((S4, port))
        u.settimeout(30)
        for _ in range(n):
            d, peer = u.recvfrom(2048)
            u.sendto(b"ACK " + d.upper(), peer)
    # ---------------- clients (run in client namespace) ----------------
    elif mode == "cli-client-close":
        s = client(int(args[0])); s.connect((S4, int(args[1])))
        s.sendall(b"hello from client\n")
        read_line(s)
        time.sleep(0.2)
        s.close()                          # client FIN first
    elif mode == "cli-server-close":
        s = client(int(args[0])); s.connect((S4, int(args[1])))
        s.sendall(b"hello from client\n")
        read_to_eof(s)                     # server FIN first
        time.sleep(0.2)
        s.close()
    elif mode == "cli-half-close":
        s = client(int(args[0])); s.connect((S4, int(args[1])))
        s.sendall(b"GET everything, I will not send more\n")
        s.shutdown(socket.SHUT_WR)         # FIN, but keep reading
        data = read_to_eof(s)
        print("client got %d bytes after half-close" % len(data))
        s.close()
    elif mode == "cli-abort":
        s = client(int(args[0])); s.connect((S4, int(args[1])))
        s.sendall(b"hello from client\n")
        read_line(s)
        time.sleep(0.2)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()                          # abortive close: RST instead of FIN
    elif mode == "cli-refused":
        s = client(int(args[0]))
        try:
            s.connect((S4, int(args[1])))
            print("unexpectedly connected"); sys.exit(1)
        except ConnectionRefusedError:
            print("client: connection refused (expected)")
    elif mode == "cli-timeout":
        s = client(int(args[0]))
        s.settimeout(float(args[2]))
        try:
            s.connect((S4, int(args[1])))
            print("unexpectedly connected"); sys.exit(1)
        except (socket.timeout, TimeoutError):
            print("client: connect timed out (expected)")
    elif mode == "cli-midstream":
        sync = args[2]
        s = client(int(args[0])); s.connect((S4, int(args[1])))
        open(os.path.join(sync, "connected"), "w").close()
        deadline = time.time() + 30
        while not os.path.exists(os.path.join(sync, "go")):
            if time.time() > deadline:
                sys.exit("no go signal")
            time.sleep(0.05)
        for i in range(4):
            s.sendall(b"midstream message %d\n" % i)
            read_line(s)
            time.sleep(0.2)
        s.close()
    elif mode == "cli-pipelined":
        s = client(int(args[0])); s.connect((S4, int(args[1])))
        host = b"Host: 10.77.0.2:%d\r\n" % int(args[1])
        req = (b"GET / HTTP/1.1\r\n" + host + b"User-Agent: pipeline-test\r\n\r\n"
               b"GET /chunked HTTP/1.1\r\n" + host + b"User-Agent: pipeline-test\r\n\r\n"
               b"GET /missing HTTP/1.1\r\n" + host + b"User-Agent: pipeline-test\r\n"
               b"Connection: close\r\n\r\n")
        s.send(req)                        # all three requests in ONE send()
        data = read_to_eof(s)
        print("client got %d bytes, %d status lines" % (len(data), data.count(b"HTTP/1.1 ")))
        s.close()
    elif mode == "udp-cli":
        sport, dport, n = int(args[0]), int(args[1]), int(args[2])
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((C4, sport))
        u.settimeout(5)
        for i in range(n):
            u.sendto(b"ping %d" % i, (S4, dport))
            d, _ = u.recvfrom(2048)
            print("client got", d)
            time.sleep(0.1)
    else:
        sys.exit("unknown mode " + mode)

main()
EOF

cat >"$TMP/server.js" <<'EOF'
// Tiny HTTP server for the fixtures. argv[2] = file served at /big.bin
const http = require('http');
const fs = require('fs');
const bigFile = process.argv[2];

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/upload') {
    let n = 0;
    req.on('data', (d) => { n += d.length; });
    req.on('end', () => {
      const body = `received ${n} bytes\n`;
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
    return;
  }
  if (req.url === '/') {
    const body = 'Hello from the netlens fixture server\n';
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (req.url === '/chunked') {
    // No Content-Length + several writes => Transfer-Encoding: chunked
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    let i = 0;
    const t = setInterval(() => {
      res.write(`chunk number ${i}\n`);
      if (++i === 4) { clearInterval(t); res.end(); }
    }, 50);
    return;
  }
  if (req.url === '/big.bin') {
    const size = fs.statSync(bigFile).size;
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
    fs.createReadStream(bigFile).pipe(res);
    return;
  }
  const body = 'not found\n';
  res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 5000;
server.listen(8080, '::', () => console.log('http server listening on [::]:8080'));
process.on('SIGTERM', () => process.exit(0));
EOF

  # ~1 MB of deterministic pseudo-random content for the lossy download
  "$PY" -c 'import random,sys; random.seed(77); sys.stdout.buffer.write(random.randbytes(1000000))' >"$TMP/big.bin"
}

h() { "$PY" "$TMP/h.py" "$@"; }

# Start a helper TCP server on PORT in the server ns, then run the client.
tcp_pair() {
  local srvmode=$1 climode=$2 sport=$3 dport=$4
  bg_s "$PY" "$TMP/h.py" "$srvmode" "$dport"
  local spid=$LAST_PID
  wait_listen "$NS_S" tcp "$dport"
  in_c "$PY" "$TMP/h.py" "$climode" "$sport" "$dport"
  wait "$spid" || true
}

HTTP_PID=
start_http() {
  [[ -n $HTTP_PID ]] && return 0
  bg_s "$NODE" "$TMP/server.js" "$TMP/big.bin"
  HTTP_PID=$LAST_PID
  wait_listen "$NS_S" tcp 8080
}

DNS_PID=
start_dns() {
  [[ -n $DNS_PID ]] && return 0
  bg_s dnsmasq --keep-in-foreground --conf-file=/dev/null --pid-file="$TMP/dnsmasq.pid" \
    --no-resolv --no-hosts \
    --address=/example.test/10.77.0.99 \
    --host-record=v6.example.test,fd77::99 \
    --host-record=example.test,10.77.0.99 \
    --cname=alias.example.test,example.test \
    --local=/invalid/ \
    --port 53 --listen-address="$S4" --bind-interfaces
  DNS_PID=$LAST_PID
  wait_listen "$NS_S" udp 53
}

# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------
rec_tcp_client_close() {
  cap_start tcp-client-close.pcap
  tcp_pair srv-client-close cli-client-close 40001 9001
  cap_stop
}

rec_tcp_server_close() {
  cap_start tcp-server-close.pcap
  tcp_pair srv-server-close cli-server-close 40002 9002
  cap_stop
}

rec_tcp_half_close() {
  cap_start tcp-half-close.pcap
  tcp_pair srv-half-close cli-half-close 40003 9003
  cap_stop
}

rec_tcp_abort() {
  cap_start tcp-abort.pcap
  tcp_pair srv-abort cli-abort 40004 9004
  cap_stop
}

rec_tcp_refused() {
  cap_start tcp-refused.pcap
  in_c "$PY" "$TMP/h.py" cli-refused 40005 9005
  cap_stop
}

rec_tcp_unanswered() {
  in_s iptables -A INPUT -p tcp --dport 9999 --syn -j DROP
  cap_start tcp-unanswered.pcap
  in_c "$PY" "$TMP/h.py" cli-timeout 40006 9999 4
  cap_stop
  in_s iptables -D INPUT -p tcp --dport 9999 --syn -j DROP
}

rec_tcp_midstream() {
  local sync="$TMP/midstream"
  rm -rf "$sync"; mkdir -p "$sync"
  bg_s "$PY" "$TMP/h.py" srv-echo 9007
  local spid=$LAST_PID
  wait_listen "$NS_S" tcp 9007
  in_c "$PY" "$TMP/h.py" cli-midstream 40007 9007 "$sync" &
  local cpid=$!
  PIDS+=("$cpid")
  local i
  for i in $(seq 1 100); do [[ -e $sync/connected ]] && break; sleep 0.05; done
  [[ -e $sync/connected ]] || { echo "midstream client did not connect" >&2; return 1; }
  sleep 0.5                      # handshake ACK long gone before tcpdump starts
  cap_start tcp-midstream.pcap
  touch "$sync/go"
  wait "$cpid"
  wait "$spid" || true
  cap_stop
}

rec_http_keepalive() {
  start_http
  cap_start http-keepalive.pcap
  # One curl process => one keep-alive connection for all four requests.
  in_c curl -sS --local-port 40008 \
    http://$S4:8080/ http://$S4:8080/chunked http://$S4:8080/missing \
    --next -d 'name=netlens&payload=some+form+data+for+the+upload+endpoint' http://$S4:8080/upload
  cap_stop
}

rec_http_pipelined() {
  start_http
  cap_start http-pipelined.pcap
  in_c "$PY" "$TMP/h.py" cli-pipelined 40009 8080
  cap_stop
}

rec_http_ipv6() {
  start_http
  cap_start http-ipv6.pcap
  in_c curl -sS -g --local-port 40010 "http://[$S6]:8080/"
  cap_stop
}

rec_dns() {
  start_dns
  cap_start dns.pcap
  local q=(+tries=1 +time=2 +nocookie +noall +comments +answer)
  in_c dig @"$S4" -b "$C4#40531" "${q[@]}" example.test A
  in_c dig @"$S4" -b "$C4#40532" "${q[@]}" v6.example.test AAAA
  in_c dig @"$S4" -b "$C4#40533" "${q[@]}" alias.example.test A
  in_c dig @"$S4" -b "$C4#40534" "${q[@]}" nosuch.invalid A          # NXDOMAIN (--local=/invalid/)
  in_c dig @"$S4" -b "$C4#40535" "${q[@]}" unknown.elsewhere A || true # no upstream: REFUSED
  in_c dig @"$S4" -b "$C4#40536" "${q[@]}" +tcp example.test A        # DNS over TCP
  cap_stop
}

rec_arp_icmp() {
  ip -n "$NS_C" neigh flush all
  ip -n "$NS_S" neigh flush all
  cap_start arp-icmp.pcap
  in_c ping -q -c 2 "$S4"
  in_c ping -c 2 -W 1 10.77.0.99 || true      # nobody owns it: unanswered ARP
  sleep 1.5                                    # let the kernel's last ARP retry go out
  ip -n "$NS_C" -6 neigh flush all
  ip -n "$NS_S" -6 neigh flush all
  in_c ping -6 -c 2 "$S6"
  cap_stop
}

rec_udp_exchange() {
  bg_s "$PY" "$TMP/h.py" udp-srv 5005 4
  local spid=$LAST_PID
  wait_listen "$NS_S" udp 5005
  cap_start udp-exchange.pcap
  in_c "$PY" "$TMP/h.py" udp-cli 5006 5005 4
  wait "$spid"
  cap_stop
}

rec_lossy_download() {
  start_http
  # sha256sum format; the file is the HTTP response body of GET /big.bin
  (cd "$TMP" && sha256sum big.bin) >"$FIX/lossy-download.sha256"
  local rule=(INPUT -p tcp --sport 8080 -m statistic --mode random --probability 0.03 -j DROP)
  in_c iptables -A "${rule[@]}"
  cap_start lossy-download.pcap
  in_c curl -sS --local-port 40014 -o "$TMP/download.bin" http://$S4:8080/big.bin
  cap_stop
  in_c iptables -D "${rule[@]}"
  if cmp -s "$TMP/big.bin" "$TMP/download.bin"; then
    echo "download OK: $(sha256sum <"$TMP/download.bin" | cut -c1-16)..."
  else
    echo "WARNING: downloaded file differs" >&2
  fi
}

rec_mixed() {
  start_http
  start_dns
  ip -n "$NS_C" neigh flush all
  ip -n "$NS_S" neigh flush all
  cap_start mixed.pcap
  local q=(+tries=1 +time=2 +nocookie +short)
  in_c dig @"$S4" -b "$C4#40541" "${q[@]}" example.test A
  in_c curl -sS --local-port 40015 http://$S4:8080/ http://$S4:8080/chunked
  in_c ping -q -c 2 "$S4"
  bg_s "$PY" "$TMP/h.py" udp-srv 5005 3
  local spid=$LAST_PID
  wait_listen "$NS_S" udp 5005
  in_c "$PY" "$TMP/h.py" udp-cli 5006 5005 3
  wait "$spid"
  in_c dig @"$S4" -b "$C4#40542" "${q[@]}" v6.example.test AAAA
  in_c curl -sS --local-port 40016 -d 'x=1&y=2' http://$S4:8080/upload
  in_c curl -sS -g --local-port 40017 "http://[$S6]:8080/missing"
  cap_stop
}

ALL=(tcp-client-close tcp-server-close tcp-half-close tcp-abort tcp-refused tcp-unanswered
     tcp-midstream http-keepalive http-pipelined http-ipv6 dns arp-icmp udp-exchange
     lossy-download mixed framed vxlan mptcp)

# A VXLAN tunnel (VNI 42, UDP 4789) over the veth pair: inner 192.168.77.1 (client)
# and 192.168.77.2 (server). Captured on veth_s, so every frame is the outer
# UDP datagram carrying an Ethernet frame: ARP, two pings and an HTTP GET inside.
rec_vxlan() {
  ip -n "$NS_C" link add vx42 type vxlan id 42 local "$C4" remote "$S4" dstport 4789 dev "$IF_C"
  ip -n "$NS_S" link add vx42 type vxlan id 42 local "$S4" remote "$C4" dstport 4789 dev "$IF_S"
  ip -n "$NS_C" addr add 192.168.77.1/24 dev vx42
  ip -n "$NS_S" addr add 192.168.77.2/24 dev vx42
  local ns
  for ns in "$NS_C" "$NS_S"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.vx42.disable_ipv6=1
    ip -n "$ns" link set vx42 up
  done
  start_http
  sleep 1
  cap_start vxlan.pcap
  in_c ping -q -c 2 -i 0.2 192.168.77.2
  in_c curl -s -o /dev/null --local-port 40020 http://192.168.77.2:8080/
  cap_stop
  ip -n "$NS_C" link del vx42
  ip -n "$NS_S" link del vx42
}

rec_framed() {
  # The socket tutorials' framed protocol: a 4-byte big-endian length of a JSON header,
  # the header (with the body's length), then the body; several messages each way on one
  # connection. Each program saves exactly the bytes it sent next to the capture, so
  # `netlens follow --raw` can be checked byte for byte.
  cat > "$TMP/framed.js" <<'JS'
const net = require('net'), fs = require('fs');
const [mode, port, sentFile] = process.argv.slice(2);
function frame(header, body) {
  const h = Buffer.from(JSON.stringify({ ...header, 'content-length': body.length }));
  const len = Buffer.alloc(4); len.writeUInt32BE(h.length);
  return Buffer.concat([len, h, body]);
}
function reader(onMessage) {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 4) return;
      const hl = buf.readUInt32BE(0);
      if (buf.length < 4 + hl) return;
      const header = JSON.parse(buf.subarray(4, 4 + hl).toString());
      const total = 4 + hl + header['content-length'];
      if (buf.length < total) return;
      onMessage(header, buf.subarray(4 + hl, total));
      buf = buf.subarray(total);
    }
  };
}
const sent = [];
const send = (sock, header, body) => { const f = frame(header, body); sent.push(f); sock.write(f); };
if (mode === 'server') {
  const srv = net.createServer((sock) => {
    sock.on('data', reader((h, body) => send(sock, { action: 'reply', to: h.seq }, Buffer.from(body.toString().toUpperCase()))));
    sock.on('end', () => { sock.end(); fs.writeFileSync(sentFile, Buffer.concat(sent)); srv.close(); });
  }).listen(Number(port), '10.77.0.2');
} else {
  const sock = net.connect(Number(port), '10.77.0.2', async () => {
    const bodies = ['hello', 'a second message, a little longer', Buffer.alloc(3000, 'x').toString(), 'bye'];
    let got = 0;
    sock.on('data', reader(() => { if (++got === bodies.length) sock.end(); }));
    // Two messages in one write (the "sticky packet" case), then the rest one by one.
    const f0 = frame({ action: 'echo', seq: 0 }, Buffer.from(bodies[0])), f1 = frame({ action: 'echo', seq: 1 }, Buffer.from(bodies[1]));
    sent.push(f0, f1); sock.write(Buffer.concat([f0, f1]));
    for (let i = 2; i < bodies.length; i++) { await new Promise((r) => setTimeout(r, 50)); send(sock, { action: 'echo', seq: i }, Buffer.from(bodies[i])); }
  });
  sock.on('close', () => fs.writeFileSync(sentFile, Buffer.concat(sent)));
}
JS
  bg_s "$NODE" "$TMP/framed.js" server 9010 "$FIX/framed.server.bin"
  local spid=$LAST_PID
  wait_listen "$NS_S" tcp 9010
  cap_start framed.pcap
  in_c "$NODE" "$TMP/framed.js" client 9010 "$FIX/framed.client.bin"
  wait "$spid" || true
  cap_stop
}

# Multipath TCP (RFC 8684) between Python sockets (IPPROTO_MPTCP): the client's
# kernel opens a second subflow from a second address (10.77.0.3) with MP_JOIN,
# data goes both ways in DSS mappings, and the connection ends with DATA_FIN.
rec_mptcp() {
  cat > "$TMP/mptcp.py" <<'PY'
import socket, sys, time
IPPROTO_MPTCP = 262
mode, port = sys.argv[1], int(sys.argv[2])
if mode == 'server':
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('10.77.0.2', port)); ls.listen(1)
    c, _ = ls.accept()
    got = 0
    while True:
        b = c.recv(65536)
        if not b: break
        got += len(b)
    c.sendall(b'received %d bytes\n' % got)
    c.close(); ls.close()
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('10.77.0.1', 40030))
    s.connect(('10.77.0.2', port))
    time.sleep(0.5)  # the path manager adds the second subflow
    for i in range(8):
        s.sendall(bytes([65 + i]) * 2000); time.sleep(0.05)
    s.shutdown(socket.SHUT_WR)
    print(s.recv(100).decode().strip())
    s.close()
PY
  ip -n "$NS_C" addr add 10.77.0.3/24 dev "$IF_C"
  ip netns exec "$NS_C" sysctl -qw net.mptcp.enabled=1
  ip netns exec "$NS_S" sysctl -qw net.mptcp.enabled=1
  ip -n "$NS_C" mptcp limits set subflow 2 add_addr_accepted 2
  ip -n "$NS_S" mptcp limits set subflow 2 add_addr_accepted 2
  ip -n "$NS_C" mptcp endpoint add 10.77.0.3 dev "$IF_C" subflow
  bg_s "$PY" "$TMP/mptcp.py" server 9020
  local spid=$LAST_PID
  wait_listen "$NS_S" tcp 9020
  cap_start mptcp.pcap
  in_c "$PY" "$TMP/mptcp.py" client 9020
  wait "$spid" || true
  cap_stop
  ip -n "$NS_C" mptcp endpoint flush
  ip -n "$NS_C" addr del 10.77.0.3/24 dev "$IF_C"
}

main() {
  local sel=("$@")
  [[ ${#sel[@]} -eq 0 ]] && sel=("${ALL[@]}")
  write_helpers
  setup_namespaces
  local s
  for s in "${sel[@]}"; do
    s=${s%.pcap}
    declare -F "rec_${s//-/_}" >/dev/null || { echo "unknown scenario: $s" >&2; exit 1; }
    log "$s"
    "rec_${s//-/_}"
  done
  log "done; files in $FIX"
}

main "$@"
