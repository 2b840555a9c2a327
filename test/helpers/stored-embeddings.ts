/**
 * Embeds each distinct (role, text) once with a real model and serves the vectors as an EmbedFn, so a
 * test can hand exactly the same vectors to EmbedMap's task runners and to mteb. Set
 * EMBEDMAP_EVAL_CACHE to a folder to keep vectors between runs while developing (keyed by the
 * model's weights hash and the texts); CI leaves it unset and embeds afresh.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Embedder } from '../../src-main/embed'
import { embedderEmbedFn } from '../../src-main/evaluate'
import type { EmbedFn, EmbedRole } from '../../src-main/evaluate'

export class StoredEmbeddings {
  private readonly table = new Map<string, Float32Array>()
  d = 0

  private key(role: EmbedRole, text: string): string {
    return `${role}\u0000${text}`
  }

  /** Embeds whatever of `texts` is not stored yet. */
  async add(embedder: Embedder, role: EmbedRole, texts: string[]): Promise<void> {
    const todo = [...new Set(texts)].filter((t) => !this.table.has(this.key(role, t)))
    if (todo.length === 0) return
    const cacheDir = process.env.EMBEDMAP_EVAL_CACHE
    const hash = crypto
      .createHash('sha256')
      .update(`${embedder.info.version}|${embedder.info.configKey}|${role}|${todo.join('\u0001')}`)
      .digest('hex')
      .slice(0, 24)
    const cacheFile = cacheDir ? path.join(cacheDir, `${hash}.f32`) : ''
    let vectors: Float32Array
    if (cacheFile && fs.existsSync(cacheFile)) {
      const buf = fs.readFileSync(cacheFile)
      vectors = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
    } else {
      vectors = await embedderEmbedFn(embedder)(todo, role)
      if (cacheFile) {
        fs.mkdirSync(cacheDir!, { recursive: true })
        fs.writeFileSync(cacheFile, Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength))
      }
    }
    this.d = vectors.length / todo.length
    todo.forEach((t, i) => this.table.set(this.key(role, t), vectors.subarray(i * this.d, (i + 1) * this.d)))
  }

  rows(role: EmbedRole, texts: string[]): Float32Array {
    const out = new Float32Array(texts.length * this.d)
    texts.forEach((t, i) => {
      const v = this.table.get(this.key(role, t))
      if (!v) throw new Error(`no stored vector for ${role} text ${JSON.stringify(t.slice(0, 40))}`)
      out.set(v, i * this.d)
    })
    return out
  }

  embedFn(): EmbedFn {
    return async (texts, role) => this.rows(role, texts)
  }
}
