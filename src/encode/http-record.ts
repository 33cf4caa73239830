/**
 * The `http --json` record (shared/spec/CONTRACT.md), written straight into
 * the sink: the one writer of its fields, with no record object and no string
 * per transaction. httpRecord() is the same writer over a StringSink, parsed,
 * for those that want the object.
 */
import type { HttpTransaction } from '../track/http.js';
import type { HttpRecord } from './records.js';
import { type ByteSink, StringSink } from './sink.js';
import { writeSeconds, writeTsString } from './time.js';

/**
 * A JSON string as JSON.stringify writes it; ASCII without quotes, backslashes
 * or control bytes is written as it is. The caller has reserved 6 bytes a
 * character: JSON.stringify's longest escape (\uXXXX), or 3 bytes of UTF-8.
 */
export function writeJsonString(out: ByteSink, s: string | null): void {
  if (s === null) { out.ascii('null'); return; }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) { out.utf8(JSON.stringify(s)); return; }
  }
  out.byte(34); out.ascii(s); out.byte(34);
}

/** A time stamp as a JSON string. */
function writeTs(out: ByteSink, sec: number, nsec: number): void {
  out.byte(34); writeTsString(out, sec, nsec); out.byte(34);
}

/** One `http --json` record and its newline; `communityId` is its conversation's (encode/community-id.ts). */
export function writeHttpJson(out: ByteSink, connId: number, t: HttpTransaction, communityId: string): void {
  const hasReq = t.requestSec >= 0, hasResp = t.responseSec >= 0;
  out.reserve(576 + 6 * ((t.method?.length ?? 0) + (t.uri?.length ?? 0) + (t.host?.length ?? 0)));
  out.ascii('{"type":"http","conn":'); out.dec(connId);
  out.ascii(',"communityId":"'); out.ascii(communityId); out.byte(34); // base64: nothing to escape
  out.ascii(',"method":'); writeJsonString(out, t.method);
  out.ascii(',"uri":'); writeJsonString(out, t.uri);
  out.ascii(',"host":'); writeJsonString(out, t.host);
  out.ascii(',"status":'); if (t.status === null) out.ascii('null'); else out.dec(t.status);
  out.ascii(',"requestTs":'); if (hasReq) writeTs(out, t.requestSec, t.requestNsec); else out.ascii('null');
  out.ascii(',"responseTs":'); if (hasResp) writeTs(out, t.responseSec, t.responseNsec); else out.ascii('null');
  out.ascii(',"latency":');
  if (hasReq && hasResp) writeSeconds(out, (t.responseSec - t.requestSec) + (t.responseNsec - t.requestNsec) / 1e9);
  else out.ascii('null');
  const hasEnd = t.responseEndSec >= 0;
  out.ascii(',"responseEndTs":'); if (hasEnd) writeTs(out, t.responseEndSec, t.responseEndNsec); else out.ascii('null');
  out.ascii(',"ttlb":');
  if (hasReq && hasEnd) writeSeconds(out, (t.responseEndSec - t.requestSec) + (t.responseEndNsec - t.requestNsec) / 1e9);
  else out.ascii('null');
  out.ascii(',"requestBodyBytes":'); out.dec(t.requestBodyBytes);
  out.ascii(',"responseBodyBytes":'); out.dec(t.responseBodyBytes);
  if (t.gapBytes > 0) { out.ascii(',"gapBytes":'); out.dec(t.gapBytes); }
  out.byte(125);
  out.endLine();
}

const recordSink = new StringSink();

/** The record writeHttpJson writes, as an object (tests and tables; requestTs is null when the request was not captured). */
export function httpRecord(connId: number, t: HttpTransaction, communityId: string): HttpRecord {
  writeHttpJson(recordSink, connId, t, communityId);
  return JSON.parse(recordSink.take()) as HttpRecord;
}
