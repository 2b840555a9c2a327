import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll } from 'vitest'

/** A fresh temporary folder, removed when the test file finishes. */
export function tmpDir(prefix = 'embedmap-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
export const sharedData = path.resolve(repoRoot, '../shared/data')
