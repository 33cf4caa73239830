/**
 * SNMP as tcpdump 4.99.3 prints it (print-snmp.c built without libsmi, and
 * with -n, so object identifiers print as numbers: `.1.3.6.1.2.1.1.1.0`; the
 * compiled-in MIB tree and the `E:`/`X:`/`S:` abbreviations are used by
 * tcpdump only without -n). The installed (Debian) tcpdump 4.99.3 is not
 * linked with libsmi (ldd shows none, --version names none); even a libsmi
 * build prints the same text unless a MIB module is loaded with -m, as
 * smi_print_variable/smi_print_value then fall back to asn1_print.
 *
 * Two ways of running out of bytes, as in tcpdump: a GET_ macro that reads past
 * the capture ends the whole packet with ` [|snmp]` (here: throw Cut, caught
 * in snmpText); an ND_TCHECK that fails jumps to the function's own `trunc`
 * label, which prints ` [|snmp]` and returns -1 to its caller, which returns
 * too, while the callers above it still print their closing `} ` under -v.
 *
 * Bytes from the packet reach the text only as tcpdump lets them: strings
 * that are all printable ASCII inside quotes (through printChar, as nd_printn
 * uses fn_print_char), everything else as numbers and hex.
 */
import { Cut, printUntilCut } from './truncation.js';
import { hex2, printChar } from './util.js';

/* Universal ASN.1 types (print-snmp.c Universal[]) */
const Universal = [
  'U-0', 'Boolean', 'Integer', 'Bitstring', 'String', 'Null', 'ObjID', 'ObjectDes',
  'U-8', 'U-9', 'U-10', 'U-11', 'U-12', 'U-13', 'U-14', 'U-15', 'Sequence', 'Set',
];
const INTEGER = 2, STRING = 4, ASN_NULL = 5, OBJECTID = 6, SEQUENCE = 16;
/* Application-wide types (Application[]) */
const Application = ['IpAddress', 'Counter', 'Gauge', 'TimeTicks', 'Opaque', 'C-5', 'Counter64'];
const IPADDR = 0, COUNTER = 1, GAUGE = 2, TIMETICKS = 3, COUNTER64 = 6;
/* Context-specific types: the PDUs (Context[]) */
const Context = ['GetRequest', 'GetNextRequest', 'GetResponse', 'SetRequest', 'Trap', 'GetBulk', 'Inform', 'V2Trap', 'Report'];
const GETREQ = 0, GETNEXTREQ = 1, GETRESP = 2, SETREQ = 3, TRAP = 4, GETBULKREQ = 5, INFORMREQ = 6, V2TRAP = 7, REPORT = 8;
/* Exceptions[] */
const Exceptions = ['noSuchObject', 'noSuchInstance', 'endOfMibView'];
const NOSUCHOBJECT = 0, NOSUCHINSTANCE = 1, ENDOFMIBVIEW = 2;
const Private = ['P-0'];
const ErrorStatus = [
  'noError', 'tooBig', 'noSuchName', 'badValue', 'readOnly', 'genErr', 'noAccess', 'wrongType',
  'wrongLength', 'wrongEncoding', 'wrongValue', 'noCreation', 'inconsistentValue', 'resourceUnavailable',
  'commitFailed', 'undoFailed', 'authorizationError', 'notWritable', 'inconsistentName',
];
const GenericTrap = ['coldStart', 'warmStart', 'linkDown', 'linkUp', 'authenticationFailure', 'egpNeighborLoss', 'enterpriseSpecific'];
const GT_ENTERPRISE = 6;
/*
 * Class[]: defineCLASS(x) is { "x", x, ... } — "x" is not stringified in ANSI C,
 * so every class is named "x" in tcpdump's messages ("[id?P/x/9]").
 */
const Class: { name: string; Id: string[] }[] = [
  { name: 'x', Id: Universal }, { name: 'x', Id: Application }, { name: 'x', Id: Context },
  { name: 'x', Id: Private }, { name: 'x', Id: Exceptions },
];
const UNIVERSAL = 0, APPLICATION = 1, CONTEXT = 2, EXCEPTIONS = 4;
const Form = ['Primitive', 'Constructed'];
const PRIMITIVE = 0;
const SnmpVersion = ['SNMPv1', 'SNMPv2c', 'SNMPv2u', 'SNMPv3'];
const SNMP_VERSION_1 = 0, SNMP_VERSION_2 = 1, SNMP_VERSION_3 = 3;

