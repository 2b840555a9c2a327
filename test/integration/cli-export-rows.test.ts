import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { tmpDir } from '../helpers/tmp'

/** Issue 9: selections travel as ranges; the CLI's --rows takes `1,2,5-9` (and still a plain list, in its order). */
const dir = tmpDir('embedmap-export-rows-')
const db = path.join(dir, 'w.sqlite')
let datasetId: number

beforeAll(() => {
  const lines = ['id,text']
  for (let i = 0; i < 20; i++) lines.push(`r${i},text of row ${i}`)
  fs.writeFileSync(path.join(dir, 'rows.csv'), lines.join('\n') + '\n')
  const r = runCli(['import', path.join(dir, 'rows.csv'), '--db', db, '--json'])
  expect(r.status).toBe(0)
  datasetId = r.json().dataset.id
}, 60_000)

const ids = (file: string) => (parse(fs.readFileSync(file), { columns: true, bom: true }) as { id: string }[]).map((r) => r.id)

describe('embedmap export --rows', () => {
  it('takes ranges like 1,2,5-9 and writes exactly those rows', () => {
    const out = path.join(dir, 'ranges.csv')
    const r = runCli(['export', '--dataset', String(datasetId), '--rows', '1,2,5-9', '--out', out, '--db', db, '--json'])
    expect(r.stderr).toBe('')
    expect(r.json().rows).toBe(7)
    expect(ids(out)).toEqual(['r1', 'r2', 'r5', 'r6', 'r7', 'r8', 'r9'])
  })

  it('keeps the order of a plain list, and refuses a list that is not one', () => {
    const out = path.join(dir, 'list.csv')
    expect(runCli(['export', '--dataset', String(datasetId), '--rows', '5,1,3', '--out', out, '--db', db]).status).toBe(0)
    expect(ids(out)).toEqual(['r5', 'r1', 'r3'])
    const bad = runCli(['export', '--dataset', String(datasetId), '--rows', '1,x', '--out', path.join(dir, 'bad.csv'), '--db', db])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/Invalid input for export\.start: rows\.1/)
    const outside = runCli(['export', '--dataset', String(datasetId), '--rows', '18-25', '--out', path.join(dir, 'outside.csv'), '--db', db])
    expect(outside.status).not.toBe(0)
    expect(outside.stderr).toMatch(/outside 0–19/)
  })
})
