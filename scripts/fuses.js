#!/usr/bin/env node
// Electron fuses for packaged builds (https://www.electronjs.org/docs/latest/tutorial/fuses): switches compiled into
// the Electron binary that turn off ways to run it as something other than EmbedMap. Flip them on the packaged
// binary, after packaging and before signing:
//
//   npm install --no-save @electron/fuses        # not a dependency: only packagers need it
//   node scripts/fuses.js path/to/EmbedMap[.exe|.app]
//
// or from electron-builder: "afterPack": "scripts/fuses.js" (the default export below), or from Electron Forge's
// FusesPlugin with the same FUSE_SETTINGS. `npm start` runs an unpackaged Electron and is not affected.
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Fuse name (as in @electron/fuses' FuseV1Options) → wanted state. */
export const FUSE_SETTINGS = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general Node.js interpreter.
  RunAsNode: false,
  // NODE_OPTIONS and --inspect would let anyone who can start the app inject code into its main process.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // Only code from the packaged, integrity-checked app.asar runs.
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  // Cookies and other stored secrets encrypted with an OS-held key.
  EnableCookieEncryption: true,
  // The app loads from app://, so file:// pages need none of their historical extra privileges.
  GrantFileProtocolExtraPrivileges: false,
})

/** Loads @electron/fuses if a packager installed it; otherwise explains how. */
export function loadFusesModule() {
  const require = createRequire(import.meta.url)
  try {
    return require('@electron/fuses')
  } catch {
    throw new Error('@electron/fuses is not installed; packagers run `npm install --no-save @electron/fuses` first (see scripts/fuses.js).')
  }
}

/** Flips FUSE_SETTINGS on the Electron binary at `electronPath` (an .exe, a Linux binary or a .app bundle). */
export async function flipEmbedMapFuses(electronPath) {
  const { flipFuses, FuseVersion, FuseV1Options } = loadFusesModule()
  const config = { version: FuseVersion.V1, resetAdHocDarwinSignature: process.platform === 'darwin' }
  for (const [name, on] of Object.entries(FUSE_SETTINGS)) {
    if (!(name in FuseV1Options)) throw new Error(`This @electron/fuses has no fuse named ${name}; update it.`)
    config[FuseV1Options[name]] = on
  }
  await flipFuses(electronPath, config)
}

/** electron-builder afterPack hook. */
export default async function afterPack(context) {
  const { appOutDir, packager, electronPlatformName } = context
  const name = packager.appInfo.productFilename
  const binary =
    electronPlatformName === 'darwin' || electronPlatformName === 'mas'
      ? path.join(appOutDir, `${name}.app`)
      : path.join(appOutDir, electronPlatformName === 'win32' ? `${name}.exe` : (packager.executableName ?? name))
  await flipEmbedMapFuses(binary)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = process.argv[2]
  if (!target) {
    console.error('usage: node scripts/fuses.js <packaged Electron binary or .app>')
    process.exit(2)
  }
  try {
    await flipEmbedMapFuses(target)
    console.log(`Fuses set on ${target}: ${JSON.stringify(FUSE_SETTINGS)}`)
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err))
    process.exit(1)
  }
}
