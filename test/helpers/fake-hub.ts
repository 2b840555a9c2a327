import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** An HTTP server on loopback for a test's stand-in (a Hub, a mirror, a CDN), and its address. */
export interface Loopback {
  server: http.Server
  endpoint: string
  close(): Promise<void>
}

export async function listenLoopback(handler: http.RequestListener): Promise<Loopback> {
  const server = http.createServer(handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    server,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    },
  }
}

/**
 * Answers one file as the Hub's file server does: HEAD with its size, a Range request with 206 (416 past the end)
 * unless `ignoreRange`, else the whole body — or, with `dropAt`, that fraction of it before the connection dies, so
 * a client's resume can be tested.
 */
export function sendHubFile(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, opts: { dropAt?: number; ignoreRange?: boolean } = {}): void {
  if (req.method === 'HEAD') return void res.writeHead(200, { 'content-length': body.length }).end()
  const range = /bytes=(\d+)-/.exec(req.headers.range ?? '')
  if (range && !opts.ignoreRange) {
    const start = Number(range[1])
    if (start >= body.length) return void res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end()
    res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` })
    return void res.end(body.subarray(start))
  }
  if (opts.dropAt !== undefined) {
    res.writeHead(200, { 'content-length': body.length })
    res.flushHeaders()
    res.write(body.subarray(0, Math.floor(body.length * opts.dropAt)), () => setTimeout(() => res.socket?.destroy(), 20))
    return
  }
  res.writeHead(200, { 'content-length': body.length }).end(body)
}

/**
 * What the real sentence-transformers/all-MiniLM-L6-v2 repository holds of the files a full fine-tune needs (it has
 * no sentencepiece.bpe.model: a natural 404), as the tests' stand-ins serve them from the built model folder.
 */
export const MINILM_TRAINING_FILES = [
  'config.json',
  'model.safetensors',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.txt',
  'modules.json',
  'sentence_bert_config.json',
  'config_sentence_transformers.json',
  '1_Pooling/config.json',
]
