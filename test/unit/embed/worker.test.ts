import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { Embedder } from '../../../src-main/embed/embedder'
import { writeTinyModel } from '../../helpers/tiny-model'
import { repoRoot, tmpDir } from '../../helpers/tmp'

const root = tmpDir('embedmap-worker-')
process.env.EMBEDMAP_CACHE = path.join(root, 'cache')

function runInWorker(dir: string, texts: string[]): Promise<{ vectors: number[]; truncated: number }> {
  const bootstrap = path.join(repoRoot, 'src-main/jobs/worker-bootstrap.mjs')
  const entry = new URL('./embed-worker.fixture.ts', import.meta.url).href
  return new Promise((resolve, reject) => {
    const w = new Worker(bootstrap, { workerData: { __entry: entry, dir, texts }, env: { ...process.env } })
    w.once('message', resolve)
    w.once('error', reject)
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)))
  })
}

describe('Embedder in worker threads', () => {
  it('gives the same vectors in two concurrent workers as on the main thread', async () => {
    const m = writeTinyModel(path.join(root, 'm'))
    const texts = ['hello world', '机器学习', '']
    const e = await Embedder.load(m.dir, { device: 'cpu' })
    const main = await e.embed(texts)
    await e.close()
    const [a, b] = await Promise.all([runInWorker(m.dir, texts), runInWorker(m.dir, texts)])
    for (const r of [a, b]) {
      expect(r.vectors.length).toBe(main.vectors.length)
      r.vectors.forEach((v, i) => expect(Math.abs(v - main.vectors[i])).toBeLessThan(1e-6))
    }
  })
})
