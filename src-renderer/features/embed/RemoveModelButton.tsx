import { useState } from 'react'
import type { ModelEntry } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { ConfirmButton } from '../../ui/ConfirmButton'
import { ErrorMessage } from '../../ui/ErrorMessage'

/** Forgets a local folder (its files stay where they are) or deletes a downloaded catalog model from the cache. */
export function RemoveModelButton({ model, onRemoved }: { model: ModelEntry; onRemoved(): void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  if (model.source === 'catalog' && !model.downloaded) return null

  async function remove() {
    setBusy(true)
    setError(undefined)
    try {
      await invoke('models.remove', { id: model.id })
      onRemoved()
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setBusy(false)
    }
  }

  // A server is forgotten like a folder: nothing on disk to delete.
  const local = model.source !== 'catalog'
  return (
    <>
      <span title={local ? 'Removes it from the list; the folder stays on disk.' : 'Deletes the downloaded files; embeddings made with it stay.'}>
        <ConfirmButton testId="model-remove" onConfirm={() => void remove()} disabled={busy} confirmLabel={local ? 'Forget it?' : 'Delete files?'}>
          {model.source === 'remote' ? 'Forget server' : local ? 'Forget folder' : 'Delete download'}
        </ConfirmButton>
      </span>
      {error && <ErrorMessage error={error} title="Could not remove the model" onDismiss={() => setError(undefined)} />}
    </>
  )
}
