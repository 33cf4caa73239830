/**
 * tcpdump's GET_ macros end a printer where the capture ends and print
 * ` [|proto]`. The longer printers here do the same: their field readers throw
 * Cut at the capture's end, and printUntilCut adds the tag to what was printed.
 */

/** Thrown where tcpdump's GET_ macros would find the capture's end. */
export class Cut extends Error {}

/** Runs `fields`, which appends to `out.s`; at a Cut, ends the text with ` [|tag]`. */
export function printUntilCut(tag: string, out: { s: string }, fields: () => void): string {
  try {
    fields();
  } catch (e) {
    if (!(e instanceof Cut)) throw e;
    out.s += ` [|${tag}]`;
  }
  return out.s;
}
