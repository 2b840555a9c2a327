import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { writeTinyModel } from '../helpers/tiny-model'
import { tmpDir } from '../helpers/tmp'

/**
 * `embedmap run` says "run the same command again to continue". Since a finished import is no longer repeated
 * silently (issue 9), the second run must continue with the dataset it imported the first time, not fail or copy it.
 */
const dir = tmpDir('embedmap-run-again-')

describe('embedmap run, twice on the same file', () => {
  it('reuses the imported dataset the second time', () => {
    const model = path.join(dir, 'tiny-model')
    writeTinyModel(model)
    const words = ['cat', 'dog', 'mat', 'hello', 'world', 'data', 'map', 'text', 'search', 'document']
    const lines = ['id,text']
    for (let i = 0; i < 60; i++) lines.push(`${i},the ${words[i % 10]} sat on the ${words[(i * 3) % 10]} ${i}`)
    const csv = path.join(dir, 'small.csv')
    fs.writeFileSync(csv, lines.join('\n') + '\n')
    const db = path.join(dir, 'w.sqlite')
    const args = ['run', csv, '--model', model, '--out', path.join(dir, 'out'), '--db', db, '--json']
    const first = runCli(args)
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    const again = runCli(args)
    expect(again.stderr).toBe('')
    expect(again.status).toBe(0)
    expect(again.json().datasetId).toBe(first.json().datasetId)
    expect(runCli(['datasets', '--db', db, '--json']).json()).toHaveLength(1)
  }, 240_000)
})
