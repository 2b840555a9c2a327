import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
/** The renderer the e2e tests serve: a build with test hooks (see renderer.ts), apart from the shipped out/renderer. */
export const testRendererDir = path.join(repoRoot, '.cache', 'renderer-test')
export const artifactsDir = path.join(repoRoot, 'test', 'artifacts')
