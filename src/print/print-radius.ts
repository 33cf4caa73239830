/**
 * RADIUS as tcpdump 4.99.3 prints it (print-radius.c, with the EAP messages
 * it hands to print-eap.c): the one-line summary without -v, and under -v the
 * header with its authenticator and every attribute on a line of its own,
 * decoded as radius_attrs_print and its attr_type[] table decode them; under
 * -vv each attribute's bytes follow in hex (print_unknown_data).
 *
 * Two ways of running out of bytes, as in tcpdump: a GET_ macro that reads past
 * the capture ends the whole packet with ` [|radius]` (here: throw Cut, caught
 * in radiusText); an ND_TCHECK that fails jumps to the function's own `trunc`
 * label, which prints ` [|radius]` and returns to the attribute loop, which
 * goes on (so a line can carry the tag more than once, as tcpdump's does).
 *
 * Bytes from the packet reach the text only as tcpdump lets them: attribute
 * strings with every byte outside 0x20..0x7e as '.', nd_printn/nd_printjnp
 * strings through fn_print_char (printChar), the rest as numbers and hex.
 *
 * Event-Timestamp is printed with ctime(), i.e. in the local time zone of the
 * process, like tcpdump does (NTP times are UTC, as p_ntp_time prints them).
 */
import { ipv6At } from '../encode/addr.js';
import { NdReader } from './nd-reader.js';
import { Cut, printUntilCut } from './truncation.js';
import { bittok2str, hex2, hexAndAscii, hexWithOffset, tok2str, type Tok } from './util.js';

const TRUNC = ' [|radius]';

/** The captured bytes and the text so far: GET_* readers throw Cut past the capture (longjmp). */
class Nd extends NdReader {
  /** nd_print_trunc, at a function's `trunc:` label */
  trunc(): void {
    this.s += TRUNC;
  }
}

const HEX2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
const pad2 = (n: number): string => String(n).padStart(2, '0');
/** ND_ASCII_ISPRINT(c) ? c : '.' */
const dotChar = (c: number): string => (c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '.');

// ---------------------------------------------------------------- tables

/** radius_command_values */
const RADIUS_COMMAND_VALUES: Tok = {
  1: 'Access-Request', 2: 'Access-Accept', 3: 'Access-Reject', 4: 'Accounting-Request', 5: 'Accounting-Response',
  11: 'Access-Challenge', 12: 'Status-Server', 13: 'Status-Client', 40: 'Disconnect-Request', 41: 'Disconnect-ACK',
  42: 'Disconnect-NAK', 43: 'CoA-Request', 44: 'CoA-ACK', 45: 'CoA-NAK', 255: 'Reserved',
};

/** rfc4675_tagged */
const RFC4675_TAGGED: Tok = { 0x31: 'Tagged', 0x32: 'Untagged' };

// The standard-value tables: index = value; a leading null where values start at 1.
const SERV_TYPE: (string | null)[] = [null, 'Login', 'Framed', 'Callback Login', 'Callback Framed', 'Outbound', 'Administrative', 'NAS Prompt', 'Authenticate Only', 'Callback NAS Prompt', 'Call Check', 'Callback Administrative', 'Voice', 'Fax', 'Modem Relay', 'IAPP-Register', 'IAPP-AP-Check', 'Authorize Only', 'Framed-Management', 'Additional-Authorization'];
const FRM_PROTO: (string | null)[] = [null, 'PPP', 'SLIP', 'ARAP', 'Gandalf proprietary', 'Xylogics IPX/SLIP', 'X.75 Synchronous', 'GPRS PDP Context'];
const FRM_ROUTING: (string | null)[] = ['None', 'Send', 'Listen', 'Send&Listen'];
const FRM_COMP: (string | null)[] = ['None', 'VJ TCP/IP', 'IPX', 'Stac-LZS'];
const LOGIN_SERV: (string | null)[] = ['Telnet', 'Rlogin', 'TCP Clear', 'PortMaster(proprietary)', 'LAT', 'X.25-PAD', 'X.25-T3POS', 'Unassigned', 'TCP Clear Quiet'];
const TERM_ACTION: (string | null)[] = ['Default', 'RADIUS-Request'];
const INGRESS_FILTERS: (string | null)[] = [null, 'Enabled', 'Disabled'];
const NAS_PORT_TYPE: (string | null)[] = ['Async', 'Sync', 'ISDN Sync', 'ISDN Async V.120', 'ISDN Async V.110', 'Virtual', 'PIAFS', 'HDLC Clear Channel', 'X.25', 'X.75', 'G.3 Fax', 'SDSL', 'ADSL-CAP', 'ADSL-DMT', 'ISDN-DSL', 'Ethernet', 'xDSL', 'Cable', 'Wireless - Other', 'Wireless - IEEE 802.11', 'Token-Ring', 'FDDI', 'Wireless - CDMA200', 'Wireless - UMTS', 'Wireless - 1X-EV', 'IAPP', 'FTTP', 'Wireless - IEEE 802.16', 'Wireless - IEEE 802.20', 'Wireless - IEEE 802.22', 'PPPoA', 'PPPoEoA', 'PPPoEoE', 'PPPoEoVLAN', 'PPPoEoQinQ', 'xPON', 'Wireless - XGP', 'WiMAX Pre-Release 8 IWK Function', 'WIMAX-WIFI-IWK', 'WIMAX-SFF', 'WIMAX-HA-LMA', 'WIMAX-DHCP', 'WIMAX-LBS', 'WIMAX-WVS'];
const ACCT_STATUS: (string | null)[] = [null, 'Start', 'Stop', 'Interim-Update', 'Unassigned', 'Unassigned', 'Unassigned', 'Accounting-On', 'Accounting-Off', 'Tunnel-Start', 'Tunnel-Stop', 'Tunnel-Reject', 'Tunnel-Link-Start', 'Tunnel-Link-Stop', 'Tunnel-Link-Reject', 'Failed'];
const ACCT_AUTH: (string | null)[] = [null, 'RADIUS', 'Local', 'Remote', 'Diameter'];
const ACCT_TERM: (string | null)[] = [null, 'User Request', 'Lost Carrier', 'Lost Service', 'Idle Timeout', 'Session Timeout', 'Admin Reset', 'Admin Reboot', 'Port Error', 'NAS Error', 'NAS Request', 'NAS Reboot', 'Port Unneeded', 'Port Preempted', 'Port Suspended', 'Service Unavailable', 'Callback', 'User Error', 'Host Request', 'Supplicant Restart', 'Reauthentication Failure', 'Port Reinitialized', 'Port Administratively Disabled', 'Lost Power'];
const TUNNEL_TYPE: (string | null)[] = [null, 'PPTP', 'L2F', 'L2TP', 'ATMP', 'VTP', 'AH', 'IP-IP', 'MIN-IP-IP', 'ESP', 'GRE', 'DVS', 'IP-in-IP Tunneling', 'VLAN'];
const TUNNEL_MEDIUM: (string | null)[] = [null, 'IPv4', 'IPv6', 'NSAP', 'HDLC', 'BBN 1822', '802', 'E.163', 'E.164', 'F.69', 'X.121', 'IPX', 'Appletalk', 'Decnet IV', 'Banyan Vines', 'E.164 with NSAP subaddress'];
const ARAP_ZONE: (string | null)[] = [null, 'Only access to dfl zone', 'Use zone filter inc.', 'Not used', 'Use zone filter exc.'];
const PROMPT: (string | null)[] = ['No Echo', 'Echo'];

