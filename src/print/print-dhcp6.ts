/**
 * DHCPv6 as tcpdump 4.99.3 prints it (print-dhcp6.c), with the domain-name
 * printing it borrows from print-domain.c (fqdn_print) and util-print.c
 * (nd_printn, nd_printjnp). Without -v: the message type; with -v: the
 * transaction ID or relay addresses and every option dhcp6opt_print knows.
 *
 * Reading past the captured bytes is where tcpdump's GET_ macros longjmp out
 * of the whole printer: here the readers throw Cut and dhcp6Text ends the
 * text with ` [|dhcp6]`. tcpdump's local `goto trunc` (ND_TCHECK failures and
 * the length checks) print ` [|dhcp6]` and return to the caller, which goes on
 * printing; so do these.
 */
import { NdReader } from './nd-reader.js';
import { Cut } from './truncation.js';
import { hex2, hex8 } from './util.js';

/** dh6_msgtype_str */
const MSGTYPES: Record<number, string> = {
  1: 'solicit', 2: 'advertise', 3: 'request', 4: 'confirm', 5: 'renew',
  6: 'rebind', 7: 'reply', 8: 'release', 9: 'decline', 10: 'reconfigure',
  11: 'inf-req', 12: 'relay-fwd', 13: 'relay-reply', 14: 'leasequery',
  15: 'leasequery-reply',
};

/** dh6opt_str */
const OPTIONS: Record<number, string> = {
  1: 'client-ID', 2: 'server-ID', 3: 'IA_NA', 4: 'IA_TA', 5: 'IA_ADDR',
  6: 'option-request', 7: 'preference', 8: 'elapsed-time', 9: 'relay-message',
  11: 'authentication', 12: 'server-unicast', 13: 'status-code',
  14: 'rapid-commit', 15: 'user-class', 16: 'vendor-class',
  17: 'vendor-specific-info', 18: 'interface-ID', 19: 'reconfigure-message',
  20: 'reconfigure-accept', 21: 'SIP-servers-domain', 22: 'SIP-servers-address',
  23: 'DNS-server', 24: 'DNS-search-list', 25: 'IA_PD', 26: 'IA_PD-prefix',
  31: 'SNTP-servers', 32: 'lifetime', 27: 'NIS-server', 28: 'NIS+-server',
  29: 'NIS-domain-name', 30: 'NIS+-domain-name', 33: 'BCMCS-domain-name',
  34: 'BCMCS-server', 36: 'Geoconf-Civic', 37: 'Remote-ID', 38: 'Subscriber-ID',
  39: 'Client-FQDN', 40: 'PANA-agent', 41: 'POSIX-timezone',
  42: 'POSIX-tz-database', 43: 'Echo-request-option', 44: 'Lease-query',
  45: 'LQ-client-data', 46: 'Clt-time', 47: 'LQ-relay-data',
  48: 'LQ-client-link', 56: 'NTP-server', 64: 'AFTR-Name', 112: 'MUD-URL',
};

/** dh6opt_stcode_str */
const STATUS_CODES: Record<number, string> = {
  0: 'Success', 1: 'UnspecFail', 2: 'NoAddrsAvail', 3: 'NoBinding',
  4: 'NotOnLink', 5: 'UseMulticast', 6: 'NoPrefixAvail', 7: 'UnknownQueryType',
  8: 'MalformedQuery', 9: 'NotConfigured', 10: 'NotAllowed',
};

const DH6_RENEW = 5;
const DH6_INFORM_REQ = 11;
const DH6_RELAY_FORW = 12;
const DH6_RELAY_REPLY = 13;
const DH6_XIDMASK = 0x00ffffff;

// nameser.h
const MAXCDNAME = 255;
const TYPE_MASK = 0xc0;
const TYPE_INDIR = 0xc0;
const TYPE_RESERVED = 0x80;
const TYPE_EDNS0 = 0x40;
const TYPE_LABEL = 0x00;
const EDNS0_ELT_BITLABEL = 0x01;

/** tcpdump's netdissect_options, as far as this printer uses them: the reader (ndo_snapend is `end`) and ndo_vflag. */
class Nd extends NdReader {
  /** Relay messages being printed inside one another. */
  depth = 0;
  constructor(b: Buffer, end: number, readonly vflag: number) {
    super(b, end);
  }
}

