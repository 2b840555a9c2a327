/**
 * The four pairwise scores mteb computes between row i of A and row i of B (STS and pair
 * classification): cosine, dot product, and negative/positive Manhattan and Euclidean distances.
 */
export interface PairScores {
  cosine: Float64Array
  dot: Float64Array
  manhattan: Float64Array
  euclidean: Float64Array
}

export function pairScores(A: Float32Array, B: Float32Array, d: number): PairScores {
  const n = A.length / d
  const out: PairScores = { cosine: new Float64Array(n), dot: new Float64Array(n), manhattan: new Float64Array(n), euclidean: new Float64Array(n) }
  for (let i = 0; i < n; i++) {
    let ab = 0
    let aa = 0
    let bb = 0
    let man = 0
    let euc = 0
    for (let t = 0; t < d; t++) {
      const a = A[i * d + t]
      const b = B[i * d + t]
      ab += a * b
      aa += a * a
      bb += b * b
      man += Math.abs(a - b)
      euc += (a - b) * (a - b)
    }
    out.cosine[i] = aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0
    out.dot[i] = ab
    out.manhattan[i] = man
    out.euclidean[i] = Math.sqrt(euc)
  }
  return out
}