/** errorcausetype */
const ERROR_CAUSE_TYPE: Tok = {
  201: 'Residual Session Context Removed', 202: 'Invalid EAP Packet (Ignored)', 401: 'Unsupported Attribute',
  402: 'Missing Attribute', 403: 'NAS Identification Mismatch', 404: 'Invalid Request', 405: 'Unsupported Service',
  406: 'Unsupported Extension', 407: 'Invalid Attribute Value', 501: 'Administratively Prohibited',
  502: 'Request Not Routable (Proxy)', 503: 'Session Context Not Found', 504: 'Session Context Not Removable',
  505: 'Other Proxy Processing Error', 506: 'Resources Unavailable', 507: 'Request Initiated',
  508: 'Multiple Session Selection Unsupported', 509: 'Location Info Required',
};

/** mip6_feature_vector: [high 32 bits, low 32 bits, name] */
const MIP6_FEATURE_VECTOR: [number, number, string][] = [
  [0, 0x00000001, 'MIP6_INTEGRATED'], [0, 0x00000002, 'LOCAL_HOME_AGENT_ASSIGNMENT'],
  [0x00000100, 0, 'PMIP6_SUPPORTED'], [0x00000200, 0, 'IP4_HOA_SUPPORTED'],
  [0x00000400, 0, 'LOCAL_MAG_ROUTING_SUPPORTED'], [0x00000800, 0, 'ASSIGN_LOCAL_IP'],
  [0x00001000, 0, 'MIP4_SUPPORTED'], [0x00002000, 0, 'OPTIMIZED_IDLE_MODE_MOBILITY'],
  [0x00004000, 0, 'GTPv2_SUPPORTED'], [0x00008000, 0, 'IP4_TRANSPORT_SUPPORTED'],
  [0x00010000, 0, 'IP4_HOA_ONLY_SUPPORTED'], [0x00020000, 0, 'INTER_MAG_ROUTING_SUPPORTED'],
];

/** operator_name_vector */
const OPERATOR_NAME_VECTOR: Tok = { 0x30: 'TADIG', 0x31: 'REALM', 0x32: 'E212', 0x33: 'ICC' };
/** location_information_code_vector */
const LOCATION_INFORMATION_CODE: Tok = { 0: 'Civic', 1: 'Geospatial' };
/** location_information_entity_vector */
const LOCATION_INFORMATION_ENTITY: Tok = { 0: 'User', 1: 'RADIUS' };
/** blpr_bm */
const BLPR_BM: [number, string][] = [
  [0x0001, 'MBZ-15'], [0x0002, 'MBZ-14'], [0x0004, 'MBZ-13'], [0x0008, 'MBZ-12'], [0x0010, 'MBZ-11'],
  [0x0020, 'MBZ-10'], [0x0040, 'MBZ-9'], [0x0080, 'MBZ-8'], [0x0100, 'MBZ-7'], [0x0200, 'MBZ-6'],
  [0x0400, 'MBZ-5'], [0x0800, 'MBZ-4'], [0x1000, 'MBZ-3'], [0x2000, 'MBZ-2'], [0x4000, 'MBZ-1'],
  [0x8000, 'Retransmission Allowed'],
];