/* elem.type values (typed number: asn1_parse changes elem between checks, so no narrowing to literals) */
const BE_ANY: number = 255, BE_NULL: number = 1, BE_OCTET: number = 2, BE_OID: number = 3, BE_INT: number = 4,
  BE_UNS: number = 5, BE_STR: number = 6, BE_SEQ: number = 7, BE_INETADDR: number = 8, BE_PDU: number = 9,
  BE_UNS64: number = 10, BE_NOSUCHOBJECT: number = 128, BE_NOSUCHINST: number = 129, BE_ENDOFMIBVIEW: number = 130;

const OIDMUX = 40;
const ASNLEN_INETADDR = 4;

/** struct be: one decoded ASN.1 element (data is an offset into the packet, or the number). */
interface Be {
  asnlen: number;
  /** data.raw / data.str: where the contents start */
  raw: number;
  /** data.integer / data.uns */
  num: number;
  /** data.uns64 */
  uns64: bigint;
  id: number;
  form: number;
  cls: number;
  type: number;
}
const newBe = (): Be => ({ asnlen: 0, raw: 0, num: 0, uns64: 0n, id: 0, form: 0, cls: 0, type: BE_ANY });

/** DECODE_ErrorStatus: the name, or err=%u */
const decodeErrorStatus = (e: number): string => (e >= 0 && e < ErrorStatus.length ? ErrorStatus[e]! : `err=${e >>> 0}`);
/** DECODE_GenericTrap: the name, or gt=%d */
const decodeGenericTrap = (t: number): string => (t >= 0 && t < GenericTrap.length ? GenericTrap[t]! : `gt=${t}`);

class Snmp {
  s = '';
  constructor(readonly b: Buffer, readonly end: number, readonly vflag: number) {}

  /** ND_TTEST_LEN */
  ttest(p: number, n: number): boolean {
    return n >= 0 && p + n <= this.end;
  }
  /** GET_U_1: past the capture, longjmp (Cut) */
  u1(p: number): number {
    if (p < 0 || p >= this.end) throw new Cut();
    return this.b[p]!;
  }
  /** nd_print_trunc */
  trunc(): -1 {
    this.s += ' [|snmp]';
    return -1;
  }

