/**
 * linkTranslations: where translations land on a map and the bitext accuracy, on vectors whose alignment is known by
 * construction — a translation that is its row's vector plus a little noise (aligned), and one that is another row's
 * (misaligned). The real-model behaviour is checked in test/real-models/translations.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { linkTranslations, medianLinkShare } from '../../../src-main/analyze/translation-links'
import { seededRandom } from '../../../src-main/analyze/common'

const N = 60
const D = 16

function vectors(rand: () => number): Float32Array {
  const v = new Float32Array(N * D)
  for (let i = 0; i < v.length; i++) v[i] = rand() * 2 - 1
  return v
}

/** A map where row i sits at (i mod 10, floor(i / 10)): far from most rows, so a misplaced translation shows. */
const coords = Float32Array.from({ length: 2 * N }, (_, j) => (j % 2 === 0 ? (j / 2) % 10 : Math.floor(j / 2 / 10)))

describe('linkTranslations', () => {
  it('puts an aligned translation beside its own row and scores accuracy 1 both ways', () => {
    const rand = seededRandom(7)
    const source = vectors(rand)
    const target = Float32Array.from(source, (x) => x + (rand() - 0.5) * 0.05)
    const links = linkTranslations(source, target, D, coords)
    expect(links.metrics.accuracy).toBe(1)
    expect(links.metrics.reverse_accuracy).toBe(1)
    expect(links.metrics.f1).toBe(1)
    expect([...links.nearest]).toEqual(Array.from({ length: N }, (_, i) => i))
    // Random vectors' other neighbours are far weaker than the own row's: the weighted average sits on the row.
    const rows = Int32Array.from({ length: N }, (_, i) => i)
    expect(medianLinkShare(rows, links.coords, coords)).toBeLessThan(0.05)
  })

  it('scores a shuffled "translation" near zero and places it away from its row', () => {
    const rand = seededRandom(11)
    const source = vectors(rand)
    const shift = (i: number) => (i + 17) % N
    const target = new Float32Array(N * D)
    for (let i = 0; i < N; i++) target.set(source.subarray(shift(i) * D, shift(i) * D + D), i * D)
    const links = linkTranslations(source, target, D, coords)
    expect(links.metrics.accuracy).toBe(0)
    expect(links.metrics.reverse_accuracy).toBe(0)
    // Each translation is nearest to the row whose vector it copies, and sits there on the map.
    for (let i = 0; i < N; i++) expect(links.nearest[i]).toBe(shift(i))
    const rows = Int32Array.from({ length: N }, (_, i) => i)
    expect(medianLinkShare(rows, links.coords, coords)).toBeGreaterThan(0.2)
  })

  it('refuses mismatched inputs', () => {
    expect(() => linkTranslations(new Float32Array(32), new Float32Array(16), D, new Float32Array(4))).toThrow(/translation links/)
  })
})
