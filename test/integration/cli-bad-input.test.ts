import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { repoRoot, tmpDir } from '../helpers/tmp'

const dir = tmpDir()
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'import')
const db = path.join(dir, 'bad.sqlite')

/** Each case: the file, extra flags, and what the message must say (file name, line, the reason). */
const cases: { name: string; file: string; flags?: string[]; says: RegExp }[] = [
  { name: 'an empty file', file: 'empty.csv', says: /empty\.csv: is empty/ },
  { name: 'a binary file', file: 'tiny.png', says: /tiny\.png: looks like a binary file \(a PNG image\)/ },
  { name: 'a file without a header', file: 'no-header.csv', says: /no-header\.csv: line 1 looks like data, not a header/ },
  { name: 'duplicate column names', file: 'header-duplicate.csv', says: /header-duplicate\.csv, line 1: columns 1 and 5 are both named 'id'/ },
  { name: 'an empty column name', file: 'header-empty-name.csv', says: /header-empty-name\.csv, line 1: column 3 has an empty name/ },
  {
    name: 'a file not in the claimed encoding',
    file: 'gbk-claimed-utf8.csv',
    flags: ['--encoding', 'utf-8'],
    says: /gbk-claimed-utf8\.csv, line 3: .*not in the encoding claimed \(utf-8\)/,
  },
  { name: 'an unterminated quote at the end', file: 'unterminated-quote.csv', says: /unterminated-quote\.csv, line \d+: .*quote/i },
  { name: 'a bad JSON Lines line', file: 'bad.jsonl', says: /bad\.jsonl, line \d+/ },
]

function datasetCount(): number {
  if (!fs.existsSync(db)) return 0
  const d = new Database(db, { readonly: true })
  try {
    return (d.prepare(`SELECT count(*) AS n FROM datasets`).get() as { n: number }).n + (d.prepare(`SELECT count(*) AS n FROM rows`).get() as { n: number }).n
  } finally {
    d.close()
  }
}

describe('embedmap import refuses bad input clearly and writes nothing', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = runCli(['import', path.join(fixtures, c.file), '--db', db, ...(c.flags ?? [])])
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(c.says)
      expect(r.stderr).toMatch(/hint: \S/)
      expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
      expect(datasetCount()).toBe(0)
    })
  }

  it('a 50 MB single field', () => {
    const file = path.join(dir, 'huge-field.csv')
    const fd = fs.openSync(file, 'w')
    fs.writeSync(fd, 'id,text\n1,short\n2,"')
    const block = 'x'.repeat(1 << 20)
    for (let i = 0; i < 50; i++) fs.writeSync(fd, block)
    fs.writeSync(fd, '"\n3,after\n')
    fs.closeSync(fd)
    const r = runCli(['import', file, '--db', db])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/huge-field\.csv, line 3: .*(larger|exceeds|limit)/)
    expect(r.stderr).toMatch(/--max-field-mb|hint/)
    expect(datasetCount()).toBe(0)
  })

  it('a path that does not exist, and a folder', () => {
    const missing = runCli(['import', path.join(dir, 'nope.csv'), '--db', db])
    expect(missing.status).toBe(3)
    expect(missing.stderr).toContain('nope.csv does not exist')
    const folder = runCli(['import', dir, '--db', db])
    expect(folder.status).toBe(2)
    expect(folder.stderr).toContain('is a folder, not a file')
  })

  it('a corrupt workspace database, left untouched', () => {
    const corrupt = path.join(dir, 'corrupt.sqlite')
    fs.writeFileSync(corrupt, Buffer.alloc(4096, 7))
    const r = runCli(['datasets', '--db', corrupt])
    expect(r.status).toBe(5)
    expect(r.stderr).toContain('corrupt.sqlite is corrupt or is not a database')
    expect(fs.readFileSync(corrupt).equals(Buffer.alloc(4096, 7))).toBe(true)
  })

  it('a workspace written by a newer EmbedMap', () => {
    const newer = path.join(dir, 'newer.sqlite')
    expect(runCli(['datasets', '--db', newer]).status).toBe(0)
    const raw = new Database(newer)
    raw.pragma('user_version = 999')
    raw.close()
    const r = runCli(['import', path.join(fixtures, 'utf8.csv'), '--db', newer, '--json'])
    expect(r.status).toBe(5)
    expect(r.json().error).toMatchObject({ code: 'STORE', message: expect.stringContaining('newer EmbedMap (schema version 999') })
  })

  it('--json errors are machine-readable', () => {
    const r = runCli(['import', path.join(fixtures, 'empty.csv'), '--db', db, '--json'])
    expect(r.status).toBe(2)
    expect(r.json().error).toMatchObject({ code: 'BAD_INPUT', hint: expect.any(String) })
  })
})