/** smi_values (oui.c): the vendors of Vendor-Specific attributes. */
const SMI_VALUES: Tok = {
  0: 'IETF (reserved)', 5: 'ACC', 9: 'Cisco', 11: 'Hewlett Packard', 42: 'Sun Microsystems', 61: 'Merit', 74: 'AT&T',
  161: 'Motorola', 166: 'Shiva', 193: 'Ericsson AB', 255: 'Cisco VPN 5000', 307: 'Livingston', 311: 'Microsoft',
  429: '3Com', 529: 'Ascend', 1584: 'Bay Networks', 1991: 'Foundry', 2180: 'Versanet', 2352: 'Redback',
  2636: 'Juniper Networks', 2637: 'Aptis', 2937: 'Deutsche Telekom AG', 3054: 'Ixia Communications',
  3076: 'Cisco VPN 3000', 3085: 'CoSine Communications', 3224: 'Netscreen', 3199: 'Shasta', 3309: 'Nomadix',
  3414: 'T-Mobile', 3561: 'The Broadband Forum', 3902: 'ZTE', 4329: 'Siemens', 4491: 'CableLabs',
  4874: 'Unisphere Networks', 5263: 'Cisco BBSM', 5535: '3rd Generation Partnership Project 2 (3GPP2)',
  5806: 'SK Telecom', 5925: 'ipUnplugged', 5948: 'Issanni Communications', 5951: 'Netscaler', 6490: 'T-Mobile',
  6618: 'Quintum', 6728: 'Interlink', 7951: 'CNCTC', 8164: 'Starent Networks', 8744: 'Colubris', 10415: '3GPP',
  10529: 'Gemtek-Systems', 10704: 'Barracuda Networks', 10923: 'Ericsson AB - Packet Core Networks', 11665: 'dacom',
  11862: 'Columbia University', 12356: 'Fortinet', 12951: 'Verizon Wireless', 13745: 'Plixer', 14122: 'Wi-Fi Alliance',
  16787: 'T-Systems Nova', 20942: 'China Telecom - Guangzhou Research Institute', 26866: 'Gigamon Systems',
  32622: 'CACE Technologies', 35632: 'ntop', 46098: 'Ericsson Canada',
};

// Attribute codes print-radius.c treats specially.
const FRM_IPADDR = 8, LOG_IPHOST = 14, FRM_IPX = 23, SESSION_TIMEOUT = 27, IDLE_TIMEOUT = 28;
const FRM_ATALK_LINK = 37, FRM_ATALK_NETWORK = 38, ACCT_DELAY = 41, ACCT_SESSION_TIME = 46, EGRESS_VLAN_ID = 56;
const EGRESS_VLAN_NAME = 58, TUNNEL_TYPE_CODE = 64, TUNNEL_MEDIUM_CODE = 65, TUNNEL_CLIENT_END = 66;
const TUNNEL_SERVER_END = 67, TUNNEL_PASS = 69, ARAP_PASS = 70, ARAP_FEATURES = 71, EAP_MESSAGE = 79;
const TUNNEL_PRIV_GROUP = 81, TUNNEL_ASSIGN_ID = 82, TUNNEL_PREFERENCE = 83, ARAP_CHALLENGE_RESP = 84;
const ACCT_INT_INTERVAL = 85, TUNNEL_CLIENT_AUTH = 90, TUNNEL_SERVER_AUTH = 91, ERROR_CAUSE = 101;

type PrintFunc = (nd: Nd, data: number, length: number, code: number) => void;

interface AttrType {
  name: string | null;
  /** subtypes: the standard values, indexed by value */
  subtypes: (string | null)[] | null;
  /** first_subtype: the first standard value (0 or 1); values run to subtypes.length - 1 */
  first: number;
  print: PrintFunc | null;
}

// ---------------------------------------------------------------- attribute printers

/** print_attr_string */
function printAttrString(nd: Nd, data: number, length: number, code: number): void {
  if (!nd.ttest(data, length)) return nd.trunc();
  switch (code) {
    case TUNNEL_PASS:
      if (length < 3) return nd.trunc();
      if (nd.u1(data) && nd.u1(data) <= 0x1f) nd.s += `Tag[${nd.u1(data)}] `;
      else nd.s += 'Tag[Unused] ';
      data++; length--;
      nd.s += `Salt ${nd.u2(data)} `;
      data += 2; length -= 2;
      break;
    case TUNNEL_CLIENT_END: case TUNNEL_SERVER_END: case TUNNEL_PRIV_GROUP:
    case TUNNEL_ASSIGN_ID: case TUNNEL_CLIENT_AUTH: case TUNNEL_SERVER_AUTH:
      if (nd.u1(data) <= 0x1f) {
        if (length < 1) return nd.trunc();
        if (nd.u1(data)) nd.s += `Tag[${nd.u1(data)}] `;
        else nd.s += 'Tag[Unused] ';
        data++; length--;
      }
      break;
    case EGRESS_VLAN_NAME:
      if (length < 1) return nd.trunc();
      nd.s += `${tok2str(RFC4675_TAGGED, 'Unknown tag', nd.u1(data))} (0x${hex2(nd.u1(data))}) `;
      data++; length--;
      break;
    case EAP_MESSAGE:
      if (length < 1) return nd.trunc();
      eapPrint(nd, data, length);
      return;
  }
  for (let i = 0; i < length && nd.u1(data); i++, data++) nd.s += dotChar(nd.u1(data));
}

