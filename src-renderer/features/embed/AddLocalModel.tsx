import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { ModelEntry } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'

/**
 * Registers a model folder already on this machine (a Hugging Face-style folder with an ONNX model and
 * tokenizer.json). A typed path in both modes: the Electron bridge has a file picker but no folder picker.
 */
export function AddLocalModel({ open, onOpenChange, onAdded }: { open: boolean; onOpenChange(open: boolean): void; onAdded(model: ModelEntry): void }) {
  const pathRef = useRef<HTMLInputElement>(null)
  const [path, setPath] = useState('')
  const [name, setName] = useState('')
  const [adding, setAdding] = useState(false)
  const [error, setError] = useState<ApiError>()

  // Opened from elsewhere (e.g. after a failed download): bring it into view, ready to type.
  useEffect(() => {
    if (!open) return
    pathRef.current?.scrollIntoView({ block: 'nearest' })
    pathRef.current?.focus({ preventScroll: true })
  }, [open])

  async function add(e: FormEvent) {
    e.preventDefault()
    if (!path.trim()) return
    setAdding(true)
    setError(undefined)
    try {
      const model = await invoke('models.add', { path: path.trim(), ...(name.trim() ? { name: name.trim().slice(0, 100) } : {}) })
      setPath('')
      setName('')
      onOpenChange(false)
      onAdded(model)
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setAdding(false)
    }
  }

  return (
    <details className="disclosure" open={open} onToggle={(e) => onOpenChange(e.currentTarget.open)} data-testid="add-local-model">
      <summary>Add local model folder…</summary>
      <form className="disclosure__body" onSubmit={(e) => void add(e)}>
        <label className="field">
          <span className="field__label">Folder path</span>
          <input
            ref={pathRef}
            type="text"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/path/to/model (model.onnx + tokenizer.json)"
            spellCheck={false}
            data-testid="local-model-path"
          />
        </label>
        <label className="field">
          <span className="field__label">Name (optional)</span>
          <input type="text" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="the folder name" data-testid="local-model-name" />
        </label>
        {error && <ErrorMessage error={error} title="Could not add this folder" onDismiss={() => setError(undefined)} />}
        <div className="form-actions">
          <button type="submit" className="btn" disabled={adding || !path.trim()} data-testid="local-model-add">
            {adding ? 'Checking the folder…' : 'Add model'}
          </button>
        </div>
      </form>
    </details>
  )
}
