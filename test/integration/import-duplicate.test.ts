import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { tmpDir } from '../helpers/tmp'

/** Issue 9: re-running `import` after it finished silently made a second copy of the dataset. */
const dir = tmpDir('embedmap-import-dup-')
const db = path.join(dir, 'w.sqlite')
const file = path.join(dir, 'news.csv')
fs.writeFileSync(file, 'id,text\n1,first headline here\n2,second headline there\n')

describe('importing a file that is already a dataset', () => {
  it('refuses with CONFLICT naming the dataset and how to open it, unless --new is given', () => {
    const first = runCli(['import', file, '--db', db, '--json'])
    expect(first.status).toBe(0)
    expect(first.json().dataset.id).toBe(1)

    const again = runCli(['import', file, '--db', db])
    expect(again.status).toBe(4)
    expect(again.stderr).toContain(`${fs.realpathSync(file)} is already imported, unchanged, as dataset 1 (news.csv, 2 rows).`)
    expect(again.stderr).toMatch(/hint: Open dataset 1 instead .*pass --new/)

    const json = runCli(['import', file, '--db', db, '--json'])
    expect(json.status).toBe(4)
    expect(json.stdout + json.stderr).toMatch(/"CONFLICT"/)

    const copy = runCli(['import', file, '--new', '--db', db, '--json'])
    expect(copy.status).toBe(0)
    expect(copy.json().dataset.id).toBe(2)

    const list = runCli(['datasets', '--db', db, '--json'])
    expect(
      list
        .json()
        .map((d: { id: number }) => d.id)
        .sort(),
    ).toEqual([1, 2])
  })

  it('imports a file again once it changed', () => {
    fs.appendFileSync(file, '3,a third headline\n')
    const r = runCli(['import', file, '--db', db, '--json'])
    expect(r.status).toBe(0)
    expect(r.json().dataset.rowCount).toBe(3)
  })
})
