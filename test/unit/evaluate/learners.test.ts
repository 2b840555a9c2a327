/** Logistic regression, mini-batch k-means and the lexical baselines on small synthetic / bilingual inputs. */
import { describe, expect, it } from 'vitest'
import { fitLogisticRegression, predictLogisticRegression } from '../../../src-main/evaluate/learn/logistic-regression'
import { miniBatchKMeans } from '../../../src-main/evaluate/learn/minibatch-kmeans'
import { vMeasure } from '../../../src-main/evaluate/metrics/v-measure'
import { Bm25Index } from '../../../src-main/evaluate/lexical/bm25'
import { tfidfFeatures } from '../../../src-main/evaluate/lexical/tokenize'
import { runRetrievalTask, runStsTask, tfidfEmbed } from '../../../src-main/evaluate'
import { seededRandom } from '../../../src-main/analyze/common'

/** n points around each of the given centres (d = centres[0].length). */
function blobs(centres: number[][], n: number, spread: number, seed = 1) {
  const rand = seededRandom(seed)
  const d = centres[0].length
  const X = new Float32Array(centres.length * n * d)
  const labels: string[] = []
  centres.forEach((c, k) => {
    for (let i = 0; i < n; i++) {
      const row = k * n + i
      for (let t = 0; t < d; t++) X[row * d + t] = c[t] + (rand() - 0.5) * spread
      labels.push(String(k))
    }
  })
  return { X, d, labels }
}

describe('learners', () => {
  it('logistic regression separates three blobs (softmax) and two blobs (sigmoid), converging within max_iter', () => {
    const three = blobs(
      [
        [2, 0, 0],
        [0, 2, 0],
        [0, 0, 2],
      ],
      30,
      1,
    )
    const m3 = fitLogisticRegression(three.X, three.d, three.labels)
    expect(m3.converged).toBe(true)
    expect(predictLogisticRegression(m3, three.X)).toEqual(three.labels)
    const two = blobs(
      [
        [1, 1],
        [-1, -1],
      ],
      20,
      1,
    )
    const m2 = fitLogisticRegression(two.X, two.d, two.labels)
    expect(m2.params.length).toBe(3) // one weight row + intercept
    expect(predictLogisticRegression(m2, two.X)).toEqual(two.labels)
  })

  it('mini-batch k-means recovers well separated blobs', () => {
    const b = blobs(
      [
        [5, 0],
        [0, 5],
        [-5, -5],
        [5, 5],
      ],
      200,
      1,
      7,
    )
    const labels = miniBatchKMeans(b.X, b.d, { k: 4, seed: 42, batchSize: 64 })
    expect(vMeasure(b.labels, labels).v_measure).toBeGreaterThan(0.99)
  })
})

describe('lexical baselines', () => {
  it('tokenizes Chinese into characters and character bigrams without a segmenter', () => {
    expect(tfidfFeatures('银行卡 Card-2')).toEqual(['银', '行', '卡', 'card', '银行', '行卡'])
  })

  it('BM25 ranks the matching document first, in English and Chinese', async () => {
    const idx = new Bm25Index(['the cat sat on the mat', 'dogs bark loudly', '我的银行卡丢了', '今天天气很好'])
    expect(idx.topK(['cat on a mat', '银行卡丢失'], 1).indices).toEqual(Int32Array.from([0, 2]))
    const r = await runRetrievalTask({
      queries: [
        { id: 'q1', text: 'barking dogs' },
        { id: 'q2', text: '天气' },
      ],
      corpus: [
        { id: 'a', text: 'the cat sat on the mat' },
        { id: 'b', text: 'dogs bark loudly' },
        { id: 'c', text: '今天天气很好' },
      ],
      qrels: new Map([
        ['q1', new Map([['b', 1]])],
        ['q2', new Map([['c', 1]])],
      ]),
      lexical: 'bm25',
    })
    expect(r.metrics.ndcg_at_10).toBe(1)
  })

  it('TF-IDF vectors give STS a sensible correlation', async () => {
    const pairs = [
      { a: 'a man plays the guitar', b: 'a man is playing a guitar', score: 5 },
      { a: 'a woman slices onions', b: 'a woman is cutting an onion', score: 4 },
      { a: 'a dog runs in the park', b: 'the stock market fell', score: 0 },
      { a: '一个男人在弹吉他', b: '一个男人在弹吉他。', score: 5 },
      { a: '今天天气很好', b: '股市下跌了', score: 0 },
    ]
    const embed = tfidfEmbed(pairs.flatMap((p) => [p.a, p.b]))
    const r = await runStsTask({ pairs, embed })
    expect(r.metrics.cosine_spearman).toBeGreaterThan(0.8)
  })
})
