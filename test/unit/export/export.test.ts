import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { exportRows, f32Text, guardFormula, type ExportChunk, type ExportColumn, type ExportFormat } from '../../../src-main/export'
import { EmbedMapError } from '../../../src-main/errors'
import { ALL_EXTRAS, asAsync, chunksOf, COLUMNS, f32, importBack, makeTable, readParquet, tempDir } from './helpers'

const tmp = tempDir()
afterAll(() => tmp.cleanup())
let fileNo = 0
const outPath = (ext: string) => join(tmp.dir, `out-${++fileNo}.${ext}`)

async function errorOf(p: Promise<unknown>): Promise<EmbedMapError> {
  try {
    await p
  } catch (err) {
    if (err instanceof EmbedMapError) return err
    throw err
  }
  throw new Error('expected an EmbedMapError, but the export succeeded')
}

/** Expected text of a float32 extra after a round trip through CSV or JSON Lines and our importer. */
function numText(v: number): string {
  return Number.isNaN(v) ? '' : f32Text(f32(v))
}

describe('CSV and JSON Lines round trip through our importer', () => {
  const table = makeTable(200)
  const header = [...COLUMNS.map((c) => c.name), ...ALL_EXTRAS]

  for (const format of ['csv', 'jsonl'] as const) {
    it(`${format}: same columns, same rows, same values (quotes, newlines, commas, Chinese, empty cells)`, async () => {
      const out = outPath(format)
      const progress: number[] = []
      const res = await exportRows({
        format,
        out,
        columns: COLUMNS,
        extraColumns: ALL_EXTRAS,
        rows: asAsync(chunksOf(table, [1, 0, 17, 64])),
        onProgress: (n) => progress.push(n),
      })
      expect(res.rows).toBe(200)
      expect(res.columns).toEqual(header)
      expect(res.bytes).toBe(readFileSync(out).length)
      expect(progress.at(-1)).toBe(200)
      expect(existsSync(out + '.part')).toBe(false)

      const back = await importBack(out)
      expect(back.columns).toEqual(header)
      expect(back.rows.length).toBe(200)
      for (let i = 0; i < 200; i++) {
        const r = back.rows[i]
        expect(r.slice(0, COLUMNS.length)).toEqual(table.cells[i])
        const extras = r.slice(COLUMNS.length)
        expect(extras[0]).toBe(String(table.cluster[i]))
        expect(extras[1]).toBe(table.clusterLabel[i])
        expect(extras[2]).toBe(numText(table.anomalyScore[i]))
        expect(extras[3]).toBe(table.isAnomaly[i] ? 'true' : 'false')
        expect(extras[4]).toBe(numText(table.x[i]))
        expect(extras[5]).toBe(numText(table.y[i]))
        // and the numbers read back as the same float32
        expect(Math.fround(Number(extras[4]))).toBe(f32(table.x[i]))
      }
    })
  }

  it('csv: a row shorter than the columns is padded with empty cells', async () => {
    const out = outPath('csv')
    const cols: ExportColumn[] = [
      { name: 'a', type: 'text' },
      { name: 'b', type: 'text' },
      { name: 'extra_1', type: 'text' },
    ]
    await exportRows({
      format: 'csv',
      out,
      columns: cols,
      rows: [
        {
          cells: [
            ['x', 'y'],
            ['p', 'q', 'r'],
          ],
        },
      ],
    })
    expect((await importBack(out)).rows).toEqual([
      ['x', 'y', ''],
      ['p', 'q', 'r'],
    ])
  })

  it('jsonl: integers of an integer column are JSON numbers; other forms of them stay strings', async () => {
    const out = outPath('jsonl')
    const cols: ExportColumn[] = [
      { name: 'id', type: 'integer' },
      { name: 'text', type: 'text' },
    ]
    const cells = [
      ['42', 'a'],
      ['-7', '12'],
      ['0', ''],
      ['007', ''],
      ['', ''],
      ['12345678901234567890', ''],
      ['+3', ''],
    ]
    await exportRows({ format: 'jsonl', out, columns: cols, rows: [{ cells }] })
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.map((l) => l.id)).toEqual([42, -7, 0, '007', '', '12345678901234567890', '+3'])
    // a text column of digits stays text
    expect(lines[1].text).toBe('12')
  })

  it('jsonl: original values are JSON strings, extras are typed, keys keep column order', async () => {
    const out = outPath('jsonl')
    const cols: ExportColumn[] = [
      { name: 'n', type: 'integer' },
      { name: '2024', type: 'number' },
      { name: 'b', type: 'boolean' },
    ]
    await exportRows({
      format: 'jsonl',
      out,
      columns: cols,
      extraColumns: ['cluster', 'anomaly_score', 'is_anomaly', 'x'],
      rows: [
        {
          cells: [['007', '1.50', 'TRUE']],
          cluster: Int32Array.of(3),
          anomalyScore: Float32Array.of(NaN),
          isAnomaly: Uint8Array.of(1),
          x: Float32Array.of(0.1),
        },
      ],
    })
    const text = readFileSync(out, 'utf8')
    expect(text).toBe('{"n":"007","2024":"1.50","b":"TRUE","cluster":3,"anomaly_score":null,"is_anomaly":true,"x":0.1}\n')
  })
})

