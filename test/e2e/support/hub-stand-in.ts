import http from 'node:http'
import path from 'node:path'
import { listenLoopback } from '../../helpers/fake-hub'

/**
 * A stand-in for the Hugging Face Hub on loopback (HF_ENDPOINT): the test's handler answers each request, and `env`
 * points the CLI and `embedmap serve` at it with a model cache of the test's own. Nothing leaves the machine.
 */
export interface HubStandIn {
  env: Record<string, string>
  close(): Promise<void>
}

export async function startHubStandIn(tmp: string, handler: http.RequestListener): Promise<HubStandIn> {
  const hub = await listenLoopback(handler)
  return {
    env: { EMBEDMAP_CACHE: path.join(tmp, 'cache'), HF_ENDPOINT: hub.endpoint, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    close: () => hub.close(),
  }
}

/**
 * Sends `body` (bytes, or that many zeros) `chunk` bytes every `everyMs`, so a download lasts long enough for a test
 * to watch its byte progress or cancel it midway. The headers must already be written.
 */
export function trickle(res: http.ServerResponse, body: Buffer | number, chunk: number, everyMs: number): void {
  const size = typeof body === 'number' ? body : body.length
  let sent = 0
  const timer = setInterval(() => {
    const n = Math.min(chunk, size - sent)
    res.write(typeof body === 'number' ? Buffer.alloc(n) : body.subarray(sent, sent + n))
    sent += n
    if (sent >= size) {
      clearInterval(timer)
      res.end()
    }
  }, everyMs)
  res.on('close', () => clearInterval(timer))
}
