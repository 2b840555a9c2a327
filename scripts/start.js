#!/usr/bin/env node
// `npm start`: builds if needed, makes sure Electron and an Electron build of better-sqlite3 exist,
// then opens the desktop app. When Electron's binary cannot be had (offline machines, CI), it says so
// in one line with the fix and offers the browser mode, which runs the same app in any browser.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import readline from 'node:readline/promises'
import { fileURLToPath } from 'node:url'
import { ensureElectronSqlite } from './electron-native.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

function newestMtime(dir) {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs)
  }
  return newest
}

function buildIfStale() {
  const built = path.join(root, 'out', 'main', 'index.js')
  const sources = Math.max(newestMtime(path.join(root, 'src-main')), newestMtime(path.join(root, 'src-renderer')))
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

function electronBinary() {
  try {
    // Resolves to the binary path, downloading it on first use.
    return { path: require('electron') }
  } catch (err) {
    return { error: err instanceof Error ? err.message.split('\n')[0] : String(err) }
  }
}

async function offerBrowserMode() {
  if (!process.stdin.isTTY) {
    console.error('Browser mode: run `npx embedmap serve` and open the address it prints.')
    process.exit(1)
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr })
  const answer = (await rl.question('Start the browser mode now instead? [Y/n] ')).trim().toLowerCase()
  rl.close()
  if (answer && answer !== 'y' && answer !== 'yes') process.exit(1)
  const child = spawn(process.execPath, [path.join(root, 'bin', 'embedmap.js'), 'serve'], { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}

buildIfStale()
const electron = electronBinary()
if (!electron.path || !fs.existsSync(electron.path)) {
  console.error(
    `EmbedMap needs Electron's binary, which is not installed and could not be downloaded here (${electron.error ?? 'missing'}); ` +
      'fix: connect to the internet (or set ELECTRON_MIRROR) and run `npx install-electron --no`, then `npm start` again.',
  )
  await offerBrowserMode()
} else {
  const sqlite = ensureElectronSqlite(root)
  if (!sqlite.ok) {
    console.error(`EmbedMap could not build its database module for Electron (${sqlite.error}); fix: ${sqlite.fix}`)
    await offerBrowserMode()
  } else {
    const child = spawn(electron.path, ['.', ...process.argv.slice(2)], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, EMBEDMAP_SQLITE_BINDING: sqlite.binding },
    })
    child.on('exit', (code) => process.exit(code ?? 0))
  }
}