/**
 * How many relay messages deep a message is printed (RFC 8415's HOP_COUNT_LIMIT
 * is 8 relays; a relay message nests one per hop). tcpdump recurses as long as
 * the bytes last; past this the printer stops at ` [|dhcp6]`.
 */
export const MAX_DHCP6_RELAY_DEPTH = 32;

/** nd_print_trunc */
function printTrunc(nd: Nd): void {
  nd.s += ' [|dhcp6]';
}

/** tok2str(dh6opt_str, "opt_%u", type) */
function optName(type: number): string {
  return OPTIONS[type] ?? `opt_${type}`;
}

/** dhcp6stcode */
function dhcp6stcode(code: number): string {
  return code > 255 ? 'INVALID code' : STATUS_CODES[code] ?? `code${code}`;
}

/** print-domain.c labellen: the length a label's first byte gives, or -1 (printing why, for a bad type). */
function labellen(nd: Nd, cp: number): number {
  if (!nd.ttest(cp, 1)) return -1;
  const i = nd.u1(cp);
  switch (i & TYPE_MASK) {
    case TYPE_EDNS0: {
      const elt = i & ~TYPE_MASK;
      if (elt !== EDNS0_ELT_BITLABEL) {
        nd.s += `<ELT ${elt}>`;
        return -1;
      }
      if (!nd.ttest(cp + 1, 1)) return -1;
      const bitlen = nd.u1(cp + 1) || 256;
      return Math.floor((bitlen + 7) / 8) + 1;
    }
    case TYPE_INDIR:
    case TYPE_LABEL:
      return i;
    default:
      nd.s += '<BAD LABEL TYPE>';
      return -1;
  }
}

/** print-domain.c blabel_print: an EDNS0 bit-string label as \[x…/bits]; null when its length byte was not captured. */
function blabelPrint(nd: Nd, cp: number): number | null {
  if (!nd.ttest(cp, 1)) return null;
  const bitlen = nd.u1(cp) || 256;
  const slen = Math.floor((bitlen + 3) / 4);
  const lim = cp + 1 + slen;
  nd.s += '\\[x';
  let bitp = cp + 1;
  let b = bitlen;
  for (; bitp < lim && b > 7; b -= 8, bitp++) nd.s += hex2(nd.u1(bitp));
  if (b > 4) {
    const tc = nd.u1(bitp);
    bitp++;
    nd.s += hex2(tc & (0xff << (8 - b)));
  } else if (b > 0) {
    const tc = nd.u1(bitp);
    bitp++;
    nd.s += (((tc >> 4) & 0x0f) & (0x0f << (4 - b))).toString(16);
  }
  nd.s += `/${bitlen}]`;
  return lim;
}

/**
 * print-domain.c fqdn_print: a domain name at cp, compression offsets
 * counted from bp; returns where the name ends, or null where tcpdump
 * returns NULL. print-dhcp6.c passes the option's end as bp, so offsets
 * point forward from there, and a name runs on to the capture's end, not
 * the option's: both as tcpdump does.
 */
function fqdnPrint(nd: Nd, cp: number, bp: number): number | null {
  let rp: number | null = null;
  let compress = false;
  let nameChars = 0;
  let l = labellen(nd, cp);
  if (l === -1) return null;
  if (!nd.ttest(cp, 1)) return null;
  let maxOffset = (cp - bp) >>> 0; // u_int, so a name before bp makes this huge
  let i = nd.u1(cp);
  cp++;
  if ((i & TYPE_MASK) !== TYPE_INDIR) {
    compress = false;
    rp = cp + l;
  }
  if (i !== 0) {
    while (i !== 0 && cp < nd.end) {
      switch (i & TYPE_MASK) {
        case TYPE_INDIR: {
          if (!compress) {
            rp = cp + 1;
            compress = true;
          }
          if (!nd.ttest(cp, 1)) return null;
          const offset = ((i << 8) | nd.u1(cp)) & 0x3fff;
          // Pointers must move backwards in the packet.
          if (offset >= maxOffset) {
            nd.s += '<BAD PTR>';
            return null;
          }
          maxOffset = offset;
          cp = bp + offset;
          if (!nd.ttest(cp, 1)) return null;
          i = nd.u1(cp);
          l = labellen(nd, cp);
          if (l === -1) return null;
          cp++;
          continue;
        }
        case TYPE_EDNS0: {
          const elt = i & ~TYPE_MASK;
          if (elt === EDNS0_ELT_BITLABEL) {
            if (blabelPrint(nd, cp) === null) return null;
          } else {
            nd.s += `<ELT ${elt}>`;
            return null;
          }
          break;
        }
        case TYPE_RESERVED:
          nd.s += '<BAD LABEL TYPE>';
          return null;
        default: // TYPE_LABEL
          if (nameChars + l <= MAXCDNAME) {
            if (nd.printn(cp, l, nd.end)) return null;
          } else if (nameChars < MAXCDNAME) {
            if (nd.printn(cp, MAXCDNAME - nameChars, nd.end)) return null;
          }
          nameChars += l;
          break;
      }
      cp += l;
      if (nameChars <= MAXCDNAME) nd.s += '.';
      nameChars++;
      if (!nd.ttest(cp, 1)) return null;
      i = nd.u1(cp);
      l = labellen(nd, cp);
      if (l === -1) return null;
      cp++;
      if (!compress) rp = rp! + l + 1;
    }
    if (nameChars > MAXCDNAME) nd.s += '<DOMAIN NAME TOO LONG>';
  } else {
    nd.s += '.';
  }
  return rp;
}

