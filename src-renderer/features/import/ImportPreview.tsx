import { useEffect, useState } from 'react'
import type { ImportOptionsInput, ImportPreview as Preview } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { useQuery } from '../../api/hooks'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { delimiterLabel, formatBytes } from '../../ui/format'
import type { ChosenFile } from './ImportSource'
import { SampleTable } from './SampleTable'
import { VectorsField, type VectorsChoice } from './VectorsField'

type Delimiter = NonNullable<ImportOptionsInput['delimiter']>
const DELIMITERS: Delimiter[] = [',', '\t', ';', '|']
const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'gb18030', 'big5', 'shift_jis', 'euc-kr', 'windows-1252', 'latin1']

function baseName(fileName: string): string {
  return fileName.replace(/\.[^.]+$/, '') || fileName
}

/**
 * Shows what the engine detected (encoding, delimiter, columns and their types, the first rows), lets the user
 * override encoding/delimiter (which re-runs the preview) and pick the text column, then starts the import job.
 */
export function ImportPreview({
  file,
  onCancel,
  onStarted,
}: {
  file: ChosenFile
  onCancel(): void
  onStarted(result: { jobId: number; datasetId: number }): void
}) {
  const [encoding, setEncoding] = useState<string>('')
  const [delimiter, setDelimiter] = useState<Delimiter | ''>('')
  // Off only after the user says the first line is a header although it looks like data.
  const [headerCheck, setHeaderCheck] = useState(true)
  const options: ImportOptionsInput = {
    ...(encoding ? { encoding } : {}),
    ...(delimiter ? { delimiter } : {}),
    ...(headerCheck ? {} : { headerCheck: false }),
  }
  const preview = useQuery('import.preview', { path: file.path, options }, `${file.path}|${encoding}|${delimiter}|${headerCheck}`)
  const looksHeaderless = preview.error?.details?.reason === 'no-header'

  return (
    <section className="import-preview" data-testid="import-preview" aria-labelledby="preview-heading">
      <header className="content__header">
        <div>
          <h2 id="preview-heading">Import {file.displayName}</h2>
          {preview.value && (
            <p className="muted">
              {formatBytes(preview.value.sizeBytes)} · {preview.value.format.toUpperCase()}
            </p>
          )}
        </div>
        <div className="content__actions">
          <button type="button" className="btn btn--ghost" onClick={onCancel} data-testid="import-cancel">
            Cancel
          </button>
        </div>
      </header>

      {preview.error && <ErrorMessage error={preview.error} title="Cannot read this file" />}
      {looksHeaderless && (
        <button type="button" className="btn" onClick={() => setHeaderCheck(false)} data-testid="import-header-anyway">
          The first line is the header — use it anyway
        </button>
      )}
      {!preview.value && preview.loading && <p className="muted">Reading the start of the file…</p>}
      {preview.value && (
        <PreviewBody
          key={`${file.path}|${preview.value.columns.length}`}
          preview={preview.value}
          loading={preview.loading}
          file={file}
          encoding={encoding}
          delimiter={delimiter}
          onEncoding={setEncoding}
          onDelimiter={setDelimiter}
          options={options}
          onStarted={onStarted}
        />
      )}
    </section>
  )
}

