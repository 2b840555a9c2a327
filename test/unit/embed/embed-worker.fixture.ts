// Worker entry for worker.test.ts: loads a model inside a worker thread (as the job runner will) and embeds.
import { parentPort, workerData } from 'node:worker_threads'
import { Embedder } from '../../../src-main/embed/embedder'

const { dir, texts } = workerData as { dir: string; texts: string[] }
const e = await Embedder.load(dir, { device: 'auto', threads: 1 })
const { vectors, truncated } = await e.embed(texts)
parentPort!.postMessage({ vectors: Array.from(vectors), truncated, provider: e.info.provider })
await e.close()
