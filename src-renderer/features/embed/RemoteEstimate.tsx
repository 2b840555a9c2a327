import { useState } from 'react'
import type { EmbedEstimate } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { formatInt } from '../../ui/format'

/** Before embedding through a server: tokens, requests and time, from one real probe request of the dataset's texts. */
export function RemoteEstimate({ datasetId, modelId }: { datasetId: number; modelId: string }) {
  const [estimate, setEstimate] = useState<{ modelId: string; value: EmbedEstimate }>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()

  async function run() {
    setBusy(true)
    setError(undefined)
    try {
      setEstimate({ modelId, value: await invoke('embed.estimate', { datasetId, model: modelId }) })
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setBusy(false)
    }
  }

  const e = estimate?.modelId === modelId ? estimate.value : undefined
  return (
    <div className="remote-estimate" data-testid="remote-estimate">
      <button type="button" className="btn" onClick={() => void run()} disabled={busy} data-testid="remote-estimate-run">
        {busy ? 'Measuring the server…' : 'Estimate time and cost'}
      </button>
      {e && (
        <p className="field__note" data-testid="remote-estimate-result">
          {formatInt(e.rowsToEmbed)} of {formatInt(e.rows)} rows to embed: ~{formatInt(e.approxTokens)} tokens (characters ÷ 4) in {formatInt(e.requests)}{' '}
          {e.requests === 1 ? 'request' : 'requests'}
          {e.approxSeconds !== null && `, about ${duration(e.approxSeconds)}`}
          {e.measuredTextsPerSecond !== null && ` (measured ${Math.round(e.measuredTextsPerSecond)} texts/s`}
          {e.measuredTextsPerSecond !== null && (e.limitedBy === 'rate-limit' ? '; the per-minute limit is slower)' : ')')}
          {e.approxCost !== null && `, ~${e.approxCost.toFixed(4)} at the declared price`}.
        </p>
      )}
      {error && <ErrorMessage error={error} title="Could not reach the server" onDismiss={() => setError(undefined)} />}
    </div>
  )
}

function duration(s: number): string {
  if (s < 90) return `${Math.ceil(s)} s`
  if (s < 5400) return `${Math.round(s / 60)} min`
  return `${(s / 3600).toFixed(1)} h`
}
