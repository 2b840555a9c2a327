import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { launchBrowser } from '../test/e2e/support/browser'
import { startServe } from '../test/e2e/support/cli'
import { freeDragStart } from '../test/e2e/support/map-drag'
import { artifactsDir } from '../test/e2e/support/paths'
import { ensureRendererBuilt } from '../test/e2e/support/renderer'
import { profileTop, type HotFunction } from './cpu-profile'
import { buildMapWorkspace } from './map-data'
import { machineInfo, readResults, writeResults } from './measure'

declare global {
  interface Window {
    __bench?: { frames: number[]; presented: number[]; drawn: number[]; tooltipAt: number | null }
  }
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN
}
const round = (x: number) => Math.round(x * 10) / 10

/** Written beside the figures (the header of main() says the same at more length). */
const WHERE_THE_TIME_GOES = [
  'Software WebGL (SwiftShader, 2 cores): a frame is almost all SwiftShader drawing the points, then Chromium compositing it; deck.gl issues a frame in ~10-25 ms of JS.',
  'Points are one GL_POINTS vertex each (map/round-points-layer.ts), no MSAA: ~0.6-0.7 us a point at radius 1.5 (raw WebGL2 GL_POINTS ~0.5 us; deck.gl ScatterplotLayer, an instanced quad per point: ~10-25 us). bench map-floor measures these.',
  'First frame: decode + colours + buffer upload + shader compilation (points, labels) + one draw; frames before the canvas is measured draw nothing. In software WebGL above the moving budget the first frame draws the moving share (the rows a pan draws) without labels, and the next one every point and the labels, once the first is on screen (progressive, like an image; the font atlas and shaders cost SwiftShader ~0.5-1 s at their first draw): dataReadyToFirstFrameOnScreenMs is the share, dataReadyToFullFrameOnScreenMs every point with labels.',
  'Hover: CPU picking (map/point-index.ts) + one React render of the tooltip; it does not wait for a frame.',
  'Moving (drag, wheel zoom, flight) in software WebGL draws a fixed random share of the points (150k at the default 1.5 px radius, map/move-preview.ts); every point is drawn again 150 ms after the map comes to rest (pan.releaseToFullFrame*).',
]

/**
 * Runs `action`, then waits for the first frame after it that drew all `rows` points and is on screen: its times
 * from the start of `action` (page clock).
 */
async function untilFullFrame(
  page: Page,
  rows: number,
  timeoutMs: number,
  action: () => Promise<void>,
  since?: { frame: number; at: number },
): Promise<{ issuedMs: number; onScreenMs: number }> {
  // `since`: count from that frame and page time (a wheel's full frame may be issued before this is called)
  const before = since?.frame ?? (await page.evaluate(() => window.__bench!.frames.length))
  const t0 = since?.at ?? (await page.evaluate(() => performance.now()))
  await action()
  const at = await page
    .waitForFunction(
      ([n, rows]) => {
        const b = window.__bench!
        for (let k = n; k < b.frames.length; k++) if (b.drawn[k] === rows && b.presented.length > k) return { k }
        return null
      },
      [before, rows] as const,
      { timeout: timeoutMs, polling: 20 },
    )
    .then((h) => h.jsonValue() as Promise<{ k: number }>)
  const [issued, shown] = await page.evaluate((k) => [window.__bench!.frames[k], window.__bench!.presented[k]], at.k)
  return { issuedMs: issued - t0, onScreenMs: shown - t0 }
}

