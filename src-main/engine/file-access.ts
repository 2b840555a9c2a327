import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { GRANT_PREFIX, type Caller } from '../contract'
import { EmbedMapError } from '../errors'

/** How long a file-dialog grant stays usable: long enough to preview, pick options and start. */
const GRANT_TTL_MS = 60 * 60 * 1000
/** File names in the exports folder: a byte cap that every common file system accepts. */
const MAX_NAME_BYTES = 200

interface Grant {
  path: string
  kind: 'file' | 'folder'
  expires: number
}

/**
 * Where a request may read and write. Paths in request bodies are never trusted from the app's doors: an import
 * reads only an uploaded file or one the native dialog granted (a one-file handle, not a string the page chose),
 * an export writes only a plain name inside the exports folder, and a model folder comes only from the CLI or a
 * folder dialog. The CLI is the user at their own shell, so it may name any path.
 */
export class FileAccess {
  private readonly grants = new Map<string, Grant>()

  constructor(
    private readonly uploadsDir: string,
    private readonly exportsDir: string,
  ) {}

  /** A handle for a path the user chose in a native dialog; the renderer only ever sees the handle. */
  grant(file: string, kind: Grant['kind']): string {
    const handle = `${GRANT_PREFIX}${randomBytes(18).toString('hex')}`
    this.grants.set(handle, { path: path.resolve(file), kind, expires: Date.now() + GRANT_TTL_MS })
    return handle
  }

  /** Ends a grant once the work it was given for has started: a handle opens one import, not many. */
  consume(raw: string): void {
    if (raw.startsWith(GRANT_PREFIX)) this.grants.delete(raw)
  }

  /** The file (or model folder) a request may read. */
  readable(raw: string, caller: Caller, opts: { kind?: Grant['kind'] } = {}): string {
    const kind = opts.kind ?? 'file'
    if (raw.startsWith(GRANT_PREFIX)) {
      const g = this.grants.get(raw)
      if (!g || g.expires < Date.now() || g.kind !== kind) {
        throw new EmbedMapError('BAD_INPUT', 'That file handle is unknown or has expired.', `Choose the ${kind} again in the dialog.`)
      }
      return g.path
    }
    if (caller.door === 'cli') return path.resolve(raw)
    if (kind === 'file' && isInside(this.uploadsDir, raw)) return path.resolve(raw)
    throw new EmbedMapError(
      'BAD_INPUT',
      kind === 'file'
        ? 'The app can only read files you uploaded or picked in the file dialog.'
        : 'The app can only use model folders you picked in the folder dialog.',
      kind === 'file'
        ? 'Drop the file on the Import panel or use its file picker; from a terminal, `embedmap import PATH` reads any file.'
        : 'Use “Add a model folder”, or `embedmap models add DIR` from a terminal.',
      { door: caller.door },
    )
  }

  /**
   * Where an export may write. From the app: a plain file name, placed in the exports folder. From the CLI: any path.
   * Either way an existing file is replaced only when asked to.
   */
  writable(raw: string, caller: Caller, overwrite: boolean): string {
    let out: string
    if (caller.door === 'cli') {
      // Relative to where the user typed the command, like any other command-line tool.
      out = path.resolve(raw)
    } else {
      checkPlainName(raw)
      out = path.join(this.exportsDir, raw)
    }
    if (!overwrite && fs.existsSync(out)) {
      throw new EmbedMapError(
        'CONFLICT',
        `${out} already exists.`,
        caller.door === 'cli' ? 'Pass --force to replace it, or choose another file name.' : 'Choose another file name, or replace the file on purpose.',
        { out },
      )
    }
    return out
  }
}

/** A name with no folder in it: no separators, no `..`, no leading dot, no control characters, a bounded size. */
export function checkPlainName(name: string): void {
  const bad =
    name.length === 0 ||
    name !== name.trim() ||
    /[/\\\u0000-\u001f\u007f]/.test(name) ||
    name.startsWith('.') ||
    path.isAbsolute(name) ||
    /^[A-Za-z]:/.test(name) ||
    Buffer.byteLength(name) > MAX_NAME_BYTES
  if (bad) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `'${name.slice(0, 80)}' is not a plain file name.`,
      `Give a name such as selection.csv (no folders, no leading dot, at most ${MAX_NAME_BYTES} bytes); it is saved in the workspace's exports folder.`,
    )
  }
}

/** True when `file` resolves (through links) to something strictly inside `dir`. */
export function isInside(dir: string, file: string): boolean {
  const root = realOrNull(dir)
  const abs = path.resolve(file)
  // A file that does not exist yet is judged by its real folder, so the reader can say "does not exist".
  const parent = realOrNull(path.dirname(abs))
  const target = realOrNull(abs) ?? (parent && path.join(parent, path.basename(abs)))
  return root !== null && target !== null && target.startsWith(root + path.sep)
}

function realOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p)
  } catch {
    return null
  }
}
