/**
 * Hand-built ARP frames (Ethernet II + RFC 826 for IPv4) for the ARP fixture
 * recording and the live ARP test. 42 bytes, as Linux sends them on a veth.
 */

/** "aa:bb:cc:dd:ee:ff" → 6 bytes. */
export function macBytes(mac) {
  const b = Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
  if (b.length !== 6) throw new Error(`bad MAC ${mac}`);
  return b;
}

/** "10.77.0.1" → 4 bytes. */
export function ipBytes(ip) {
  const b = Buffer.from(ip.split('.').map((d) => Number(d)));
  if (b.length !== 4) throw new Error(`bad IPv4 address ${ip}`);
  return b;
}

/**
 * op: 1 request, 2 reply. dst defaults to broadcast; tha to zeros.
 * @param {{op: 1|2, src: string, dst?: string, sha?: string, spa: string, tha?: string, tpa: string}} f
 */
export function arpFrame(f) {
  const b = Buffer.alloc(42);
  macBytes(f.dst ?? 'ff:ff:ff:ff:ff:ff').copy(b, 0);
  macBytes(f.src).copy(b, 6);
  b.writeUInt16BE(0x0806, 12);
  b.writeUInt16BE(1, 14); // Ethernet
  b.writeUInt16BE(0x0800, 16); // IPv4
  b[18] = 6;
  b[19] = 4;
  b.writeUInt16BE(f.op, 20);
  macBytes(f.sha ?? f.src).copy(b, 22);
  ipBytes(f.spa).copy(b, 28);
  macBytes(f.tha ?? '00:00:00:00:00:00').copy(b, 32);
  ipBytes(f.tpa).copy(b, 38);
  return b;
}

/** The crafted frames of fixtures/arp-crafted.pcap, for a client clientIp and a server (serverIp, serverMac). */
export function craftedFrames({ clientIp, serverIp, serverMac }) {
  return [
    // Gratuitous reply: another MAC claims the client's address → a conflict.
    arpFrame({ op: 2, src: '02:00:00:00:00:aa', spa: clientIp, tha: 'ff:ff:ff:ff:ff:ff', tpa: clientIp }),
    // RFC 5227 probe for 10.77.0.50 (sender IP 0.0.0.0), then its announcement (sender IP = target IP).
    arpFrame({ op: 1, src: '02:00:00:00:00:bb', spa: '0.0.0.0', tpa: '10.77.0.50' }),
    arpFrame({ op: 1, src: '02:00:00:00:00:bb', spa: '10.77.0.50', tpa: '10.77.0.50' }),
    // A reply nobody asked for, unicast to the server.
    arpFrame({ op: 2, src: '02:00:00:00:00:cc', dst: serverMac, spa: '10.77.0.70', tha: serverMac, tpa: serverIp }),
  ];
}