/** dhcp6opt_print: the options in [cp, ep), each as ` (name …)`. */
function dhcp6optPrint(nd: Nd, cp: number, ep: number): void {
  if (cp === ep) return;
  while (cp < ep) {
    if (ep < cp + 4) return printTrunc(nd);
    if (!nd.ttest(cp, 4)) return printTrunc(nd); // ND_TCHECK_SIZE(dh6o)
    const optlen = nd.u2(cp + 2);
    if (ep < cp + 4 + optlen) return printTrunc(nd);
    const opttype = nd.u2(cp);
    nd.s += ` (${optName(opttype)}`;
    if (!nd.ttest(cp + 4, optlen)) return printTrunc(nd);
    const tp = cp + 4;
    const optEnd = tp + optlen;
    if (!dhcp6optBody(nd, opttype, tp, optlen, optEnd)) return printTrunc(nd);
    cp = optEnd;
  }
}

/** The switch on the option type inside dhcp6opt_print; false where tcpdump does `goto trunc`. */
function dhcp6optBody(nd: Nd, opttype: number, tp: number, optlen: number, optEnd: number): boolean {
  switch (opttype) {
    case 1: // DH6OPT_CLIENTID
    case 2: // DH6OPT_SERVERID
      if (optlen < 2) {
        nd.s += ' ?)';
        break;
      }
      switch (nd.u2(tp)) {
        case 1:
          if (optlen >= 2 + 6) {
            nd.s += ` hwaddr/time type ${nd.u2(tp + 2)} time ${nd.u4(tp + 4)} `;
            nd.hex(tp + 8, tp + optlen);
            nd.s += ')';
          } else {
            nd.s += ' ?)';
          }
          break;
        case 2:
          if (optlen >= 2 + 8) {
            nd.s += ' vid ';
            nd.hex(tp + 2, tp + 2 + 8);
            nd.s += ')';
          } else {
            nd.s += ' ?)';
          }
          break;
        case 3:
          if (optlen >= 2 + 2) {
            nd.s += ` hwaddr type ${nd.u2(tp + 2)} `;
            nd.hex(tp + 4, tp + optlen);
            nd.s += ')';
          } else {
            nd.s += ' ?)';
          }
          break;
        default:
          nd.s += ` type ${nd.u2(tp)})`;
          break;
      }
      break;
    case 5: // DH6OPT_IA_ADDR
      if (optlen < 24) {
        nd.s += ' ?)';
        break;
      }
      nd.s += ` ${nd.ip6(tp)}`;
      nd.s += ` pltime:${nd.u4(tp + 16)} vltime:${nd.u4(tp + 20)}`;
      if (optlen > 24) dhcp6optPrint(nd, tp + 24, tp + optlen);
      nd.s += ')';
      break;
    case 6: // DH6OPT_ORO
    case 43: // DH6OPT_ERO
      if (optlen % 2) {
        nd.s += ' ?)';
        break;
      }
      for (let i = 0; i < optlen; i += 2) nd.s += ` ${optName(nd.u2(tp + i))}`;
      nd.s += ')';
      break;
    case 7: // DH6OPT_PREFERENCE
      if (optlen !== 1) {
        nd.s += ' ?)';
        break;
      }
      nd.s += ` ${nd.u1(tp)})`;
      break;
    case 8: // DH6OPT_ELAPSED_TIME
      if (optlen !== 2) {
        nd.s += ' ?)';
        break;
      }
      nd.s += ` ${nd.u2(tp)})`;
      break;
    case 9: { // DH6OPT_RELAY_MSG: the nested message sees the capture end at the option's end
      nd.s += ' (';
      if (nd.depth >= MAX_DHCP6_RELAY_DEPTH) throw new Cut();
      const snapendSave = nd.end;
      nd.end = Math.min(tp + optlen, nd.end);
      nd.depth++;
      dhcp6Print(nd, tp, optlen);
      nd.depth--;
      nd.end = snapendSave;
      nd.s += ')';
      break;
    }
    case 11: // DH6OPT_AUTH
      dhcp6Auth(nd, tp, optlen);
      break;
    case 14: // DH6OPT_RAPID_COMMIT
      nd.s += ')';
      break;
    case 18: // DH6OPT_INTERFACE_ID
    case 38: // DH6OPT_SUBSCRIBER_ID
      nd.s += ' ';
      nd.hex(tp, tp + Math.min(optlen, 10));
      nd.s += '...)';
      break;
    case 19: { // DH6OPT_RECONF_MSG
      if (optlen !== 1) {
        nd.s += ' ?)';
        break;
      }
      const reconfType = nd.u1(tp);
      if (reconfType === DH6_RENEW) nd.s += ' for renew)';
      else if (reconfType === DH6_INFORM_REQ) nd.s += ' for inf-req)';
      else nd.s += ` for ???(${hex2(reconfType)}))`;
      break;
    }
    case 20: // DH6OPT_RECONF_ACCEPT
      nd.s += ')';
      break;
    case 22: // DH6OPT_SIP_SERVER_A
    case 23: // DH6OPT_DNS_SERVERS
    case 31: // DH6OPT_SNTP_SERVERS
    case 27: // DH6OPT_NIS_SERVERS
    case 28: // DH6OPT_NISP_SERVERS
    case 34: // DH6OPT_BCMCS_SERVER_A
    case 40: // DH6OPT_PANA_AGENT
    case 48: // DH6OPT_LQ_CLIENT_LINK
      if (optlen % 16) {
        nd.s += ' ?)';
        break;
      }
      for (let i = 0; i < optlen; i += 16) nd.s += ` ${nd.ip6(tp + i)}`;
      nd.s += ')';
      break;
    case 21: // DH6OPT_SIP_SERVER_D
    case 24: { // DH6OPT_DOMAIN_LIST
      let p: number | null = tp;
      while (p < optEnd) {
        nd.s += ' ';
        p = fqdnPrint(nd, p, optEnd);
        if (p === null) return false;
      }
      nd.s += ')';
      break;
    }
    case 13: // DH6OPT_STATUS_CODE
      if (optlen < 2) {
        nd.s += ' ?)';
        break;
      }
      nd.s += ` ${dhcp6stcode(nd.u2(tp))})`;
      break;
    case 3: // DH6OPT_IA_NA
    case 25: // DH6OPT_IA_PD
      if (optlen < 12) {
        nd.s += ' ?)';
        break;
      }
      nd.s += ` IAID:${nd.u4(tp)} T1:${nd.u4(tp + 4)} T2:${nd.u4(tp + 8)}`;
      if (optlen > 12) dhcp6optPrint(nd, tp + 12, tp + optlen);
      nd.s += ')';
      break;
    case 4: // DH6OPT_IA_TA
      if (optlen < 4) {
        nd.s += ' ?)';
        break;
      }
      nd.s += ` IAID:${nd.u4(tp)}`;
      if (optlen > 4) dhcp6optPrint(nd, tp + 4, tp + optlen);
      nd.s += ')';
      break;
    case 26: // DH6OPT_IA_PD_PREFIX
      if (optlen < 25) {
        nd.s += ' ?)';
        break;
      }
      nd.s += ` ${nd.ip6(tp + 9)}/${nd.u1(tp + 8)}`;
      nd.s += ` pltime:${nd.u4(tp)} vltime:${nd.u4(tp + 4)}`;
      if (optlen > 25) dhcp6optPrint(nd, tp + 25, tp + optlen);
      nd.s += ')';
      break;
    case 32: // DH6OPT_LIFETIME
    case 46: // DH6OPT_CLT_TIME
      if (optlen !== 4) {
        nd.s += ' ?)';
        break;
      }
      nd.s += ` ${nd.u4(tp)})`;
      break;
    case 37: // DH6OPT_REMOTE_ID
      if (optlen < 4) {
        nd.s += ' ?)';
        break;
      }
      nd.s += ` ${nd.u4(tp)} `;
      nd.hex(tp + 4, tp + Math.min(optlen, 14));
      nd.s += '...)';
      break;
    case 44: { // DH6OPT_LQ_QUERY
      if (optlen < 17) {
        nd.s += ' ?)';
        break;
      }
      const queryType = nd.u1(tp);
      if (queryType === 1) nd.s += ' by-address';
      else if (queryType === 2) nd.s += ' by-clientID';
      else nd.s += ` type_${queryType}`;
      nd.s += ` ${nd.ip6(tp + 1)}`;
      if (optlen > 17) dhcp6optPrint(nd, tp + 17, tp + optlen);
      nd.s += ')';
      break;
    }
    case 45: // DH6OPT_CLIENT_DATA
      if (optlen > 0) dhcp6optPrint(nd, tp, tp + optlen);
      nd.s += ')';
      break;
    case 47: // DH6OPT_LQ_RELAY_DATA
      if (optlen < 16) {
        nd.s += ' ?)';
        break;
      }
      nd.s += ` ${nd.ip6(tp)} `;
      nd.hex(tp + 16, tp + Math.min(optlen, 26));
      nd.s += '...)';
      break;
    case 56: // DH6OPT_NTP_SERVER
      if (optlen < 4) {
        nd.s += ' ?)';
        break;
      }
      if (!dhcp6NtpServer(nd, tp, optEnd)) return false;
      nd.s += ')';
      break;
    case 64: // DH6OPT_AFTR_NAME
      if (optlen < 3) {
        nd.s += ' ?)';
        break;
      }
      dhcp6AftrName(nd, tp, optlen);
      nd.s += ')';
      break;
    case 41: // DH6OPT_NEW_POSIX_TIMEZONE
    case 42: // DH6OPT_NEW_TZDB_TIMEZONE
    case 112: // DH6OPT_MUDURL
      if (optlen < 5) {
        nd.s += ' ?)';
        break;
      }
      nd.s += ' ';
      nd.printjnp(tp, optlen);
      nd.s += ')';
      break;
    default:
      nd.s += ')';
      break;
  }
  return true;
}

