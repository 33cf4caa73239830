/**
 * How far the JavaScript heap may grow past what is alive before the garbage
 * collector runs a full collection.
 *
 * V8 chooses the growth itself, up to four times the live size after each
 * full collection when collections are cheap and the machine has memory to
 * spare. What netlens keeps alive is bounded (the conversation table, up to
 * --max-conns; the ARP table; the views' bounded buffers: docs/bounds.md), but
 * a run over millions of conversations or addresses makes garbage of each one
 * it lets go, and with the default growth the peak RSS went well past the
 * live set (docs/bounds.md: 376 to 432 MB where 15 % gives under 300). 15 %
 * keeps the peak near the live set; the collections are incremental and
 * concurrent, and the bounds table (node bench/bounds.mjs) measures the time too.
 * The flag is read at each collection, so setting it here, before any work,
 * takes effect for the whole run. NETLENS_HEAP_GROWING_PERCENT=0 leaves V8's
 * own choice (for comparison).
 */
import { setFlagsFromString } from 'node:v8';

const percent = process.env.NETLENS_HEAP_GROWING_PERCENT ?? '15';
if (/^\d{1,3}$/.test(percent) && percent !== '0') setFlagsFromString(`--heap-growing-percent=${percent}`);
