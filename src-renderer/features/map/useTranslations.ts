import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Dataset, Job } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { ApiError, toApiError } from '../../api/errors'
import { useEngineEvent } from '../../api/hooks'
import { decodeTranslations, type DecodedTranslations } from '../../map/decode'

/** Columns that may hold translations: text columns other than the one the map was made from, longest texts first. */
export function translationColumns(dataset: Dataset | undefined) {
  if (!dataset) return []
  return dataset.columns.filter((c) => c.type === 'text' && c.idx !== dataset.textColumn).sort((a, b) => b.medianLength - a.medianLength)
}

/**
 * The translation links of one map and column: loaded when already computed, else started as a job on request and
 * loaded when it succeeds. Kept by the map view so its canvas can draw them.
 */
export function useTranslations(datasetId: number, runId: number, n: number, dataset: Dataset | undefined) {
  const candidates = useMemo(() => translationColumns(dataset), [dataset])
  const [column, setColumn] = useState<number | null>(null)
  const chosen = column ?? candidates[0]?.idx ?? null
  const [links, setLinks] = useState<DecodedTranslations | null>(null)
  const [job, setJob] = useState<Job | null>(null)
  const [error, setError] = useState<ApiError>()
  const [visible, setVisible] = useState(true)
  const [nonce, setNonce] = useState(0)
  const jobId = useRef<number | null>(null)
  const loadedKey = useRef('')
  const reloadedFor = useRef<number | null>(null)

  useEffect(() => {
    // A reload of the same map and column (after a job) keeps the links on screen until the new ones arrive, so the
    // figure never blinks off; another map or column clears them at once.
    const key = `${datasetId}/${runId}/${n}/${chosen}`
    if (key !== loadedKey.current) setLinks(null)
    loadedKey.current = key
    if (chosen === null) return
    let live = true
    invoke('translations.get', { datasetId, runId, column: chosen }).then(
      (bytes) => {
        if (!live) return
        setLinks(decodeTranslations(bytes, n))
        setError(undefined)
      },
      (err) => {
        const e = toApiError(err)
        if (live && e.code !== 'NOT_FOUND') setError(e)
      },
    )
    return () => {
      live = false
    }
  }, [datasetId, runId, n, chosen, nonce])

  const follow = useCallback((j: Job) => {
    setJob(j)
    // The same success can come twice (its event and the answer to jobs.get): reload once per job.
    if (j.state === 'succeeded' && reloadedFor.current !== j.id) {
      reloadedFor.current = j.id
      setNonce((x) => x + 1)
    }
    if (j.state === 'failed' && j.error) setError(new ApiError(j.error))
  }, [])
  useEngineEvent((e) => {
    if (e.type === 'job' && e.job.id === jobId.current) follow(e.job)
  })

  const start = useCallback(async () => {
    if (chosen === null) return
    setError(undefined)
    try {
      const started = await invoke('translations.start', { datasetId, runId, column: chosen })
      jobId.current = started.jobId
      setVisible(true)
      // Events may have come before this answer: read the job's state once now.
      follow(await invoke('jobs.get', { id: started.jobId }))
    } catch (err) {
      setError(toApiError(err))
    }
  }, [datasetId, runId, chosen, follow])

  return { candidates, column: chosen, setColumn, links, job, error, start, visible, setVisible }
}

export type Translations = ReturnType<typeof useTranslations>