  /** asn1_parse: decodes the element at p (of real length len) into elem; the bytes used, or -1 after printing why. */
  asn1_parse(p: number, len: number, elem: Be): number {
    elem.asnlen = 0;
    elem.type = BE_ANY;
    if (len < 1) {
      this.s += '[nothing to parse]';
      return -1;
    }
    let id = this.u1(p) & 0x1f;
    const form = (this.u1(p) & 0x20) >> 5;
    const cls = (this.u1(p) & 0xc0) >> 6;
    elem.form = form;
    elem.cls = cls;
    elem.id = id;
    p++; len--; let hdr = 1;
    if (id === 0x1f) {
      // extended tag field; id is a u_char, so it keeps its low 8 bits
      id = 0;
      while (this.u1(p) & 0x80) {
        if (len < 1) {
          this.s += '[Xtagfield?]';
          return -1;
        }
        id = ((id << 7) | (this.u1(p) & 0x7f)) & 0xff;
        len--; hdr++; p++;
      }
      if (len < 1) {
        this.s += '[Xtagfield?]';
        return -1;
      }
      elem.id = id = ((id << 7) | this.u1(p)) & 0xff;
      --len; ++hdr; ++p;
    }
    if (len < 1) {
      this.s += '[no asnlen]';
      return -1;
    }
    elem.asnlen = this.u1(p);
    p++; len--; hdr++;
    if (elem.asnlen & 0x80) {
      let noct = elem.asnlen % 0x80;
      elem.asnlen = 0;
      if (len < noct) {
        this.s += `[asnlen? ${len}<${noct}]`;
        return -1;
      }
      if (!this.ttest(p, noct)) return this.trunc();
      for (; noct !== 0; len--, hdr++, noct--) {
        elem.asnlen = ((elem.asnlen << 8) | this.u1(p)) >>> 0;
        p++;
      }
    }
    if (len < elem.asnlen) {
      this.s += `[len${len}<asnlen${elem.asnlen}]`;
      return -1;
    }
    // form is 0 or 1 and class 0..3: "[form?" and "[class?" cannot happen
    if (id >= Class[cls]!.Id.length) {
      this.s += `[id?${Form[form]![0]}/${Class[cls]!.name}/${id}]`;
      return -1;
    }
    if (!this.ttest(p, elem.asnlen)) return this.trunc();

    if (form === PRIMITIVE) {
      switch (cls) {
        case UNIVERSAL:
          switch (id) {
            case STRING:
              elem.type = BE_STR;
              elem.raw = p;
              break;
            case INTEGER: {
              elem.type = BE_INT;
              if (elem.asnlen === 0) {
                this.s += '[asnlen=0]';
                return -1;
              }
              let data = this.u1(p) & 0x80 ? -1 : 0;
              for (let i = elem.asnlen, q = p; i !== 0; q++, i--) data = (data << 8) | this.u1(q);
              elem.num = data;
              break;
            }
            case OBJECTID:
              elem.type = BE_OID;
              elem.raw = p;
              break;
            case ASN_NULL:
              elem.type = BE_NULL;
              break;
            default:
              elem.type = BE_OCTET;
              elem.raw = p;
              this.s += `[P/U/${Class[cls]!.Id[id]}]`;
              break;
          }
          break;
        case APPLICATION:
          switch (id) {
            case IPADDR:
              elem.type = BE_INETADDR;
              elem.raw = p;
              break;
            case COUNTER:
            case GAUGE:
            case TIMETICKS: {
              elem.type = BE_UNS;
              let data = 0;
              for (let i = elem.asnlen, q = p; i !== 0; q++, i--) data = ((data << 8) + this.u1(q)) >>> 0;
              elem.num = data;
              break;
            }
            case COUNTER64: {
              elem.type = BE_UNS64;
              let data64 = 0n;
              for (let i = elem.asnlen, q = p; i !== 0; q++, i--) data64 = ((data64 << 8n) + BigInt(this.u1(q))) & 0xffffffffffffffffn;
              elem.uns64 = data64;
              break;
            }
            default:
              elem.type = BE_OCTET;
              elem.raw = p;
              this.s += `[P/A/${Class[cls]!.Id[id]}]`;
              break;
          }
          break;
        case CONTEXT:
          switch (id) {
            case NOSUCHOBJECT: elem.type = BE_NOSUCHOBJECT; break;
            case NOSUCHINSTANCE: elem.type = BE_NOSUCHINST; break;
            case ENDOFMIBVIEW: elem.type = BE_ENDOFMIBVIEW; break;
          }
          break;
        default:
          this.s += `[P/${Class[cls]!.name}/${Class[cls]!.Id[id]}]`;
          elem.type = BE_OCTET;
          elem.raw = p;
          break;
      }
    } else {
      switch (cls) {
        case UNIVERSAL:
          if (id === SEQUENCE) {
            elem.type = BE_SEQ;
            elem.raw = p;
          } else {
            elem.type = BE_OCTET;
            elem.raw = p;
            this.s += `C/U/${Class[cls]!.Id[id]}`;
          }
          break;
        case CONTEXT:
          elem.type = BE_PDU;
          elem.raw = p;
          break;
        default:
          elem.type = BE_OCTET;
          elem.raw = p;
          this.s += `C/${Class[cls]!.name}/${Class[cls]!.Id[id]}`;
          break;
      }
    }
    return elem.asnlen + hdr;
  }

  /** asn1_print_octets: _xx for every byte */
  asn1_print_octets(elem: Be): number {
    const p = elem.raw;
    if (!this.ttest(p, elem.asnlen)) return this.trunc();
    for (let i = 0; i < elem.asnlen; i++) this.s += `_${hex2(this.u1(p + i))}`;
    return 0;
  }

  /** asn1_print_string: "quoted" when all printable, else xx_xx_… */
  asn1_print_string(elem: Be): number {
    const p = elem.raw;
    const asnlen = elem.asnlen;
    if (!this.ttest(p, asnlen)) return this.trunc();
    let printable = true;
    for (let i = 0; printable && i < asnlen; i++) {
      const c = this.u1(p + i);
      printable = c >= 0x20 && c <= 0x7e;
    }
    if (printable) {
      this.s += '"';
      // nd_printn: the bytes were checked above, so it never stops short
      for (let i = 0; i < asnlen; i++) this.s += printChar(this.u1(p + i));
      this.s += '"';
    } else {
      for (let i = 0; i < asnlen; i++) this.s += (i === 0 ? '' : '_') + hex2(this.u1(p + i));
    }
    return 0;
  }

