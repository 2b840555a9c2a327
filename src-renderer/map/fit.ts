/** An OrthographicView state that shows every point with a margin, for a canvas of width × height pixels. */
export interface FitViewState {
  target: [number, number, number]
  zoom: number
}

export function fitBounds(coords: Float32Array, width: number, height: number, margin = 0.08): FitViewState {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i + 1 < coords.length; i += 2) {
    const x = coords[i]
    const y = coords[i + 1]
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  if (minX > maxX) return { target: [0, 0, 0], zoom: 0 }
  const dx = Math.max(maxX - minX, 1e-6)
  const dy = Math.max(maxY - minY, 1e-6)
  const scale = Math.min((width * (1 - 2 * margin)) / dx, (height * (1 - 2 * margin)) / dy)
  return { target: [(minX + maxX) / 2, (minY + maxY) / 2, 0], zoom: Math.log2(Math.max(scale, 1e-6)) }
}
