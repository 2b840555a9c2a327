/**
 * Encodings: label normalization, BOMs, and streaming decoders that refuse bytes which are not valid in the
 * encoding (so a wrong encoding is reported with a line number instead of turning into mojibake or U+FFFD).
 */
import { isUtf8 } from 'node:buffer'
import iconv from 'iconv-lite'

export interface Bom {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be'
  length: number
}

export function detectBom(head: Uint8Array): Bom | undefined {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', length: 3 }
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', length: 2 }
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', length: 2 }
  return undefined
}

const ALIASES: Record<string, string> = {
  utf8: 'utf-8',
  'utf-8': 'utf-8',
  utf16le: 'utf-16le',
  'utf-16le': 'utf-16le',
  'utf-16': 'utf-16le',
  utf16: 'utf-16le',
  ucs2: 'utf-16le',
  'ucs-2': 'utf-16le',
  utf16be: 'utf-16be',
  'utf-16be': 'utf-16be',
  gbk: 'gb18030',
  gb2312: 'gb18030',
  'gb-2312': 'gb18030',
  cp936: 'gb18030',
  gb18030: 'gb18030',
  big5: 'big5',
  'big5-hkscs': 'big5',
  cp950: 'big5',
  shift_jis: 'shift_jis',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  cp932: 'shift_jis',
  'windows-31j': 'shift_jis',
  'euc-kr': 'euc-kr',
  euckr: 'euc-kr',
  cp949: 'euc-kr',
  'euc-jp': 'euc-jp',
  eucjp: 'euc-jp',
  latin1: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  cp1252: 'windows-1252',
  'windows-1252': 'windows-1252',
  ascii: 'utf-8',
  'us-ascii': 'utf-8',
}

/**
 * Normalizes a user- or detector-given label to the label this module uses (lower case, iconv-lite known).
 * GB2312/GBK → gb18030 (a superset), ISO-8859-1/ASCII → windows-1252/utf-8 (supersets in practice).
 * Returns undefined for labels iconv-lite does not know.
 */
export function normalizeEncoding(label: string): string | undefined {
  const key = label.trim().toLowerCase()
  const alias = ALIASES[key] ?? ALIASES[key.replace(/_/g, '-')]
  if (alias) return alias
  if (iconv.encodingExists(key)) return key
  return undefined
}

/** UTF-16 (either byte order): ASCII characters take two bytes. */
export function isUtf16(enc: string): boolean {
  return enc === 'utf-16le' || enc === 'utf-16be'
}

/** Raised by a decoder at the first byte that is not valid in its encoding. */
export class InvalidBytesError extends Error {
  constructor(
    /** The text decoded before the bad byte within this chunk (to count lines). */
    readonly textBefore: string,
    /** Offset of the bad byte within the chunk that was passed to write() (approximate for legacy encodings). */
    readonly byteOffset: number,
    readonly encoding: string,
  ) {
    super(`bytes that are not valid ${encoding}`)
    this.name = 'InvalidBytesError'
  }
}

export interface ChunkDecoder {
  readonly encoding: string
  /** Decodes the next chunk; an incomplete trailing sequence is kept for the next call. */
  write(buf: Uint8Array): string
  /**
   * UTF-8 only: like write(), but hands out the checked bytes themselves instead of decoding them (a view on the
   * input, a held-back incomplete sequence aside), for csv-parse, which parses UTF-8 bytes.
   */
  writeUtf8?(buf: Uint8Array): Buffer
  /** Flushes; throws InvalidBytesError if the input ended inside a sequence. */
  end(): string
}

/** Index of the first byte that makes `buf` invalid UTF-8 (or buf.length if it is valid, a truncated tail included). */
export function firstInvalidUtf8(buf: Uint8Array, allowTruncatedTail = false): number {
  const n = buf.length
  let i = 0
  while (i < n) {
    const b = buf[i]
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1
      min = 0x80
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      min = 0x800
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      min = 0x10000
    } else return i
    if (i + need >= n) {
      // Sequence runs past the end of the buffer.
      for (let k = i + 1; k < n; k++) if ((buf[k] & 0xc0) !== 0x80) return i
      return allowTruncatedTail ? n : i
    }
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07)
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k]
      if ((c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return n
}

/** Length of `buf` without an incomplete UTF-8 sequence at its end. */
function completeUtf8Length(buf: Uint8Array): number {
  const n = buf.length
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = buf[n - k]
    if ((b & 0xc0) === 0x80) continue // continuation byte: look further back
    if (b < 0x80) return n
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return len > k ? n - k : n
  }
  return n
}

