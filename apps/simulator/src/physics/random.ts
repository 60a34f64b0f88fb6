/** Returns a uniformly distributed number in [0, 1), like Math.random. */
export type RandomSource = () => number;

/**
 * Mulberry32: tiny, fast and good enough for simulation noise. Seeded so a run (and a failing
 * test) can be reproduced exactly; not for anything security-related.
 */
export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A seed for the n-th independent stream of a run, so that adding a site does not change the
 * series of the sites before it.
 */
export function deriveSeed(seed: number, streamIndex: number): number {
  let mixed = (seed ^ Math.imul(streamIndex + 1, 0x9e3779b1)) >>> 0;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b) >>> 0;
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35) >>> 0;
  return (mixed ^ (mixed >>> 16)) >>> 0;
}

/** Standard normal sample (Box–Muller). */
export function standardNormal(random: RandomSource): number {
  // 1 - random() lies in (0, 1], so the logarithm is finite.
  const radius = Math.sqrt(-2 * Math.log(1 - random()));
  return radius * Math.cos(2 * Math.PI * random());
}

export function uniformBetween(random: RandomSource, minimum: number, maximum: number): number {
  return minimum + (maximum - minimum) * random();
}

/**
 * A 32-bit seed from a text (FNV-1a), so that a device's physical parameters follow from its id
 * and stay the same across restarts.
 */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
