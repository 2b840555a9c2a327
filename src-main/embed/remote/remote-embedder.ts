/**
 * RemoteEmbedder: texts → vectors through an OpenAI-compatible `POST {url}/embeddings` server (Text
 * Embeddings Inference, vLLM, Infinity, Ollama, OpenAI…), with the same shape as the local Embedder so
 * the embed job and search use either.
 *
 *   const e = await RemoteEmbedder.open(config)          // one probe request: reachable, key valid, dims
 *   const { vectors } = await e.embed(texts, { kind: 'passage', signal })
 *
 * Requests are bounded by a text count and a token budget (characters / 4), run `concurrency` at a time,
 * started at most `requestsPerMinute` per minute, each with a timeout; a request that may pass later
 * (network drop, timeout, 408/429/5xx) is tried again with exponential backoff and jitter, waiting what
 * the server's `Retry-After` says when it says it. The API key is read from its environment variable
 * at each request and never kept in any record; every error message is scrubbed of it.
 */
import crypto from 'node:crypto'
import type { RemoteModel } from '../../contract/schemas'
import { EmbedMapError } from '../../errors'
import { l2NormalizeRows } from '../pooling'
import type { EmbedKind } from '../types'
import { approxTokens, planBatches } from './batches'
import { MinuteRateLimit, sleep } from './rate-limit'
import { displayUrl, redact } from './redact'
import { backoffMs, isRetryableStatus, retryAfterMs, RETRY_BASE_MS } from './retry'

export interface RemoteEmbedOptions {
  kind?: EmbedKind
  signal?: AbortSignal
  onProgress?: (p: { done: number; total: number }) => void
}

export interface RemoteEmbedderInfo {
  id: string
  /** Stands for the weights: the server and model name (a server cannot prove which weights it runs). */
  version: string
  configKey: string
  dims: number
  variant: 'fp32'
  endpoint: string
  model: string
}

export interface RemoteOpenOptions {
  /** Base delay of the backoff (tests shorten it). */
  retryBaseMs?: number
  /** Called before each retry: what failed and how long we wait (for job logs; already redacted). */
  onRetry?: (e: { attempt: number; waitMs: number; reason: string }) => void
}

/** A failure that another try may fix, with the server's requested wait when it gave one. */
class Retryable extends Error {
  constructor(
    message: string,
    readonly waitMs: number | null,
  ) {
    super(message)
  }
}

export class RemoteEmbedder {
  private readonly limiter: MinuteRateLimit
  private _info: RemoteEmbedderInfo
  /** Requests sent and seconds spent, for throughput figures. */
  readonly stats = { requests: 0, retries: 0, texts: 0 }

  private constructor(
    readonly config: RemoteModel,
    private readonly opts: RemoteOpenOptions,
  ) {
    this.limiter = new MinuteRateLimit(config.requestsPerMinute)
    const endpoint = displayUrl(config.url)
    const version = 'remote-' + hash({ endpoint, model: config.model })
    this._info = { id: config.model, version, configKey: '', dims: config.dims ?? 0, variant: 'fp32', endpoint, model: config.model }
  }

  get info(): RemoteEmbedderInfo {
    return this._info
  }

  /** Checks the server with one short request (reachable, key accepted, vector size) before any work is done. */
  static async open(config: RemoteModel, opts: RemoteOpenOptions = {}, signal?: AbortSignal): Promise<RemoteEmbedder> {
    const e = new RemoteEmbedder(config, opts)
    e.apiKey() // a missing key variable fails here, before anything is sent
    const [probe] = await e.requestWithRetries(['hello'], signal)
    const got = probe.length
    if (config.dims !== undefined && got !== config.dims) throw e.dimsError(got)
    const dims = config.dims ?? got
    e._info = { ...e._info, dims, configKey: hash({ dims, q: config.queryPrefix, p: config.passagePrefix }) }
    return e
  }

  /** Embeds texts (in order) with the prefix for `kind`; vectors are L2-normalized, n × dims. */
  async embed(texts: string[], opts: RemoteEmbedOptions = {}): Promise<{ vectors: Float32Array; truncated: number; tokens: number }> {
    const prefix = this.prefixFor(opts.kind ?? 'passage')
    const inputs = texts.map((t) => prefix + t)
    const dims = this._info.dims
    const out = new Float32Array(texts.length * dims)
    const batches = planBatches(inputs, this.config.maxBatch, this.config.maxBatchTokens)
    let next = 0
    let done = 0
    // The first failure stops the other workers from starting new requests.
    const stop = new AbortController()
    const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal
    const worker = async () => {
      while (next < batches.length && !signal.aborted) {
        const [start, end] = batches[next++]
        const vecs = await this.requestWithRetries(inputs.slice(start, end), signal)
        vecs.forEach((v, i) => out.set(v, (start + i) * dims))
        done += end - start
        opts.onProgress?.({ done, total: texts.length })
      }
    }
    const workers = Array.from({ length: Math.min(this.config.concurrency, batches.length) }, () =>
      worker().catch((err) => {
        stop.abort(err)
        throw err
      }),
    )
    const results = await Promise.allSettled(workers)
    if (opts.signal?.aborted) throw new EmbedMapError('CANCELLED', 'embedding cancelled')
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
    l2NormalizeRows(out, dims)
    return { vectors: out, truncated: 0, tokens: inputs.reduce((n, t) => n + approxTokens(t), 0) }
  }

