/**
 * Pulling a catalog model's PyTorch weights for a full fine-tune, from a Hub stand-in on loopback that serves the real
 * all-MiniLM-L6-v2 sentence-transformers folder the tests build (`/<repo>/resolve/main/<file>`, as download.ts asks):
 * the file list, byte progress, a dropped connection resumed with Range (in the same call and in a later one), an
 * optional file the repository lacks, the weights missing (a clear error, nothing left), a repository without
 * sentence-transformers files, the mirror setting and a proxy.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { DownloadProgress } from '../../../src-main/embed/download'
import {
  downloadTrainingWeights,
  TRAINING_MARKER,
  trainingWeightsFolder,
  trainingWeightsNeeded,
  TRAINING_SUBDIR,
} from '../../../src-main/embed/training-weights'
import { getCatalogModel } from '../../../src-main/embed/catalog'
import { EmbedMapError } from '../../../src-main/errors'
import { validateBaseModel } from '../../../src-main/finetune/full/validate'
import { listenLoopback, MINILM_TRAINING_FILES, sendHubFile, type Loopback } from '../../helpers/fake-hub'
import { realModel } from '../../helpers/real-models'
import { tmpDir } from '../../helpers/tmp'

const root = tmpDir('embedmap-training-weights-')
process.env.EMBEDMAP_CACHE = path.join(root, 'cache')
for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy', 'HF_ENDPOINT', 'HF_TOKEN']) delete process.env[k]

const MODEL_ID = 'all-MiniLM-L6-v2'
const REPO = 'sentence-transformers/all-MiniLM-L6-v2'
const source = realModel(MODEL_ID)
const SERVED = MINILM_TRAINING_FILES
const FILES = new Map(SERVED.map((rel) => [rel, fs.readFileSync(path.join(source, rel))]))
const WEIGHTS = FILES.get('model.safetensors')!

interface Logged {
  method: string
  path: string
  range?: string
}
const log: Logged[] = []
const behaviour = { drop: new Map<string, number>(), missing: new Set<string>(), extra: new Map<string, Buffer>() }
let hub: Loopback
let endpoint: string

function serve(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url!, 'http://x')
  log.push({ method: req.method!, path: url.pathname, range: req.headers.range })
  const prefix = `/${REPO}/resolve/main/`
  if (!url.pathname.startsWith(prefix)) return res.writeHead(404).end('Repository not found')
  const rel = decodeURIComponent(url.pathname.slice(prefix.length))
  const body = behaviour.extra.get(rel) ?? FILES.get(rel)
  if (!body || behaviour.missing.has(rel)) return res.writeHead(404).end('Entry not found')
  // A planned drop happens once: the connection dies partway through the file.
  const dropAt = req.headers.range || req.method === 'HEAD' ? undefined : behaviour.drop.get(rel)
  if (dropAt !== undefined) behaviour.drop.delete(rel)
  sendHubFile(req, res, body, { dropAt })
}

beforeAll(async () => {
  hub = await listenLoopback(serve)
  endpoint = hub.endpoint
})
afterAll(() => hub.close())
beforeEach(() => {
  log.length = 0
  behaviour.drop.clear()
  behaviour.missing.clear()
  behaviour.extra.clear()
})

const fresh = (name: string) => path.join(root, 'models', name)
const gets = (rel: string) => log.filter((l) => l.method === 'GET' && l.path.endsWith(`/${rel}`))

describe('downloadTrainingWeights', () => {
  it('fetches the weights, config, tokenizer and sentence-transformers files into training/, skipping what the repository lacks', async () => {
    const progress: DownloadProgress[] = []
    const dest = fresh('plain')
    const r = await downloadTrainingWeights(MODEL_ID, { endpoint, destDir: dest, onProgress: (p) => progress.push(p) })
    const dir = path.join(dest, TRAINING_SUBDIR)
    expect(r).toMatchObject({ id: MODEL_ID, repo: REPO, dir, missing: ['sentencepiece.bpe.model'], synthesized: [] })
    expect([...r.files].sort()).toEqual([...SERVED].sort())
    for (const rel of SERVED) expect(fs.readFileSync(path.join(dir, rel)).equals(FILES.get(rel)!), rel).toBe(true)
    const total = SERVED.reduce((s, rel) => s + FILES.get(rel)!.length, 0)
    expect(r.bytesDownloaded).toBe(total)
    expect(progress.at(-1)).toMatchObject({ done: total, total })
    for (let i = 1; i < progress.length; i++) expect(progress[i].done).toBeGreaterThanOrEqual(progress[i - 1].done)
    expect(JSON.parse(fs.readFileSync(path.join(dir, TRAINING_MARKER), 'utf8'))).toMatchObject({ id: MODEL_ID, repo: REPO, revision: 'main' })
    // Only the finished folder: no partial folder, no .part files, no lock.
    expect(fs.readdirSync(dest).sort()).toEqual([TRAINING_SUBDIR])
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.part') || f.endsWith('.part.json'))).toEqual([])
    // The full fine-tune finds it beside the (here absent) ONNX files, and its checks pass.
    expect(trainingWeightsFolder(dest)).toBe(dir)
    expect(validateBaseModel(dir)).toEqual({ dims: 384, weights: 'model.safetensors' })

    // Again: nothing is fetched.
    log.length = 0
    const again = await downloadTrainingWeights(MODEL_ID, { endpoint, destDir: dest })
    expect(again.bytesDownloaded).toBe(0)
    expect(log).toEqual([])
  })

  it('resumes model.safetensors with a Range request after the connection drops mid-file', async () => {
    behaviour.drop.set('model.safetensors', 0.4)
    const dest = fresh('drop')
    await downloadTrainingWeights(MODEL_ID, { endpoint, destDir: dest, retryDelayMs: 10 })
    expect(fs.readFileSync(path.join(dest, TRAINING_SUBDIR, 'model.safetensors')).equals(WEIGHTS)).toBe(true)
    const g = gets('model.safetensors')
    expect(g.length).toBe(2)
    expect(g[0].range).toBeUndefined()
    const from = Number(/bytes=(\d+)-/.exec(g[1].range ?? '')?.[1])
    expect(from).toBeGreaterThan(0)
    expect(from).toBeLessThan(WEIGHTS.length)
  })

  it('keeps the partial file of a failed run in training.partial/ and resumes it in the next run', async () => {
    behaviour.drop.set('model.safetensors', 0.5)
    const dest = fresh('tworuns')
    const err = await downloadTrainingWeights(MODEL_ID, { endpoint, destDir: dest, retries: 0 }).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(EmbedMapError)
    expect((err as EmbedMapError).message).toMatch(/lost the connection to 127\.0\.0\.1/)
    expect((err as EmbedMapError).hint).toMatch(/resumes/)
    expect(fs.existsSync(path.join(dest, TRAINING_SUBDIR))).toBe(false) // never a half folder under the real name
    expect(trainingWeightsFolder(dest)).toBeUndefined()
    const part = path.join(dest, `${TRAINING_SUBDIR}.partial`, 'model.safetensors.part')
    const have = fs.statSync(part).size
    expect(have).toBeGreaterThan(0)
    expect(have).toBeLessThan(WEIGHTS.length)

    log.length = 0
    const r = await downloadTrainingWeights(MODEL_ID, { endpoint, destDir: dest })
    // The rest of the weights and the files after them; config.json (fetched before the drop) was complete.
    expect(r.bytesDownloaded).toBe(SERVED.filter((f) => f !== 'config.json').reduce((s, f) => s + FILES.get(f)!.length, 0) - have)
    expect(gets('model.safetensors').map((l) => l.range)).toEqual([`bytes=${have}-`])
    expect(fs.readFileSync(path.join(dest, TRAINING_SUBDIR, 'model.safetensors')).equals(WEIGHTS)).toBe(true)
    expect(fs.existsSync(path.join(dest, `${TRAINING_SUBDIR}.partial`))).toBe(false)
  })

  it('skips an optional file the repository does not have', async () => {
    behaviour.missing.add('special_tokens_map.json')
    const dest = fresh('optional')
    const r = await downloadTrainingWeights(MODEL_ID, { endpoint, destDir: dest })
    expect(r.missing.sort()).toEqual(['sentencepiece.bpe.model', 'special_tokens_map.json'])
    expect(fs.existsSync(path.join(dest, TRAINING_SUBDIR, 'special_tokens_map.json'))).toBe(false)
    expect(trainingWeightsFolder(dest)).toBe(path.join(dest, TRAINING_SUBDIR))
  })

  it('takes pytorch_model.bin when the repository has no model.safetensors', async () => {
    behaviour.missing.add('model.safetensors')
    behaviour.extra.set('pytorch_model.bin', Buffer.from('stand-in weights'))
    const dest = fresh('bin')
    const r = await downloadTrainingWeights(MODEL_ID, { endpoint, destDir: dest })
    expect(r.files).toContain('pytorch_model.bin')
    expect(r.files).not.toContain('model.safetensors')
    expect(fs.readFileSync(path.join(dest, TRAINING_SUBDIR, 'pytorch_model.bin'), 'utf8')).toBe('stand-in weights')
  })

  it('a repository without the weights is a clear error that leaves nothing behind', async () => {
    behaviour.missing.add('model.safetensors')
    const dest = fresh('noweights')
    const err = await downloadTrainingWeights(MODEL_ID, { endpoint, destDir: dest }).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(EmbedMapError)
    const e = err as EmbedMapError
    expect(e.code).toBe('NOT_FOUND')
    expect(e.message).toMatch(/^Cannot download all-MiniLM-L6-v2's training weights: .*\/model\.safetensors does not exist \(HTTP 404\)/)
    expect(e.hint).toMatch(/model\.safetensors or pytorch_model\.bin, config\.json and a tokenizer from sentence-transformers\/all-MiniLM-L6-v2/)
    expect(e.details).toMatchObject({ reason: 'NO_PYTORCH_WEIGHTS', id: MODEL_ID, repo: REPO, status: 404 })
    // Found out from the sizes (HEAD) before any byte was written: nothing of it stays.
    expect(log.filter((l) => l.method === 'GET')).toEqual([])
    expect(fs.readdirSync(dest)).toEqual([])
  })

  it('a repository that loses the weights between two tries: the partial files go too', async () => {
    const dest = fresh('late404')
    behaviour.drop.set('model.safetensors', 0.3)
    await downloadTrainingWeights(MODEL_ID, { endpoint, destDir: dest, retries: 0 }).catch(() => undefined)
    expect(fs.existsSync(path.join(dest, `${TRAINING_SUBDIR}.partial`, 'model.safetensors.part'))).toBe(true)
    // The repository loses the file before the next try.
    behaviour.missing.add('model.safetensors')
    const err = await downloadTrainingWeights(MODEL_ID, { endpoint, destDir: dest }).catch((x: unknown) => x)
    expect(err).toMatchObject({ code: 'NOT_FOUND', details: { reason: 'NO_PYTORCH_WEIGHTS' } })
    expect(fs.readdirSync(dest)).toEqual([])
  })

  it('writes the sentence-transformers files from the catalog when the repository has none', async () => {
    for (const f of ['modules.json', 'sentence_bert_config.json', 'config_sentence_transformers.json', '1_Pooling/config.json']) behaviour.missing.add(f)
    const dest = fresh('nost')
    const r = await downloadTrainingWeights(MODEL_ID, { endpoint, destDir: dest })
    const dir = path.join(dest, TRAINING_SUBDIR)
    expect(r.synthesized.sort()).toEqual(['1_Pooling/config.json', 'modules.json', 'sentence_bert_config.json'])
    const modules = JSON.parse(fs.readFileSync(path.join(dir, 'modules.json'), 'utf8')) as { path: string; type: string }[]
    expect(modules.map((m) => m.type.split('.').pop())).toEqual(['Transformer', 'Pooling', 'Normalize'])
    // The catalog says mean pooling over 384 dims, max length 256 — what the ONNX path uses.
    expect(JSON.parse(fs.readFileSync(path.join(dir, '1_Pooling/config.json'), 'utf8'))).toMatchObject({
      word_embedding_dimension: 384,
      pooling_mode_mean_tokens: true,
      pooling_mode_cls_token: false,
    })
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'sentence_bert_config.json'), 'utf8'))).toMatchObject({ max_seq_length: 256 })
  })

  it('uses HF_ENDPOINT as the mirror, and goes through HTTP_PROXY', async () => {
    const seen: string[] = []
    const proxy = http.createServer((req, res) => {
      seen.push(req.url!)
      const up = http.request(new URL(req.url!), { method: req.method, headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode!, ur.headers)
        ur.pipe(res)
      })
      up.on('error', () => res.destroy())
      req.pipe(up)
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    process.env.HF_ENDPOINT = endpoint
    process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    try {
      const dest = fresh('mirror-proxy')
      await downloadTrainingWeights(MODEL_ID, { destDir: dest })
      expect(fs.readFileSync(path.join(dest, TRAINING_SUBDIR, 'model.safetensors')).equals(WEIGHTS)).toBe(true)
      expect(seen).toContain(`${endpoint}/${REPO}/resolve/main/model.safetensors`)
    } finally {
      delete process.env.HF_ENDPOINT
      delete process.env.HTTP_PROXY
      proxy.closeAllConnections()
      await new Promise((r) => proxy.close(r))
    }
  })

  it('refuses a model that cannot be trained in full, before any request', async () => {
    await expect(downloadTrainingWeights('nomic-embed-text-v1.5', { endpoint, destDir: fresh('nomic') })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      details: { reason: 'TRAINING_UNSUPPORTED' },
    })
    expect(log).toEqual([])
  })

  it('the fine-tune’s message for a catalog base without weights names the command and the size', () => {
    const e = trainingWeightsNeeded(getCatalogModel(MODEL_ID))
    expect(e.message).toMatch(/all-MiniLM-L6-v2's \(from sentence-transformers\/all-MiniLM-L6-v2\) are not downloaded yet \(about 91 MB\)/)
    expect(e.hint).toMatch(/`embedmap models pull all-MiniLM-L6-v2 --training-weights`/)
    expect(e.hint).toMatch(/--download-weights/)
    expect(e.details).toMatchObject({ reason: 'NO_PYTORCH_WEIGHTS', id: MODEL_ID, sizeBytes: 22_700_000 * 4 })
  })
})
