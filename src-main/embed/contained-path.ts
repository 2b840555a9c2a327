import fs from 'node:fs'
import path from 'node:path'
import { EmbedMapError } from '../errors'

/**
 * A path that a file of a model folder names (a modules.json `path`, an ONNX tensor's external-data `location`),
 * resolved against `base` and held inside `root`: no absolute paths, no `..` out of the folder, and no symbolic link
 * that leads out of it. A folder someone hands us must not make us read, or hand onnxruntime, files elsewhere.
 */
export function containedPath(root: string, base: string, named: string, namedIn: string, what: string): string {
  const refuse = (why: string) =>
    new EmbedMapError(
      'BAD_INPUT',
      `${namedIn} names ${what} ${JSON.stringify(named)}, ${why}.`,
      'A model folder may only name files inside itself: fix that path, or use an unmodified copy of the model.',
      {
        file: namedIn,
        path: named,
      },
    )
  if (named === '' || named.includes('\0')) throw refuse('which is not a usable path')
  if (path.isAbsolute(named) || path.win32.isAbsolute(named)) throw refuse('an absolute path')
  const resolved = path.resolve(base, named)
  if (!inside(root, resolved)) throw refuse('which is outside the model folder')
  let real: string
  try {
    real = fs.realpathSync(resolved)
  } catch {
    return resolved // missing: whoever reads it says so
  }
  if (!inside(fs.realpathSync(root), real)) throw refuse(`which leads outside the model folder through a symbolic link (to ${real})`)
  return resolved
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}
