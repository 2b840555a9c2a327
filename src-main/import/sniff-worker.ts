import { parentPort } from 'node:worker_threads'
import { serializeError } from '../errors'
import { sniffSource } from './sniff'
import type { ImportOptions } from './types'

/** Worker side of sniff-off-thread.ts: one sniff per message, answered with the result or the error. */
export interface SniffRequest {
  id: number
  path: string
  opts: ImportOptions
}

parentPort!.on('message', (req: SniffRequest) => {
  sniffSource(req.path, req.opts).then(
    (sniff) => parentPort!.postMessage({ id: req.id, ok: true, sniff }),
    (err: unknown) => parentPort!.postMessage({ id: req.id, ok: false, error: serializeError(err) }),
  )
})
