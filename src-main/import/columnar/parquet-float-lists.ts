/**
 * A Parquet float-list column (list<float16|float32|float64>, fixed-size lists included: Parquet stores them as
 * lists) read one page at a time, straight into float32 rows. hyparquet decodes a nested column a whole column chunk
 * at a time and assembles every row as a JS array of numbers, which for 100k × 384 floats took 3.4 GB and 48 s;
 * here only the page being decoded (~1 MB) and the rows not yet taken are in memory, whatever the row group's size.
 * Page decoding (levels, encodings, dictionaries, codecs) is hyparquet's own; only the list assembly is ours.
 */
import type { AsyncBuffer, ColumnMetaData, Compressors, DecodedArray, Encoding, PageHeader, SchemaTree } from 'hyparquet'
import { parquetHeader } from 'hyparquet/src/column.js'
import { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js'
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js'
import { readPlain } from 'hyparquet/src/plain.js'
import { getMaxDefinitionLevel, getMaxRepetitionLevel } from 'hyparquet/src/schema.js'
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js'
import type { ColumnDecoder, DataPageHeader, DataPageHeaderV2 } from 'hyparquet/src/types.js'

/** Bytes read from the file at a time: large reads are fast, and a few MB is nothing next to the 500 MB budget. */
const READ_BYTES = 4 << 20
/** A page header is a few dozen bytes (more with statistics); read this much before parsing one. */
const HEADER_BYTES = 64 << 10

/** One row's vector: float32 values, or null for a null list or a list with a null item. */
export type FloatRow = Float32Array | null

/**
 * Whether a column's schema path is the standard 3-level list of one float leaf that `floatListRows` decodes:
 * root → <name> (LIST) → repeated group → leaf. Anything else goes through hyparquet's whole-chunk reader.
 */
export function isStreamableFloatList(schemaPath: SchemaTree[]): boolean {
  if (schemaPath.length !== 4) return false
  const [, list, repeated, leaf] = schemaPath
  return (
    list.element.repetition_type !== 'REPEATED' &&
    repeated.element.repetition_type === 'REPEATED' &&
    leaf.element.repetition_type !== 'REPEATED' &&
    leaf.children.length === 0 &&
    getMaxRepetitionLevel(schemaPath) === 1
  )
}

/**
 * The rows of one column chunk, in order, a page at a time (each yield: the rows that ended in that page).
 * Stops after `limitRows` rows. The byte range is the chunk's own (dictionary page first when there is one).
 */
export async function* floatListRows(
  file: AsyncBuffer,
  meta: ColumnMetaData,
  schemaPath: SchemaTree[],
  compressors: Compressors,
  limitRows = Infinity,
): AsyncGenerator<FloatRow[], void, undefined> {
  const decoder: ColumnDecoder = {
    pathInSchema: meta.path_in_schema,
    type: meta.type,
    element: schemaPath[schemaPath.length - 1].element,
    schemaPath,
    codec: meta.codec,
    parsers: DEFAULT_PARSERS,
    compressors,
  }
  const maxDef = getMaxDefinitionLevel(schemaPath)
  // Definition level of a present but empty list: the levels of the list group and the repeated group, less one.
  const emptyListDef = getMaxDefinitionLevel(schemaPath.slice(0, 3)) - 1
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset)
  const cursor = new ChunkCursor(file, start, start + Number(meta.total_compressed_size))
  const rows = new RowAssembler(maxDef, emptyListDef)
  let dictionary: DecodedArray | undefined
  let emitted = 0

  while (!cursor.done() && emitted < limitRows) {
    const header = await cursor.header()
    const bytes = await cursor.take(header.compressed_page_size)
    let page: LevelsAndValues
    let encoding: Encoding
    if (header.type === 'DICTIONARY_PAGE') {
      const diph = header.dictionary_page_header
      if (!diph) throw new Error('parquet dictionary page header is undefined')
      const plain = decompressPage(bytes, Number(header.uncompressed_page_size), decoder.codec, compressors)
      const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength)
      dictionary = convert(readPlain({ view, offset: 0 }, decoder.type, diph.num_values, decoder.element.type_length), decoder)
      continue
    } else if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header
      if (!daph) throw new Error('parquet data page header is undefined')
      const plain = decompressPage(bytes, Number(header.uncompressed_page_size), decoder.codec, compressors)
      page = readPageV1(plain, daph, decoder, maxDef)
      encoding = daph.encoding
    } else if (header.type === 'DATA_PAGE_V2') {
      const daph2 = header.data_page_header_v2
      if (!daph2) throw new Error('parquet data page header v2 is undefined')
      page = readPageV2(bytes, header, daph2, decoder, maxDef)
      encoding = daph2.encoding
    } else {
      continue // an index page: nothing to read
    }
    const values = toFloat32(convertWithDictionary(page.values, dictionary, encoding, decoder))
    const done = rows.addPage(page.rep, page.def, values)
    if (done.length > 0) {
      emitted += done.length
      yield emitted > limitRows ? done.slice(0, done.length - (emitted - limitRows)) : done
    }
  }
  if (emitted < limitRows) {
    const last = rows.finish()
    if (last.length > 0) yield last
  }
}