  /** smi_decode_oid's walk as asn1_print's BE_OID case does it under -n: .a.b.c… (int arithmetic wraps as in C) */
  printOid(elem: Be): void {
    let o = 0, first = -1;
    for (let p = elem.raw, i = elem.asnlen; i !== 0; p++, i--) {
      o = ((o << 7) + (this.u1(p) & 0x7f)) | 0;
      if (this.u1(p) & 0x80) continue;
      if (first < 0) {
        first = 0;
        let s = (o / OIDMUX) | 0;
        if (s > 2) s = 2;
        this.s += `.${s >>> 0}`;
        o = (o - Math.imul(s, OIDMUX)) | 0;
      }
      this.s += `.${o >>> 0}`;
      if (--first < 0) first = 0;
      o = 0;
    }
  }

  /** asn1_print: the element's value as text; -1 after a truncation */
  asn1_print(elem: Be): number {
    const asnlen = elem.asnlen;
    switch (elem.type) {
      case BE_OCTET:
        if (this.asn1_print_octets(elem) === -1) return -1;
        break;
      case BE_NULL:
        break;
      case BE_OID:
        this.printOid(elem);
        break;
      case BE_INT:
        this.s += `${elem.num | 0}`;
        break;
      case BE_UNS:
        this.s += `${elem.num >>> 0}`;
        break;
      case BE_UNS64:
        this.s += `${elem.uns64}`;
        break;
      case BE_STR:
        if (this.asn1_print_string(elem) === -1) return -1;
        break;
      case BE_SEQ:
        this.s += `Seq(${asnlen})`;
        break;
      case BE_INETADDR: {
        if (asnlen !== ASNLEN_INETADDR) this.s += `[inetaddr len!=${ASNLEN_INETADDR}]`;
        const p = elem.raw;
        if (!this.ttest(p, asnlen)) return this.trunc();
        for (let i = 0; i < asnlen; i++) this.s += (i === 0 ? '' : '.') + this.u1(p + i);
        break;
      }
      case BE_NOSUCHOBJECT:
      case BE_NOSUCHINST:
      case BE_ENDOFMIBVIEW:
        this.s += `[${Class[EXCEPTIONS]!.Id[elem.id]}]`;
        break;
      case BE_PDU:
        this.s += `${Class[CONTEXT]!.Id[elem.id]}(${asnlen})`;
        break;
      case BE_ANY:
        this.s += '[BE_ANY!?]';
        break;
      default:
        this.s += '[be!?]';
        break;
    }
    return 0;
  }

  /**
   * asn1_parse of the next element, which must be of `type`: its length, or -1
   * when it does not parse or is of another type (then, as tcpdump does, `err`
   * and the element are printed and the caller stops).
   */
  expectElem(np: number, length: number, elem: Be, type: number, err: string): number {
    const count = this.asn1_parse(np, length, elem);
    if (count < 0) return -1;
    if (elem.type !== type) {
      this.s += err;
      this.asn1_print(elem);
      return -1;
    }
    return count;
  }

  /** varbind_print: the SEQUENCE OF varbinds, " name=value" each */
  varbind_print(pduid: number, np: number, length: number): void {
    const elem = newBe();
    let count = this.asn1_parse(np, length, elem);
    if (count < 0) return;
    if (elem.type !== BE_SEQ) {
      this.s += '[!SEQ of varbind]';
      this.asn1_print(elem);
      return;
    }
    if (count < length) this.s += `[${length - count} extra after SEQ of varbind]`;
    length = elem.asnlen;
    np = elem.raw;
    let status = 0;
    while (length) {
      this.s += ' ';
      if ((count = this.expectElem(np, length, elem, BE_SEQ, '[!varbind]')) < 0) return;
      const vbend = np + count;
      const vblength = length - count;
      length = elem.asnlen;
      np = elem.raw;
      /* objName (OID) */
      if ((count = this.expectElem(np, length, elem, BE_OID, '[objName!=OID]')) < 0) return;
      status = this.asn1_print(elem);
      if (status < 0) return;
      length -= count;
      np += count;
      if (pduid !== GETREQ && pduid !== GETNEXTREQ && pduid !== GETBULKREQ) this.s += '=';
      /* objVal (ANY) */
      if ((count = this.asn1_parse(np, length, elem)) < 0) return;
      if (pduid === GETREQ || pduid === GETNEXTREQ || pduid === GETBULKREQ) {
        if (elem.type !== BE_NULL) {
          this.s += '[objVal!=NULL]';
          if (this.asn1_print(elem) < 0) return;
        }
      } else {
        if (elem.type !== BE_NULL) status = this.asn1_print(elem);
        if (status < 0) return;
      }
      length = vblength;
      np = vbend;
    }
  }