  /** Texts per second of one request of these texts, times the concurrency: the throughput we can expect. */
  async measure(texts: string[], signal?: AbortSignal): Promise<number> {
    const t0 = performance.now()
    await this.requestWithRetries(texts, signal)
    const seconds = Math.max(1e-3, (performance.now() - t0) / 1000)
    return (texts.length / seconds) * this.config.concurrency
  }

  async close(): Promise<void> {}

  private prefixFor(kind: EmbedKind): string {
    if (kind === 'query') return this.config.queryPrefix
    if (kind === 'none') return ''
    return this.config.passagePrefix
  }

  private async requestWithRetries(inputs: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw signal.reason instanceof EmbedMapError ? signal.reason : new EmbedMapError('CANCELLED', 'embedding cancelled')
      try {
        return await this.request(inputs, signal)
      } catch (err) {
        if (!(err instanceof Retryable)) throw err
        if (attempt >= this.config.retries) {
          throw new EmbedMapError(
            'INTERNAL',
            `${this.where()} still failed after ${attempt + 1} tries: ${err.message}`,
            'Vectors made so far are kept; run the same command again to resume when the server is healthy.',
          )
        }
        const waitMs = err.waitMs ?? backoffMs(attempt, Math.random, this.opts.retryBaseMs ?? RETRY_BASE_MS)
        this.stats.retries++
        this.opts.onRetry?.({ attempt: attempt + 1, waitMs, reason: err.message })
        await sleep(waitMs, signal).catch(() => {})
      }
    }
  }

  /** One POST; returns the vectors or throws Retryable / a clear EmbedMapError. */
  private async request(inputs: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    await this.limiter.acquire(signal)
    const key = this.apiKey()
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
    if (key) headers.authorization = `Bearer ${key}`
    const timeout = AbortSignal.timeout(this.config.timeoutMs)
    const body = JSON.stringify({ model: this.config.model, input: inputs, encoding_format: 'float' })
    this.stats.requests++
    let res: Response
    let text: string
    try {
      res = await fetch(this.endpoint(), { method: 'POST', headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout })
      text = await res.text()
    } catch (err) {
      if (signal?.aborted) throw new EmbedMapError('CANCELLED', 'embedding cancelled')
      throw this.networkError(err, timeout.aborted)
    }
    if (!res.ok) throw this.statusError(res, text)
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new EmbedMapError(
        'BAD_INPUT',
        `${this.where()} answered ${res.status} with something that is not JSON (${res.headers.get('content-type') ?? 'no content type'}): ${this.snippet(text)}`,
        'Check that the URL is the API base of an OpenAI-compatible embedding server (it usually ends in /v1).',
      )
    }
    const vecs = this.readVectors(parsed, inputs.length)
    this.stats.texts += inputs.length
    return vecs
  }

  private readVectors(body: unknown, n: number): Float32Array[] {
    const data = (body as { data?: unknown }).data
    if (!Array.isArray(data) || data.length !== n) {
      throw new EmbedMapError(
        'BAD_INPUT',
        `${this.where()} did not answer like an OpenAI embeddings API: expected data with ${n} embeddings, got ${Array.isArray(data) ? data.length : typeof data}.`,
        'Check the URL (it usually ends in /v1) and the model name.',
      )
    }
    const out: Float32Array[] = new Array(n)
    const dims = this._info.dims
    data.forEach((item: { embedding?: unknown; index?: unknown }, pos) => {
      const i = typeof item.index === 'number' ? item.index : pos
      const v = decodeEmbedding(item.embedding)
      if (!v || i < 0 || i >= n || out[i]) {
        throw new EmbedMapError(
          'BAD_INPUT',
          `${this.where()} sent an embedding that is not a list of numbers (item ${pos}).`,
          'Check the server and model name.',
        )
      }
      if (dims && v.length !== dims) throw this.dimsError(v.length)
      for (let k = 0; k < v.length; k++) {
        if (!Number.isFinite(v[k])) throw new EmbedMapError('BAD_INPUT', `${this.where()} sent a vector with NaN or infinite values (item ${pos}).`)
      }
      out[i] = v
    })
    return out
  }

  private dimsError(got: number): EmbedMapError {
    const want = this._info.dims || this.config.dims
    return new EmbedMapError(
      'BAD_INPUT',
      `${this.where()} returned ${got}-dimensional vectors, but this model is set up for ${want}. Nothing from this batch was stored.`,
      'Fix the model name or --dims (re-add the server with `embedmap models add-remote`), then run again: vectors already stored stay.',
      { expected: want, got },
    )
  }

  private statusError(res: Response, body: string): Error {
    const detail = this.snippet(body)
    if (isRetryableStatus(res.status)) return new Retryable(`HTTP ${res.status}${detail ? ` (${detail})` : ''}`, retryAfterMs(res.headers.get('retry-after')))
    if (res.status === 401 || res.status === 403) {
      return new EmbedMapError(
        'BAD_INPUT',
        `${this.where()} refused the request (HTTP ${res.status}${detail ? `: ${detail}` : ''}).`,
        this.config.apiKeyEnv
          ? `Check the API key in the environment variable ${this.config.apiKeyEnv}.`
          : 'The server wants an API key: re-add it with --api-key-env VAR and put the key in that environment variable.',
      )
    }
    if (res.status === 404) {
      return new EmbedMapError(
        'NOT_FOUND',
        `${this.where()} answered 404${detail ? ` (${detail})` : ''}.`,
        'Check the URL (the API base, usually ending in /v1) and that the server serves this model name.',
      )
    }
    return new EmbedMapError(
      'BAD_INPUT',
      `${this.where()} rejected the request (HTTP ${res.status}${detail ? `: ${detail}` : ''}).`,
      'Check the model name and the server’s limits (--max-batch).',
    )
  }

  private networkError(err: unknown, timedOut: boolean): Error {
    if (timedOut) return new Retryable(`no answer within ${Math.round(this.config.timeoutMs / 1000)} s`, null)
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause
    const code = cause?.code ?? (err as { code?: string })?.code ?? ''
    const msg = redact(cause?.message ?? (err instanceof Error ? err.message : String(err)), this.keyValue())
    const host = safeHost(this.config.url)
    if (code === 'ENOTFOUND') {
      return new EmbedMapError('BAD_INPUT', `Cannot find the server ${host}: the name does not resolve (DNS).`, 'Check the host name in the URL.')
    }
    if (/CERT|SSL|TLS|ERR_TLS|EPROTO/i.test(code) || /certificate|ssl|tls|wrong version number/i.test(msg)) {
      return new EmbedMapError(
        'BAD_INPUT',
        `The secure connection to ${host} failed (${code || 'TLS'}: ${msg}).`,
        'If the server speaks plain HTTP, use http:// in the URL; if it uses its own certificate, make Node trust it (NODE_EXTRA_CA_CERTS).',
      )
    }
    if (code === 'EAI_AGAIN') return new Retryable(`the name ${host} could not be looked up (DNS, temporary failure)`, null)
    if (code === 'ECONNREFUSED') return new Retryable(`connection refused by ${host} (is the server running?)`, null)
    return new Retryable(`${code || 'network error'}: ${msg}`, null)
  }

  private endpoint(): string {
    return this.config.url.replace(/\/+$/, '') + '/embeddings'
  }

  private where(): string {
    return `The embedding server ${this._info.endpoint} (model ${this.config.model})`
  }

  private keyValue(): string | undefined {
    return this.config.apiKeyEnv ? process.env[this.config.apiKeyEnv] : undefined
  }

  private apiKey(): string | undefined {
    if (!this.config.apiKeyEnv) return undefined
    const key = process.env[this.config.apiKeyEnv]
    if (!key) {
      throw new EmbedMapError(
        'BAD_INPUT',
        `The environment variable ${this.config.apiKeyEnv} that should hold the API key for ${this._info.endpoint} is not set.`,
        `Set it in the shell that runs EmbedMap (export ${this.config.apiKeyEnv}=…) and run again.`,
      )
    }
    return key
  }

  private snippet(body: string): string {
    return redact(body.replace(/\s+/g, ' ').trim().slice(0, 200), this.keyValue())
  }
}

/** A JSON list of numbers, or base64 float32 (what some servers send even when asked for floats). */
function decodeEmbedding(e: unknown): Float32Array | null {
  if (Array.isArray(e)) return e.every((x) => typeof x === 'number') ? Float32Array.from(e as number[]) : null
  if (typeof e === 'string') {
    const buf = Buffer.from(e, 'base64')
    if (buf.length === 0 || buf.length % 4 !== 0) return null
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length))
  }
  return null
}

function safeHost(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'the server'
  }
}

function hash(v: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16)
}
