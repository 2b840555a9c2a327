import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const rendererDir = path.join(repoRoot, 'out', 'renderer')
export const artifactsDir = path.join(repoRoot, 'test', 'artifacts')
