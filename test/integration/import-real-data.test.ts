import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { sharedData, tmpDir } from '../helpers/tmp'

const dir = tmpDir()
const db = path.join(dir, 'real.sqlite')

const files = fs
  .readdirSync(sharedData)
  .filter((d) => fs.statSync(path.join(sharedData, d)).isDirectory())
  .flatMap((d) =>
    fs
      .readdirSync(path.join(sharedData, d))
      .filter((f) => /\.(csv|tsv|jsonl)$/.test(f))
      .map((f) => path.join(sharedData, d, f)),
  )

/** Independent oracle: Python's csv module, counting non-blank records after the header. */
function pythonRowCount(file: string): number {
  const script =
    'import csv,sys\nwith open(sys.argv[1], newline="", encoding="utf-8-sig") as f:\n  r = csv.reader(f)\n  next(r)\n  print(sum(1 for row in r if row))'
  return Number(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }).trim())
}

describe('the real data sets in shared/data', () => {
  it('are all there', () => {
    expect(files.length).toBeGreaterThanOrEqual(12)
  })

  for (const file of files) {
    it(`embedmap import ${path.relative(sharedData, file)} --json reports the file's row count`, () => {
      const expected = pythonRowCount(file)
      const r = runCli(['import', file, '--db', db, '--json'])
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      const { dataset } = r.json<{ dataset: { rowCount: number; status: string; encoding: string } }>()
      expect(dataset.status).toBe('ready')
      expect(dataset.encoding).toBe('utf-8')
      expect(dataset.rowCount).toBe(expected)
    })
  }
})
