import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { launchBrowser } from '../test/e2e/support/browser'
import { startServe } from '../test/e2e/support/cli'
import { ensureRendererBuilt } from '../test/e2e/support/renderer'
import { profileTop } from './cpu-profile'
import { buildMapWorkspace } from './map-data'

declare global {
  interface Window {
    __probe?: {
      t: Record<string, number>
      gl: Record<string, { calls: number; ms: number }>
      fetches: { channel: string; start: number; end: number }[]
      draws: { at: number; reason: string; points: string | undefined }[]
      frames: { at: number; points: number; onScreen: number }[]
    }
  }
}

const round = (x: number) => Math.round(x * 10) / 10

/**
 * `npm run bench -- map-first-frame [--rows=N] [--profile]`: where a big map's first frame spends its time, as a
 * timeline from the click on the dataset to the first frame on screen (page clock): each API call, the map's element
 * and its WebGL canvas appearing, the first frame issued (deck.gl's onAfterRender) and on screen; and the time spent
 * inside each WebGL call (calls that need an answer from the GPU process, like a program's link status, wait for it).
 * `--profile` adds the page's hottest JS functions over the same span. Prints; writes nothing.
 */
export async function main(args: string[]): Promise<void> {
  const rows = Number(args.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 1_000_000)
  const profile = args.includes('--profile')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-bench-ff-'))
  const db = path.join(dir, 'map.sqlite')
  const { datasetId } = buildMapWorkspace(db, rows)
  await ensureRendererBuilt()
  const serve = await startServe(db, 120_000)
  const browser = await launchBrowser()
  try {
    const { page, context } = browser
    await page.addInitScript(() => {
      const probe = {
        t: {} as Record<string, number>,
        gl: {} as Record<string, { calls: number; ms: number }>,
        fetches: [] as { channel: string; start: number; end: number }[],
        draws: [] as { at: number; reason: string; points: string | undefined }[],
        frames: [] as { at: number; points: number; onScreen: number }[],
      }
      window.__probe = probe
      // Why deck.gl drew each frame: its redraw reason ("Initial render", "Canvas resized", a layer's change...), taken
      // from its draw method once the map's test hook lends the Deck.
      const wrapDeck = setInterval(() => {
        const deck = window.__embedmapMap?.deck() as unknown as { _drawLayers?: (reason: string, opts?: unknown) => void } | null
        if (!deck?._drawLayers) return
        clearInterval(wrapDeck)
        const draw = deck._drawLayers.bind(deck)
        deck._drawLayers = (reason, opts) => {
          draw(reason, opts)
          const el = document.querySelector<HTMLElement>('[data-testid="map-canvas"]')
          const vp = (deck as unknown as { getViewports(): { width: number; height: number; zoom: number; target?: number[] }[] }).getViewports()[0]
          const view = vp ? ` ${vp.width}x${vp.height} zoom ${vp.zoom.toFixed(3)} target ${(vp.target ?? []).map((v) => v.toFixed(2)).join(',')}` : ''
          probe.draws.push({ at: performance.now(), reason: reason + view, points: el?.dataset.drawnPoints })
        }
      }, 5)
      const proto = WebGL2RenderingContext.prototype as unknown as Record<string, (...a: unknown[]) => unknown>
      for (const name of Object.getOwnPropertyNames(WebGL2RenderingContext.prototype)) {
        const d = Object.getOwnPropertyDescriptor(WebGL2RenderingContext.prototype, name)
        if (!d || typeof d.value !== 'function' || name === 'constructor') continue
        const orig = d.value as (...a: unknown[]) => unknown
        proto[name] = function (this: unknown, ...a: unknown[]) {
          const s = performance.now()
          try {
            return orig.apply(this, a)
          } finally {
            const e = probe.gl[name] ?? (probe.gl[name] = { calls: 0, ms: 0 })
            e.calls++
            e.ms += performance.now() - s
          }
        }
      }
      const origFetch = window.fetch.bind(window)
      window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input instanceof Request ? input.url : input)
        const rec = { channel: decodeURIComponent(url.split('/api/invoke/')[1] ?? url), start: performance.now(), end: NaN }
        probe.fetches.push(rec)
        const res = await origFetch(input, init)
        const clone = res.clone()
        void clone.arrayBuffer().then(() => (rec.end = performance.now()))
        return res
      }
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target as HTMLElement
          if (r.type === 'attributes' && r.attributeName === 'data-frames') {
            const f = { at: performance.now(), points: Number(el.dataset.drawnPoints), onScreen: NaN }
            probe.frames.push(f)
            requestAnimationFrame(() => requestAnimationFrame(() => (f.onScreen = performance.now())))
          }
          if (r.type === 'attributes' && r.attributeName === 'data-frames' && !probe.t.firstIssued) {
            probe.t.firstIssued = performance.now()
            requestAnimationFrame(() => requestAnimationFrame(() => (probe.t.firstOnScreen = performance.now())))
          }
          if (r.type === 'childList')
            for (const n of r.addedNodes) {
              if (!(n instanceof HTMLElement)) continue
              if (!probe.t.mapView && (n.dataset.testid === 'map-view' || n.querySelector?.('[data-testid="map-view"]'))) probe.t.mapView = performance.now()
              if (!probe.t.mapCanvas && (n.dataset.testid === 'map-canvas' || n.querySelector?.('[data-testid="map-canvas"]')))
                probe.t.mapCanvas = performance.now()
              if (!probe.t.glCanvas && (n instanceof HTMLCanvasElement || n.querySelector?.('canvas')) && el.closest?.('[data-testid="map-canvas"]'))
                probe.t.glCanvas = performance.now()
            }
          void el
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-frames'], childList: true })
    })
    await page.goto(serve.url)
    await page.waitForTimeout(1000)
    const open = async () => {
      await page.evaluate(() => {
        const p = window.__probe!
        p.t.click = performance.now()
        p.fetches.length = 0
        for (const k of Object.keys(p.gl)) delete p.gl[k]
      })
      await page.locator(`[data-testid="dataset-item"][data-dataset-id="${datasetId}"]`).click()
      await page.waitForFunction(() => window.__probe!.t.firstOnScreen ?? null, undefined, { timeout: 600_000, polling: 50 })
    }
    let hot: Awaited<ReturnType<typeof profileTop>> | undefined
    if (profile) hot = await profileTop(await context.newCDPSession(page), open, 25)
    else await open()
    // Frames queued behind the first (the redraws this probe looks for) are issued after it is on screen.
    await page.waitForTimeout(3000)
    const probe = await page.evaluate(() => window.__probe!)
    const t0 = probe.t.click
    const pointsFetch = probe.fetches.find((f) => f.channel === 'analysis.points')
    const ready = pointsFetch?.end ?? NaN
    console.log(`${rows.toLocaleString('en-US')} points; times in ms after the click (and after the points arrived)`)
    for (const f of probe.fetches)
      console.log(`  fetch ${f.channel.padEnd(22)} ${round(f.start - t0)} → ${round(f.end - t0)}  (${round(f.end - ready)} after points)`)
    for (const [k, v] of Object.entries(probe.t).sort((a, b) => a[1] - b[1]))
      console.log(`  ${k.padEnd(28)} ${round(v - t0)}  (${round(v - ready)} after points)`)
    console.log("the map's frames (issued → on screen; points drawn):")
    for (const f of probe.frames) console.log(`  ${round(f.at - ready)} → ${round(f.onScreen - ready)} after points; ${f.points.toLocaleString('en-US')}`)
    console.log('deck.gl draws (issued; why; points the frame had):')
    for (const d of probe.draws) console.log(`  ${String(round(d.at - t0)).padStart(8)} (${round(d.at - ready)} after points)  ${d.reason}; ${d.points ?? '-'}`)
    const gl = Object.entries(probe.gl)
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 15)
    console.log('WebGL calls (time inside the call):')
    for (const [name, g] of gl) console.log(`  ${name.padEnd(28)} ${String(g.calls).padStart(6)} calls ${round(g.ms)} ms`)
    if (hot) {
      console.log(`page JS (${hot.totalMs} ms sampled):`)
      for (const h of hot.hot) console.log(`  ${String(h.selfMs).padStart(8)} ms  ${h.fn} ${h.where}`)
    }
  } finally {
    await browser.close()
    await serve.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