/** dhcp6opt_print, case DH6OPT_AUTH */
function dhcp6Auth(nd: Nd, tp: number, optlen: number): void {
  if (optlen < 11) {
    nd.s += ' ?)';
    return;
  }
  const authProto = nd.u1(tp);
  if (authProto === 2) nd.s += ' proto: delayed';
  else if (authProto === 3) nd.s += ' proto: reconfigure';
  else nd.s += ` proto: ${authProto}`;
  tp++;
  const authAlg = nd.u1(tp);
  nd.s += authAlg === 1 ? ', alg: HMAC-MD5' : `, alg: ${authAlg}`;
  tp++;
  const authRdm = nd.u1(tp);
  nd.s += authRdm === 0 ? ', RDM: mono' : `, RDM: ${authRdm}`;
  tp++;
  nd.s += ', RD:';
  for (let i = 0; i < 4; i++, tp += 2) nd.s += ` ${nd.u2(tp).toString(16).padStart(4, '0')}`;

  // protocol dependent part
  const authinfolen = optlen - 11;
  switch (authProto) {
    case 2: { // DH6OPT_AUTHPROTO_DELAYED
      if (authinfolen === 0) break;
      if (authinfolen < 20) {
        nd.s += ' ??';
        break;
      }
      const authrealmlen = authinfolen - 20;
      if (authrealmlen > 0) nd.s += ', realm: ';
      for (let i = 0; i < authrealmlen; i++, tp++) nd.s += hex2(nd.u1(tp));
      nd.s += `, key ID: ${hex8(nd.u4(tp))}`;
      tp += 4;
      nd.s += ', HMAC-MD5:';
      for (let i = 0; i < 4; i++, tp += 4) nd.s += ` ${hex8(nd.u4(tp))}`;
      break;
    }
    case 3: { // DH6OPT_AUTHPROTO_RECONFIG
      if (authinfolen !== 17) {
        nd.s += ' ??';
        break;
      }
      const type = nd.u1(tp);
      if (type === 1) nd.s += ' reconfig-key';
      else if (type === 2) nd.s += ' type: HMAC-MD5';
      else nd.s += ' type: ??';
      tp++;
      nd.s += ' value:';
      for (let i = 0; i < 4; i++, tp += 4) nd.s += ` ${hex8(nd.u4(tp))}`;
      break;
    }
    default:
      nd.s += ' ??';
      break;
  }
  nd.s += ')';
}

