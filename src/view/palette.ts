/** Colours for human views: chalk on a TTY only, never with NO_COLOR. */
import { Chalk } from 'chalk';

export interface Palette {
  addr(s: string): string;
  flags(s: string): string;
  error(s: string): string;
  analysis(s: string): string;
  event(s: string): string;
  client(s: string): string;
  server(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  warn(s: string): string;
}

const plain = (s: string): string => s;

export const noColor: Palette = {
  addr: plain, flags: plain, error: plain, analysis: plain, event: plain,
  client: plain, server: plain, dim: plain, bold: plain, warn: plain,
};

export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Palette {
  if (!stream.isTTY || env.NO_COLOR !== undefined || env.TERM === 'dumb') return noColor;
  const c = new Chalk({ level: 1 });
  return {
    addr: plain,
    flags: (s) => c.cyan(s),
    error: (s) => c.red(s),
    analysis: (s) => c.yellow(s),
    event: (s) => c.magenta(s),
    client: (s) => c.green(s),
    server: (s) => c.blue(s),
    dim: (s) => c.dim(s),
    bold: (s) => c.bold(s),
    warn: (s) => c.red.bold(s),
  };
}
