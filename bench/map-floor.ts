import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { CHROMIUM, BASE_CHROMIUM_ARGS, SOFTWARE_GL_ARGS } from '../test/e2e/support/browser'
import { machineInfo, readResults, writeResults } from './measure'

/**
 * `npm run bench -- map-floor [--points=20000,200000,1000000] [--frames=3] [--radius=2] [--methods=a,b] [--flags=name] [--webgl=antialias:false,...] [--screenshots=DIR]`
 *
 * The floor under the map's frame time in headless Chromium (software WebGL2: SwiftShader): N points drawn in one
 * canvas by raw WebGL2 (GL_POINTS; instanced quads, which is how deck.gl's ScatterplotLayer draws; 6-vertex
 * triangles) and by deck.gl layers (ScatterplotLayer as the map had it, the same without antialiasing/depth test,
 * PointCloudLayer, and our RoundPointsLayer). Each frame is timed from the draw to a 1-pixel readPixels, which
 * waits until SwiftShader has rasterised everything. The first frame includes shader compilation and buffer upload.
 * `--flags` picks a set of Chromium flags (see FLAG_SETS) so GL backends can be compared.
 */
const FLAG_SETS: Record<string, string[]> = {
  /** What the e2e tests and the map benchmark launch with. */
  default: SOFTWARE_GL_ARGS,
  'angle-swiftshader': ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  'angle-swiftshader-vulkan': ['--use-angle=swiftshader', '--use-vulkan=swiftshader', '--enable-features=Vulkan', '--enable-unsafe-swiftshader'],
  'gl-angle-swiftshader-webgl': [
    '--use-gl=angle',
    '--use-angle=swiftshader-webgl',
    '--enable-unsafe-swiftshader',
    '--ignore-gpu-blocklist',
    '--disable-gpu-vsync',
  ],
}

const RAW = ['raw-points', 'raw-instanced-quads', 'raw-triangles'] as const
const DECK = ['deck-scatterplot', 'deck-scatterplot-plain', 'deck-point-cloud', 'deck-round-points'] as const

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const round = (x: number) => Math.round(x * 10) / 10

export async function main(args: string[]): Promise<void> {
  const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
  const counts = (opt('points') ?? '20000,200000,1000000').split(',').map(Number)
  const frames = Number(opt('frames') ?? 3)
  const radius = Number(opt('radius') ?? 2)
  const methods = opt('methods')?.split(',') ?? [...RAW, ...DECK]
  const flagSet = opt('flags') ?? 'default'
  /** Folder to save each method's last frame in, to compare how they look. */
  const screenshots = opt('screenshots')
  /** WebGL context attributes for every method, e.g. antialias:false,preserveDrawingBuffer:false (deck.gl's defaults: both true). */
  const webgl = Object.fromEntries(
    (opt('webgl') ?? 'antialias:true,preserveDrawingBuffer:true').split(',').map((kv) => [kv.split(':')[0], kv.split(':')[1] === 'true']),
  )
  const flags = FLAG_SETS[flagSet]
  if (!flags) throw new Error(`--flags: one of ${Object.keys(FLAG_SETS).join(', ')}`)

  const bundle = await build({
    entryPoints: [path.join(import.meta.dirname, 'map-floor/page.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    minify: true,
    logLevel: 'error',
  })
  const script = bundle.outputFiles[0].text
  const profile = path.join(os.tmpdir(), `embedmap-floor-${process.pid}`)
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1300, height: 900 },
    args: [...BASE_CHROMIUM_ARGS, ...flags],
  })
  type Row = {
    method: string
    points: number
    webgl: Record<string, boolean>
    firstMs: number
    frameMs: number
    usPerPoint: number
    loadAverage1m: number
    date: string
  }
  const results: Row[] = []
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    page.on('console', (m) => m.type() === 'error' && console.log(`page: ${m.text()}`))
    await page.setContent('<!doctype html><body style="margin:0"></body>')
    await page.addScriptTag({ content: script })
    const renderer = await page.evaluate(() => window.__floor.renderer())
    console.log(`flags: ${flagSet} ${flags.join(' ')}\nrenderer: ${renderer}\nload average: ${os.loadavg()[0].toFixed(2)}`)
    for (const n of counts) {
      for (const method of methods) {
        const times = await page.evaluate(
          async ({ method, n, frames, radius, webgl }) =>
            method.startsWith('raw-')
              ? window.__floor.raw(method.slice(4) as Parameters<typeof window.__floor.raw>[0], n, frames, radius, webgl)
              : await window.__floor.deck(method.slice(5) as Parameters<typeof window.__floor.deck>[0], n, frames, radius, 1, webgl),
          { method, n, frames: frames + 1, radius, webgl },
        )
        if (screenshots) await page.screenshot({ path: path.join(screenshots, `map-floor-${method}-${n}.png`), clip: { x: 0, y: 0, width: 1200, height: 800 } })
        const frameMs = median(times.slice(1))
        const row = {
          method,
          points: n,
          webgl,
          firstMs: round(times[0]),
          frameMs: round(frameMs),
          usPerPoint: round((frameMs * 1000) / n),
          loadAverage1m: round(os.loadavg()[0] * 100) / 100,
          date: new Date().toISOString(),
        }
        results.push(row)
        console.log(
          `${method.padEnd(24)} ${n.toLocaleString('en-US').padStart(10)}  first ${String(row.firstMs).padStart(8)} ms  frame ${String(row.frameMs).padStart(8)} ms  (${row.usPerPoint} µs/point)`,
        )
      }
    }
    // One file per flag set; a run replaces the rows it measured (same method, point count, radius, context attributes).
    const key = (r: Row & { radius?: number }) => JSON.stringify([r.method, r.points, r.radius ?? radius, r.webgl])
    const fresh = results.map((r) => ({ ...r, radius }))
    const previous = ((readResults(`map-floor-${flagSet}`) as { results?: (Row & { radius: number })[] } | null)?.results ?? []).filter(
      (r) => !fresh.some((f) => key(f) === key(r)),
    )
    const rows = [...previous, ...fresh].sort((a, b) => a.points - b.points || a.method.localeCompare(b.method))
    const file = writeResults(`map-floor-${flagSet}`, { benchmark: 'map-floor', machine: machineInfo(), flags, renderer, results: rows })
    console.log(`written to ${file}`)
  } finally {
    await context.close()
  }
}
