/**
 * Hard-negative mining agrees with sentence-transformers' `mine_hard_negatives` on real vectors:
 * scripts/finetune/mine_reference.py mines a SciFact slice with all-MiniLM-L6-v2 (PyTorch weights of the
 * test model folder) and hands back the embeddings it ranked; we mine the same vectors with the same
 * knobs (3 negatives, relative margin 0.05, rangeMin 1) and must pick the same negatives.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { mineHardNegatives } from '../../src-main/finetune/hard-negatives'
import { realModel } from '../helpers/real-models'
import { repoRoot, sharedData, tmpDir } from '../helpers/tmp'

const venvPython = process.env.EMBEDMAP_TEST_PYTHON ?? path.join(os.homedir(), '.cache', 'embedmap-venv', 'bin', 'python')

interface Reference {
  options: { num_negatives: number; relative_margin: number; range_min: number }
  queries: string[]
  corpus: string[]
  pairs: Array<[string, string]>
  query_embeddings: number[][]
  corpus_embeddings: number[][]
  rows: Array<{ anchor: string; positive: string; negatives: string[]; scores: number[] }>
}

describe('mineHardNegatives vs sentence-transformers mine_hard_negatives', () => {
  it('same negatives for every anchor on real MiniLM vectors', () => {
    const out = tmpDir()
    const t = performance.now()
    execFileSync(
      venvPython,
      [path.join(repoRoot, 'scripts', 'finetune', 'mine_reference.py'), realModel('all-MiniLM-L6-v2'), path.join(sharedData, 'en_scifact_retrieval'), out],
      {
        env: { ...process.env, HF_HUB_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' },
        stdio: ['ignore', 'ignore', 'pipe'], // progress bars stay quiet; execFileSync puts stderr in the error if the script fails
      },
    )
    const ref = JSON.parse(fs.readFileSync(path.join(out, 'mine.json'), 'utf8')) as Reference
    const d = ref.query_embeddings[0].length
    const corpusRow = new Map(ref.corpus.map((c, i) => [c, i]))
    const positives = ref.queries.map((q) => ref.pairs.filter(([a]) => a === q).map(([, p]) => corpusRow.get(p) as number))
    const k = ref.options.num_negatives
    const ours = mineHardNegatives(
      { dims: d, anchors: Float32Array.from(ref.query_embeddings.flat()), corpus: Float32Array.from(ref.corpus_embeddings.flat()), positives },
      { numNegatives: k, relativeMargin: ref.options.relative_margin, rangeMin: ref.options.range_min },
    )
    let compared = 0
    ref.queries.forEach((q, i) => {
      const mine = Array.from(ours.indices.subarray(i * k, i * k + k))
      const theirs = ref.rows.filter((r) => r.anchor === q)
      // n-tuple output keeps only anchors with all k negatives, one row per positive.
      if (mine.includes(-1)) {
        expect(theirs).toEqual([])
        return
      }
      expect(theirs.length).toBe(positives[i].length)
      for (const r of theirs) {
        expect(mine.map((j) => ref.corpus[j])).toEqual(r.negatives)
        r.scores.slice(1).forEach((s, j) => expect(ours.scores[i * k + j]).toBeCloseTo(s, 5))
        compared++
      }
    })
    expect(compared).toBeGreaterThan(30)
    console.log(
      `mining parity: ${compared} (anchor, positive) rows, ${ref.queries.length} anchors, ${ref.corpus.length} corpus texts — identical negatives (${((performance.now() - t) / 1000).toFixed(1)} s incl. Python)`,
    )
  }, 600_000)
})
