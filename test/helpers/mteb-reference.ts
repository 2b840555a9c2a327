/**
 * Runs scripts/eval/mteb_reference.py (pinned mteb in the test venv) on vectors EmbedMap computed, and
 * the helpers to hand it those vectors (.npy). A missing venv or mteb is an error saying how to get it,
 * never a skip: these parity tests must run in CI.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { repoRoot } from './tmp'

export const venvPython = path.join(process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv'), 'bin', 'python')

/** Writes n × d float32 rows as a NumPy .npy file (format 1.0). */
export function writeNpy(file: string, data: Float32Array, n: number, d: number): string {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${d}), }`
  const total = 10 + header.length + 1
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n'
  const head = Buffer.alloc(10)
  head.write('\x93NUMPY', 0, 'latin1')
  head[6] = 1
  head[7] = 0
  head.writeUInt16LE(header.length, 8)
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, n * d * 4)]))
  return file
}

export interface ReferenceOutput {
  mteb_version: string
  results: Record<string, Record<string, unknown>>
}

/** mteb's results for every task of `spec` (see the script's docstring for the spec format). */
export function runMtebReference(spec: unknown, dir: string): ReferenceOutput {
  if (!fs.existsSync(venvPython)) throw new Error(`No Python venv at ${venvPython}. Run \`npm run models:test\` (scripts/models/setup_venv.sh installs mteb).`)
  const specFile = path.join(dir, 'mteb-spec.json')
  fs.writeFileSync(specFile, JSON.stringify(spec))
  const r = spawnSync(venvPython, [path.join(repoRoot, 'scripts', 'eval', 'mteb_reference.py'), specFile], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, HF_HUB_OFFLINE: '1', HF_DATASETS_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false', TQDM_DISABLE: '1' },
  })
  if (r.status !== 0) {
    const hint = /No module named 'mteb'/.test(r.stderr) ? ' mteb is missing from the venv: run `bash scripts/models/setup_venv.sh`.' : ''
    throw new Error(`mteb_reference.py failed (exit ${r.status}).${hint}\n${r.stderr.slice(-4000)}`)
  }
  return JSON.parse(r.stdout) as ReferenceOutput
}