function PreviewBody({
  preview,
  loading,
  file,
  encoding,
  delimiter,
  onEncoding,
  onDelimiter,
  options,
  onStarted,
}: {
  preview: Preview
  loading: boolean
  file: ChosenFile
  encoding: string
  delimiter: Delimiter | ''
  onEncoding(v: string): void
  onDelimiter(v: Delimiter | ''): void
  options: ImportOptionsInput
  onStarted(result: { jobId: number; datasetId: number }): void
}) {
  const [textColumn, setTextColumn] = useState(preview.suggestedTextColumn)
  const [name, setName] = useState(baseName(file.displayName))
  const [starting, setStarting] = useState(false)
  const [startError, setStartError] = useState<ApiError>()
  useEffect(() => setTextColumn(preview.suggestedTextColumn), [preview.suggestedTextColumn])
  const [vectors, setVectors] = useState<VectorsChoice>({ column: preview.vectorColumn, model: '' })
  const vectorOptions: ImportOptionsInput =
    preview.vectorColumns.length === 0
      ? {}
      : vectors.column === null
        ? { vectors: false }
        : { vectors: vectors.column, ...(vectors.model.trim() ? { vectorsModel: vectors.model.trim() } : {}) }

  async function start(allowDuplicate = false) {
    setStarting(true)
    setStartError(undefined)
    try {
      const result = await invoke('import.start', {
        path: file.path,
        options: {
          ...options,
          ...vectorOptions,
          textColumn,
          ...(name.trim() ? { name: name.trim().slice(0, 200) } : {}),
          ...(allowDuplicate ? { allowDuplicate } : {}),
        },
      })
      onStarted(result)
    } catch (err) {
      setStartError(toApiError(err))
      setStarting(false)
    }
  }

  const encodingOptions = ENCODINGS.includes(preview.encoding) ? ENCODINGS : [preview.encoding, ...ENCODINGS]
  const importButton = (
    <button type="button" className="btn btn--primary" onClick={() => void start()} disabled={starting || loading} data-testid="import-start">
      {starting
        ? 'Starting…'
        : vectors.column !== null
          ? `Import with “${preview.columns[vectors.column]?.name}” as vectors, then map`
          : `Import ${preview.columns[textColumn]?.name ? `with “${preview.columns[textColumn].name}” as text` : ''}`}
    </button>
  )
  return (
    <>
      <div className="form-grid" aria-busy={loading}>
        {preview.format !== 'parquet' && preview.format !== 'arrow' && (
          <label className="field">
            <span className="field__label">Encoding</span>
            <select value={encoding} onChange={(e) => onEncoding(e.target.value)} data-testid="preview-encoding-select">
              <option value="">Detected: {preview.encoding}</option>
              {encodingOptions.map((enc) => (
                <option key={enc} value={enc}>
                  {enc}
                </option>
              ))}
            </select>
            <span className="field__note" data-testid="preview-encoding">
              {preview.encoding} ({Math.round(preview.encodingConfidence * 100)}% sure)
            </span>
          </label>
        )}
        {preview.format === 'csv' && (
          <label className="field">
            <span className="field__label">Delimiter</span>
            <select value={delimiter} onChange={(e) => onDelimiter(e.target.value as Delimiter | '')} data-testid="preview-delimiter-select">
              <option value="">Detected: {delimiterLabel(preview.delimiter)}</option>
              {DELIMITERS.map((d) => (
                <option key={d} value={d}>
                  {delimiterLabel(d)}
                </option>
              ))}
            </select>
            <span className="field__note" data-testid="preview-delimiter">
              {delimiterLabel(preview.delimiter)}
            </span>
          </label>
        )}
        <label className="field">
          <span className="field__label">Text column</span>
          <select value={textColumn} onChange={(e) => setTextColumn(Number(e.target.value))} data-testid="text-column-select">
            {preview.columns
              .filter((c) => vectors.column !== c.idx)
              .map((c) => (
                <option key={c.idx} value={c.idx}>
                  {c.name} ({c.type}){c.idx === preview.suggestedTextColumn ? ' — suggested' : ''}
                </option>
              ))}
          </select>
          <span className="field__note">
            {vectors.column === null ? 'The column to embed and show on the map.' : 'The text shown on the map and in the table.'}
          </span>
        </label>
        <label className="field">
          <span className="field__label">Dataset name</span>
          <input type="text" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} data-testid="dataset-name-input" />
        </label>
      </div>

      {preview.vectorColumns.length > 0 && <VectorsField preview={preview} choice={vectors} onChange={setVectors} />}

      <h3 className="section-title">Columns</h3>
      <ul className="column-chips" data-testid="preview-columns">
        {preview.columns.map((c) => (
          <li key={c.idx} className={`chip${c.idx === textColumn ? ' chip--text' : ''}`}>
            <span className="chip__name">{c.name}</span>
            <span className="chip__type">{c.idx === vectors.column ? 'vectors' : c.type}</span>
          </li>
        ))}
      </ul>

      <h3 className="section-title">First rows</h3>
      <SampleTable columns={preview.columns} rows={preview.sampleRows} textColumn={textColumn} />

      {startError && <ErrorMessage error={startError} title="Could not start the import" />}
      {isAlreadyImported(startError) && (
        <button type="button" className="btn btn--small" onClick={() => void start(true)} disabled={starting} data-testid="import-start-copy">
          Import a second copy anyway
        </button>
      )}
      <div className="actions actions--sticky">{importButton}</div>
    </>
  )
}

/** The engine refused because this unchanged file is already a dataset (not because an import of it is running). */
function isAlreadyImported(error: ApiError | undefined): boolean {
  return error?.code === 'CONFLICT' && typeof error.details?.datasetId === 'number' && error.details.jobId === undefined
}
