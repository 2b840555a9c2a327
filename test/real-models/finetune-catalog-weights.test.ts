/**
 * A full fine-tune from a *catalog* base whose PyTorch weights came through EmbedMap's download, all through the real CLI:
 * a Hub stand-in on loopback (HF_ENDPOINT) serves the catalog's ONNX repository (Xenova/all-MiniLM-L6-v2) and the
 * source repository (sentence-transformers/all-MiniLM-L6-v2) from the real model folder the tests build; the weights'
 * first transfer is cut midway and resumed with a Range request. Before the weights are there, `finetune --method full`
 * is refused with the command that fetches them; `--download-weights` fetches them and trains (a few steps on a SciFact
 * slice, CPU); the model registers and its held-out nDCG@10 does not get worse.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLineage } from '../../src-main/finetune/lineage'
import { runCli, runCliAsync } from '../helpers/cli'
import { realModel } from '../helpers/real-models'
import { scifactSlice } from '../helpers/scifact-slice'
import { tmpDir } from '../helpers/tmp'
import { MINILM_TRAINING_FILES } from '../helpers/fake-hub'

const dir = tmpDir('embedmap-ft-catalog-')
const venv = process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv')
const source = realModel('all-MiniLM-L6-v2')
const MODEL_ID = 'all-MiniLM-L6-v2'

/** Path on the stand-in → file of the real folder. */
const ROUTES = new Map<string, string>([
  ['/Xenova/all-MiniLM-L6-v2/resolve/main/onnx/model.onnx', 'model.onnx'],
  ...['tokenizer.json', 'tokenizer_config.json', 'config.json'].map((f) => [`/Xenova/all-MiniLM-L6-v2/resolve/main/${f}`, f] as [string, string]),
  ...MINILM_TRAINING_FILES.map((f) => [`/sentence-transformers/all-MiniLM-L6-v2/resolve/main/${f}`, f] as [string, string]),
])
const WEIGHTS_PATH = '/sentence-transformers/all-MiniLM-L6-v2/resolve/main/model.safetensors'
const log: { method: string; path: string; range?: string }[] = []
let dropWeights = true
let server: http.Server
let env: Record<string, string>

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const p = new URL(req.url!, 'http://x').pathname
    log.push({ method: req.method!, path: p, range: req.headers.range })
    const file = ROUTES.get(p)
    if (!file) return res.writeHead(404).end('Entry not found')
    const body = fs.readFileSync(path.join(source, file))
    if (req.method === 'HEAD') return res.writeHead(200, { 'content-length': body.length }).end()
    const range = /bytes=(\d+)-/.exec(req.headers.range ?? '')
    if (range) {
      const start = Number(range[1])
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` })
      return res.end(body.subarray(start))
    }
    if (p === WEIGHTS_PATH && dropWeights) {
      dropWeights = false
      res.writeHead(200, { 'content-length': body.length })
      res.flushHeaders()
      res.write(body.subarray(0, Math.floor(body.length * 0.45)), () => setTimeout(() => res.socket?.destroy(), 20))
      return
    }
    res.writeHead(200, { 'content-length': body.length }).end(body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  env = {
    EMBEDMAP_CACHE: path.join(dir, 'cache'),
    HF_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  }
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

interface Metrics {
  ndcg10: number
  recall10: number
  mrr10: number
}
interface ModelRow {
  id: string
  downloaded: boolean
  training: { ready: boolean; sizeBytes: number | null; sourceRepo: string | null; unsupported: string | null } | null
}

describe('full fine-tune of a catalog model whose weights EmbedMap downloads', () => {
  it('refuses without the weights (naming the command), then --download-weights fetches them (resumed) and trains', async () => {
    const db = path.join(dir, 'w.sqlite')
    // Not runCli: a blocking child would stop this process's loopback Hub from answering it.
    const pulled = await runCliAsync(['models', 'pull', MODEL_ID, '--json', '--db', db], env)
    expect(pulled.status, pulled.stderr).toBe(0)
    const listed = () =>
      runCli(['models', '--json', '--db', db], env)
        .json<{ models: ModelRow[] }>()
        .models.find((m) => m.id === MODEL_ID)!
    expect(listed()).toMatchObject({ downloaded: true, training: { ready: false, sourceRepo: 'sentence-transformers/all-MiniLM-L6-v2', unsupported: null } })
    expect(listed().training!.sizeBytes).toBeGreaterThan(80e6)

    const s = scifactSlice(path.join(dir, 'scifact'), 64, 32)
    const args = [
      'finetune',
      ...['--queries', s.queries, '--corpus', s.corpus, '--qrels', s.qrels],
      ...['--model', MODEL_ID, '--method', 'full', '--python', venv],
      ...['--epochs', '1', '--batch-size', '16', '--max-length', '64', '--hard-negatives', '1', '--eval-split', '0.25', '--device', 'cpu'],
      ...['--name', 'minilm-catalog-full', '--db', db],
    ]
    // 1. Without the weights: a clear refusal that names the download, and nothing written.
    const refused = runCli(args, env)
    expect(refused.status).not.toBe(0)
    const said = refused.stderr + refused.stdout
    expect(said).toMatch(
      /A full fine-tune trains PyTorch weights, and all-MiniLM-L6-v2's \(from sentence-transformers\/all-MiniLM-L6-v2\) are not downloaded yet \(about 91 MB\)/,
    )
    expect(said).toContain('embedmap models pull all-MiniLM-L6-v2 --training-weights')
    expect(fs.existsSync(path.join(dir, 'finetune'))).toBe(false)
    expect(log.some((l) => l.path === WEIGHTS_PATH)).toBe(false)

    // 2. --download-weights: the weights come (the first transfer is cut and resumed), then the run trains on them.
    const t = performance.now()
    const r = await runCliAsync([...args, '--download-weights', '--json'], env)
    if (r.status !== 0) throw new Error(`embedmap finetune exited ${r.status}: ${r.stderr}${r.stdout}`)
    const seconds = (performance.now() - t) / 1000
    const gets = log.filter((l) => l.method === 'GET' && l.path === WEIGHTS_PATH)
    expect(gets.length).toBe(2)
    expect(gets[0].range).toBeUndefined()
    expect(gets[1].range).toMatch(/^bytes=[1-9]\d*-$/)
    const weights = path.join(dir, 'cache', 'models', MODEL_ID, 'training', 'model.safetensors')
    expect(fs.readFileSync(weights).equals(fs.readFileSync(path.join(source, 'model.safetensors')))).toBe(true)
    expect(listed().training!.ready).toBe(true)

    const out = r.json<{ modelId: string; modelDir: string; before: Metrics; after: Metrics; run: { steps: unknown[]; status: string } }>()
    console.log(
      `catalog base, downloaded weights: ${out.run.steps.length} steps in ${seconds.toFixed(0)} s (download included); held-out nDCG@10 ${out.before.ndcg10.toFixed(4)} → ${out.after.ndcg10.toFixed(4)}, recall@10 ${out.before.recall10.toFixed(4)} → ${out.after.recall10.toFixed(4)}, MRR@10 ${out.before.mrr10.toFixed(4)} → ${out.after.mrr10.toFixed(4)}`,
    )
    expect(out.modelId).toBe('minilm-catalog-full')
    expect(out.run.status).toBe('succeeded')
    expect(out.run.steps.length).toBeGreaterThan(0)
    const lineage = readLineage(out.modelDir)!
    expect(lineage.method).toBe('full')
    expect(lineage.parity!.fp32.mean).toBeGreaterThanOrEqual(0.9999)
    expect(JSON.stringify(lineage)).toContain('sentence-transformers/all-MiniLM-L6-v2') // where the trained weights came from
    expect(out.after.ndcg10).toBeGreaterThanOrEqual(out.before.ndcg10)
    const { models } = runCli(['models', '--json', '--db', db], env).json<{ models: { id: string; source: string }[] }>()
    expect(models.find((m) => m.id === 'minilm-catalog-full')?.source).toBe('finetuned')
  }, 600_000)
})
