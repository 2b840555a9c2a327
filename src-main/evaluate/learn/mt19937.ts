/**
 * The Mersenne Twister, seeded the way Python's `random.Random(seed)` and numpy's legacy
 * `np.random.RandomState(seed)` seed it, plus the few draws mteb's protocols make with them.
 *
 * Why replicate their generators: mteb picks the bootstrap samples of a clustering run with
 * `random.Random(42).choices(...)` and the training subsets of a classification run with
 * `RandomState(42).shuffle(...)`. Drawing the very same indices here means only the learner itself
 * (k-means, logistic regression) can differ from mteb, not which rows each experiment saw.
 */

const N = 624
const M = 397

export class MT19937 {
  private readonly mt = new Uint32Array(N)
  private mti = N + 1

  /** init_genrand: numpy's legacy seeding for an integer seed. */
  static fromInt(seed: number): MT19937 {
    const r = new MT19937()
    r.initGenrand(seed >>> 0)
    return r
  }

  /** init_by_array: Python's `random.seed(int)` (the integer's 32-bit words, low first). */
  static fromKey(key: number[]): MT19937 {
    const r = new MT19937()
    r.initGenrand(19650218)
    const mt = r.mt
    let i = 1
    let j = 0
    const len = Math.max(1, key.length)
    for (let k = Math.max(N, len); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30)
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + (key[j] ?? 0) + j) >>> 0
      i++
      j++
      if (i >= N) {
        mt[0] = mt[N - 1]
        i = 1
      }
      if (j >= len) j = 0
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30)
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0
      i++
      if (i >= N) {
        mt[0] = mt[N - 1]
        i = 1
      }
    }
    mt[0] = 0x80000000
    return r
  }

  private initGenrand(s: number): void {
    const mt = this.mt
    mt[0] = s >>> 0
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30)
      mt[i] = (Math.imul(prev, 1812433253) + i) >>> 0
    }
    this.mti = N
  }

  nextUint32(): number {
    const mt = this.mt
    if (this.mti >= N) {
      let kk = 0
      for (; kk < N - M; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff)
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff)
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
      }
      const y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff)
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
      this.mti = 0
    }
    let y = mt[this.mti++]
    y ^= y >>> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >>> 18
    return y >>> 0
  }

  /** genrand_res53: a double in [0, 1) with 53 random bits (Python's random(), numpy's random_sample()). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5
    const b = this.nextUint32() >>> 6
    return (a * 67108864 + b) / 9007199254740992
  }
}

/** Python's `random.Random(seed)` for a non-negative integer seed below 2^53. */
export function pythonRandom(seed: number): MT19937 {
  const key: number[] = []
  let s = Math.abs(Math.trunc(seed))
  do {
    key.push(s % 4294967296)
    s = Math.floor(s / 4294967296)
  } while (s > 0)
  return MT19937.fromKey(key)
}

/** Python's `rng.choices(range(n), k=k)`: floor(random() · n), k times (with replacement). */
export function pythonChoices(rng: MT19937, n: number, k: number): Int32Array {
  const out = new Int32Array(k)
  for (let i = 0; i < k; i++) out[i] = Math.floor(rng.nextDouble() * n)
  return out
}

/** numpy's legacy `random_interval(max)`: uniform in [0, max] by masked rejection. */
function randomInterval(rng: MT19937, max: number): number {
  if (max === 0) return 0
  let mask = max
  mask |= mask >>> 1
  mask |= mask >>> 2
  mask |= mask >>> 4
  mask |= mask >>> 8
  mask |= mask >>> 16
  mask >>>= 0
  let v: number
  do v = (rng.nextUint32() & mask) >>> 0
  while (v > max)
  return v
}

/** `np.random.RandomState(seed).shuffle(list)`: Fisher–Yates from the end, in place. */
export function numpyLegacyShuffle(rng: MT19937, x: number[] | Int32Array): void {
  for (let i = x.length - 1; i > 0; i--) {
    const j = randomInterval(rng, i)
    const t = x[i]
    x[i] = x[j]
    x[j] = t
  }
}
