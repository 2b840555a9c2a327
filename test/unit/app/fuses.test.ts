import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
// @ts-expect-error — a plain JS script for packagers, without type declarations
import { FUSE_SETTINGS } from '../../../scripts/fuses.js'

const root = path.resolve(__dirname, '../../..')

it('turns off the ways to run the packaged binary as something else', () => {
  expect(FUSE_SETTINGS).toMatchObject({
    RunAsNode: false,
    EnableNodeOptionsEnvironmentVariable: false,
    EnableNodeCliInspectArguments: false,
    EnableEmbeddedAsarIntegrityValidation: true,
    OnlyLoadAppFromAsar: true,
    EnableCookieEncryption: true,
  })
})

it('explains how to get @electron/fuses when a packager runs it without it', () => {
  if (fs.existsSync(path.join(root, 'node_modules', '@electron', 'fuses'))) return
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'fuses.js'), '/nonexistent/EmbedMap'], { encoding: 'utf8' })
  expect(r.status).toBe(1)
  expect(r.stderr).toContain('npm install --no-save @electron/fuses')
})