/**
 * `npm run bench -- map [--rows=N] [--pans=N] [--frame-timeout=MS] [--profile] [--screenshots]`: a workspace with N synthetic map
 * rows (default 1,000,000) served by the real `embedmap serve`, opened in Debian's headless Chromium (WebGL on
 * SwiftShader, i.e. the CPU). Frame times come from deck.gl's onAfterRender (the canvas's data-frames attribute,
 * watched by a MutationObserver in the page), so they are page-clock times, not round trips through the test driver.
 *
 * Where the time goes (SwiftShader, 2 cores; `npm run bench -- map-floor` measures the drawing alone):
 * - Drawing the points is nearly all of a frame. deck.gl's ScatterplotLayer draws an instanced quad per point and
 *   SwiftShader pays ~10-25 µs per instance, whatever the radius: 1M points took ~36 s. The map now draws one
 *   GL_POINTS vertex per point (map/round-points-layer.ts) into a context without MSAA (4x MSAA tripled the cost):
 *   ~0.6-0.7 µs a point at radius 1.5, close to raw WebGL2 GL_POINTS with a trivial shader (~0.4-0.5 µs).
 *   What is left is SwiftShader's per-vertex and per-fragment work: bigger points cost more (radius 6: ~3x).
 * - A pan frame = deck.gl issuing the draw (~10-25 ms of JS) + SwiftShader drawing it + Chromium compositing it.
 *   While the map moves (drag, wheel, flight), software WebGL draws a fixed random share of the points (150k at the
 *   default size; map/move-preview.ts) and every point again 150 ms after it comes to rest: `pan` times the drag's
 *   frames and the release → full-set frame, `wheelZoom` the same for wheel notches.
 * - The first frame adds decoding the points, building the colour array, uploading buffers and compiling the
 *   shaders (points + labels); it used to be followed at once by a second full draw (a resize right after the first
 *   frame; see map/unchanged-resize.ts), then by a redraw at another view (the map mounts before explore mode's
 *   layout and fitted again from an effect) and one more for that view's labels; now the fit for the settled size
 *   comes in the same render. Above the moving budget in software WebGL the first frame draws the moving share
 *   (no labels: their font atlas and shaders cost SwiftShader ~0.5-1 s at first draw) and the next every point and
 *   the labels (progressive): the goal figure is the share on screen, the full set's time is reported too.
 * - Hover is CPU picking (map/point-index.ts) + one React render of the tooltip; it does not wait for a frame. The
 *   ring around the hovered point is a deck layer, so it costs a full redraw: in software above 200k points it is
 *   left out (framesDrawn 0), so moving the pointer over a 1M map does not queue 0.6 s frames.
 */