/** print_vendor_attr */
function printVendorAttr(nd: Nd, data: number, length: number): void {
  if (length < 4) return nd.trunc();
  const vendorId = nd.u4(data);
  data += 4; length -= 4;
  nd.s += `Vendor: ${tok2str(SMI_VALUES, 'Unknown', vendorId)} (${vendorId})`;
  while (length >= 2) {
    const vendorType = nd.u1(data);
    let vendorLength = nd.u1(data + 1);
    if (vendorLength < 2) {
      nd.s += `\n\t    Vendor Attribute: ${vendorType}, Length: ${vendorLength} (bogus, must be >= 2)`;
      return;
    }
    if (vendorLength > length) {
      nd.s += `\n\t    Vendor Attribute: ${vendorType}, Length: ${vendorLength} (bogus, goes past end of vendor-specific attribute)`;
      return;
    }
    data += 2; vendorLength -= 2; length -= 2;
    if (!nd.ttest(data, vendorLength)) return nd.trunc();
    nd.s += `\n\t    Vendor Attribute: ${vendorType}, Length: ${vendorLength}, Value: `;
    for (let idx = 0; idx < vendorLength; idx++, data++) nd.s += dotChar(nd.u1(data));
    length -= vendorLength;
  }
}

/** The %02d secs / min / hours form print_attr_num gives the time attributes. */
function timeoutText(timeout: number): string {
  if (timeout < 60) return `${pad2(timeout)} secs`;
  if (timeout < 3600) return `${pad2(Math.floor(timeout / 60))}:${pad2(timeout % 60)} min`;
  return `${pad2(Math.floor(timeout / 3600))}:${pad2(Math.floor((timeout % 3600) / 60))}:${pad2(timeout % 60)} hours`;
}

/** print_attr_num */
function printAttrNum(nd: Nd, data: number, length: number, code: number): void {
  if (length !== 4) {
    nd.s += `ERROR: length ${length} != 4`;
    return;
  }
  const t = ATTR_TYPE[code]!;
  if (t.subtypes) {
    let value: number;
    if (code === TUNNEL_TYPE_CODE || code === TUNNEL_MEDIUM_CODE) {
      if (!nd.u1(data)) nd.s += 'Tag[Unused] ';
      else nd.s += `Tag[${nd.u1(data)}] `;
      data++;
      value = nd.u3(data);
    } else {
      value = nd.u4(data);
    }
    if (value <= t.subtypes.length - 1 && value >= t.first) nd.s += t.subtypes[value]!;
    else nd.s += `#${value}`;
    return;
  }
  switch (code) {
    case FRM_IPX:
      if (nd.u4(data) === 0xfffffffe) nd.s += 'NAS Select';
      else nd.s += String(nd.u4(data));
      break;
    case SESSION_TIMEOUT: case IDLE_TIMEOUT: case ACCT_DELAY: case ACCT_SESSION_TIME: case ACCT_INT_INTERVAL:
      nd.s += timeoutText(nd.u4(data));
      break;
    case FRM_ATALK_LINK:
      nd.s += nd.u4(data) ? String(nd.u4(data)) : 'Unnumbered';
      break;
    case FRM_ATALK_NETWORK:
      nd.s += nd.u4(data) ? String(nd.u4(data)) : 'NAS assigned';
      break;
    case TUNNEL_PREFERENCE:
      if (nd.u1(data)) nd.s += `Tag[${nd.u1(data)}] `;
      else nd.s += 'Tag[Unused] ';
      data++;
      nd.s += String(nd.u3(data));
      break;
    case EGRESS_VLAN_ID:
      nd.s += `${tok2str(RFC4675_TAGGED, 'Unknown tag', nd.u1(data))} (0x${hex2(nd.u1(data))}) `;
      data++;
      nd.s += String(nd.u3(data));
      break;
    default:
      nd.s += String(nd.u4(data));
      break;
  }
}

/** print_attr_address */
function printAttrAddress(nd: Nd, data: number, length: number, code: number): void {
  if (length !== 4) {
    nd.s += `ERROR: length ${length} != 4`;
    return;
  }
  if (code === FRM_IPADDR || code === LOG_IPHOST) {
    if (nd.u4(data) === 0xffffffff) nd.s += 'User Selected';
    else if (nd.u4(data) === 0xfffffffe) nd.s += 'NAS Select';
    else nd.s += nd.ip4(data);
  } else {
    nd.s += nd.ip4(data);
  }
}

/** print_attr_address6 */
function printAttrAddress6(nd: Nd, data: number, length: number): void {
  if (length !== 16) {
    nd.s += `ERROR: length ${length} != 16`;
    return;
  }
  nd.s += nd.ip6(data);
}

/** print_attr_netmask6 */
function printAttrNetmask6(nd: Nd, data: number, length: number): void {
  if (length < 2 || length > 18) {
    nd.s += `ERROR: length ${length} not in range (2..18)`;
    return;
  }
  if (!nd.ttest(data, length)) return nd.trunc();
  const plen = nd.u1(data + 1);
  if (plen > 128) {
    nd.s += `ERROR: netmask ${plen} not in range (0..128)`;
    return;
  }
  const data2 = Buffer.alloc(16);
  if (length > 2) nd.b.copy(data2, 0, data + 2, data + length);
  nd.s += `${ipv6At(data2, 0)}/${plen}`;
  if (plen > 8 * (length - 2)) nd.s += ' (inconsistent prefix length)';
}

