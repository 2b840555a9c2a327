// better-sqlite3 is compiled for Node by `npm install` (the CLI, the server and the tests use it).
// Electron has its own ABI, so we compile a second copy for it under .cache/electron-native/ and point
// the app at it (store/native-binding.ts), leaving the Node build untouched. This needs Electron's
// headers, downloaded once by node-gyp.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

export function ensureElectronSqlite(root) {
  const electronVersion = require('electron/package.json').version
  const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'))
  const sqliteVersion = require('better-sqlite3/package.json').version
  const outDir = path.join(root, '.cache', 'electron-native')
  const binding = path.join(outDir, 'better_sqlite3.node')
  const stamp = path.join(outDir, 'stamp.json')
  const want = JSON.stringify({ electronVersion, sqliteVersion })
  if (fs.existsSync(binding) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return { ok: true, binding }

  const work = path.join(outDir, 'build')
  fs.rmSync(work, { recursive: true, force: true })
  fs.mkdirSync(work, { recursive: true })
  fs.cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.includes(`${path.sep}build${path.sep}`) })
  console.error(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (once)…`)
  // npm passes the node-gyp it bundles to the scripts it runs; outside npm, npx finds one.
  const nodeGyp = process.env.npm_config_node_gyp
  const [cmd, pre] = nodeGyp ? [process.execPath, [nodeGyp]] : ['npx', ['--yes', 'node-gyp']]
  const r = spawnSync(cmd, [...pre, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], {
    cwd: work,
    stdio: 'inherit',
  })
  const built = path.join(work, 'build', 'Release', 'better_sqlite3.node')
  if (r.status !== 0 || !fs.existsSync(built)) {
    return {
      ok: false,
      error: `node-gyp exited with ${r.status}`,
      fix: 'make sure python3, make and a C++ compiler are installed and that Electron headers can be downloaded (internet once), then `npm start` again',
    }
  }
  fs.copyFileSync(built, binding)
  fs.writeFileSync(stamp, want)
  return { ok: true, binding }
}
