/** The evaluation loaders on bad input: each case is a clear BAD_INPUT naming the file (and line), or a counted warning. */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EmbedMapError } from '../../../src-main/errors'
import { loadBeir, loadLabelledPairs, loadLabelledTexts, loadParallelTexts, loadScoredPairs } from '../../../src-main/evaluate'
import { tmpDir } from '../../helpers/tmp'

const dir = tmpDir('embedmap-eval-load-')
const file = (name: string, text: string) => {
  const p = path.join(dir, name)
  fs.writeFileSync(p, text)
  return p
}

async function badInput(p: Promise<unknown>): Promise<EmbedMapError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(EmbedMapError)
  expect((err as EmbedMapError).code).toBe('BAD_INPUT')
  return err as EmbedMapError
}

describe('BEIR files', () => {
  const queries = file('queries.csv', 'query_id,text\nq1,what is a cell\nq2,why is the sky blue\n')
  const corpus = file('corpus.csv', 'doc_id,title,text\nd1,Cells,A cell is the unit of life.\nd2,,Rayleigh scattering.\n')

  it('joins title and text, and reports qrels naming unknown ids with counts instead of crashing', async () => {
    const qrels = file('qrels.csv', 'query_id,doc_id,score\nq1,d1,1\nq2,d2,1\nq3,d1,1\nq1,d7,1\nq1,d8,2\n')
    const b = await loadBeir({ queries, corpus, qrels })
    expect(b.corpus).toEqual([
      { id: 'd1', text: 'Cells A cell is the unit of life.' },
      { id: 'd2', text: 'Rayleigh scattering.' },
    ])
    expect(b.dropped).toEqual({ unknownQueries: 1, unknownDocs: 2 })
    expect(b.warnings[0]).toMatch(/3 of 5 qrels rows .*1 unknown queries, 2 unknown documents; e\.g\. line 4: query 'q3'/)
    expect(b.qrels.get('q1')).toEqual(new Map([['d1', 1]]))
  })

  it('qrels matching nothing, non-integer scores, empty query texts, duplicate ids', async () => {
    expect((await badInput(loadBeir({ queries, corpus, qrels: file('q0.csv', 'query_id,doc_id,score\nx,y,1\n') }))).message).toMatch(
      /none of its 1 rows matches/,
    )
    expect((await badInput(loadBeir({ queries, corpus, qrels: file('q1.csv', 'query_id,doc_id,score\nq1,d1,high\n') }))).message).toMatch(
      /q1\.csv, line 2: score 'high'/,
    )
    const emptyQ = file('qe.csv', 'query_id,text\nq1,\nq2,ok\n')
    expect((await badInput(loadBeir({ queries: emptyQ, corpus, qrels: file('q2.csv', 'query_id,doc_id,score\nq2,d1,1\n') }))).message).toMatch(
      /qe\.csv, line 2: column 'text' is empty on 1 row/,
    )
    const dup = file('cd.csv', 'doc_id,text\nd1,a\nd1,b\n')
    expect((await badInput(loadBeir({ queries, corpus: dup, qrels: file('q3.csv', 'query_id,doc_id,score\nq1,d1,1\n') }))).message).toMatch(
      /cd\.csv, line 3: document id 'd1' appears again \(first on line 2\)/,
    )
  })
})

describe('pairs, labels, parallel rows', () => {
  it('pairs with an empty text name the lines', async () => {
    const p = file('pairs.csv', 'sentence1,sentence2,score\na,b,1\n,c,2\nd,,3\n')
    expect((await badInput(loadScoredPairs({ file: p }))).message).toMatch(/pairs\.csv, line 3: column 'sentence1' is empty on 1 row/)
  })

  it('binary labels: a non-binary value and one class only', async () => {
    expect((await badInput(loadLabelledPairs({ file: file('l1.csv', 'sentence1,sentence2,label\na,b,1\nc,d,2\n') }))).message).toMatch(
      /line 3: label '2' is not binary/,
    )
    expect((await badInput(loadLabelledPairs({ file: file('l2.csv', 'sentence1,sentence2,label\na,b,1\nc,d,1\n') }))).message).toMatch(
      /all 2 pairs have label 1/,
    )
  })

  it('one-class labels, empty labels, and a label column with 10,000 distinct values', async () => {
    expect((await badInput(loadLabelledTexts({ file: file('t1.csv', 'text,label\na,x\nb,x\n') }))).message).toMatch(/one class only/)
    expect((await badInput(loadLabelledTexts({ file: file('t2.csv', 'text,label\na,x\nb,\n') }))).message).toMatch(/t2\.csv, line 3: column 'label' is empty/)
    const many = 'text,label\n' + Array.from({ length: 10_000 }, (_, i) => `text ${i},id-${i}`).join('\n') + '\n'
    const err = await badInput(loadLabelledTexts({ file: file('t3.csv', many) }))
    expect(err.message).toMatch(/has 10,000 distinct values in 10,000 rows: that looks like an id or a text/)
  })

  it('mismatched parallel rows', async () => {
    const p = file('par.csv', 'cmn,eng\n你好,Hello\n谢谢,\n,Bye\n')
    const err = await badInput(loadParallelTexts({ file: p, source: 'cmn', target: 'eng' }))
    expect(err.message).toMatch(/par\.csv, line 3: 2 row\(s\) are not parallel.*lines 3, 4/)
  })
})