  /** snmppdu_print: GetRequest, GetNextRequest, GetResponse, SetRequest, GetBulk, Inform, V2Trap, Report */
  snmppdu_print(pduid: number, np: number, length: number): void {
    const elem = newBe();
    let count: number;
    /* reqId (Integer) */
    if ((count = this.expectElem(np, length, elem, BE_INT, '[reqId!=INT]')) < 0) return;
    if (this.vflag) this.s += `R=${elem.num} `;
    length -= count;
    np += count;
    /* errorStatus (Integer) */
    if ((count = this.expectElem(np, length, elem, BE_INT, '[errorStatus!=INT]')) < 0) return;
    const strict = pduid === GETREQ || pduid === GETNEXTREQ || pduid === SETREQ
      || pduid === INFORMREQ || pduid === V2TRAP || pduid === REPORT;
    let error_status = 0;
    if (strict && elem.num !== 0) {
      this.s += `[errorStatus(${decodeErrorStatus(elem.num)})!=0]`;
    } else if (pduid === GETBULKREQ) {
      this.s += ` N=${elem.num}`;
    } else if (elem.num !== 0) {
      this.s += ` ${decodeErrorStatus(elem.num)}`;
      error_status = elem.num;
    }
    length -= count;
    np += count;
    /* errorIndex (Integer) */
    if ((count = this.expectElem(np, length, elem, BE_INT, '[errorIndex!=INT]')) < 0) return;
    if (strict && elem.num !== 0) {
      this.s += `[errorIndex(${elem.num})!=0]`;
    } else if (pduid === GETBULKREQ) {
      this.s += ` M=${elem.num}`;
    } else if (elem.num !== 0) {
      if (!error_status) this.s += `[errorIndex(${elem.num}) w/o errorStatus]`;
      else this.s += `@${elem.num}`;
    } else if (error_status) {
      this.s += '[errorIndex==0]';
    }
    length -= count;
    np += count;
    this.varbind_print(pduid, np, length);
  }

  /** trappdu_print: the SNMPv1 Trap-PDU */
  trappdu_print(np: number, length: number): void {
    const elem = newBe();
    let count: number;
    this.s += ' ';
    /* enterprise (oid) */
    if ((count = this.expectElem(np, length, elem, BE_OID, '[enterprise!=OID]')) < 0) return;
    if (this.asn1_print(elem) < 0) return;
    length -= count;
    np += count;
    this.s += ' ';
    /* agent-addr (inetaddr) */
    if ((count = this.expectElem(np, length, elem, BE_INETADDR, '[agent-addr!=INETADDR]')) < 0) return;
    if (this.asn1_print(elem) < 0) return;
    length -= count;
    np += count;
    /* generic-trap (Integer) */
    if ((count = this.expectElem(np, length, elem, BE_INT, '[generic-trap!=INT]')) < 0) return;
    const generic = elem.num;
    this.s += ` ${decodeGenericTrap(generic)}`;
    length -= count;
    np += count;
    /* specific-trap (Integer) */
    if ((count = this.expectElem(np, length, elem, BE_INT, '[specific-trap!=INT]')) < 0) return;
    if (generic !== GT_ENTERPRISE) {
      if (elem.num !== 0) this.s += `[specific-trap(${elem.num})!=0]`;
    } else {
      this.s += ` s=${elem.num}`;
    }
    length -= count;
    np += count;
    this.s += ' ';
    /* time-stamp (TimeTicks) */
    if ((count = this.expectElem(np, length, elem, BE_UNS, '[time-stamp!=TIMETICKS]')) < 0) return;
    if (this.asn1_print(elem) < 0) return;
    length -= count;
    np += count;
    this.varbind_print(TRAP, np, length);
  }

