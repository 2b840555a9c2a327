/**
 * A coarse guess at a dataset's main language from its script, enough to recommend a model:
 * Han → zh, kana → ja, Hangul → ko, Latin → en, several languages → multilingual.
 *
 * Decided per row, then counted over rows: a long English row must not outvote several short Chinese ones (a set
 * with 46 % Chinese rows was called "en" when characters were pooled). A set whose second language holds at least
 * MIXED_SHARE of the rows is multilingual.
 */
export const MIXED_SHARE = 0.1

type Lang = 'zh' | 'ja' | 'ko' | 'en' | 'other'

/** The language of one text by its script, or null when it has no letters. */
export function rowLanguage(text: string): Lang | null {
  const counts = { han: 0, kana: 0, hangul: 0, latin: 0, other: 0 }
  for (const ch of text.slice(0, 500)) {
    const c = ch.codePointAt(0)!
    if (c < 0x41) continue
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) counts.latin++
    else if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x31f0 && c <= 0x31ff)) counts.kana++
    else if (c >= 0xac00 && c <= 0xd7af) counts.hangul++
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) counts.han++
    else if (c > 0x7f && !(c >= 0x2000 && c <= 0x206f) && !(c >= 0x3000 && c <= 0x303f) && !(c >= 0xff00 && c <= 0xffef)) counts.other++
  }
  // A Latin letter carries less than a CJK character; weigh letters as a fifth of a character.
  const weighted: Record<Lang, number> = { zh: counts.han, ja: counts.kana * 2, ko: counts.hangul, en: counts.latin / 5, other: counts.other / 3 }
  const total = Object.values(weighted).reduce((a, b) => a + b, 0)
  if (total === 0) return null
  const top = (Object.entries(weighted) as [Lang, number][]).sort((a, b) => b[1] - a[1])[0][0]
  // Japanese mixes kanji with kana: any real share of kana makes a Han-led row Japanese
  if (top === 'zh' && weighted.ja > total * 0.1) return 'ja'
  return top
}

export function detectLanguage(texts: readonly string[]): string | null {
  const rows: Record<Lang, number> = { zh: 0, ja: 0, ko: 0, en: 0, other: 0 }
  let counted = 0
  for (const t of texts) {
    const lang = rowLanguage(t)
    if (lang === null) continue
    rows[lang]++
    counted++
  }
  if (counted === 0) return null
  const [top, second] = (Object.entries(rows) as [Lang, number][]).sort((a, b) => b[1] - a[1])
  if (second[1] >= counted * MIXED_SHARE) return 'multilingual'
  return top[0] === 'other' ? 'multilingual' : top[0]
}

export interface LanguageProfile {
  /** Share of non-empty rows per language, largest first (rounded to 0.1 %). */
  shares: { language: string; share: number }[]
  /** One language when it holds at least 85 % of the rows, else "multilingual". */
  main: string | null
}

/**
 * Languages row by row, so a dataset with 46 % Chinese rows and 54 % English rows is multilingual (a pooled count of
 * characters would call it by whichever script has more letters).
 */
export function languageProfile(texts: readonly string[]): LanguageProfile {
  const counts = new Map<string, number>()
  let n = 0
  for (const t of texts) {
    const lang = rowLanguage(t)
    if (!lang) continue
    n++
    counts.set(lang, (counts.get(lang) ?? 0) + 1)
  }
  if (n === 0) return { shares: [], main: null }
  const shares = [...counts]
    .map(([language, c]) => ({ language, share: Math.round((c / n) * 1000) / 1000 }))
    .sort((a, b) => b.share - a.share || a.language.localeCompare(b.language))
  const top = shares[0]
  return { shares, main: top.share >= 0.85 && top.language !== 'multilingual' ? top.language : 'multilingual' }
}

/**
 * What the map's legend calls each detected language. The detector goes by script, so "Latin" covers English and
 * every other Latin-script language; Han without kana is Chinese (Japanese rows mix in kana).
 */
export const LANGUAGE_NAMES: Record<Lang, string> = { zh: 'Chinese', ja: 'Japanese', ko: 'Korean', en: 'English/Latin', other: 'Other script' }

/** Each row's language name, for the language column (null: no letters, shown as missing). */
export function* rowLanguageNames(rows: Iterable<[number, string]>): Iterable<[number, string | null]> {
  for (const [idx, text] of rows) {
    const lang = rowLanguage(text)
    yield [idx, lang === null ? null : LANGUAGE_NAMES[lang]]
  }
}
