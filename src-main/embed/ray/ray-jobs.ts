/**
 * The Ray Jobs REST API on a cluster's dashboard port (what `ray job submit/status/stop/logs` call underneath).
 *
 * REST rather than the `ray` CLI: EmbedMap is a desktop app, and the CLI would need a Python with the cluster's
 * exact Ray version on the user's machine; the REST API needs only HTTP to the dashboard (default port 8265).
 * The job's working_dir (our entry script) is uploaded the way the Ray SDK does it: a zip package PUT under
 * /api/packages/gcs/_ray_pkg_<hash>.zip, skipped when the cluster already holds that hash.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import { EmbedMapError } from '../../errors'
import { storedZip, type ZipEntry } from './stored-zip'

export type RayJobStatus = 'PENDING' | 'RUNNING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED'
export const TERMINAL: ReadonlySet<RayJobStatus> = new Set(['STOPPED', 'SUCCEEDED', 'FAILED'])

export interface RayJobInfo {
  status: RayJobStatus
  message: string | null
}

const REQUEST_TIMEOUT_MS = 30_000

interface HttpReply {
  status: number
  ok: boolean
  text(): Promise<string>
}

/** `127.0.0.1:8265`, `http://host:8265`, `ray://host:10001` (the client port; the dashboard is assumed on 8265). */
export function dashboardUrl(address: string): string {
  const a = address.trim()
  if (!a) throw new EmbedMapError('BAD_INPUT', 'no Ray address given', 'give the dashboard address, e.g. --ray-address http://127.0.0.1:8265')
  let url: URL
  try {
    if (a.startsWith('ray://')) {
      url = new URL('http://' + a.slice('ray://'.length))
      url.port = '8265'
    } else url = new URL(/^https?:\/\//.test(a) ? a : `http://${a}`)
  } catch {
    throw new EmbedMapError('BAD_INPUT', `"${address}" is not a Ray address`, 'give the dashboard address, e.g. --ray-address http://127.0.0.1:8265')
  }
  if (!url.port && url.protocol === 'http:') url.port = '8265'
  return url.toString().replace(/\/+$/, '')
}

export class RayJobsClient {
  readonly base: string

  constructor(address: string) {
    this.base = dashboardUrl(address)
  }

  /** The cluster's Ray version; a clear error when nothing (or not a Ray dashboard) answers there. */
  async version(): Promise<string> {
    const body = await this.json<{ ray_version?: string; version?: string }>('GET', '/api/version')
    if (!body || typeof body !== 'object' || !('ray_version' in body || 'version' in body)) {
      throw new EmbedMapError(
        'BAD_INPUT',
        `${this.base} answered, but it is not a Ray dashboard (no /api/version)`,
        'give the Ray dashboard address (port 8265 by default)',
      )
    }
    return String(body.ray_version ?? body.version)
  }

  /** Uploads the files as the job's working_dir unless the cluster has them already; returns the runtime_env URI. */
  async uploadWorkingDir(files: readonly ZipEntry[]): Promise<string> {
    const zip = storedZip(files)
    const name = `_ray_pkg_${crypto.createHash('sha1').update(zip).digest('hex')}.zip`
    const path = `/api/packages/gcs/${name}`
    const head = await this.request('GET', path)
    if (head.status !== 200) {
      const put = await this.request('PUT', path, zip, 'application/octet-stream')
      if (!put.ok) throw await this.httpError(put, 'upload the job package')
    }
    return `gcs://${name}`
  }

  async submit(input: { entrypoint: string; submissionId: string; workingDir: string; metadata?: Record<string, string> }): Promise<string> {
    const body = await this.json<{ submission_id?: string; job_id?: string }>('POST', '/api/jobs/', {
      entrypoint: input.entrypoint,
      submission_id: input.submissionId,
      runtime_env: { working_dir: input.workingDir },
      metadata: input.metadata ?? {},
    })
    return String(body.submission_id ?? input.submissionId)
  }

  async status(submissionId: string): Promise<RayJobInfo> {
    const body = await this.json<{ status: RayJobStatus; message?: string | null }>('GET', `/api/jobs/${encodeURIComponent(submissionId)}`)
    return { status: body.status, message: body.message ?? null }
  }

  /** Asks Ray to stop the job (its driver gets SIGTERM, then SIGKILL); true when it was still running. */
  async stop(submissionId: string): Promise<boolean> {
    const body = await this.json<{ stopped?: boolean }>('POST', `/api/jobs/${encodeURIComponent(submissionId)}/stop`)
    return body.stopped === true
  }

  async logs(submissionId: string): Promise<string> {
    try {
      const body = await this.json<{ logs?: string }>('GET', `/api/jobs/${encodeURIComponent(submissionId)}/logs`)
      return body.logs ?? ''
    } catch {
      return ''
    }
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json')
    if (!res.ok) throw await this.httpError(res, `${method} ${path}`)
    const text = await res.text()
    try {
      return JSON.parse(text) as T
    } catch {
      throw new EmbedMapError(
        'BAD_INPUT',
        `${this.base} answered ${path} with something other than JSON: ${text.slice(0, 120)}`,
        'give the Ray dashboard address (port 8265 by default)',
      )
    }
  }

  /**
   * node:http rather than fetch: Node's fetch sends Sec-Fetch-Mode, and Ray's dashboard refuses PUT/POST from anything
   * that looks like a browser ("method not allowed for browser traffic").
   */
  private request(method: string, path: string, body?: string | Buffer, type?: string): Promise<HttpReply> {
    const url = new URL(this.base + path)
    const lib = url.protocol === 'https:' ? https : http
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body)
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method,
          headers: {
            'user-agent': 'EmbedMap',
            ...(type ? { 'content-type': type } : {}),
            ...(payload ? { 'content-length': String(payload.length) } : {}),
          },
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            const status = res.statusCode ?? 0
            resolve({ status, ok: status >= 200 && status < 300, text: async () => text })
          })
          res.on('error', (err) => reject(this.networkError(err)))
        },
      )
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })))
      req.on('error', (err) => reject(this.networkError(err)))
      req.end(payload)
    })
  }

  private async httpError(res: HttpReply, what: string): Promise<EmbedMapError> {
    const text = (await res.text().catch(() => '')).trim().slice(0, 300)
    if (res.status === 404)
      return new EmbedMapError(
        'NOT_FOUND',
        `The Ray dashboard at ${this.base} has no ${what.replace(/^(GET|POST|PUT) /, '')} (HTTP 404).`,
        'check the address: it must be the Ray dashboard (port 8265 by default)',
      )
    return new EmbedMapError('BAD_INPUT', `The Ray cluster at ${this.base} could not ${what} (HTTP ${res.status}${text ? `: ${text}` : ''}).`)
  }

  private networkError(err: unknown): EmbedMapError {
    const code = (err as { code?: string })?.code ?? ''
    const host = new URL(this.base).host
    const hint = 'start the cluster (`ray start --head`) or check --ray-address: it is the dashboard address, http://HOST:8265 by default'
    if (code === 'ECONNREFUSED') return new EmbedMapError('BAD_INPUT', `No Ray cluster answers at ${this.base}: connection refused.`, hint)
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      return new EmbedMapError('BAD_INPUT', `Cannot find the Ray cluster host ${host}: the name does not resolve.`, hint)
    if (code === 'TIMEOUT') return new EmbedMapError('BAD_INPUT', `The Ray cluster at ${this.base} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`, hint)
    return new EmbedMapError('BAD_INPUT', `Cannot reach the Ray cluster at ${this.base}: ${code || (err instanceof Error ? err.message : String(err))}.`, hint)
  }
}