export async function main(args: string[]): Promise<void> {
  const rows = Number(args.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 1_000_000)
  const pans = Number(args.find((a) => a.startsWith('--pans='))?.split('=')[1] ?? 6)
  /** Stop waiting for a pan frame after this long (a frame that never comes is recorded as timed out). */
  const frameTimeoutMs = Number(args.find((a) => a.startsWith('--frame-timeout='))?.split('=')[1] ?? 120_000)
  /** CPU-profile the first hover and print where its time went. */
  const profile = args.includes('--profile')
  /** Screenshots of the map during the drag (its moving share of the points) and after it: test/artifacts/map-pan-<rows>-*.png. */
  const shots = args.includes('--screenshots')
  // The machine's load before this benchmark adds its own (Chromium and the server keep both cores busy).
  const loadBefore = os.loadavg()[0]
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-bench-map-'))
  const db = path.join(dir, 'map.sqlite')
  const t = performance.now()
  const { datasetId } = buildMapWorkspace(db, rows)
  const buildSeconds = (performance.now() - t) / 1000
  console.log(`workspace: ${rows.toLocaleString()} rows + analysis run in ${buildSeconds.toFixed(1)} s`)
  await ensureRendererBuilt()
  const serve = await startServe(db, 120_000)
  const browser = await launchBrowser()
  try {
    const { page, context } = browser
    await page.addInitScript(() => {
      const bench = { frames: [] as number[], presented: [] as number[], drawn: [] as number[], tooltipAt: null as number | null }
      window.__bench = bench
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target as HTMLElement
          if (r.type === 'attributes' && r.attributeName === 'data-frames' && el.dataset.testid === 'map-canvas') {
            bench.frames.push(performance.now())
            // How many points that frame drew: all of them, or the moving map's share (set before data-frames).
            bench.drawn.push(Number(el.dataset.drawnPoints ?? NaN))
            // deck.gl's onAfterRender fires when the draw calls are issued, not when the GPU (here SwiftShader, on the
            // CPU) has drawn them. Chromium holds back animation frames until earlier frames are presented, so the
            // second animation frame after the render is when that frame is on screen.
            requestAnimationFrame(() => requestAnimationFrame(() => bench.presented.push(performance.now())))
          }
          if (r.type === 'childList')
            for (const n of r.addedNodes)
              if (n instanceof HTMLElement && n.dataset.testid === 'map-tooltip' && bench.tooltipAt === null) bench.tooltipAt = performance.now()
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-frames'], childList: true })
    })
    await page.goto(serve.url)
    const clickAt = await page.evaluate(() => performance.now())
    await page.locator(`[data-testid="dataset-item"][data-dataset-id="${datasetId}"]`).click()
    await page.locator('[data-testid="map-canvas"][data-rendered="true"]').waitFor({ timeout: 600_000 })
    const load = await page.evaluate(() => {
      const res = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/invoke/analysis.points')) as PerformanceResourceTiming | undefined
      return {
        requestStart: res?.requestStart ?? NaN,
        responseStart: res?.responseStart ?? NaN,
        responseEnd: res?.responseEnd ?? NaN,
        bytes: res?.encodedBodySize ?? NaN,
        firstFrame: window.__bench!.frames[0],
      }
    })
    const dataReadyToFirstFrameMs = load.firstFrame - load.responseEnd
    const firstPresented = await page
      .waitForFunction(() => window.__bench!.presented[0] ?? null, undefined, { timeout: 600_000, polling: 100 })
      .then((h) => h.jsonValue() as Promise<number>)
    const dataReadyToFirstPresentedMs = firstPresented - load.responseEnd
    // Frames deck.gl issued before the first one reached the screen (each waits for SwiftShader to draw the last).
    const firstFrames = await page.evaluate(
      (t) => window.__bench!.frames.filter((f) => f <= t).map((f) => Math.round(f - window.__bench!.frames[0])),
      firstPresented,
    )
    console.log(`frames issued before the first was on screen: ${firstFrames.length} (at +${firstFrames.join(', +')} ms)`)
    // The first frame of a big map in software WebGL draws the moving share (progressive first frame); every point
    // comes in a later frame: the first frame that drew all `rows`, and when it was on screen.
    const firstDrawn = await page.evaluate(() => window.__bench!.drawn[0])
    const full = await page
      .waitForFunction(
        (rows) => {
          const b = window.__bench!
          const k = b.drawn.findIndex((d) => d === rows)
          return k >= 0 && b.presented.length > k ? { k, issued: b.frames[k], shown: b.presented[k] } : null
        },
        rows,
        { timeout: 600_000, polling: 50 },
      )
      .then((h) => h.jsonValue() as Promise<{ k: number; issued: number; shown: number }>)
    const dataReadyToFullFrameMs = full.issued - load.responseEnd
    const dataReadyToFullPresentedMs = full.shown - load.responseEnd
    const framesToFull = await page.evaluate((k) => window.__bench!.drawn.slice(0, k + 1), full.k)
    console.log(
      `points frame: ${(load.bytes / 2 ** 20).toFixed(1)} MB, server ${round(load.responseStart - load.requestStart)} ms, transfer ${round(load.responseEnd - load.responseStart)} ms`,
    )
    console.log(
      `data ready → first frame (${firstDrawn.toLocaleString('en-US')} points) issued ${round(dataReadyToFirstFrameMs)} ms, on screen ${round(dataReadyToFirstPresentedMs)} ms ` +
        `(goal < 2,000 ms: ${dataReadyToFirstPresentedMs < 2000 ? 'met' : 'NOT met'})`,
    )
    console.log(
      `data ready → every point (${rows.toLocaleString('en-US')}) issued ${round(dataReadyToFullFrameMs)} ms, on screen ${round(dataReadyToFullPresentedMs)} ms ` +
        `(frame ${full.k + 1}; points per frame until then: ${framesToFull.map((d) => d.toLocaleString('en-US')).join(', ')})`,
    )

    // Let any follow-up frames (labels, legend) reach the screen, then pan by dragging: one frame per step.
    await page.waitForFunction(() => window.__bench!.presented.length >= window.__bench!.frames.length, undefined, { timeout: 600_000, polling: 100 })
    await page.waitForTimeout(1000)
    const box = (await page.getByTestId('map-canvas').boundingBox())!
    // Drag on the map itself: with many clusters the legend covers the canvas centre, and a press there pans nothing
    // (the 1M run before this fix recorded that as "no frame in 120 s").
    const { x: cx, y: cy } = await freeDragStart(page, pans * 25, pans * 10)
    const frameTimes: number[] = []
    const issueTimes: number[] = []
    /** Points each pan frame drew: the moving map's share on a software renderer above its budget. */
    const panDrawn: number[] = []
    let timedOutFrames = 0
    await page.mouse.move(cx, cy)
    await page.mouse.down()
    // A first 1-pixel move ends the hover that reaching the start point caused (no hover while dragging); its frame
    // is left to finish before the timed moves.
    await page.mouse.move(cx + 1, cy)
    // Past the drag threshold: the pan starts here, so each timed move below moves the map.
    await page.mouse.move(cx + 12, cy + 5, { steps: 2 })
    for (let i = 1; i <= pans; i++) {
      // Start from a still screen (the pointer's hover highlight also draws a frame), so frame n is this move's.
      const settled = await page
        .waitForFunction(() => window.__bench!.presented.length >= window.__bench!.frames.length, undefined, { timeout: frameTimeoutMs, polling: 50 })
        .then(
          () => true,
          () => false,
        )
      const before = await page.evaluate(() => window.__bench!.frames.length)
      const t0 = await page.evaluate(() => performance.now())
      await page.mouse.move(cx + i * 25, cy + i * 10)
      const done =
        settled &&
        (await page
          .waitForFunction((n) => window.__bench!.presented.length > n, before, { timeout: frameTimeoutMs, polling: 50 })
          .then(
            () => true,
            () => false,
          ))
      if (!done) {
        // Recorded, not hidden: later moves would only queue behind this frame, so stop panning here.
        timedOutFrames++
        const counts = await page.evaluate(() => ({ issued: window.__bench!.frames.length, presented: window.__bench!.presented.length }))
        console.log(
          `pan ${i}: no frame on screen within ${frameTimeoutMs} ms (${settled ? 'after' : 'waiting for'} a still screen; frames issued ${counts.issued}, on screen ${counts.presented})`,
        )
        break
      }
      const [issued, shown, drawn] = await page.evaluate((n) => [window.__bench!.frames[n], window.__bench!.presented[n], window.__bench!.drawn[n]], before)
      issueTimes.push(issued - t0)
      frameTimes.push(shown - t0)
      panDrawn.push(drawn)
      console.log(`pan ${i}: frame issued after ${round(issued - t0)} ms, on screen after ${round(shown - t0)} ms, ${drawn.toLocaleString('en-US')} points`)
    }
    const movingPoints = await page.evaluate(() => window.__embedmapMap?.movingPoints() ?? null)
    const shotName = (what: string) => path.join(artifactsDir, `map-pan-${rows >= 1e6 ? `${rows / 1e6}m` : `${rows / 1e3}k`}-${what}.png`)
    if (shots) {
      fs.mkdirSync(artifactsDir, { recursive: true })
      await page.screenshot({ path: shotName('drag') })
    }
    // Release → the first frame with every point on screen (the map settles SETTLE_MS after the release). Without a
    // moving share (few points, or a GPU) every drag frame already had every point: nothing to wait for.
    const release = movingPoints === null ? null : await untilFullFrame(page, rows, frameTimeoutMs, () => page.mouse.up()).catch(() => null)
    if (movingPoints === null) await page.mouse.up()
    if (release) console.log(`release: every point issued after ${round(release.issuedMs)} ms, on screen after ${round(release.onScreenMs)} ms`)
    if (shots) await page.screenshot({ path: shotName('after') })
    await page
      .waitForFunction(() => window.__bench!.presented.length >= window.__bench!.frames.length, undefined, { timeout: frameTimeoutMs * 2, polling: 100 })
      .catch(() => {})
    await page.waitForTimeout(500)

    // Wheel zoom counts as moving too: a few notches in, one frame each, then the full set once the wheel is still.
    const wheelTimes: number[] = []
    const wheelDrawn: number[] = []
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    let wheelEnd: { issuedMs: number; onScreenMs: number } | null = null
    for (let i = 0; i < 3; i++) {
      const before = await page.evaluate(() => window.__bench!.frames.length)
      const t0 = await page.evaluate(() => performance.now())
      await page.mouse.wheel(0, -120)
      const done = await page
        .waitForFunction((n) => window.__bench!.presented.length > n, before, { timeout: frameTimeoutMs, polling: 20 })
        .then(
          () => true,
          () => false,
        )
      if (!done) break
      const [shown, drawn] = await page.evaluate((n) => [window.__bench!.presented[n], window.__bench!.drawn[n]], before)
      wheelTimes.push(shown - t0)
      wheelDrawn.push(drawn)
      console.log(`wheel ${i + 1}: frame on screen after ${round(shown - t0)} ms, ${drawn.toLocaleString('en-US')} points`)
      if (i === 2 && movingPoints !== null) {
        // from the last notch
        wheelEnd = await untilFullFrame(page, rows, frameTimeoutMs, async () => {}, { frame: before, at: t0 }).catch(() => null)
      }
    }
    if (wheelEnd) console.log(`wheel still: every point on screen after ${round(wheelEnd.onScreenMs)} ms`)
    await page.keyboard.press('f')
    await page
      .waitForFunction(() => window.__bench!.presented.length >= window.__bench!.frames.length, undefined, { timeout: frameTimeoutMs * 2, polling: 100 })
      .catch(() => {})
    await page.waitForTimeout(500)

    // Hover: over rows' own positions (any point there will do: a covered row picks the one on top), time from the
    // pointer move to the tooltip element appearing. That is deck.gl's picking pass plus one React render.
    const hover: number[] = []
    // Frames drawn because of each hover (the ring around the hovered point): 0 above 200k points in software.
    const hoverFrames: number[] = []
    let hoverProfile: { totalMs: number; hot: HotFunction[] } | undefined
    for (let row = 0, tries = 0; hover.length < 3 && tries < 12; row += 997, tries++) {
      const p = await page.evaluate((r) => window.__embedmapMap?.clientPointOf(r) ?? null, row)
      if (!p || p.x < box.x + 5 || p.y < box.y + 5 || p.x > box.x + box.width - 5 || p.y > box.y + box.height - 5) continue
      await page.mouse.move(box.x + 3, box.y + 3)
      await page
        .getByTestId('map-tooltip')
        .waitFor({ state: 'detached', timeout: frameTimeoutMs })
        .catch(() => {})
      await page.waitForTimeout(300)
      // From a still screen: un-hovering redraws the map, and Chromium delivers pointer moves with animation frames,
      // which wait for that frame. The pick itself is what this measures.
      await page
        .waitForFunction(() => window.__bench!.presented.length >= window.__bench!.frames.length, undefined, { timeout: frameTimeoutMs, polling: 50 })
        .catch(() => {})
      const framesBefore = await page.evaluate(() => window.__bench!.frames.length)
      const t0 = await page.evaluate(() => {
        window.__bench!.tooltipAt = null
        return performance.now()
      })
      let shown = false
      const hoverOnce = async () => {
        await page.mouse.move(p.x, p.y)
        shown = await page
          .waitForFunction(() => window.__bench!.tooltipAt !== null, undefined, { timeout: frameTimeoutMs, polling: 20 })
          .then(
            () => true,
            () => false,
          )
      }
      if (profile && !hoverProfile) {
        hoverProfile = await profileTop(await context.newCDPSession(page), hoverOnce)
        console.log(`hover profile (${hoverProfile.totalMs} ms sampled):`)
        for (const h of hoverProfile.hot) console.log(`  ${String(h.selfMs).padStart(8)} ms  ${h.fn} ${h.where}`)
      } else await hoverOnce()
      if (!shown) continue
      const t1 = await page.evaluate(() => window.__bench!.tooltipAt!)
      hover.push(t1 - t0)
      await page.waitForTimeout(300)
      hoverFrames.push((await page.evaluate(() => window.__bench!.frames.length)) - framesBefore)
      console.log(`hover ${hover.length}: ${round(t1 - t0)} ms, frames drawn ${hoverFrames[hoverFrames.length - 1]}`)
    }

    const cdp = await context.newCDPSession(page)
    await cdp.send('HeapProfiler.collectGarbage')
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number }
    const webgl = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2')
      const ext = gl?.getExtension('WEBGL_debug_renderer_info')
      return ext && gl ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'unknown'
    })

    const result = {
      benchmark: 'map',
      date: new Date().toISOString(),
      machine: machineInfo(),
      browser: { chromium: browser.context.browser()?.version() ?? 'persistent context', webglRenderer: webgl, headless: true },
      rows,
      workspaceBuildSeconds: round(buildSeconds),
      pointsFrame: {
        megabytes: round(load.bytes / 2 ** 20),
        serverMs: round(load.responseStart - load.requestStart),
        transferMs: round(load.responseEnd - load.responseStart),
      },
      /** 1-minute load average before the run (other work on the machine) and at its end (including this run). */
      loadAverage1mBefore: Math.round(loadBefore * 100) / 100,
      loadAverage1m: round(os.loadavg()[0] * 100) / 100,
      clickToFirstFrameMs: round(load.firstFrame - clickAt),
      /** Response received → deck.gl issued the first frame's draw calls (onAfterRender). */
      dataReadyToFirstFrameMs: round(dataReadyToFirstFrameMs),
      /**
       * Response received → that frame on screen (drawn by SwiftShader on the CPU): the goal figure. Above the moving
       * budget in software WebGL that first frame draws the moving share of the points (firstFrameDrawnPoints).
       */
      dataReadyToFirstFrameOnScreenMs: round(dataReadyToFirstPresentedMs),
      firstFrameDrawnPoints: firstDrawn,
      /** Response received → the first frame with every point issued and on screen; points drawn by each frame until it. */
      dataReadyToFullFrameMs: round(dataReadyToFullFrameMs),
      dataReadyToFullFrameOnScreenMs: round(dataReadyToFullPresentedMs),
      drawnPointsUntilFull: framesToFull,
      /** Draws issued (ms after the first) before the first frame was on screen. */
      framesIssuedBeforeFirstOnScreenMs: firstFrames,
      /**
       * Pointer move during a drag → frame on screen; issuedMs: → draw calls issued; drawnPoints: points in each
       * frame (the moving map's share, `movingPoints`, in software WebGL above its budget; null: all of them).
       * releaseToFullFrame: button released → the first frame with every point (after the map's settle time).
       */
      pan: {
        frames: frameTimes.length,
        timedOut: timedOutFrames,
        frameTimeoutMs,
        medianMs: round(quantile(frameTimes, 0.5)),
        p95Ms: round(quantile(frameTimes, 0.95)),
        allMs: frameTimes.map(round),
        issuedMs: issueTimes.map(round),
        drawnPoints: panDrawn,
        movingPoints,
        releaseToFullFrameIssuedMs: release ? round(release.issuedMs) : null,
        releaseToFullFrameOnScreenMs: release ? round(release.onScreenMs) : null,
      },
      /** Wheel notch → frame on screen, points drawn; then the wheel still → the first frame with every point. */
      wheelZoom: {
        allMs: wheelTimes.map(round),
        drawnPoints: wheelDrawn,
        stillToFullFrameOnScreenMs: wheelEnd ? round(wheelEnd.onScreenMs) : null,
      },
      /** Pointer move → tooltip in the page (CPU picking + React). */
      hoverPick: { samples: hover.length, medianMs: round(quantile(hover, 0.5)), allMs: hover.map(round), framesDrawn: hoverFrames },
      ...(hoverProfile ? { hoverProfile } : {}),
      jsHeapMB: { used: round(heap.usedSize / 2 ** 20), total: round(heap.totalSize / 2 ** 20) },
      goals: { dataReadyToFirstFrameOnScreenMs: 2000, panFrameMs: 250, hoverPickMs: 50 },
      meetsGoals: {
        firstFrame: dataReadyToFirstPresentedMs < 2000,
        pan: timedOutFrames === 0 && quantile(frameTimes, 0.95) < 250,
        hover: quantile(hover, 0.5) < 50,
      },
    }
    // One file, one entry per point count (the 20k and the 1M runs side by side).
    const previous = readResults('map') as { runs?: { rows: number }[] } | null
    const runs = [...(previous?.runs ?? []).filter((r) => r.rows !== rows), result].sort((a, b) => a.rows - b.rows)
    const file = writeResults('map', { benchmark: 'map', whereTheTimeGoes: WHERE_THE_TIME_GOES, runs })
    console.log(JSON.stringify(result, null, 2))
    console.log(`written to ${file}`)
  } finally {
    await browser.close()
    await serve.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
