import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { expect, it } from 'vitest'

// npm's own range semantics; semver is in every install (electron-vite, node-gyp and npm itself use it).
const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean }

// One supported Node range, stated in package.json and the README, that every locked package accepts — except the
// Electron installer, whose Node ≥ 22.12 only concerns `npm start`'s download (see README, Requirements).
const root = path.resolve(__dirname, '../..')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'))
const ELECTRON_INSTALLER = new Set(['electron', '@electron/get', '@electron-internal/extract-zip'])

it('states the range in package.json and the README, and this Node is in it', () => {
  const range = pkg.engines.node as string
  expect(range).toBe('^20.19.0 || >=22.13.0')
  expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(`\`${range}\``)
  expect(semver.satisfies(process.version, range)).toBe(true)
})

it('every locked package accepts the lowest Node of each supported line', () => {
  const lowest = ['20.19.0', '22.13.0']
  const refusing: string[] = []
  for (const [where, entry] of Object.entries(lock.packages as Record<string, { version?: string; optional?: boolean; engines?: { node?: string } }>)) {
    const name = where.replace(/^.*node_modules\//, '')
    const wants = entry.engines?.node
    // Optional packages are platform fallbacks (e.g. rolldown's WebAssembly binding) that npm skips when they do not fit.
    if (!where || !wants || entry.optional || ELECTRON_INSTALLER.has(name)) continue
    for (const v of lowest) if (!semver.satisfies(v, wants)) refusing.push(`${name}@${entry.version} wants node ${wants} (not ${v})`)
  }
  expect(refusing).toEqual([])
})

it('skips the CUDA download without an unknown npm config key', () => {
  expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false)
  const npmrc = path.join(root, '.npmrc')
  const text = fs.existsSync(npmrc) ? fs.readFileSync(npmrc, 'utf8') : ''
  expect(text).not.toMatch(/onnxruntime/)
})
