#!/usr/bin/env node
// The `embedmap` command. The engine is TypeScript: it runs from an esbuild bundle of the current sources
// (bin/cli-bundle.mjs, rebuilt whenever a source changes), or through tsx when the bundle cannot be built,
// so the CLI, the browser-mode server and the tests all run the very sources that Electron bundles.
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { bundledCli } from './cli-bundle.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bundle = await bundledCli(root)
if (bundle) {
  await import(pathToFileURL(bundle).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src-main/cli/main.ts')
}
