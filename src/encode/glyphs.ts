/**
 * The few non-ASCII characters of the human views (→, µ, ×, …) and their
 * ASCII stand-ins (->, u, x, ...), for terminals whose locale is not UTF-8
 * (LANG=C, or no locale at all): the command line chooses once, at start, from
 * LC_ALL / LC_CTYPE / LANG, as the ladder view always has. The library and
 * the tests get Unicode unless they ask. JSON records are UTF-8 whatever the
 * locale (machine words there are ASCII already).
 */
export interface Glyphs {
  readonly ascii: boolean;
  readonly arrow: string;
  readonly micro: string;
  readonly times: string;
  readonly ellipsis: string;
  /** A break in a vertical line (the ladder's folded idle gaps). */
  readonly vdots: string;
}

export const UNICODE_GLYPHS: Glyphs = { ascii: false, arrow: '→', micro: 'µ', times: '×', ellipsis: '…', vdots: '⋮' };
export const ASCII_GLYPHS: Glyphs = { ascii: true, arrow: '->', micro: 'u', times: 'x', ellipsis: '...', vdots: ':' };

/** Unicode unless the locale says otherwise (no UTF-8 in the first of LC_ALL, LC_CTYPE, LANG that is set). */
export function localeIsUtf8(env: NodeJS.ProcessEnv = process.env): boolean {
  const loc = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(loc);
}

let current: Glyphs = UNICODE_GLYPHS;

/** The glyphs human views write now. */
export function glyphs(): Glyphs {
  return current;
}

/** Chosen once by the command line (main.ts) from the locale; the library may set it too. */
export function useGlyphs(g: Glyphs): void {
  current = g;
}