  /** pdu_print: any PDU, by its context tag */
  pdu_print(np: number, length: number, version: number): void {
    const pdu = newBe();
    const count = this.asn1_parse(np, length, pdu);
    if (count < 0) return;
    if (pdu.type !== BE_PDU) {
      this.s += '[no PDU]';
      return;
    }
    if (count < length) this.s += `[${length - count} extra after PDU]`;
    if (this.vflag) this.s += '{ ';
    if (this.asn1_print(pdu) < 0) return;
    this.s += ' ';
    length = pdu.asnlen;
    np = pdu.raw;
    if (version === SNMP_VERSION_1 && (pdu.id === GETBULKREQ || pdu.id === INFORMREQ || pdu.id === V2TRAP || pdu.id === REPORT)) {
      this.s += '[v2 PDU in v1 message]';
      return;
    }
    if (version === SNMP_VERSION_2 && pdu.id === TRAP) {
      this.s += '[v1 PDU in v2 message]';
      return;
    }
    switch (pdu.id) {
      case TRAP:
        this.trappdu_print(np, length);
        break;
      case GETREQ: case GETNEXTREQ: case GETRESP: case SETREQ:
      case GETBULKREQ: case INFORMREQ: case V2TRAP: case REPORT:
        this.snmppdu_print(pdu.id, np, length);
        break;
    }
    if (this.vflag) this.s += ' } ';
  }

  /** scopedpdu_print: SNMPv3 contextEngineID, contextName, PDU */
  scopedpdu_print(np: number, length: number, version: number): void {
    const elem = newBe();
    let count: number;
    if ((count = this.expectElem(np, length, elem, BE_SEQ, '[!scoped PDU]')) < 0) return;
    length = elem.asnlen;
    np = elem.raw;
    /* contextEngineID (OCTET STRING) */
    if ((count = this.expectElem(np, length, elem, BE_STR, '[contextEngineID!=STR]')) < 0) return;
    length -= count;
    np += count;
    this.s += 'E=';
    if (this.asn1_print_octets(elem) === -1) return;
    this.s += ' ';
    /* contextName (OCTET STRING) */
    if ((count = this.expectElem(np, length, elem, BE_STR, '[contextName!=STR]')) < 0) return;
    length -= count;
    np += count;
    this.s += 'C=';
    if (this.asn1_print_string(elem) === -1) return;
    this.s += ' ';
    this.pdu_print(np, length, version);
  }

  /** community_print: SNMPv1/v2c community, then the PDU */
  community_print(np: number, length: number, version: number): void {
    const elem = newBe();
    const count = this.asn1_parse(np, length, elem);
    if (count < 0) return;
    if (elem.type !== BE_STR) {
      this.s += '[comm!=STR]';
      this.asn1_print(elem);
      return;
    }
    // not the default community "public"
    const isPublic = elem.asnlen === 6 && this.b.toString('latin1', elem.raw, elem.raw + 6) === 'public';
    if (!isPublic) {
      this.s += 'C=';
      if (this.asn1_print_string(elem) === -1) return;
      this.s += ' ';
    }
    length -= count;
    np += count;
    this.pdu_print(np, length, version);
  }

  /** usm_print: SNMPv3 User-based Security Model parameters */
  usm_print(np: number, length: number): void {
    const elem = newBe();
    let count: number;
    if ((count = this.expectElem(np, length, elem, BE_SEQ, '[!usm]')) < 0) return;
    length = elem.asnlen;
    np = elem.raw;
    const step = (what: string, type: number): boolean => {
      if ((count = this.asn1_parse(np, length, elem)) < 0) return false;
      if (elem.type !== type) {
        this.s += `[${what}!=${type === BE_STR ? 'STR' : 'INT'}]`;
        this.asn1_print(elem);
        return false;
      }
      return true;
    };
    if (!step('msgAuthoritativeEngineID', BE_STR)) return;
    length -= count; np += count;
    if (!step('msgAuthoritativeEngineBoots', BE_INT)) return;
    if (this.vflag) this.s += `B=${elem.num} `;
    length -= count; np += count;
    if (!step('msgAuthoritativeEngineTime', BE_INT)) return;
    if (this.vflag) this.s += `T=${elem.num} `;
    length -= count; np += count;
    if (!step('msgUserName', BE_STR)) return;
    length -= count; np += count;
    this.s += 'U=';
    if (this.asn1_print_string(elem) === -1) return;
    this.s += ' ';
    if (!step('msgAuthenticationParameters', BE_STR)) return;
    length -= count; np += count;
    if (!step('msgPrivacyParameters', BE_STR)) return;
    length -= count; np += count;
    if (count < length) this.s += `[${length - count} extra after usm SEQ]`;
  }

