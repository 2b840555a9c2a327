/** Where a local model runs: on this computer, or on a Ray cluster (its dashboard address and worker sizes). */
export interface EngineState {
  engine: 'local' | 'ray'
  address: string
  numGpusPerWorker: string
  batchSize: string
}

export const DEFAULT_ENGINE: EngineState = { engine: 'local', address: 'http://127.0.0.1:8265', numGpusPerWorker: '0', batchSize: '256' }

/** The `engine` / `ray` part of embed.start, or a reason the form cannot be sent. */
export function engineInput(
  s: EngineState,
): { engine: 'local' } | { engine: 'ray'; ray: { address: string; numGpusPerWorker: number; batchSize: number } } | string {
  if (s.engine === 'local') return { engine: 'local' }
  const address = s.address.trim()
  if (!address) return 'Give the Ray dashboard address, e.g. http://head-node:8265.'
  const gpus = Number(s.numGpusPerWorker)
  if (!Number.isFinite(gpus) || gpus < 0) return 'GPUs per worker must be 0 or more.'
  const batch = Number(s.batchSize)
  if (!Number.isInteger(batch) || batch < 1) return 'Batch size must be a whole number of rows, 1 or more.'
  return { engine: 'ray', ray: { address, numGpusPerWorker: gpus, batchSize: batch } }
}

export function EngineChoice({ value, onChange, disabled }: { value: EngineState; onChange(v: EngineState): void; disabled?: boolean }) {
  const set = (patch: Partial<EngineState>) => onChange({ ...value, ...patch })
  return (
    <fieldset className="field engine-choice" data-testid="embed-engine" disabled={disabled}>
      <legend className="field__label">Run the model</legend>
      <label className="field__check">
        <input type="radio" name="embed-engine" checked={value.engine === 'local'} onChange={() => set({ engine: 'local' })} data-testid="engine-local" />
        On this computer
      </label>
      <label className="field__check">
        <input type="radio" name="embed-engine" checked={value.engine === 'ray'} onChange={() => set({ engine: 'ray' })} data-testid="engine-ray" />
        On a Ray cluster
      </label>
      {value.engine === 'ray' && (
        <div className="engine-choice__ray">
          <label className="field">
            <span className="field__label">Dashboard address</span>
            <input type="text" value={value.address} onChange={(e) => set({ address: e.target.value })} spellCheck={false} data-testid="ray-address" />
          </label>
          <div className="engine-choice__row">
            <label className="field">
              <span className="field__label">GPUs per worker</span>
              <input
                type="number"
                min={0}
                step={0.25}
                value={value.numGpusPerWorker}
                onChange={(e) => set({ numGpusPerWorker: e.target.value })}
                data-testid="ray-gpus"
              />
            </label>
            <label className="field">
              <span className="field__label">Batch size</span>
              <input type="number" min={1} step={1} value={value.batchSize} onChange={(e) => set({ batchSize: e.target.value })} data-testid="ray-batch" />
            </label>
          </div>
          <span className="field__note">
            The rows go to the cluster as Parquet shards and come back as each shard finishes; a stopped run keeps finished shards and sends only the rest next
            time. The shard folder and the model folder must be readable by every node (one machine, or shared storage).
          </span>
        </div>
      )}
    </fieldset>
  )
}
