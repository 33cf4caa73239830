/** Protocol numbers, named after their RFCs and registries. */

/** IEEE 802 EtherTypes (https://www.iana.org/assignments/ieee-802-numbers). */
export const EtherType = {
  IPv4: 0x0800,
  ARP: 0x0806,
  RARP: 0x8035, // RFC 903, ARP's format
  VLAN: 0x8100, // IEEE 802.1Q C-tag
  QinQ: 0x88a8, // IEEE 802.1ad S-tag
  QinQOld: 0x9100, // pre-standard double tagging
  IPv6: 0x86dd,
  MPLS: 0x8847, // RFC 3032 label stack, unicast
  MPLSMulticast: 0x8848,
  PPPoEDiscovery: 0x8863, // RFC 2516
  PPPoESession: 0x8864,
} as const;

/** IP protocol numbers (https://www.iana.org/assignments/protocol-numbers). */
export const IpProto = {
  HopByHop: 0,
  ICMP: 1,
  IGMP: 2,
  TCP: 6,
  UDP: 17,
  IPv6Route: 43,
  IPv6Frag: 44,
  ESP: 50,
  AH: 51,
  ICMPv6: 58,
  NoNext: 59,
  IPv6Opts: 60,
} as const;

/** TCP header flag bits (RFC 9293 §3.1, RFC 3168 for ECE/CWR). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  AE: 0x100, // formerly NS (RFC 3540), now AccECN
} as const;

/** ARP operation codes (RFC 826). */
export const ArpOp = {
  Request: 1,
  Reply: 2,
} as const;

/** Why decoding stopped early; `ok` when every layer present was decoded. */
export const DecodeStatus = {
  ok: 0,
  /** The capture holds fewer bytes than the headers need (snaplen or a short frame). */
  truncated: 1,
  /** A header field is impossible (bad version, length below minimum…). */
  malformed: 2,
  /** A link or network type netlens does not decode. */
  unsupported: 3,
} as const;
export type DecodeStatus = (typeof DecodeStatus)[keyof typeof DecodeStatus];