  /** v3msg_print: SNMPv3 msgGlobalData, security parameters, scoped PDU */
  v3msg_print(np: number, length: number): void {
    const elem = newBe();
    let count: number;
    const xnp = np;
    const xlength = length;
    if ((count = this.expectElem(np, length, elem, BE_SEQ, '[!message]')) < 0) return;
    length = elem.asnlen;
    np = elem.raw;
    if (this.vflag) this.s += '{ ';
    const step = (what: string, type: number): boolean => {
      if ((count = this.asn1_parse(np, length, elem)) < 0) return false;
      if (elem.type !== type) {
        this.s += `[${what}!=${type === BE_STR ? 'STR' : 'INT'}]`;
        this.asn1_print(elem);
        return false;
      }
      return true;
    };
    if (!step('msgID', BE_INT)) return;
    length -= count; np += count;
    if (!step('msgMaxSize', BE_INT)) return;
    length -= count; np += count;
    if (!step('msgFlags', BE_STR)) return;
    if (elem.asnlen !== 1) {
      this.s += `[msgFlags size ${elem.asnlen | 0}]`;
      return;
    }
    const flags = this.u1(elem.raw);
    if (flags !== 0x00 && flags !== 0x01 && flags !== 0x03 && flags !== 0x04 && flags !== 0x05 && flags !== 0x07) {
      this.s += `[msgFlags=0x${hex2(flags).toUpperCase()}]`;
      return;
    }
    length -= count; np += count;
    this.s += `F=${flags & 1 ? 'a' : ''}${flags & 2 ? 'p' : ''}${flags & 4 ? 'r' : ''} `;
    if (!step('msgSecurityModel', BE_INT)) return;
    const model = elem.num;
    length -= count; np += count;
    if (count < length) this.s += `[${length - count} extra after message SEQ]`;
    if (this.vflag) this.s += '} ';
    if (model === 3) {
      if (this.vflag) this.s += '{ USM ';
    } else {
      this.s += `[security model ${model}]`;
      return;
    }
    length = xlength - (np - xnp);
    /* msgSecurityParameters (OCTET STRING) */
    if ((count = this.expectElem(np, length, elem, BE_STR, '[msgSecurityParameters!=STR]')) < 0) return;
    length -= count;
    np += count;
    this.usm_print(elem.raw, elem.asnlen);
    if (this.vflag) this.s += '} ';
    if (this.vflag) this.s += '{ ScopedPDU ';
    this.scopedpdu_print(np, length, 3);
    if (this.vflag) this.s += '} ';
  }

  /** snmp_print: the message header, then the v1/v2c or v3 printer */
  snmp_print(np: number, length: number): void {
    const elem = newBe();
    let count: number;
    this.s += ' ';
    if ((count = this.expectElem(np, length, elem, BE_SEQ, '[!init SEQ]')) < 0) return;
    if (count < length) this.s += `[${length - count} extra after iSEQ]`;
    length = elem.asnlen;
    np = elem.raw;
    /* Version (INTEGER) */
    if ((count = this.expectElem(np, length, elem, BE_INT, '[version!=INT]')) < 0) return;
    const version = elem.num;
    if (version === SNMP_VERSION_1 || version === SNMP_VERSION_2 || version === SNMP_VERSION_3) {
      if (this.vflag) this.s += `{ ${SnmpVersion[version]} `;
    } else {
      this.s += `SNMP [version = ${version}]`;
      return;
    }
    length -= count;
    np += count;
    if (version === SNMP_VERSION_3) this.v3msg_print(np, length);
    else this.community_print(np, length, version);
    if (this.vflag) this.s += '} ';
  }
}

/**
 * snmp_print: what tcpdump -nn prints for a UDP payload on port 161 or 162,
 * after "a.P > b.Q: ". b[off, capEnd) is the captured payload, `length` the
 * UDP payload length, verbose tcpdump's -v count.
 */
export function snmpText(b: Buffer, off: number, capEnd: number, length: number, verbose: number): string {
  const nd = new Snmp(b, Math.min(capEnd, b.length), verbose);
  return printUntilCut('snmp', nd, () => nd.snmp_print(off, length >>> 0));
}
