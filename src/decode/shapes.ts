/**
 * V8 keeps a number field as a small integer until a value of 2^31 or more
 * arrives (sequence numbers, IPv4 addresses) or a fraction (an RTT); then it
 * gives the object a new shape and throws away every optimized function that
 * used the old one. On a capture that happens several times in the first few
 * thousand packets, each time costing a fresh round of optimization. Storing a
 * double once, in a throwaway instance when the module loads, fixes those
 * fields' representation before any code is optimized.
 */
export function settleFields<T extends object>(instance: T, values: Partial<Record<keyof T, unknown>>): void {
  const o = instance as Record<keyof T, unknown>;
  for (const k of Object.keys(values) as (keyof T)[]) o[k] = values[k];
}

/** A double that is not a small integer: a field given it is held as a double from then on. */
export const DOUBLE = 2 ** 32 - 0.5;