/** print_attr_mip6_home_link_prefix */
function printAttrMip6HomeLinkPrefix(nd: Nd, data: number, length: number): void {
  if (length !== 17) {
    nd.s += `ERROR: length ${length} != 17`;
    return;
  }
  if (!nd.ttest(data, length)) return nd.trunc();
  if (nd.u1(data) > 128) {
    nd.s += `ERROR: netmask ${nd.u1(data)} not in range (0..128)`;
    return;
  }
  nd.s += `${nd.ip6(data + 1)}/${nd.u1(data)}`;
}

/** print_attr_operator_name */
function printAttrOperatorName(nd: Nd, data: number, length: number): void {
  if (!nd.ttest(data, length)) return nd.trunc();
  if (length < 2) {
    nd.s += `ERROR: length ${length} < 2`;
    return;
  }
  const ns = nd.u1(data);
  data++;
  nd.s += `[${tok2str(OPERATOR_NAME_VECTOR, 'unknown namespace %u', ns)}] `;
  nd.printn(data, length - 1);
}

/** p_ntp_time (ntp.c): seconds.nanoseconds, then the UTC time when the seconds are not 0. */
function pNtpTime(nd: Nd, p: number): void {
  const i = nd.u4(p);
  const uf = nd.u4(p + 4);
  const f = Math.floor((uf / 4294967296) * 1000000000.0);
  nd.s += `${i}.${String(f).padStart(9, '0')}`;
  if (i) {
    const d = new Date((i - 2208988800) * 1000);
    const y = d.getUTCFullYear();
    const year = y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
    nd.s += ` (${year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}Z)`;
  }
}

/** print_attr_location_information */
function printAttrLocationInformation(nd: Nd, data: number, length: number): void {
  if (!nd.ttest(data, length)) return nd.trunc();
  if (length < 21) {
    nd.s += `ERROR: length ${length} < 21`;
    return;
  }
  const index = nd.u2(data);
  data += 2;
  const code = nd.u1(data);
  data++;
  const entity = nd.u1(data);
  data++;
  nd.s += `index ${index}, code ${tok2str(LOCATION_INFORMATION_CODE, 'Unknown (%u)', code)}, entity ${tok2str(LOCATION_INFORMATION_ENTITY, 'Unknown (%u)', entity)}, `;
  nd.s += 'sighting time ';
  pNtpTime(nd, data);
  nd.s += ', ';
  data += 8;
  nd.s += 'time to live ';
  pNtpTime(nd, data);
  nd.s += ', ';
  data += 8;
  nd.s += 'method "';
  nd.printn(data, length - 20);
  nd.s += '"';
}

/** print_attr_location_data */
function printAttrLocationData(nd: Nd, data: number, length: number): void {
  if (!nd.ttest(data, length)) return nd.trunc();
  if (length < 3) {
    nd.s += `ERROR: length ${length} < 3`;
    return;
  }
  const index = nd.u2(data);
  data += 2;
  nd.s += `index ${index}, location`;
  nd.s += hexAndAscii(nd.b, data, data + length - 2, '\n\t    '); // captured: checked above
}

