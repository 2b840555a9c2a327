/**
 * A small seeded PRNG. Why not Math.random: every split, batch order and sampled negative must be the
 * same for the same seed, so a run can be reproduced, resumed and compared with another run.
 */

/** mulberry32: 32-bit state, good enough statistical quality for shuffling, and tiny. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Fisher–Yates, in place. */
export function shuffleInPlace<T>(items: { length: number; [i: number]: T }, rand: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    const t = items[i]
    items[i] = items[j]
    items[j] = t
  }
}

/** 0..n-1 in a seeded random order. */
export function permutation(n: number, rand: () => number): Int32Array {
  const p = new Int32Array(n)
  for (let i = 0; i < n; i++) p[i] = i
  shuffleInPlace(p, rand)
  return p
}
