/**
 * How unusual each row's characters are for this dataset: the mean surprisal (nats per character) of
 * the row under a character-bigram model of the dataset's own texts, interpolated with a unigram
 * model and add-one smoothed.
 *
 * Why: embedding models place content-free text (random strings, markup debris) near the middle of
 * their space and group off-language rows tightly together, so neighbourhood scores miss both (each
 * planted kind hides behind its own siblings). Character statistics see them at once, in any script,
 * and need no model. The anomaly ensemble combines this with the neighbourhood score.
 *
 * Cost: the model is trained on at most `sampleSize` rows (leave-one-out for those rows, so a row
 * never explains itself) and each row is scored on its first `maxChars` characters: linear in the
 * data, a few seconds per million short rows.
 */
import { type LongRunOptions, Ticker, sampleIndices, seededRandom } from './common'

export interface TextSurprisalOptions extends LongRunOptions {
  /** Rows the character model is trained on (default 50,000; all rows when fewer). */
  sampleSize?: number
  /** Characters of each row that are counted and scored (default 2,000). */
  maxChars?: number
  /** Weight of the bigram model against the unigram model (default 0.7). */
  lambda?: number
  seed?: number
}

const BOUNDARY = -1 // a virtual character before the first and after the last one

/** Code points of the row, lower-cased, cut to maxChars, with the boundary at both ends. */
function symbols(text: string, maxChars: number): number[] {
  const out = [BOUNDARY]
  for (const ch of text.toLowerCase()) {
    if (out.length > maxChars) break
    out.push(ch.codePointAt(0)!)
  }
  out.push(BOUNDARY)
  return out
}

// Code points are < 2^21, so (a + 1) * 2^22 + (b + 1) is a unique, safe-integer key for a bigram.
const pairKey = (a: number, b: number) => (a + 1) * 4_194_304 + (b + 1)

class CharModel {
  readonly unigram = new Map<number, number>()
  readonly bigram = new Map<number, number>()
  readonly context = new Map<number, number>()
  total = 0

  add(s: number[], sign: 1 | -1): void {
    for (let i = 0; i < s.length; i++) {
      this.unigram.set(s[i], (this.unigram.get(s[i]) ?? 0) + sign)
      this.total += sign
      if (i + 1 < s.length) {
        const key = pairKey(s[i], s[i + 1])
        this.bigram.set(key, (this.bigram.get(key) ?? 0) + sign)
        this.context.set(s[i], (this.context.get(s[i]) ?? 0) + sign)
      }
    }
  }

  /** Mean −log P over the row's transitions. */
  surprisal(s: number[], lambda: number): number {
    const vocab = this.unigram.size + 1 // + 1: room for a character the model has never seen
    let sum = 0
    for (let i = 0; i + 1 < s.length; i++) {
      const pu = ((this.unigram.get(s[i + 1]) ?? 0) + 1) / (this.total + vocab)
      const ctx = this.context.get(s[i]) ?? 0
      const pb = ctx > 0 ? (this.bigram.get(pairKey(s[i], s[i + 1])) ?? 0) / ctx : 0
      sum -= Math.log(lambda * pb + (1 - lambda) * pu)
    }
    return sum / (s.length - 1)
  }
}

export async function textSurprisal(texts: readonly string[], opts: TextSurprisalOptions = {}): Promise<Float32Array> {
  const n = texts.length
  const maxChars = opts.maxChars ?? 2_000
  const lambda = opts.lambda ?? 0.7
  const sampleSize = Math.min(n, opts.sampleSize ?? 50_000)
  const inSample = new Uint8Array(n)
  if (sampleSize === n) inSample.fill(1)
  else for (const i of sampleIndices(n, sampleSize, seededRandom(opts.seed ?? 42))) inSample[i] = 1

  const ticker = new Ticker(opts, n + sampleSize)
  const model = new CharModel()
  let seen = 0
  for (let i = 0; i < n; i++) {
    if (!inSample[i]) continue
    model.add(symbols(texts[i] ?? '', maxChars), 1)
    if ((++seen & 1023) === 0) await ticker.tick(seen)
  }
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const s = symbols(texts[i] ?? '', maxChars)
    if (inSample[i] && sampleSize > 1) {
      // leave-one-out: the row's own counts would make any text look familiar to itself
      model.add(s, -1)
      out[i] = model.surprisal(s, lambda)
      model.add(s, 1)
    } else {
      out[i] = model.surprisal(s, lambda)
    }
    if ((i & 1023) === 1023) await ticker.tick(sampleSize + i)
  }
  ticker.done()
  return out
}
