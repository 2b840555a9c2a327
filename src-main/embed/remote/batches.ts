/**
 * Splits texts into requests bounded by a text count and a token budget. The server's tokenizer is not
 * known here, so tokens are approximated as characters / 4 (OpenAI's rule of thumb for English; it
 * over-counts CJK a little, which only makes requests smaller).
 */
export function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4))
}

/** Index ranges [start, end) into `texts`, in order, each within both budgets (a lone oversize text is its own request). */
export function planBatches(texts: readonly string[], maxBatch: number, maxBatchTokens: number): [number, number][] {
  const out: [number, number][] = []
  let start = 0
  let tokens = 0
  for (let i = 0; i < texts.length; i++) {
    const t = approxTokens(texts[i])
    if (i > start && (i - start >= maxBatch || tokens + t > maxBatchTokens)) {
      out.push([start, i])
      start = i
      tokens = 0
    }
    tokens += t
  }
  if (start < texts.length) out.push([start, texts.length])
  return out
}