class Utf8ChunkDecoder implements ChunkDecoder {
  readonly encoding = 'utf-8'
  private pending: Buffer | null = null

  write(input: Uint8Array): string {
    return this.writeUtf8(input).toString('utf8')
  }

  writeUtf8(input: Uint8Array): Buffer {
    let buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
    const pendingLen = this.pending ? this.pending.length : 0
    if (this.pending) {
      buf = Buffer.concat([this.pending, buf])
      this.pending = null
    }
    const cut = completeUtf8Length(buf)
    const body = cut === buf.length ? buf : buf.subarray(0, cut)
    if (!isUtf8(body)) {
      const bad = firstInvalidUtf8(body)
      throw new InvalidBytesError(body.subarray(0, bad).toString('utf8'), Math.max(0, bad - pendingLen), this.encoding)
    }
    if (cut < buf.length) this.pending = Buffer.from(buf.subarray(cut))
    return body
  }

  end(): string {
    if (this.pending && this.pending.length > 0) {
      throw new InvalidBytesError('', 0, this.encoding)
    }
    return ''
  }
}

/**
 * iconv-lite decoder; U+FFFD in its output marks an invalid or unmapped sequence (the checked encodings cannot
 * legitimately need it in practice).
 *
 * iconv-lite 0.7.3's DBCS decoder sizes its output at 2 bytes per input byte, so when a multi-byte sequence that
 * maps to an astral character (a 4-byte GB18030 emoji, some Big5-HKSCS characters) is split across two writes,
 * the write that completes it can overflow and silently drop its last character. So writes are cut only after a
 * byte below 0x30 (LF, comma, space, quote, tab …), which is never part of a multi-byte sequence in GB18030,
 * Big5, Shift_JIS or EUC: no sequence is ever split.
 */
class IconvChunkDecoder implements ChunkDecoder {
  private readonly dec: { write(b: Buffer): string; end(): string | undefined }
  private readonly check: boolean
  private readonly cutAtSafeBytes: boolean
  private held: Buffer | null = null

  constructor(readonly encoding: string) {
    this.dec = iconv.getDecoder(encoding, { stripBOM: false }) as unknown as { write(b: Buffer): string; end(): string | undefined }
    // UTF-16 may hold U+FFFD legitimately and has no invalid byte pairs worth refusing.
    this.check = !isUtf16(encoding)
    this.cutAtSafeBytes = !isUtf16(encoding)
  }

  write(input: Uint8Array): string {
    let buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
    if (!this.cutAtSafeBytes) return this.decode(buf, 0)
    const heldLen = this.held ? this.held.length : 0
    if (this.held) {
      buf = Buffer.concat([this.held, buf])
      this.held = null
    }
    let cut = buf.length
    while (cut > 0 && buf[cut - 1] >= 0x30) cut--
    if (cut === 0) {
      // No safe byte at all (a long run of CJK text): wait for one, up to 1 MiB.
      if (buf.length < 1 << 20) {
        this.held = Buffer.from(buf)
        return ''
      }
      cut = buf.length
    }
    if (cut < buf.length) this.held = Buffer.from(buf.subarray(cut))
    return this.decode(cut === buf.length ? buf : buf.subarray(0, cut), heldLen)
  }

  end(): string {
    const held = this.held
    this.held = null
    const s = (held && held.length > 0 ? this.decode(held, held.length) : '') + (this.dec.end() ?? '')
    if (this.check && s.indexOf('\ufffd') !== -1) throw new InvalidBytesError(s.slice(0, s.indexOf('\ufffd')), 0, this.encoding)
    return s
  }

  private decode(buf: Buffer, heldLen: number): string {
    const s = this.dec.write(buf)
    if (this.check) {
      const bad = s.indexOf('\ufffd')
      if (bad !== -1) {
        const before = s.slice(0, bad)
        throw new InvalidBytesError(before, Math.max(0, iconv.encode(before, this.encoding).length - heldLen), this.encoding)
      }
    }
    return s
  }
}

export function createChunkDecoder(encoding: string): ChunkDecoder {
  return encoding === 'utf-8' ? new Utf8ChunkDecoder() : new IconvChunkDecoder(encoding)
}

/** Number of line breaks (LF, CRLF or lone CR, each one physical line end) in `s`. */
export function countLineBreaks(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 10) n++
    else if (c === 13) {
      n++
      if (s.charCodeAt(i + 1) === 10) i++
    }
  }
  return n
}
