import { createHash } from 'node:crypto'
import fs from 'node:fs'

/**
 * The identity of a task's data: its settings (columns, task kind) and the bytes of every file it reads. The same
 * data gives the same fingerprint wherever the files were copied, so stored results are found again.
 */
export async function dataFingerprint(settings: unknown, files: string[]): Promise<string> {
  const h = createHash('sha256')
  h.update(JSON.stringify(settings))
  for (const file of files) {
    h.update('\0file\0')
    for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer)
  }
  return h.digest('hex')
}
