import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { resolveRendererDir } from '../../src-main/renderer-dir'
import { buildRenderer, ensureRendererBuilt } from '../e2e/support/renderer'

// Test-only code must not ship: a normal build has no trace of the map's test hook; the e2e renderer has it.
const TRACES = ['__embedmapMap', 'findPickableRow', 'dimmedRows']

function builtText(dir: string): string {
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.(js|html)$/.test(e.name))
  return files.map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')).join('\n')
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-renderer-build-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

it('a normal renderer build contains no test hook', () => {
  const out = path.join(tmp, 'renderer')
  buildRenderer(out, false)
  const text = builtText(out)
  expect(text).toContain('EmbedMap')
  for (const trace of TRACES) expect(text, trace).not.toContain(trace)
}, 300_000)

it('the e2e renderer is built with the hook, and `embedmap serve` can be pointed at it', async () => {
  const dir = await ensureRendererBuilt()
  expect(builtText(dir)).toContain('__embedmapMap')
  const saved = process.env.EMBEDMAP_RENDERER_DIR
  try {
    process.env.EMBEDMAP_RENDERER_DIR = dir
    expect(resolveRendererDir('/default/out/renderer')).toBe(dir)
    delete process.env.EMBEDMAP_RENDERER_DIR
    expect(resolveRendererDir('/default/out/renderer')).toBe('/default/out/renderer')
  } finally {
    if (saved !== undefined) process.env.EMBEDMAP_RENDERER_DIR = saved
  }
}, 300_000)
