/** The string sink (src/encode/sink.ts StringSink) under the name the tests have used. */
export { StringSink as MemoryOutput } from '../../src/encode/sink.js';