describe('CSV formula guard', () => {
  const cols: ExportColumn[] = [
    { name: 'text', type: 'text' },
    { name: 'num', type: 'number' },
    { name: 'int', type: 'integer' },
  ]
  const dangerous = ['=SUM(A1)', '+1', '-cmd', '@x', '\tx', '\rx', "=cmd|' /C calc'!A0", '-3']
  const rows: ExportChunk[] = [
    {
      cells: dangerous.map((d, i) => [d, i % 2 ? '-3.5' : '+2.25e3', i % 2 ? '-42' : '+7']),
      clusterLabel: dangerous,
    },
  ]

  it('is on by default: cells starting with = + - @ tab CR get a leading apostrophe; numbers in numeric columns do not', async () => {
    const out = outPath('csv')
    await exportRows({ format: 'csv', out, columns: cols, extraColumns: ['cluster_label'], rows })
    const back = await importBack(out)
    for (let i = 0; i < dangerous.length; i++) {
      expect(back.rows[i][0]).toBe("'" + dangerous[i])
      expect(back.rows[i][1]).toBe(i % 2 ? '-3.5' : '+2.25e3')
      expect(back.rows[i][2]).toBe(i % 2 ? '-42' : '+7')
      expect(back.rows[i][3]).toBe("'" + dangerous[i])
    }
    // in the file itself, every text cell starts with the apostrophe (inside quotes where the cell needs them)
    const lines = readFileSync(out, 'utf8')
      .split(/\r\n(?=')|\r\n(?=")/)
      .slice(1)
    expect(lines.length).toBe(dangerous.length)
    for (const line of lines) expect(line).toMatch(/^"?'/)
  })

  it('guards the header too', async () => {
    const out = outPath('csv')
    await exportRows({ format: 'csv', out, columns: [{ name: '=HYPERLINK("x")', type: 'text' }], rows: [{ cells: [['a']] }] })
    expect(readFileSync(out, 'utf8').split('\r\n')[0]).toBe(`"'=HYPERLINK(""x"")"`)
  })

  it('can be turned off: values come back exactly', async () => {
    const out = outPath('csv')
    await exportRows({ format: 'csv', out, columns: cols, extraColumns: ['cluster_label'], rows, csv: { formulaGuard: false } })
    const back = await importBack(out)
    expect(back.rows.map((r) => r[0])).toEqual(dangerous)
    expect(back.rows.map((r) => r[3])).toEqual(dangerous)
  })

  it('rule: only plain numbers in numeric columns are exempt', () => {
    expect(guardFormula('-3.5', true)).toBe('-3.5')
    expect(guardFormula('-3.5', false)).toBe("'-3.5")
    expect(guardFormula('-3.5x', true)).toBe("'-3.5x")
    expect(guardFormula('\t-3', true)).toBe("'\t-3")
    expect(guardFormula('-3 ', true)).toBe("'-3 ")
    expect(guardFormula('=1', true)).toBe("'=1")
    expect(guardFormula('a=1', false)).toBe('a=1')
    expect(guardFormula('', false)).toBe('')
  })

  it('JSON Lines and Parquet are not touched by the guard', async () => {
    const out = outPath('jsonl')
    await exportRows({ format: 'jsonl', out, columns: cols, rows })
    expect((await importBack(out)).rows.map((r) => r[0])).toEqual(dangerous)
  })
})

describe('CSV byte order mark', () => {
  const rows = () => [{ cells: [['中文', '1']] }]
  const cols: ExportColumn[] = [
    { name: 'text', type: 'text' },
    { name: 'n', type: 'integer' },
  ]

  it('is absent by default', async () => {
    const out = outPath('csv')
    await exportRows({ format: 'csv', out, columns: cols, rows: rows() })
    const bytes = readFileSync(out)
    expect([...bytes.subarray(0, 3)]).toEqual([...Buffer.from('tex')])
  })

  it('is written when asked for, and the importer still reads the same values', async () => {
    const out = outPath('csv')
    const res = await exportRows({ format: 'csv', out, columns: cols, rows: rows(), csv: { bom: true } })
    const bytes = readFileSync(out)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(res.bytes).toBe(bytes.length)
    const back = await importBack(out)
    expect(back.hadBom).toBe(true)
    expect(back.columns).toEqual(['text', 'n'])
    expect(back.rows).toEqual([['中文', '1']])
  })
})

describe('Parquet', () => {
  const dims = 5
  const table = makeTable(103, dims)

  it('reads back with hyparquet equal to the input: strings, ints, floats, booleans, nulls, extras, vectors', async () => {
    const out = outPath('parquet')
    const res = await exportRows({
      format: 'parquet',
      out,
      columns: COLUMNS,
      extraColumns: ALL_EXTRAS,
      vectorDims: dims,
      rows: asAsync(chunksOf(table, [10, 0, 3, 41], dims)),
      parquet: { rowGroupRows: 25 },
    })
    expect(res.rows).toBe(103)
    expect(res.unparsable).toEqual({})
    const { rows, metadata } = await readParquet(out)
    expect(Number(metadata.num_rows)).toBe(103)
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([25, 25, 25, 25, 3])
    expect(rows.length).toBe(103)
    for (let i = 0; i < 103; i++) {
      const r = rows[i]
      const [id, text, score, flag, when] = table.cells[i]
      expect(r.id).toBe(BigInt(id))
      expect(r.text).toBe(text)
      expect(r.score).toBe(score === '' ? null : Number(score))
      expect(r.flag).toBe(flag === '' ? null : flag.toLowerCase() === 'true')
      expect(r.when).toBe(when)
      expect(r.blank).toBe(null)
      expect(r.cluster).toBe(table.cluster[i])
      expect(r.cluster_label).toBe(table.clusterLabel[i])
      if (Number.isNaN(table.anomalyScore[i])) expect(r.anomaly_score).toBeNaN()
      else expect(r.anomaly_score).toBe(f32(table.anomalyScore[i]))
      expect(r.is_anomaly).toBe(table.isAnomaly[i] === 1)
      expect(r.x).toBe(f32(table.x[i]))
      expect(r.y).toBe(f32(table.y[i]))
      expect(r.vector).toEqual(table.vectors.slice(i * dims, (i + 1) * dims).map(f32))
    }
    const kv = metadata.key_value_metadata?.find((k) => k.key === 'embedmap.columns')
    expect(JSON.parse(kv?.value ?? '[]')).toEqual(COLUMNS)
  })

  it('schema types follow the column types', async () => {
    const out = outPath('parquet')
    await exportRows({ format: 'parquet', out, columns: COLUMNS, extraColumns: ALL_EXTRAS, vectorDims: 2, rows: [] })
    const { rows, metadata } = await readParquet(out)
    expect(rows).toEqual([])
    const types = Object.fromEntries(metadata.schema.slice(1).map((s) => [s.name, [s.type, s.converted_type, s.repetition_type]]))
    expect(types).toMatchObject({
      id: ['INT64', undefined, 'OPTIONAL'],
      text: ['BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
      score: ['DOUBLE', undefined, 'OPTIONAL'],
      flag: ['BOOLEAN', undefined, 'OPTIONAL'],
      when: ['BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
      blank: ['BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
      cluster: ['INT32', undefined, 'REQUIRED'],
      cluster_label: ['BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
      anomaly_score: ['FLOAT', undefined, 'REQUIRED'],
      is_anomaly: ['BOOLEAN', undefined, 'REQUIRED'],
      x: ['FLOAT', undefined, 'REQUIRED'],
      y: ['FLOAT', undefined, 'REQUIRED'],
      vector: [undefined, 'LIST', 'OPTIONAL'],
      element: ['FLOAT', undefined, 'REQUIRED'],
    })
  })

  it('a value that does not fit its typed column becomes null and is counted; big integers stay exact', async () => {
    const out = outPath('parquet')
    const cols: ExportColumn[] = [
      { name: 'i', type: 'integer' },
      { name: 'f', type: 'number' },
      { name: 'b', type: 'boolean' },
    ]
    const res = await exportRows({
      format: 'parquet',
      out,
      columns: cols,
      rows: [
        {
          cells: [
            ['9007199254740993', ' 2.5 ', 'True'],
            ['-9223372036854775808', '1e3', 'false'],
            ['12a', 'n/a', 'yes'],
            ['99999999999999999999', '', '  '],
          ],
        },
      ],
    })
    expect(res.unparsable).toEqual({ i: 2, f: 1, b: 1 })
    const { rows } = await readParquet(out)
    expect(rows.map((r) => [r.i, r.f, r.b])).toEqual([
      [9007199254740993n, 2.5, true],
      [-9223372036854775808n, 1000, false],
      [null, null, null],
      [null, null, null],
    ])
  })

  it('an extra whose name an original column already has gets a suffix', async () => {
    const out = outPath('parquet')
    const res = await exportRows({
      format: 'parquet',
      out,
      columns: [
        { name: 'cluster', type: 'text' },
        { name: 'vector', type: 'text' },
      ],
      extraColumns: ['cluster'],
      vectorDims: 1,
      rows: [{ cells: [['mine', 'v']], cluster: Int32Array.of(4), vectors: Float32Array.of(0.5) }],
    })
    expect(res.columns).toEqual(['cluster', 'vector', 'cluster_2', 'vector_2'])
    const { rows } = await readParquet(out)
    expect(rows).toEqual([{ cluster: 'mine', vector: 'v', cluster_2: 4, vector_2: [0.5] }])
  })

  it('long texts close row groups early (bounded memory) without losing rows', async () => {
    const out = outPath('parquet')
    const big = 'x'.repeat(3 * 1024 * 1024)
    const res = await exportRows({
      format: 'parquet',
      out,
      columns: [{ name: 't', type: 'text' }],
      rows: asAsync(Array.from({ length: 4 }, () => ({ cells: Array.from({ length: 5 }, () => [big]) }))),
    })
    expect(res.rows).toBe(20)
    const { rows, metadata } = await readParquet(out)
    expect(rows.length).toBe(20)
    expect(rows.every((r) => r.t === big)).toBe(true)
    expect(metadata.row_groups.length).toBeGreaterThan(1)
  })
})

describe('row counts across chunk boundaries', () => {
  const table = makeTable(257)
  const splits = [[257], [1], [0, 0, 256, 0, 1, 0], [7, 13, 0, 50], [100, 100, 57, 0, 0]]

  for (const format of ['csv', 'jsonl', 'parquet'] as ExportFormat[]) {
    it(`${format}: every row once, in order, whatever the chunking`, async () => {
      for (const sizes of splits) {
        const out = outPath(format)
        const res = await exportRows({
          format,
          out,
          columns: COLUMNS,
          extraColumns: ['cluster'],
          rows: asAsync(chunksOf(table, sizes)),
          parquet: { rowGroupRows: 50 },
        })
        expect(res.rows).toBe(257)
        const ids = format === 'parquet' ? (await readParquet(out)).rows.map((r) => String(r.id)) : (await importBack(out)).rows.map((r) => r[0])
        expect(ids).toEqual(table.cells.map((c) => c[0]))
      }
    })
  }

  it('zero rows: a header-only CSV, an empty JSON Lines file, a valid empty Parquet file', async () => {
    const csv = outPath('csv')
    expect((await exportRows({ format: 'csv', out: csv, columns: COLUMNS, rows: [] })).rows).toBe(0)
    expect(readFileSync(csv, 'utf8')).toBe('id,text,score,flag,when,blank\r\n')
    const jsonl = outPath('jsonl')
    expect((await exportRows({ format: 'jsonl', out: jsonl, columns: COLUMNS, rows: [{ cells: [] }] })).bytes).toBe(0)
    const pq = outPath('parquet')
    await exportRows({ format: 'parquet', out: pq, columns: COLUMNS, rows: [] })
    expect(Number((await readParquet(pq)).metadata.num_rows)).toBe(0)
  })
})

describe('failures and cancellation leave no file', () => {
  const table = makeTable(500)
  const filesIn = (dir: string) => readdirSync(dir)

  for (const format of ['csv', 'jsonl', 'parquet'] as ExportFormat[]) {
    it(`${format}: a cancelled export rejects with CANCELLED and leaves neither the file nor a .part`, async () => {
      const { dir, cleanup } = tempDir()
      try {
        const out = join(dir, `cancel.${format}`)
        const ac = new AbortController()
        async function* rows() {
          let k = 0
          for (const c of chunksOf(table, [50])) {
            if (k++ === 3) ac.abort()
            await new Promise((r) => setTimeout(r, 1))
            yield c
          }
        }
        const err = await errorOf(exportRows({ format, out, columns: COLUMNS, extraColumns: ALL_EXTRAS, rows: rows(), signal: ac.signal }))
        expect(err.code).toBe('CANCELLED')
        expect(err.message).toMatch(/cancelled; no file was written/)
        expect(filesIn(dir)).toEqual([])
      } finally {
        await cleanup()
      }
    })
  }

  it('an already aborted signal writes nothing', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const err = await errorOf(exportRows({ format: 'csv', out: join(dir, 'a.csv'), columns: COLUMNS, rows: [], signal: AbortSignal.abort() }))
      expect(err.code).toBe('CANCELLED')
      expect(filesIn(dir)).toEqual([])
    } finally {
      await cleanup()
    }
  })

  it('a failing source leaves an existing file as it was', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const out = join(dir, 'keep.parquet')
      writeFileSync(out, 'previous export')
      async function* rows() {
        yield* chunksOf(table, [100]).slice(0, 2)
        throw new EmbedMapError('STORE', 'database is locked')
      }
      const err = await errorOf(exportRows({ format: 'parquet', out, columns: COLUMNS, rows: rows() }))
      expect(err.code).toBe('STORE')
      expect(err.message).toMatch(/database is locked; .*keep\.parquet was left as it was \(the partial file was removed\)/)
      expect(filesIn(dir)).toEqual(['keep.parquet'])
      expect(readFileSync(out, 'utf8')).toBe('previous export')
    } finally {
      await cleanup()
    }
  })

  it('a missing folder is NOT_FOUND', async () => {
    const err = await errorOf(exportRows({ format: 'jsonl', out: join(tmp.dir, 'no-such-dir', 'x.jsonl'), columns: COLUMNS, rows: chunksOf(table, [10]) }))
    expect(err.code).toBe('NOT_FOUND')
  })

  it('chunks that break the contract are INTERNAL errors and leave no file', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const out = join(dir, 'bad.csv')
      const short = { cells: [['1', 'a', '', '', '', '']], cluster: Int32Array.of() }
      let err = await errorOf(exportRows({ format: 'csv', out, columns: COLUMNS, extraColumns: ['cluster'], rows: [short] }))
      expect(err.code).toBe('INTERNAL')
      expect(err.message).toMatch(/0 cluster values for 1 rows/)
      err = await errorOf(exportRows({ format: 'csv', out, columns: COLUMNS, rows: [{ cells: [['1', '2', '3', '4', '5', '6', '7']] }] }))
      expect(err.message).toMatch(/row 0 .* has 7 cells but there are 6 columns/)
      err = await errorOf(exportRows({ format: 'parquet', out, columns: COLUMNS, vectorDims: 3, rows: [{ cells: [[]], vectors: new Float32Array(2) }] }))
      expect(err.message).toMatch(/2 vector values for 1 rows × 3 dimensions/)
      err = await errorOf(exportRows({ format: 'csv', out, columns: COLUMNS, vectorDims: 3, rows: [] }))
      expect(err.message).toMatch(/only be exported to Parquet/)
      expect(filesIn(dir)).toEqual([])
    } finally {
      await cleanup()
    }
  })
})

describe('f32Text', () => {
  it('prints the shortest text that reads back as the same float32', () => {
    expect(f32Text(f32(0.1))).toBe('0.1')
    expect(f32Text(f32(-2.25))).toBe('-2.25')
    expect(f32Text(f32(1e-7))).toBe('1e-7')
    expect(f32Text(NaN)).toBe('')
    expect(f32Text(-0)).toBe('0')
    for (let i = 0; i < 2000; i++) {
      const v = f32(Math.sin(i) * 10 ** ((i % 20) - 10))
      const s = f32Text(v)
      expect(Math.fround(Number(s))).toBe(v)
      let p = 1
      while (Math.fround(Number(v.toPrecision(p))) !== v) p++
      expect(s).toBe(String(Number(v.toPrecision(p)))) // the shortest
    }
  })
})
