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

/**
 * The Electron binary's path, downloading it first if needed. Electron's own `require('electron')`
 * would do the same but prints the downloader's stack trace when offline; here its output is kept
 * and only its last line is reported.
 */
function electronBinary() {
  const dir = path.dirname(require.resolve('electron/package.json'))
  const located = () => {
    const pathFile = path.join(dir, 'path.txt')
    if (!fs.existsSync(pathFile)) return undefined
    const bin = path.join(dir, 'dist', fs.readFileSync(pathFile, 'utf8').trim())
    return fs.existsSync(bin) ? bin : undefined
  }
  const found = located()
  if (found) return { path: found }
  console.error("Downloading Electron's binary (once)…")
  const r = spawnSync(process.execPath, [path.join(dir, 'install.js')], { encoding: 'utf8', timeout: 10 * 60_000 })
  const after = located()
  if (after) return { path: after }
  const output = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n')
  const reason =
    output.find((l) => /^(Error|RequestError|HTTPError)\b|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|fetch failed/.test(l.trim())) ??
    output.at(-1) ??
    `exit code ${r.status}`
  return { error: reason.trim().slice(0, 200) }
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