/** dhcp6opt_print, case DH6OPT_NTP_SERVER: the suboptions; false where tcpdump does `goto trunc`. */
function dhcp6NtpServer(nd: Nd, tp: number, optEnd: number): boolean {
  while (tp < optEnd - 4) {
    const subCode = nd.u2(tp);
    tp += 2;
    const subLen = nd.u2(tp);
    tp += 2;
    if (tp + subLen > optEnd) return false;
    nd.s += ` subopt:${subCode}`;
    switch (subCode) {
      case 1: // DH6OPT_NTP_SUBOPTION_SRV_ADDR
      case 2: // DH6OPT_NTP_SUBOPTION_MC_ADDR
        if (subLen !== 16) {
          nd.s += ' ?';
          break;
        }
        nd.s += ` ${nd.ip6(tp)}`;
        break;
      case 3: // DH6OPT_NTP_SUBOPTION_SRV_FQDN
        nd.s += ' ';
        if (fqdnPrint(nd, tp, tp + subLen) === null) return false;
        break;
      default:
        nd.s += ' ?';
        break;
    }
    tp += subLen;
  }
  return true;
}

/** dhcp6opt_print, case DH6OPT_AFTR_NAME: RFC 1035 labels, joined by dots. */
function dhcp6AftrName(nd: Nd, tp: number, optlen: number): void {
  let remainLen = optlen;
  nd.s += ' ';
  while (remainLen && nd.u1(tp)) {
    const labelLen = nd.u1(tp);
    tp++;
    if (labelLen < remainLen - 1) {
      nd.printjnp(tp, labelLen);
      tp += labelLen;
      remainLen -= labelLen + 1;
      if (nd.u1(tp)) nd.s += '.';
    } else {
      nd.s += ' ?';
      break;
    }
  }
}

