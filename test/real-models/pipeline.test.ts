/**
 * The whole pipeline through the user-facing command, on a real data set and a real model:
 * `embedmap run` imports, embeds, analyzes and exports; the exports re-import to the same rows.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRecordReader, sniffSource } from '../../src-main/import'
import { runCli } from '../helpers/cli'
import { realModel } from '../helpers/real-models'
import { sharedData, tmpDir } from '../helpers/tmp'

const dir = tmpDir()
const db = path.join(dir, 'pipeline.sqlite')

async function readAll(file: string): Promise<{ columns: string[]; rows: string[][] }> {
  const sniff = await sniffSource(file)
  const reader = createRecordReader(sniff)
  const rows: string[][] = []
  for await (const batch of reader.batches()) for (const r of batch) rows.push(r.cells)
  return { columns: reader.columns, rows }
}

describe('embedmap run on AG News with all-MiniLM-L6-v2', () => {
  it('produces a map, labelled clusters, outliers and exports that round-trip', async () => {
    const src = path.join(dir, 'ag800.csv')
    const lines = fs.readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv'), 'utf8').split('\n')
    fs.writeFileSync(src, lines.slice(0, 801).join('\n') + '\n')
    const out = path.join(dir, 'out')
    const r = runCli(['run', src, '--model', realModel('all-MiniLM-L6-v2'), '--out', out, '--contamination', '0.02', '--db', db, '--json'])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const { summary, files, datasetId } = r.json()
    expect(summary.rows).toBe(800)
    expect(summary.k).toBeGreaterThanOrEqual(2)
    expect(summary.silhouetteCurve.length).toBeGreaterThan(3)
    expect(summary.clusters.reduce((s: number, c: { size: number }) => s + c.size, 0)).toBe(800)
    for (const c of summary.clusters) {
      expect(c.keywords.length).toBeGreaterThan(0)
      expect(c.exemplars.length).toBe(3)
    }
    expect(summary.anomalies.flaggedCount).toBe(16) // 2% of 800
    // the default detector, and each top row says which of its two scores put it there
    expect(summary.anomalies.method).toBe('knn-text')
    for (const a of summary.anomalies.top.slice(0, 16)) expect(['neighbourhood', 'text']).toContain(a.reason)

    const original = await readAll(src)
    const all = await readAll(files.all)
    expect(all.columns).toEqual([...original.columns, 'cluster', 'cluster_label', 'anomaly_score', 'is_anomaly', 'x', 'y'])
    expect(all.rows.length).toBe(800)
    // Original values come back as they were (the formula guard only touches cells starting with = + - @ tab CR).
    const guarded = (v: string) => /^[=+\-@\t\r]/.test(v)
    all.rows.forEach((row, i) =>
      original.rows[i].forEach((v, j) => expect(row[j]).toBe(guarded(v) && original.columns[j] !== 'label' && original.columns[j] !== 'id' ? `'${v}` : v)),
    )
    for (const row of all.rows) {
      expect(Number.isFinite(Number(row[row.length - 2]))).toBe(true)
      expect(Number.isFinite(Number(row[row.length - 1]))).toBe(true)
    }
    expect((await readAll(files.anomalies)).rows.length).toBe(16)
    expect((await readAll(files.clusters)).rows.length).toBe(800)

    // Neighbours and semantic search on the same workspace.
    const nb = runCli(['neighbors', '--dataset', String(datasetId), '--row', '0', '--k', '5', '--db', db, '--json'])
    expect(nb.status).toBe(0)
    expect(nb.json().length).toBe(5)
    const q = runCli(['search', '--dataset', String(datasetId), 'oil prices rise', '--k', '5', '--db', db, '--json'])
    expect(q.status).toBe(0)
    const hits = q.json().hits as { text: string; score: number }[]
    expect(hits.length).toBe(5)
    expect(hits.filter((h) => /oil|crude|opec|barrel/i.test(h.text)).length).toBeGreaterThanOrEqual(3)

    // A selection export writes exactly the rows asked for.
    const sel = runCli([
      'export',
      '--dataset',
      String(datasetId),
      '--rows',
      '5,1,700',
      '--format',
      'jsonl',
      '--out',
      path.join(out, 'sel.jsonl'),
      '--db',
      db,
      '--json',
    ])
    expect(sel.status).toBe(0)
    const selected = fs
      .readFileSync(path.join(out, 'sel.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    // an integer id column is written as JSON numbers now: compare its text
    expect(selected.map((o) => String(o.id))).toEqual([original.rows[5][0], original.rows[1][0], original.rows[700][0]])
  }, 600_000)
})
