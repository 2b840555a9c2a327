import { useState } from 'react'
import type { ModelEntry } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'

/**
 * Registers an OpenAI-compatible embedding server (TEI, vLLM, Infinity, Ollama, OpenAI…) as a model. The engine
 * sends one probe request before saving it, so a wrong URL, model name or key is reported here, not mid-job.
 * The API key is never typed into the app: only the name of the environment variable that holds it.
 */
export function AddEmbeddingServer({ onAdded }: { onAdded(model: ModelEntry): void }) {
  const [open, setOpen] = useState(false)
  const [url, setUrl] = useState('http://127.0.0.1:7997/v1')
  const [model, setModel] = useState('')
  const [name, setName] = useState('')
  const [apiKeyEnv, setApiKeyEnv] = useState('')
  const [queryPrefix, setQueryPrefix] = useState('')
  const [passagePrefix, setPassagePrefix] = useState('')
  const [concurrency, setConcurrency] = useState(4)
  const [maxBatch, setMaxBatch] = useState(256)
  const [rpm, setRpm] = useState('')
  const [adding, setAdding] = useState(false)
  const [error, setError] = useState<ApiError>()

  async function add() {
    setError(undefined)
    setAdding(true)
    try {
      const added = await invoke('models.addRemote', {
        url: url.trim(),
        model: model.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(apiKeyEnv.trim() ? { apiKeyEnv: apiKeyEnv.trim() } : {}),
        queryPrefix,
        passagePrefix,
        concurrency,
        maxBatch,
        ...(rpm.trim() ? { requestsPerMinute: Number(rpm) } : {}),
      })
      setOpen(false)
      onAdded(added)
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setAdding(false)
    }
  }

  return (
    <details className="disclosure" open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="add-embedding-server">
      <summary>Add embedding server…</summary>
      <form
        className="disclosure__body"
        onSubmit={(e) => {
          e.preventDefault()
          void add()
        }}
      >
        <p className="muted">
          Any server with the OpenAI <code>/v1/embeddings</code> API: Text Embeddings Inference, vLLM, Infinity, Ollama, OpenAI.
        </p>
        <label className="field">
          <span className="field__label">Server URL</span>
          <input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} data-testid="server-url" />
        </label>
        <label className="field">
          <span className="field__label">Model name on the server</span>
          <input
            type="text"
            required
            value={model}
            onChange={(e) => setModel(e.target.value)}
            placeholder="e.g. BAAI/bge-small-en-v1.5"
            data-testid="server-model"
          />
        </label>
        <label className="field">
          <span className="field__label">Name here (optional)</span>
          <input type="text" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="the model name" data-testid="server-name" />
        </label>
        <label className="field">
          <span className="field__label">API key environment variable (optional)</span>
          <input
            type="text"
            value={apiKeyEnv}
            pattern="[A-Za-z_][A-Za-z0-9_]*"
            onChange={(e) => setApiKeyEnv(e.target.value)}
            placeholder="e.g. OPENAI_API_KEY"
            data-testid="server-key-env"
          />
          <span className="field__note">The key stays in the environment EmbedMap was started from; it is never saved.</span>
        </label>
        <div className="field-row">
          <label className="field">
            <span className="field__label">Query prefix</span>
            <input
              type="text"
              value={queryPrefix}
              onChange={(e) => setQueryPrefix(e.target.value)}
              placeholder="e.g. query: "
              data-testid="server-query-prefix"
            />
          </label>
          <label className="field">
            <span className="field__label">Passage prefix</span>
            <input
              type="text"
              value={passagePrefix}
              onChange={(e) => setPassagePrefix(e.target.value)}
              placeholder="e.g. passage: "
              data-testid="server-passage-prefix"
            />
          </label>
        </div>
        <div className="field-row">
          <label className="field">
            <span className="field__label">Requests at once</span>
            <input
              type="number"
              min={1}
              max={64}
              value={concurrency}
              onChange={(e) => setConcurrency(Number(e.target.value))}
              data-testid="server-concurrency"
            />
          </label>
          <label className="field">
            <span className="field__label">Texts per request</span>
            <input type="number" min={1} max={4096} value={maxBatch} onChange={(e) => setMaxBatch(Number(e.target.value))} data-testid="server-max-batch" />
          </label>
          <label className="field">
            <span className="field__label">Requests per minute</span>
            <input type="number" min={1} value={rpm} onChange={(e) => setRpm(e.target.value)} placeholder="no limit" data-testid="server-rpm" />
          </label>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn" disabled={adding || !model.trim() || !url.trim()} data-testid="server-add">
            {adding ? 'Checking the server…' : 'Check and add'}
          </button>
        </div>
        {error && <ErrorMessage error={error} title="Could not add this server" onDismiss={() => setError(undefined)} />}
      </form>
    </details>
  )
}
