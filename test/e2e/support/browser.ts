import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Flags for a quiet, reproducible headless browser. */
export const BASE_CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/** How WebGL is rendered without a GPU. */
export const SOFTWARE_GL_ARGS = ['--disable-gpu']

export interface Browser {
  context: BrowserContext
  page: Page
  /** Console errors and CSP violations seen so far: a clean page has none. */
  problems: string[]
  close(): Promise<void>
}

/** Debian's Chromium through playwright-core. Missing Chromium is a failure with the fix in the message, never a skip. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}; the e2e tests need it. Install it with: apt-get update && apt-get install -y chromium`)
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [...BASE_CHROMIUM_ARGS, ...SOFTWARE_GL_ARGS],
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text())
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${new URL(r.url()).pathname}`)
  })
  return {
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => {})
      fs.rmSync(profile, { recursive: true, force: true })
    },
  }
}
