/** The command table: each command's module, loaded only when it runs. main.ts and the fuzzer's worker dispatch through it. */
import type { Options } from './args.js';

export type Command = (opts: Options) => Promise<number>;

/** Each command's module, loaded only when it runs (live capture loads the libpcap binding). */
export const COMMANDS: Record<string, (opts: Options) => Promise<Command>> = {
  read: async () => (await import('./read-command.js')).runRead,
  conns: async () => (await import('./conns-command.js')).runConns,
  arp: async () => (await import('./arp-command.js')).runArp,
  follow: async () => (await import('./follow-command.js')).runFollow,
  http: async () => (await import('./http-command.js')).runHttp,
  dns: async () => (await import('./dns-command.js')).runDns,
  ladder: async () => (await import('./ladder-command.js')).runLadder,
  graph: async () => (await import('./graph-command.js')).runGraph,
  slice: async () => (await import('./slice-command.js')).runSlice,
  capture: async (opts) => opts.top ? (await import('./top-command.js')).runTopCapture : (await import('./capture-command.js')).runCapture,
  interfaces: async () => (await import('./interfaces-command.js')).runInterfaces,
};