/** dhcp6_print: `dhcp6 <msgtype>`, and under -v the message's fields and options in parentheses. */
function dhcp6Print(nd: Nd, cp: number, length: number): void {
  nd.s += 'dhcp6';
  let ep = nd.end;
  if (cp + length < ep) ep = cp + length;
  if (!nd.ttest(cp, 4)) return printTrunc(nd); // ND_TCHECK_4(xid)
  const msgtype = nd.u1(cp);
  const name = MSGTYPES[msgtype] ?? `msgtype-${msgtype}`;
  if (!nd.vflag) {
    nd.s += ` ${name}`;
    return;
  }
  nd.s += ` ${name} (`;
  if (msgtype !== DH6_RELAY_FORW && msgtype !== DH6_RELAY_REPLY) {
    nd.s += `xid=${((nd.u4(cp) & DH6_XIDMASK) >>> 0).toString(16)}`;
    dhcp6optPrint(nd, cp + 4, ep);
  } else {
    nd.s += `linkaddr=${nd.ip6(cp + 2)}`;
    nd.s += ` peeraddr=${nd.ip6(cp + 18)}`;
    dhcp6optPrint(nd, cp + 34, ep);
  }
  nd.s += ')';
}

/**
 * What tcpdump 4.99.3 prints for a DHCPv6 message (UDP port 546 or 547),
 * from "dhcp6" on. b[off, capEnd) is what was captured of the UDP payload;
 * length is the payload's length by the UDP header; verbose counts -v.
 */
export function dhcp6Text(b: Buffer, off: number, capEnd: number, length: number, verbose: number): string {
  const nd = new Nd(b, Math.min(capEnd, b.length), verbose);
  try {
    dhcp6Print(nd, off, length);
  } catch (e) {
    if (!(e instanceof Cut)) throw e;
    printTrunc(nd);
  }
  return nd.s;
}
