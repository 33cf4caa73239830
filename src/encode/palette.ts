/**
 * Colours for human views: chalk on a TTY only, never with NO_COLOR. chalk is
 * loaded only when colour is used: output to a file or a pipe does not pay
 * for loading it (about 10 ms of a run's start).
 */

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

function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

let chalkModule: typeof import('chalk') | null = null;

/** Loads chalk when `stream` will get colour; paletteFor needs it loaded first (main does this). */
export async function loadPalette(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (chalkModule === null && wantsColour(stream, env)) chalkModule = await import('chalk');
}

export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Palette {
  if (!wantsColour(stream, env)) return noColor;
  if (chalkModule === null) throw new Error('paletteFor: call loadPalette() first');
  const c = new chalkModule.Chalk({ level: 1 });
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
