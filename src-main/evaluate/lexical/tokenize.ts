/**
 * The tokenizer of the lexical baselines, written to work on Chinese, Japanese and Korean without a
 * segmenter: NFKC + lower case, then words of two or more letters/digits (bm25s's default
 * `\b\w\w+\b`) for spaced scripts, and single characters for runs of Han, kana and Hangul — what mteb's
 * own BM25 baseline does for those languages (its "char" tokenizer for zho/cmn/jpn/kor). No stemming
 * or stop words: they are language-specific and the baseline must not need a language setting.
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u
const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{N}_]+/gu

export function isCjkChar(ch: string): boolean {
  return CJK.test(ch)
}

/** Word tokens (≥ 2 characters) and CJK single characters, in text order. */
export function lexicalTokens(text: string): string[] {
  const out: string[] = []
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(TOKEN)) {
    const t = m[0]
    if (t.length >= 2 || CJK.test(t)) out.push(t)
  }
  return out
}

/**
 * Features for TF-IDF: the tokens above plus bigrams of adjacent CJK characters (a Chinese word is
 * usually two characters, so character bigrams recover much of what a segmenter would find).
 */
export function tfidfFeatures(text: string): string[] {
  const tokens = lexicalTokens(text)
  const out = tokens.slice()
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i].length === 1 && tokens[i + 1].length === 1 && CJK.test(tokens[i]) && CJK.test(tokens[i + 1])) out.push(tokens[i] + tokens[i + 1])
  }
  return out
}