/** A data page's levels (one byte each: a list of floats has levels 0–3) and its non-null values. */
interface LevelsAndValues {
  rep: Uint8Array
  def: Uint8Array
  values: DecodedArray
}

/**
 * Levels are decoded here into bytes (hyparquet decodes them into JS arrays, 16 bytes a value, the largest cost of
 * a vector page); the values are decoded by hyparquet as a flat column of the non-null count, so every encoding it
 * reads (PLAIN, dictionary, BYTE_STREAM_SPLIT, ALP) is read here too.
 */
function readPageV1(page: Uint8Array, daph: DataPageHeader, decoder: ColumnDecoder, maxDef: number): LevelsAndValues {
  const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 }
  const rep = new Uint8Array(daph.num_values)
  readRleBitPackedHybrid(reader, 1, rep) // a one-level list: repetition levels 0–1
  const def = new Uint8Array(daph.num_values)
  readRleBitPackedHybrid(reader, bitWidth(maxDef), def)
  const present = countPresent(def, maxDef)
  const flat = { ...decoder, schemaPath: decoder.schemaPath.slice(0, 1) }
  const { dataPage } = readDataPage(page.subarray(reader.offset), { ...daph, num_values: present }, flat)
  return { rep, def, values: dataPage }
}

function readPageV2(bytes: Uint8Array, header: PageHeader, daph2: DataPageHeaderV2, decoder: ColumnDecoder, maxDef: number): LevelsAndValues {
  const repLength = daph2.repetition_levels_byte_length
  const defLength = daph2.definition_levels_byte_length
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const rep = new Uint8Array(daph2.num_values)
  readRleBitPackedHybrid({ view, offset: 0 }, 1, rep, repLength)
  const def = new Uint8Array(daph2.num_values)
  readRleBitPackedHybrid({ view, offset: repLength }, bitWidth(maxDef), def, defLength)
  const present = countPresent(def, maxDef)
  const flat = { ...decoder, schemaPath: decoder.schemaPath.slice(0, 1) }
  const valuesOnly: PageHeader = {
    ...header,
    uncompressed_page_size: header.uncompressed_page_size - repLength - defLength,
    data_page_header_v2: { ...daph2, num_values: present, num_nulls: 0, repetition_levels_byte_length: 0, definition_levels_byte_length: 0 },
  }
  const { dataPage } = readDataPageV2(bytes.subarray(repLength + defLength), valuesOnly, flat)
  return { rep, def, values: dataPage }
}

function countPresent(def: Uint8Array, maxDef: number): number {
  let n = 0
  for (let i = 0; i < def.length; i++) if (def[i] === maxDef) n++
  return n
}

function bitWidth(maxLevel: number): number {
  return 32 - Math.clz32(maxLevel)
}

function toFloat32(values: DecodedArray): Float32Array {
  if (values instanceof Float32Array) return values
  // float64 rounds to the nearest float32; float16 arrives as numbers (exact in float32).
  return Float32Array.from(values as ArrayLike<number>)
}

/**
 * Dremel assembly of a one-level list of floats, into float32 rows. A row starts at repetition level 0; a value
 * is present at the maximum definition level. A row may run on into the next page (data page v1 allows it), so
 * the row being built is kept until the next row starts or the chunk ends.
 */
