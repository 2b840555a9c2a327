import { describe, expect, it } from 'vitest'
import { ColumnTypeInferrer, headerLooksLikeData, suggestTextColumn, valueType } from '../../../src-main/import'

describe('valueType', () => {
  it('classifies single values', () => {
    expect(
      [
        '',
        '  ',
        '0',
        '-12',
        '+7',
        '0001',
        '3.5',
        '-.5',
        '1e9',
        '2.5E-3',
        'true',
        'FALSE',
        '2024-03-05',
        '2024/3/5',
        '2024-03-05T10:20:30Z',
        '2024-03-05 10:20',
        '2024-13-05',
        '1,5',
        'abc',
        '12abc',
        'NaN',
      ].map(valueType),
    ).toEqual([
      'empty',
      'empty',
      'integer',
      'integer',
      'integer',
      'integer',
      'number',
      'number',
      'number',
      'number',
      'boolean',
      'boolean',
      'date',
      'date',
      'date',
      'date',
      'text',
      'text',
      'text',
      'text',
      'text',
    ])
  })
})

describe('ColumnTypeInferrer', () => {
  it('infers each column over all values; text wins as soon as one value does not fit', () => {
    const inf = new ColumnTypeInferrer(['i', 'n', 'b', 'd', 't', 'e', 'mixed'])
    inf.observe(['1', '1.5', 'true', '2024-01-01', 'hello', '', '1'])
    inf.observe(['22', '2', 'false', '2024-02-29T12:00', 'a longer text value', ' ', 'x'])
    inf.observe(['-3', '', 'TRUE', '', 'mid', '', '2'])
    expect(inf.summaries()).toEqual([
      { name: 'i', type: 'integer', medianLength: 2 },
      { name: 'n', type: 'number', medianLength: 1 },
      { name: 'b', type: 'boolean', medianLength: 4 },
      { name: 'd', type: 'date', medianLength: 10 },
      { name: 't', type: 'text', medianLength: 5 },
      { name: 'e', type: 'empty', medianLength: 0 },
      { name: 'mixed', type: 'text', medianLength: 1 },
    ])
  })

  it('median length over a million values stays exact for short text and cheap', () => {
    const inf = new ColumnTypeInferrer(['text'])
    const t0 = performance.now()
    for (let i = 0; i < 1_000_000; i++) inf.observe([i % 2 ? 'short' : 'a bit longer text'])
    const ms = performance.now() - t0
    // 500,000 × 5 and 500,000 × 17 characters: the lower median is 5.
    expect(inf.summaries()[0]).toEqual({ name: 'text', type: 'text', medianLength: 5 })
    expect(ms).toBeLessThan(2000)
  })

  it('long values land in coarse buckets (median within a bucket)', () => {
    const inf = new ColumnTypeInferrer(['t'])
    for (let i = 0; i < 5; i++) inf.observe(['x'.repeat(2000)])
    expect(Math.abs(inf.summaries()[0].medianLength - 2000)).toBeLessThanOrEqual(16)
  })

  it('result(names) names the columns, including ones first seen in cells', () => {
    const inf = new ColumnTypeInferrer()
    inf.observe(['1', 'x'])
    inf.observe(['2', 'y', '2024-01-01'])
    expect(inf.result(['id', 'text', 'extra_1']).map((s) => [s.name, s.type])).toEqual([
      ['id', 'integer'],
      ['text', 'text'],
      ['extra_1', 'date'],
    ])
  })

  it('grows with new columns', () => {
    const inf = new ColumnTypeInferrer(['a'])
    inf.observe(['1'])
    inf.setColumns(['a', 'extra_1'])
    inf.observe(['2', 'x'])
    expect(inf.summaries().map((s) => [s.name, s.type])).toEqual([
      ['a', 'integer'],
      ['extra_1', 'text'],
    ])
  })
})

describe('suggestTextColumn', () => {
  it('longest median among text columns, ties to the leftmost; no text column → longest of any', () => {
    expect(
      suggestTextColumn([
        { name: 'id', type: 'integer', medianLength: 40 },
        { name: 'a', type: 'text', medianLength: 30 },
        { name: 'b', type: 'text', medianLength: 30 },
        { name: 'c', type: 'text', medianLength: 12 },
      ]),
    ).toBe(1)
    expect(
      suggestTextColumn([
        { name: 'x', type: 'integer', medianLength: 2 },
        { name: 'y', type: 'number', medianLength: 6 },
      ]),
    ).toBe(1)
  })
})

describe('headerLooksLikeData', () => {
  const rowsOf = (...rows: string[][]) => rows
  it('does not fire on real headers', () => {
    const cases: [string[], string[][]][] = [
      [['id', 'text', 'label'], rowsOf(['1', 'a long sentence about the weather today', '0'], ['2', 'another long sentence here ok', '1'])],
      // wide table with year columns
      [['country', '2019', '2020'], rowsOf(['France', '3.4', '5.6'], ['Spain', '1.2', '2.2'])],
      // survey export: long question headers over long answers, next to a numeric rating column
      [
        ['Timestamp', 'How satisfied are you with the product overall?', 'Anything else you would like to tell us about it?'],
        rowsOf(
          ['2024-01-02 10:00', '4', 'The product is great but the manual could be clearer in places.'],
          ['2024-01-03 11:00', '5', 'Shipping took a long time, otherwise I am very happy with it.'],
        ),
      ],
      [['text'], rowsOf(['一架飞机要起飞了。一架飞机正在起飞。很好'], ['一个男人在吹一支大笛子。'])],
      [['评论', '标签'], rowsOf(['这家酒店的服务很好，房间也很干净，下次还会再来。', '1'], ['隔音效果太差了，晚上一直能听到走廊里的说话声。', '0'])],
      [['q1', 'q2'], rowsOf(['1', '2'], ['3', '4'])],
    ]
    for (const [header, rows] of cases) expect(headerLooksLikeData(header, rows).data, header.join(',')).toBe(false)
  })

  it('fires on data rows', () => {
    expect(
      headerLooksLikeData(
        ['0', 'Business', 'Fears for pension after talks'],
        rowsOf(['1', 'Sci/Tech', 'The race is on'], ['2', 'Sports', 'Olympic swimmers set records']),
      ).data,
    ).toBe(true)
    expect(
      headerLooksLikeData(
        ['The hotel was close to the station and the staff were friendly.'],
        rowsOf(['Breakfast was fine but the coffee was cold every morning.'], ['I would not stay here again, the room smelled of smoke.']),
      ).data,
    ).toBe(true)
    expect(
      headerLooksLikeData(
        ['这家酒店的位置非常好，离地铁站只有五分钟的路程。'],
        rowsOf(['房间很干净，服务员态度也很热情，早餐的种类比较丰富。'], ['隔音效果太差了，晚上一直能听到走廊里的说话声。']),
      ).data,
    ).toBe(true)
    expect(headerLooksLikeData(['2024-01-01', 'sunny'], rowsOf(['2024-01-02', 'rain'], ['2024-01-03', 'snow'])).data).toBe(true)
  })
})
