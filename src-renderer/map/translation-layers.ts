import { LineLayer, ScatterplotLayer } from '@deck.gl/layers'
import { DECK_THEMES, type Theme } from './appearance'
import type { DecodedPoints, DecodedTranslations } from './decode'
import { pointRadius } from './layers'

/** A link whose translation's nearest row is its own row (aligned), and one whose nearest row is another. */
export const ALIGNED_LINK: [number, number, number, number] = [0, 158, 115, 120]
export const MISALIGNED_LINK: [number, number, number, number] = [213, 94, 0, 120]

/** Each link's ends (row, then its translation) and colour, as binary attributes: no per-link objects. */
export function linkAttributes(points: DecodedPoints, t: DecodedTranslations) {
  const m = t.rows.length
  const from = new Float32Array(2 * m)
  const colors = new Uint8Array(4 * m)
  for (let q = 0; q < m; q++) {
    const r = t.rows[q]
    from[2 * q] = points.coords[2 * r]
    from[2 * q + 1] = points.coords[2 * r + 1]
    colors.set(t.nearest[q] === r ? ALIGNED_LINK : MISALIGNED_LINK, 4 * q)
  }
  return { from, colors }
}

/**
 * The translations on the map: a line from each row to its translation (green when the translation's nearest row is
 * its own, orange when another row is nearer), the translations as hollow rings, and the hovered row's pair drawn
 * boldly. Not pickable: hover and click stay with the rows (CPU picking, map/point-index.ts).
 */
export function translationLayers(
  points: DecodedPoints,
  t: DecodedTranslations,
  links: ReturnType<typeof linkAttributes>,
  hovered: number | null,
  theme: Theme,
) {
  const m = t.rows.length
  const radius = pointRadius(points.n)
  const q = hovered !== null && hovered >= 0 && hovered < t.pairOf.length ? t.pairOf[hovered] : -1
  const layers = [
    new LineLayer({
      id: 'translation-links',
      data: {
        length: m,
        attributes: {
          getSourcePosition: { value: links.from, size: 2 },
          getTargetPosition: { value: t.coords, size: 2 },
          getColor: { value: links.colors, size: 4, normalized: true },
        },
      },
      widthUnits: 'pixels',
      getWidth: 1,
      pickable: false,
    }),
    new ScatterplotLayer({
      id: 'translation-points',
      data: { length: m, attributes: { getPosition: { value: t.coords, size: 2 } } },
      radiusUnits: 'pixels',
      getRadius: radius + 0.5,
      stroked: true,
      filled: false,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.2,
      getLineColor: theme === 'dark' ? [236, 239, 244, 200] : [29, 35, 48, 190],
      updateTriggers: { getLineColor: theme },
      pickable: false,
    }),
  ]
  if (q < 0) return layers
  const ends = Float32Array.of(links.from[2 * q], links.from[2 * q + 1], t.coords[2 * q], t.coords[2 * q + 1])
  const highlight = DECK_THEMES[theme].highlight
  return [
    ...layers,
    new LineLayer({
      id: 'translation-hovered-link',
      data: { length: 1, attributes: { getSourcePosition: { value: ends.subarray(0, 2), size: 2 }, getTargetPosition: { value: ends.subarray(2), size: 2 } } },
      widthUnits: 'pixels',
      getWidth: 3,
      getColor: highlight,
      pickable: false,
    }),
    new ScatterplotLayer({
      id: 'translation-hovered-point',
      data: { length: 1, attributes: { getPosition: { value: ends.subarray(2), size: 2 } } },
      radiusUnits: 'pixels',
      getRadius: radius + 4,
      stroked: true,
      filled: false,
      lineWidthUnits: 'pixels',
      getLineWidth: 2.5,
      getLineColor: highlight,
      pickable: false,
    }),
  ]
}
