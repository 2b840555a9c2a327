import { useEffect, useRef, useState } from 'react'
import type { ModelEntry } from '../../../src-main/contract'
import { fileSource, invoke } from '../../api/client'
import { ApiError, toApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'

/**
 * Registers a model folder already on this machine (a Hugging Face-style folder with an ONNX model and
 * tokenizer.json). The app never sends a typed path: in the desktop app the folder comes from the native folder
 * dialog (as a one-folder handle); in browser mode the folder is added from a terminal, where the user is
 * themselves, and this panel picks the new model up when the list is refreshed.
 */
export function AddLocalModel({
  open,
  onOpenChange,
  onAdded,
  models,
  reload,
}: {
  open: boolean
  onOpenChange(open: boolean): void
  onAdded(model: ModelEntry): void
  models: ModelEntry[]
  reload(): void
}) {
  const source = fileSource()
  const [name, setName] = useState('')
  const [adding, setAdding] = useState(false)
  const [error, setError] = useState<ApiError>()
  const focusRef = useRef<HTMLButtonElement>(null)
  // Local models known when the panel opened: one that appears after a refresh is the one just added.
  const known = useRef<Set<string> | null>(null)

  useEffect(() => {
    if (!open) {
      known.current = null
      return
    }
    known.current ??= new Set(models.filter((m) => m.source === 'local').map((m) => m.id))
    focusRef.current?.scrollIntoView({ block: 'nearest' })
    focusRef.current?.focus({ preventScroll: true })
  }, [open, models])

  useEffect(() => {
    if (!open || !known.current) return
    const added = models.find((m) => m.source === 'local' && !known.current!.has(m.id))
    if (added) {
      known.current.add(added.id)
      onOpenChange(false)
      onAdded(added)
    }
  }, [open, models, onAdded, onOpenChange])

  async function chooseFolder() {
    if (source.kind !== 'native') return
    setError(undefined)
    setAdding(true)
    try {
      const picked = await source.pickFolder()
      if (!picked) return
      const model = await invoke('models.add', { path: picked.handle, ...(name.trim() ? { name: name.trim().slice(0, 100) } : {}) })
      setName('')
      onOpenChange(false)
      onAdded(model)
    } catch (err) {
      setError(inAppTerms(toApiError(err)))
    } finally {
      setAdding(false)
    }
  }

  const command = `npx embedmap models add /path/to/model${name.trim() ? ` --name ${name.trim()}` : ''}`
  return (
    <details className="disclosure" open={open} onToggle={(e) => onOpenChange(e.currentTarget.open)} data-testid="add-local-model">
      <summary>Add local model folder…</summary>
      <div className="disclosure__body">
        <label className="field">
          <span className="field__label">Name (optional)</span>
          <input
            type="text"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            placeholder="the folder name"
            data-testid="local-model-name"
          />
        </label>
        {source.kind === 'native' ? (
          <div className="form-actions">
            <button ref={focusRef} type="button" className="btn" disabled={adding} onClick={() => void chooseFolder()} data-testid="local-model-choose">
              {adding ? 'Checking the folder…' : 'Choose folder…'}
            </button>
          </div>
        ) : (
          <>
            <p className="muted" data-testid="local-model-howto">
              A folder with <code>model.onnx</code> and <code>tokenizer.json</code>. For safety the browser page cannot open folders on this machine; add it
              from a terminal with the same workspace:
            </p>
            <pre className="code" data-testid="local-model-command">
              {command}
            </pre>
            <div className="form-actions">
              <button ref={focusRef} type="button" className="btn" onClick={reload} data-testid="local-model-refresh">
                I added it — refresh the list
              </button>
            </div>
          </>
        )}
        {error && <ErrorMessage error={error} title="Could not add this folder" onDismiss={() => setError(undefined)} />}
      </div>
    </details>
  )
}

/** The engine's hints name the CLI's flags too; here they point at this form's own field. */
function inAppTerms(e: ApiError): ApiError {
  if (e.code === 'CONFLICT' || (e.code === 'BAD_INPUT' && /model id/.test(e.message))) {
    const hint =
      e.code === 'CONFLICT'
        ? 'Type another name in the Name field above.'
        : 'Type a name of letters, digits, dots, dashes or underscores in the Name field above.'
    return new ApiError({ code: e.code, message: e.message, hint, details: e.details })
  }
  return e
}
