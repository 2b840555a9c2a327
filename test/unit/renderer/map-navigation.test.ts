import { describe, expect, it } from 'vitest'
import { dataExtent } from '../../../src-renderer/map/data-extent'
import { centreInFreeArea, fitBounds, fitExtent } from '../../../src-renderer/map/fit'
import { showsData, viewCoverage } from '../../../src-renderer/map/view-coverage'
import { positionOf, restoreView } from '../../../src-renderer/map/view-restore'
import { clampTarget, clampZoom, zoomLimits } from '../../../src-renderer/map/zoom-limits'

/** A 0–10 × 0–6 cloud like a UMAP layout: a grid of points. */
function grid(): Float32Array {
  const out: number[] = []
  for (let x = 0; x <= 10; x += 0.5) for (let y = 0; y <= 6; y += 0.5) out.push(x, y)
  return Float32Array.from(out)
}

/** Screen position under an OrthographicView with flipY. */
const project = (v: { target: number[]; zoom: number }, w: number, h: number, x: number, y: number) => [
  (x - v.target[0]) * 2 ** v.zoom + w / 2,
  (y - v.target[1]) * 2 ** v.zoom + h / 2,
]

describe('map navigation: fit', () => {
  it('fits the data inside the canvas with the margin, limited by the tighter axis', () => {
    const coords = grid()
    const v = fitBounds(coords, 800, 600)
    const [x0, y0] = project(v, 800, 600, 0, 0)
    const [x1, y1] = project(v, 800, 600, 10, 6)
    expect(x0).toBeCloseTo(800 * 0.08, 3)
    expect(x1).toBeCloseTo(800 * 0.92, 3)
    expect(y0).toBeGreaterThan(0)
    expect(y1).toBeLessThan(600)
  })

  it('keeps the data out of the insets (the legend), centred in what is left', () => {
    const e = dataExtent(grid())!
    const v = fitExtent(e, 1000, 600, 0, { top: 0, right: 0, bottom: 0, left: 200 })
    const [x0] = project(v, 1000, 600, e.minX, 0)
    const [x1] = project(v, 1000, 600, e.maxX, 0)
    expect(x0).toBeGreaterThanOrEqual(200 - 1e-6)
    expect(x1).toBeLessThanOrEqual(1000 + 1e-6)
    expect((x0 + x1) / 2).toBeCloseTo(600, 3)
  })

  it('never lets insets squeeze the data below a third of the canvas', () => {
    const e = dataExtent(grid())!
    const v = fitExtent(e, 300, 300, 0, { top: 0, right: 0, bottom: 0, left: 290 })
    const [x0] = project(v, 300, 300, e.minX, 0)
    const [x1] = project(v, 300, 300, e.maxX, 0)
    expect(x1 - x0).toBeGreaterThanOrEqual(100 - 1e-6)
  })

  it('centres a flown-to point in the area the overlays leave free', () => {
    const insets = { top: 0, right: 300, bottom: 200, left: 0 }
    const v = { target: centreInFreeArea(4, 2, 3, insets), zoom: 3 }
    const [sx, sy] = project(v, 1000, 800, 4, 2)
    expect(sx).toBeCloseTo((1000 - 300) / 2, 6)
    expect(sy).toBeCloseTo((800 - 200) / 2, 6)
  })

  it('has no extent without finite points, and a size for a single point', () => {
    expect(dataExtent(Float32Array.from([NaN, 1]))).toBeNull()
    const v = fitBounds(Float32Array.from([3, 4]), 100, 100)
    expect(v.target).toEqual([3, 4, 0])
    expect(Number.isFinite(v.zoom)).toBe(true)
  })
})

describe('map navigation: zoom and pan limits', () => {
  it('allows zooming out to a quarter of the fitted size and in 2^10 times', () => {
    const l = zoomLimits(5)
    expect(l).toEqual({ minZoom: 3, maxZoom: 15 })
    expect(clampZoom(-40, l)).toBe(3)
    expect(clampZoom(40, l)).toBe(15)
    expect(clampZoom(7, l)).toBe(7)
  })

  it('keeps the view centre within the data extent plus half its size', () => {
    const e = { minX: 0, minY: 0, maxX: 10, maxY: 6 }
    expect(clampTarget([100, -100], e)).toEqual([15, -3])
    expect(clampTarget([4, 2], e)).toEqual([4, 2])
  })
})

describe('map navigation: remembered views', () => {
  const coords = grid()
  const e = dataExtent(coords)!

  it('judges the lost view of the bug (target [0,0], zoom 0 over 0–10 coordinates) as not showing the data', () => {
    const c = viewCoverage(coords, [0, 0], 0, 800, 600)
    // Every point is on the canvas, but within ~10 px: a sliver.
    expect(c.shownShare).toBe(1)
    expect(c.spanShare).toBeLessThan(0.05)
    expect(showsData(c)).toBe(false)
  })

  it('judges a view that shows no points, or only a few, as lost', () => {
    const fit = fitBounds(coords, 800, 600)
    expect(showsData(viewCoverage(coords, [1000, 1000], fit.zoom, 800, 600))).toBe(false)
    // Zoomed in 8x on a corner: a small share of the points.
    expect(showsData(viewCoverage(coords, [0, 0], fit.zoom + 3, 800, 600))).toBe(false)
    expect(showsData(viewCoverage(coords, fit.target, fit.zoom, 800, 600))).toBe(true)
  })

  it('falls back to the fit for a lost or missing view', () => {
    const lost = restoreView({ target: [0, 0], zoom: 0 }, coords, e, 800, 600)
    expect(lost.restored).toBe(false)
    expect(lost.view).toEqual(lost.fit)
    expect(restoreView(null, coords, e, 800, 600).restored).toBe(false)
    expect(restoreView({ target: [NaN, 0], zoom: 3 }, coords, e, 800, 600).restored).toBe(false)
  })

  it('restores a usable view by the data rectangle it showed, on a canvas of another size too', () => {
    const fit = fitBounds(coords, 800, 600)
    const slightlyIn = { target: [5.2, 3.1, 0], zoom: fit.zoom + 0.3 }
    const saved = positionOf(slightlyIn.target, slightlyIn.zoom, 800, 600)
    const same = restoreView(saved, coords, e, 800, 600)
    expect(same.restored).toBe(true)
    expect(same.view.target[0]).toBeCloseTo(5.2, 6)
    expect(same.view.zoom).toBeCloseTo(slightlyIn.zoom, 6)
    // Half the canvas: the same data rectangle still fits, so the zoom drops by one step.
    const half = restoreView(saved, coords, e, 400, 300)
    expect(half.restored).toBe(true)
    expect(half.view.zoom).toBeCloseTo(slightlyIn.zoom - 1, 6)
  })

  it('keeps a remembered zoom inside the limits and drops one outside them', () => {
    const fit = fitBounds(coords, 800, 600)
    const inside = restoreView({ target: [5, 3], zoom: fit.zoom - 1.9 }, coords, e, 800, 600)
    expect(inside.restored).toBe(true)
    expect(inside.view.zoom).toBeCloseTo(fit.zoom - 1.9, 6)
    expect(restoreView({ target: [5, 3], zoom: fit.zoom - 2.5 }, coords, e, 800, 600).restored).toBe(false)
  })
})
