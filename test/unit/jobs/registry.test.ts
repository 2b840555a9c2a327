import { describe, expect, it } from 'vitest'
import { JOB_KINDS, jobResult } from '../../../src-main/contract'
import { jobKinds, jobOps, parseJobParams } from '../../../src-main/jobs/registry'
import type { JobRow } from '../../../src-main/store/jobs-repo'

function row(kind: string, params: unknown, result: unknown = null): JobRow {
  return {
    id: 7,
    kind,
    datasetId: 1,
    state: 'succeeded',
    params: params as Record<string, unknown>,
    lockKey: null,
    done: 0,
    total: null,
    checkpoint: {},
    result,
    error: null,
    ownerPid: null,
    ownerStarted: null,
    heartbeatAt: null,
    cancelRequested: false,
    attempts: 1,
    createdAt: '',
    startedAt: null,
    updatedAt: null,
    finishedAt: null,
  }
}

const embedParams = { datasetId: 1, modelLabel: 'MiniLM', modelLocation: '/m', modelId: 'all-MiniLM-L6-v2', device: 'cpu', kind: 'clustering' }
const embedResult = { setId: 3, vectors: 10, dims: 384, provider: { requested: 'auto', used: 'cpu', fallbackReason: null }, truncated: 0, emptyText: 0 }

describe('typed job registry', () => {
  it('has one definition for every job kind the contract knows, under its own name', () => {
    expect(Object.keys(jobKinds).sort()).toEqual([...JOB_KINDS].sort())
    for (const [name, kind] of Object.entries(jobKinds)) expect(kind.kind).toBe(name)
  })

  it('refuses params that do not match the kind, and strips what it does not know', () => {
    expect(() => parseJobParams('embed', { ...embedParams, datasetId: 'one' })).toThrow(/Invalid parameters for a embed job: datasetId/)
    expect(() => parseJobParams('analyze', {})).toThrow(/analyze job/)
    expect(parseJobParams('embed', { ...embedParams, extra: 1 })).not.toHaveProperty('extra')
  })

  it('titles a row from its parsed params, and a malformed row without throwing', () => {
    expect(jobOps.title(row('embed', embedParams))).toBe('Embed dataset 1 with MiniLM')
    expect(jobOps.title(row('embed', { nonsense: true }))).toBe('embed job 7')
    expect(jobOps.title(row('no-such-kind', {}))).toBe('no-such-kind')
  })

  it('declares embed → analyze as a follow-up only when asked, with the set it filled', () => {
    expect(jobOps.followUps(row('embed', embedParams, embedResult))).toEqual([])
    expect(jobOps.followUps(row('embed', { ...embedParams, analyzeAfter: true }, embedResult))).toEqual([
      { channel: 'analyze.start', input: { datasetId: 1, setId: 3 } },
    ])
  })

  it('reads results back through the kind’s schema', () => {
    expect(jobResult('embed', { id: 7, kind: 'embed', result: embedResult }).setId).toBe(3)
    expect(() => jobResult('embed', { id: 7, kind: 'embed', result: { setId: 'x' } })).toThrow(/not a embed result/)
    expect(() => jobResult('analyze', { id: 7, kind: 'embed', result: embedResult })).toThrow(/is a embed job, not analyze/)
  })
})