class RowAssembler {
  private carry: Float32Array | null = null
  private carryNull = false
  private open = false

  constructor(
    private readonly maxDef: number,
    private readonly emptyListDef: number,
  ) {}

  addPage(rep: ArrayLike<number>, def: ArrayLike<number>, values: Float32Array): FloatRow[] {
    const out: FloatRow[] = []
    const n = Math.max(rep.length, def.length)
    const maxDef = this.maxDef
    const hasDef = def.length > 0
    let v = 0
    let rowStart = 0
    let rowNull = this.carryNull
    let continuing = this.open
    for (let i = 0; i < n; i++) {
      if (rep[i] === 0) {
        if (continuing || i > 0) out.push(this.close(values, rowStart, v, rowNull))
        continuing = false
        rowStart = v
        rowNull = false
      }
      const d = hasDef ? def[i] : maxDef
      if (d === maxDef) v++
      else if (d !== this.emptyListDef) rowNull = true // a null list, or a null item in a list
    }
    // The last row of the page stays open: it may go on in the next page.
    if (n > 0) {
      this.carry = this.join(values, rowStart, v)
      this.carryNull = rowNull
      this.open = true
    }
    return out
  }

  /** The row still open when the chunk ends. */
  finish(): FloatRow[] {
    if (!this.open) return []
    const row = this.carryNull ? null : (this.carry ?? new Float32Array(0))
    this.open = false
    this.carry = null
    return [row]
  }

  /** Closes the row that ended just before a repetition level 0: values [from, to) of this page after any carry. */
  private close(values: Float32Array, from: number, to: number, isNull: boolean): FloatRow {
    const row = isNull ? null : this.join(values, from, to)
    this.carry = null
    this.carryNull = false
    this.open = false
    return row
  }

  private join(values: Float32Array, from: number, to: number): Float32Array {
    const own = values.subarray(from, to)
    if (!this.open || !this.carry || this.carry.length === 0) return own
    const all = new Float32Array(this.carry.length + own.length)
    all.set(this.carry)
    all.set(own, this.carry.length)
    return all
  }
}

/** Sequential reads through one column chunk's bytes, a few MB from the file at a time. */
class ChunkCursor {
  private buf = new Uint8Array(0)
  /** File offset of buf[0]. */
  private bufStart: number
  private pos: number

  constructor(
    private readonly file: AsyncBuffer,
    start: number,
    private readonly end: number,
  ) {
    this.bufStart = start
    this.pos = start
  }

  done(): boolean {
    return this.pos >= this.end
  }

  async header(): Promise<PageHeader> {
    for (let want = HEADER_BYTES; ; want *= 4) {
      await this.ensure(Math.min(want, this.end - this.pos))
      const at = this.pos - this.bufStart
      const reader = { view: new DataView(this.buf.buffer, this.buf.byteOffset + at, this.buf.byteLength - at), offset: 0 }
      try {
        const header = parquetHeader(reader)
        this.pos += reader.offset
        return header
      } catch (err) {
        // A header cut off by the end of what was read: read more, unless the chunk has no more.
        if (!(err instanceof RangeError) || this.bufStart + this.buf.length >= this.end) throw err
      }
    }
  }

  async take(n: number): Promise<Uint8Array> {
    if (this.pos + n > this.end) throw new Error(`parquet page runs past its column chunk (${n} bytes at ${this.pos}, chunk ends at ${this.end})`)
    await this.ensure(n)
    const at = this.pos - this.bufStart
    this.pos += n
    return this.buf.subarray(at, at + n)
  }

  /** Makes buf hold at least n bytes from pos (the bytes before pos are dropped). */
  private async ensure(n: number): Promise<void> {
    const have = this.bufStart + this.buf.length - this.pos
    if (have >= n) return
    const readTo = Math.min(this.end, this.pos + Math.max(n, READ_BYTES))
    const readFrom = this.bufStart + this.buf.length
    const fresh = new Uint8Array(await this.file.slice(readFrom, readTo))
    const next = new Uint8Array(readTo - this.pos)
    next.set(this.buf.subarray(this.pos - this.bufStart))
    next.set(fresh, have)
    this.buf = next
    this.bufStart = this.pos
  }
}
