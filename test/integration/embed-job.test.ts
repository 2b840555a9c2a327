import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Embedder } from '../../src-main/embed'
import { runCli, startCli } from '../helpers/cli'
import { writeTinyModel } from '../helpers/tiny-model'
import { tmpDir } from '../helpers/tmp'

const dir = tmpDir()
const db = path.join(dir, 'embed.sqlite')
const ROWS = 200_000
const WORDS = ['hello', 'world', 'the', 'cat', 'dog', 'sat', 'on', 'mat', 'is', 'good', 'bad', 'map', 'data', '机器', '学习', '你好', '世界', '数据']

function textOf(i: number): string {
  if (i % 5000 === 7) return ''
  const n = 2 + (i % 9)
  return Array.from({ length: n }, (_, k) => WORDS[(i * 7 + k * 13) % WORDS.length]).join(' ') + ` ${i % 10}`
}

function count(sql: string): number {
  const d = new Database(db, { readonly: true })
  try {
    d.pragma('busy_timeout = 2000')
    return (d.prepare(sql).get() as { n: number }).n
  } finally {
    d.close()
  }
}

describe('embedmap embed with a generated model', () => {
  const model = writeTinyModel(path.join(dir, 'tiny-model'))
  const csv = path.join(dir, 'texts.csv')
  fs.writeFileSync(csv, 'id,text\n' + Array.from({ length: ROWS }, (_, i) => `${i},${textOf(i)}`).join('\n') + '\n')

  it('resumes after kill -9 to exactly one vector per row, equal to the model’s own output; a re-run is a no-op', async () => {
    const imported = runCli(['import', csv, '--db', db, '--json'])
    expect(imported.status).toBe(0)
    const datasetId = imported.json().dataset.id as number

    const child = startCli(['embed', '--dataset', String(datasetId), '--model', model.dir, '--db', db, '--json'])
    const exited = new Promise<void>((r) => child.on('exit', () => r()))
    const deadline = Date.now() + 120_000
    while (Date.now() < deadline && count(`SELECT count(*) AS n FROM embeddings`) < 3 * 1024) await new Promise((r) => setTimeout(r, 20))
    child.kill('SIGKILL')
    await exited
    const atKill = count(`SELECT count(*) AS n FROM embeddings`)
    expect(atKill).toBeGreaterThanOrEqual(3 * 1024)
    expect(atKill).toBeLessThan(ROWS)

    const jobs = runCli(['jobs', '--db', db, '--json']).json<{ kind: string; state: string }[]>()
    expect(jobs.find((j) => j.kind === 'embed')?.state).toBe('interrupted')

    const resumed = runCli(['embed', '--dataset', String(datasetId), '--model', model.dir, '--db', db, '--json'])
    expect(resumed.stderr).toBe('')
    expect(resumed.status).toBe(0)
    const { embeddingSet } = resumed.json()
    expect(embeddingSet).toMatchObject({ vectorCount: ROWS, dims: 16, status: 'ready', emptyTextCount: ROWS / 5000, provider: { used: 'cpu' } })
    expect(count(`SELECT count(DISTINCT row_idx) AS n FROM embeddings`)).toBe(ROWS)
    expect(count(`SELECT count(*) AS n FROM embedding_sets`)).toBe(1)

    // Stored vectors are the model's vectors for those rows.
    const sample = [0, 7, 1, 4999, 123_456, ROWS - 1]
    const embedder = await Embedder.load(model.dir, { device: 'cpu' })
    const fresh = await embedder.embed(sample.map(textOf), { kind: 'clustering' })
    await embedder.close()
    const d = new Database(db, { readonly: true })
    for (const [k, idx] of sample.entries()) {
      const blob = (d.prepare(`SELECT vector FROM embeddings WHERE row_idx = ?`).get(idx) as { vector: Buffer }).vector
      const stored = new Float32Array(new Uint8Array(blob).buffer)
      expect(stored.length).toBe(16)
      for (let j = 0; j < 16; j++) expect(stored[j]).toBeCloseTo(fresh.vectors[k * 16 + j], 5)
    }
    d.close()

    const again = runCli(['embed', '--dataset', String(datasetId), '--model', model.dir, '--db', db, '--json'])
    expect(again.status).toBe(0)
    expect(again.json().embeddingSet.id).toBe(embeddingSet.id)
    expect(count(`SELECT count(*) AS n FROM embeddings`)).toBe(ROWS)
  }, 300_000)

  it('refuses Matryoshka dims the model was not trained for, with a clear message', () => {
    const r = runCli(['embed', '--dataset', '1', '--model', model.dir, '--dims', '8', '--db', db])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/dims|Matryoshka/i)
    expect(r.stderr).toMatch(/hint:/)
  })

  it('says how to get a catalog model that is not downloaded', () => {
    const r = runCli(['embed', '--dataset', '1', '--model', 'bge-small-en-v1.5', '--db', db], { EMBEDMAP_CACHE: path.join(dir, 'empty-cache') })
    expect(r.status).toBe(3)
    expect(r.stderr).toContain('bge-small-en-v1.5 is not downloaded')
    expect(r.stderr).toContain('embedmap models pull bge-small-en-v1.5')
  })
})