/** print_basic_location_policy_rules */
function printBasicLocationPolicyRules(nd: Nd, data: number, length: number): void {
  if (!nd.ttest(data, length)) return nd.trunc();
  if (length < 10) {
    nd.s += `ERROR: length ${length} < 10`;
    return;
  }
  const flags = nd.u2(data);
  data += 2;
  nd.s += `flags [${bittok2str(BLPR_BM, 'none', flags)}], `;
  nd.s += 'retention expires ';
  pNtpTime(nd, data);
  data += 8;
  if (length > 10) {
    nd.s += ', note well "';
    nd.printn(data, length - 10);
    nd.s += '"';
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ctime() without its newline: the local time, as "Thu Jan  1 00:00:00 1970". */
function ctime24(secs: number): string {
  const d = new Date(secs * 1000);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${d.getFullYear()}`;
}

/** print_attr_time */
function printAttrTime(nd: Nd, data: number, length: number): void {
  if (length !== 4) {
    nd.s += `ERROR: length ${length} != 4`;
    return;
  }
  nd.s += ctime24(nd.u4(data));
}

/** print_attr_vector64 */
function printAttrVector64(nd: Nd, data: number, length: number): void {
  if (length !== 8) {
    nd.s += `ERROR: length ${length} != 8`;
    return;
  }
  nd.s += '[';
  if (!nd.ttest(data, 8)) throw new Cut(); // GET_BE_U_8
  const hi = nd.u4(data), lo = nd.u4(data + 4);
  let sep = '';
  for (const [h, l, name] of MIP6_FEATURE_VECTOR) {
    if ((hi & h) !== 0 || (lo & l) !== 0) {
      nd.s += sep + name;
      sep = ', ';
    }
  }
  nd.s += ']';
}

/** PRINT_HEX: n bytes as %02X. */
function printHex(nd: Nd, p: number, n: number): void {
  for (let i = 0; i < n; i++) nd.s += HEX2(nd.u1(p + i));
}

/** print_attr_strange */
function printAttrStrange(nd: Nd, data: number, length: number, code: number): void {
  switch (code) {
    case ARAP_PASS:
      if (length !== 16) {
        nd.s += `ERROR: length ${length} != 16`;
        return;
      }
      nd.s += 'User_challenge (';
      printHex(nd, data, 8);
      nd.s += ') User_resp(';
      printHex(nd, data + 8, 8);
      nd.s += ')';
      break;
    case ARAP_FEATURES:
      if (length !== 14) {
        nd.s += `ERROR: length ${length} != 14`;
        return;
      }
      nd.s += nd.u1(data) ? 'User can change password' : 'User cannot change password';
      data++;
      nd.s += `, Min password length: ${nd.u1(data)}`;
      data++;
      nd.s += ', created at: ';
      printHex(nd, data, 4);
      nd.s += ', expires in: ';
      printHex(nd, data + 4, 4);
      nd.s += ', Current Time: ';
      printHex(nd, data + 8, 4);
      break;
    case ARAP_CHALLENGE_RESP:
      if (length < 8) {
        nd.s += `ERROR: length ${length} != 8`;
        return;
      }
      printHex(nd, data, 8);
      break;
    case ERROR_CAUSE: {
      if (length !== 4) {
        nd.s += `Error: length ${length} != 4`;
        return;
      }
      const v = nd.u4(data);
      nd.s += `Error cause ${v}: ${tok2str(ERROR_CAUSE_TYPE, 'Error-Cause %u not known', v)}`;
      break;
    }
  }
}

// ---------------------------------------------------------------- EAP (print-eap.c)

/** eap_code_values */
const EAP_CODE_VALUES: Tok = { 1: 'Request', 2: 'Response', 3: 'Success', 4: 'Failure' };
/** eap_type_values */
const EAP_TYPE_VALUES: Tok = {
  0: 'No proposed', 1: 'Identity', 2: 'Notification', 3: 'Nak', 4: 'MD5-challenge', 5: 'OTP', 6: 'GTC', 13: 'TLS',
  18: 'SIM', 21: 'TTLS', 23: 'AKA', 43: 'FAST', 254: 'Expanded types', 255: 'Experimental',
};
/** eap_tls_flags_values */
const EAP_TLS_FLAGS_VALUES: [number, string][] = [[0x80, 'L bit'], [0x40, 'More fragments bit'], [0x20, 'Start bit']];
/** eap_aka_subtype_values */
const EAP_AKA_SUBTYPE_VALUES: Tok = {
  1: 'Challenge', 2: 'Auth reject', 4: 'Sync failure', 5: 'Identity', 10: 'Start', 11: 'Challenge',
  12: 'Notification', 13: 'Reauth', 14: 'Client error',
};

/** eap_print (print-eap.c), as print_attr_string calls it for EAP-Message. */
function eapPrint(nd: Nd, cp: number, length: number): void {
  const type = nd.u1(cp);
  const len = nd.u2(cp + 2);
  if (len !== length) {
    nd.s += 'EAP fragment?';
    return;
  }
  nd.s += `${tok2str(EAP_CODE_VALUES, 'unknown', type)} (${type}), id ${nd.u1(cp + 1)}, len ${len}`;
  if (len < 4) {
    nd.s += ' (too short for EAP header)';
    return;
  }
  if (!nd.ttest(cp, len)) return nd.trunc();
  if (type !== 1 && type !== 2) return;
  if (len < 5) {
    nd.s += ' (too short for EAP request/response)';
    return;
  }
  const subtype = nd.u1(cp + 4);
  nd.s += `\n\t\t Type ${tok2str(EAP_TYPE_VALUES, 'unknown', subtype)} (${subtype})`;
  switch (subtype) {
    case 1: // EAP_TYPE_IDENTITY
      if (len > 5) {
        nd.s += ', Identity: ';
        nd.printjnp(cp + 5, len - 5);
      }
      break;
    case 2: // EAP_TYPE_NOTIFICATION
      if (len < 6) {
        nd.s += ' (too short for EAP Notification request/response)';
        return;
      }
      nd.s += ', Notification: ';
      nd.printjnp(cp + 5, len - 5);
      break;
    case 3: { // EAP_TYPE_NAK
      if (len < 6) {
        nd.s += ' (too short for EAP Legacy NAK request/response)';
        return;
      }
      let sep = '';
      for (let count = 5; count < len; count++) {
        const t = nd.u1(cp + count);
        nd.s += `${sep} ${tok2str(EAP_TYPE_VALUES, 'unknown', t)} (${t})`;
        sep = ',';
      }
      break;
    }
    case 21: case 13: { // EAP_TYPE_TTLS, EAP_TYPE_TLS
      if (len < 6) {
        nd.s += ' (too short for EAP TLS/TTLS request/response)';
        return;
      }
      const flags = nd.u1(cp + 5);
      if (subtype === 21) nd.s += ` TTLSv${flags & 0x07}`;
      nd.s += ` flags [${bittok2str(EAP_TLS_FLAGS_VALUES, 'none', flags)}] 0x${hex2(flags)}`;
      if (flags & 0x80) {
        if (len < 10) {
          nd.s += ' (too short for EAP TLS/TTLS request/response with length)';
          return;
        }
        nd.s += `, len ${nd.u4(cp + 6)}`;
      }
      break;
    }
    case 43: { // EAP_TYPE_FAST
      if (len < 6) {
        nd.s += ' (too short for EAP FAST request/response)';
        return;
      }
      const flags = nd.u1(cp + 5);
      nd.s += ` FASTv${flags & 0x07}`;
      nd.s += ` flags [${bittok2str(EAP_TLS_FLAGS_VALUES, 'none', flags)}] 0x${hex2(flags)}`;
      if (flags & 0x80) {
        if (len < 10) {
          nd.s += ' (too short for EAP FAST request/response with length)';
          return;
        }
        nd.s += `, len ${nd.u4(cp + 6)}`;
      }
      break;
    }
    case 23: case 18: { // EAP_TYPE_AKA, EAP_TYPE_SIM
      if (len < 6) {
        nd.s += ' (too short for EAP SIM/AKA request/response)';
        return;
      }
      const st = nd.u1(cp + 5);
      nd.s += ` subtype [${tok2str(EAP_AKA_SUBTYPE_VALUES, 'unknown', st)}] 0x${hex2(st)}`;
      break;
    }
    default:
      break;
  }
}

// ---------------------------------------------------------------- attr_type[]

const S = printAttrString, N = printAttrNum, A = printAttrAddress, X = printAttrStrange;
const attr = (name: string | null, print: PrintFunc | null, subtypes: (string | null)[] | null = null, first = 0): AttrType =>
  ({ name, subtypes, first, print });

/** attr_type[]: name, standard values and printer of attribute types 0..129. */
const ATTR_TYPE: AttrType[] = [
  attr(null, null),
  attr('User-Name', S), attr('User-Password', null), attr('CHAP-Password', null), attr('NAS-IP-Address', A),
  attr('NAS-Port', N), attr('Service-Type', N, SERV_TYPE, 1), attr('Framed-Protocol', N, FRM_PROTO, 1),
  attr('Framed-IP-Address', A), attr('Framed-IP-Netmask', A),
  /* 10 */
  attr('Framed-Routing', N, FRM_ROUTING, 0), attr('Filter-Id', S), attr('Framed-MTU', N),
  attr('Framed-Compression', N, FRM_COMP, 0), attr('Login-IP-Host', A), attr('Login-Service', N, LOGIN_SERV, 0),
  attr('Login-TCP-Port', N), attr('Unassigned', null), attr('Reply-Message', S), attr('Callback-Number', S),
  /* 20 */
  attr('Callback-Id', S), attr('Unassigned', null), attr('Framed-Route', S), attr('Framed-IPX-Network', N),
  attr('State', S), attr('Class', S), attr('Vendor-Specific', printVendorAttr), attr('Session-Timeout', N),
  attr('Idle-Timeout', N), attr('Termination-Action', N, TERM_ACTION, 0),
  /* 30 */
  attr('Called-Station-Id', S), attr('Calling-Station-Id', S), attr('NAS-Identifier', S), attr('Proxy-State', S),
  attr('Login-LAT-Service', S), attr('Login-LAT-Node', S), attr('Login-LAT-Group', S),
  attr('Framed-AppleTalk-Link', N), attr('Framed-AppleTalk-Network', N), attr('Framed-AppleTalk-Zone', S),
  /* 40 */
  attr('Acct-Status-Type', N, ACCT_STATUS, 1), attr('Acct-Delay-Time', N), attr('Acct-Input-Octets', N),
  attr('Acct-Output-Octets', N), attr('Acct-Session-Id', S), attr('Acct-Authentic', N, ACCT_AUTH, 1),
  attr('Acct-Session-Time', N), attr('Acct-Input-Packets', N), attr('Acct-Output-Packets', N),
  attr('Acct-Terminate-Cause', N, ACCT_TERM, 1),
  /* 50 */
  attr('Acct-Multi-Session-Id', S), attr('Acct-Link-Count', N), attr('Acct-Input-Gigawords', N),
  attr('Acct-Output-Gigawords', N), attr('Unassigned', null), attr('Event-Timestamp', printAttrTime),
  attr('Egress-VLANID', N), attr('Ingress-Filters', N, INGRESS_FILTERS, 1), attr('Egress-VLAN-Name', S),
  attr('User-Priority-Table', null),
  /* 60 */
  attr('CHAP-Challenge', S), attr('NAS-Port-Type', N, NAS_PORT_TYPE, 0), attr('Port-Limit', N),
  attr('Login-LAT-Port', S), attr('Tunnel-Type', N, TUNNEL_TYPE, 1), attr('Tunnel-Medium-Type', N, TUNNEL_MEDIUM, 1),
  attr('Tunnel-Client-Endpoint', S), attr('Tunnel-Server-Endpoint', S), attr('Acct-Tunnel-Connection', S),
  attr('Tunnel-Password', S),
  /* 70 */
  attr('ARAP-Password', X), attr('ARAP-Features', X), attr('ARAP-Zone-Access', N, ARAP_ZONE, 1),
  attr('ARAP-Security', S), attr('ARAP-Security-Data', S), attr('Password-Retry', N), attr('Prompt', N, PROMPT, 0),
  attr('Connect-Info', S), attr('Configuration-Token', S), attr('EAP-Message', S),
  /* 80 */
  attr('Message-Authenticator', S), attr('Tunnel-Private-Group-ID', S), attr('Tunnel-Assignment-ID', S),
  attr('Tunnel-Preference', N), attr('ARAP-Challenge-Response', X), attr('Acct-Interim-Interval', N),
  attr('Acct-Tunnel-Packets-Lost', N), attr('NAS-Port-Id', S), attr('Framed-Pool', S), attr('CUI', S),
  /* 90 */
  attr('Tunnel-Client-Auth-ID', S), attr('Tunnel-Server-Auth-ID', S), attr('NAS-Filter-Rule', S),
  attr('Unassigned', null), attr('Originating-Line-Info', null), attr('NAS-IPv6-Address', printAttrAddress6),
  attr('Framed-Interface-ID', null), attr('Framed-IPv6-Prefix', printAttrNetmask6),
  attr('Login-IPv6-Host', printAttrAddress6), attr('Framed-IPv6-Route', S),
  /* 100 */
  attr('Framed-IPv6-Pool', S), attr('Error-Cause', X), attr('EAP-Key-Name', null), attr('Digest-Response', S),
  attr('Digest-Realm', S), attr('Digest-Nonce', S), attr('Digest-Response-Auth', S), attr('Digest-Nextnonce', S),
  attr('Digest-Method', S), attr('Digest-URI', S),
  /* 110 */
  attr('Digest-Qop', S), attr('Digest-Algorithm', S), attr('Digest-Entity-Body-Hash', S), attr('Digest-CNonce', S),
  attr('Digest-Nonce-Count', S), attr('Digest-Username', S), attr('Digest-Opaque', S), attr('Digest-Auth-Param', S),
  attr('Digest-AKA-Auts', S), attr('Digest-Domain', S),
  /* 120 */
  attr('Digest-Stale', S), attr('Digest-HA1', S), attr('SIP-AOR', S), attr('Delegated-IPv6-Prefix', printAttrNetmask6),
  attr('MIP6-Feature-Vector', printAttrVector64), attr('MIP6-Home-Link-Prefix', printAttrMip6HomeLinkPrefix),
  attr('Operator-Name', printAttrOperatorName), attr('Location-Information', printAttrLocationInformation),
  attr('Location-Data', printAttrLocationData), attr('Basic-Location-Policy-Rules', printBasicLocationPolicyRules),
];

// ---------------------------------------------------------------- the packet

/** print_unknown_data with the bytes the capture holds (hex_print). */
function printUnknownData(nd: Nd, cp: number, indent: string, len: number): void {
  if (cp > nd.end) {
    nd.s += `${indent}Dissector error: print_unknown_data called with pointer past end of packet`;
    return;
  }
  const n = Math.min(len, nd.end - cp);
  nd.s += hexWithOffset(nd.b, cp, cp + n, indent);
}

/** radius_attrs_print */
function radiusAttrsPrint(nd: Nd, p: number, length: number, verbose: number): void {
  while (length > 0) {
    if (length < 2 || !nd.ttest(p, 2)) return nd.trunc();
    const type = nd.u1(p);
    const len = nd.u1(p + 1);
    const t = type < ATTR_TYPE.length ? ATTR_TYPE[type]! : null;
    const name = type !== 0 && t ? t.name! : 'Unknown';
    nd.s += `\n\t  ${name} Attribute (${type}), length: ${len}`;
    if (len < 2) {
      nd.s += ' (bogus, must be >= 2)';
      return;
    }
    if (len > length) {
      nd.s += ' (bogus, goes past end of packet)';
      return;
    }
    nd.s += ', Value: ';
    if (t && len > 2 && t.print) t.print(nd, p + 2, len - 2, type);
    if (verbose > 1) printUnknownData(nd, p + 2, '\n\t    ', len - 2);
    length -= len;
    p += len;
  }
}

/** radius_print */
function radiusPrint(nd: Nd, dat: number, length: number, verbose: number): void {
  if (!nd.ttest(dat, 20)) return nd.trunc();
  let len = nd.u2(dat + 2);
  if (len < 20) return nd.trunc();
  if (len > length) len = length;
  const code = nd.u1(dat);
  const cmd = tok2str(RADIUS_COMMAND_VALUES, 'Unknown Command', code);
  if (verbose < 1) {
    nd.s += `RADIUS, ${cmd} (${code}), id: 0x${hex2(nd.u1(dat + 1))} length: ${len}`;
    return;
  }
  nd.s += `RADIUS, length: ${len}\n\t${cmd} (${code}), id: 0x${hex2(nd.u1(dat + 1))}, Authenticator: `;
  for (let i = 0; i < 16; i++) nd.s += hex2(nd.u1(dat + 4 + i));
  if (len > 20) radiusAttrsPrint(nd, dat + 20, len - 20, verbose);
}

/**
 * What tcpdump 4.99.3 prints for a UDP payload on a RADIUS port (radius_print):
 * the text after "a.1812 > b.40000: ". b[off, capEnd) holds the captured
 * payload, `length` is the UDP payload length (it may run past capEnd), and
 * `verbose` is the number of -v flags.
 */
export function radiusText(b: Buffer, off: number, capEnd: number, length: number, verbose: number): string {
  const nd = new Nd(b, Math.max(off, Math.min(capEnd, b.length)));
  return printUntilCut('radius', nd, () => radiusPrint(nd, off, Math.max(0, length), verbose));
}
