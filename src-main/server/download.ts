import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { sendError } from './http-util'
import { baseHeaders } from './security'

const TYPES: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
}

/**
 * `GET /api/exports/:name` — a finished export from the workspace's exports folder, as a download (browser mode cannot
 * read the file from disk itself). Only a plain file name directly in that folder is served: no sub-paths, no links out.
 */
export async function handleDownload(exportsDir: string, name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!name || name !== path.basename(name) || name.startsWith('.') || name.includes('\\') || name.includes('\0')) {
    sendError(res, 400, { code: 'BAD_INPUT', message: 'Name one exported file, without a folder.' })
    return
  }
  const root = await realpath(exportsDir).catch(() => null)
  const file = root ? await realpath(path.join(root, name)).catch(() => null) : null
  const info = file ? await stat(file).catch(() => null) : null
  if (!root || !file || path.dirname(file) !== root || !info?.isFile()) {
    sendError(res, 404, { code: 'NOT_FOUND', message: `There is no export named ${name}.` })
    return
  }
  res.writeHead(200, {
    ...baseHeaders,
    'Content-Type': TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
    'Cache-Control': 'no-store',
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(file).pipe(res)
}
