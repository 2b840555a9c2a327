/**
 * The full fine-tune, end to end: validate → train in the Python worker (resumable) → export ONNX fp32/int8
 * → parity check through EmbedMap's embedder → lineage → `runDir/model`, which appears only when all of it
 * passed. The caller (the fine-tune job) registers that folder as a local model.
 *
 * runDir layout: run.json (settings + data fingerprint, checked on resume), train.jsonl, eval.jsonl,
 * events.jsonl (every worker event, for the loss curve across resumes), checkpoints/, trained/ (PyTorch),
 * parity-reference.json, export.partial/ (while exporting), model/ (the result).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { EmbedMapError } from '../../errors'
import { LINEAGE_KIND, type Lineage, writeLineage } from '../lineage'
import { type ExportDoneEvent, exportEvent, type TrainDoneEvent, trainEvent, type TrainEvent } from './events'
import { PARITY_THRESHOLD, parityOf, readReference } from './parity'
import { FULL_DEFAULTS, type FullFinetuneResult, type FullHyperParams, type FullTrainPair, type ParityFigure, type RunFullFinetuneOptions } from './types'
import { validateBaseModel, validateHyperParams, validatePairs } from './validate'
import { runWorker } from './worker-process'

const MAX_PARITY_TEXTS = 64

export async function runFullFinetune(opts: RunFullFinetuneOptions): Promise<FullFinetuneResult> {
  const t0 = Date.now()
  const hp: FullHyperParams = { ...FULL_DEFAULTS, ...opts.hyperParams }
  // Everything checked before anything is written.
  const base = validateBaseModel(path.resolve(opts.baseModel), opts.baseSourceRepo)
  validatePairs(opts.trainPairs, 'training')
  validatePairs(opts.evalPairs ?? [], 'held-out')
  validateHyperParams(hp, base.dims)
  if (opts.signal?.aborted) throw new EmbedMapError('CANCELLED', 'the fine-tune was cancelled')

  const runDir = path.resolve(opts.runDir)
  const runId = opts.runId ?? path.basename(runDir)
  const modelDir = path.join(runDir, 'model')
  if (fs.existsSync(modelDir))
    throw new EmbedMapError('CONFLICT', `run ${runId} already finished: its model is in ${modelDir}`, 'start a new run in another folder')
  const trainJsonl = toJsonl(opts.trainPairs)
  const evalJsonl = toJsonl(opts.evalPairs ?? [])
  const fingerprint = crypto.createHash('sha256').update(trainJsonl).update('\0').update(evalJsonl).digest('hex')
  const settings = { fingerprint, baseModel: path.resolve(opts.baseModel), hyperParams: hp, prompts: opts.prompts ?? null }
  prepareRunDir(runDir, settings)
  fs.writeFileSync(path.join(runDir, 'train.jsonl'), trainJsonl)
  if (evalJsonl) fs.writeFileSync(path.join(runDir, 'eval.jsonl'), evalJsonl)

  const log = fs.openSync(path.join(runDir, 'events.jsonl'), 'a')
  const emit = (e: Parameters<NonNullable<RunFullFinetuneOptions['onEvent']>>[0]) => {
    fs.writeSync(log, JSON.stringify({ ...e, at: Date.now() }) + '\n')
    opts.onEvent?.(e)
  }
  try {
    // ---- train
    emit({ event: 'phase', phase: 'train' })
    const trainConfig = path.join(runDir, 'worker-train.json')
    writeJson(trainConfig, {
      base_model: path.resolve(opts.baseModel),
      run_dir: runDir,
      train_file: path.join(runDir, 'train.jsonl'),
      eval_file: evalJsonl ? path.join(runDir, 'eval.jsonl') : null,
      loss: hp.loss,
      scale: hp.scale,
      mini_batch_size: hp.miniBatchSize,
      matryoshka_dims: hp.matryoshkaDims ?? null,
      matryoshka_weights: hp.matryoshkaWeights ?? null,
      epochs: hp.epochs,
      batch_size: hp.batchSize,
      learning_rate: hp.learningRate,
      warmup_ratio: hp.warmupRatio,
      max_seq_length: hp.maxSeqLength,
      seed: hp.seed,
      device: hp.device,
      save_steps: hp.saveSteps,
      prompts: opts.prompts ?? null,
    })
    const train = await runWorker<TrainEvent>({
      python: opts.env.python,
      command: 'train',
      configFile: trainConfig,
      schema: trainEvent,
      onEvent: emit,
      onSpawn: opts.onWorkerSpawn,
      signal: opts.signal,
      killGraceMs: opts.killGraceMs,
    })
    if (train.aborted) {
      const stop = train.events.find((e) => e.event === 'cancelled')
      const ckpt = stop && 'checkpoint' in stop ? stop.checkpoint : undefined
      throw new EmbedMapError(
        'CANCELLED',
        ckpt
          ? `fine-tune ${runId} was cancelled at step ${stop!.step}; its last checkpoint (${path.basename(ckpt)}) is kept: run it again with the same folder to resume`
          : `fine-tune ${runId} was cancelled before its first checkpoint`,
        undefined,
        { step: stop?.step, checkpoint: ckpt ?? null },
      )
    }
    const done = train.events.find((e): e is TrainDoneEvent => e.event === 'done')
    if (train.code !== 0 || !done) throw workerFailure('training', train)

    // ---- export + parity
    emit({ event: 'phase', phase: 'export' })
    const exportConfig = path.join(runDir, 'worker-export.json')
    const parityFile = path.join(runDir, 'parity-texts.json')
    writeJson(parityFile, parityTexts(opts))
    writeJson(exportConfig, {
      base_model: path.resolve(opts.baseModel),
      run_dir: runDir,
      train_file: path.join(runDir, 'train.jsonl'),
      parity_texts_file: parityFile,
      int8: opts.int8 ?? true,
      prompts: opts.prompts ?? null,
    })
    const exp = await runWorker({
      python: opts.env.python,
      command: 'export',
      configFile: exportConfig,
      schema: exportEvent,
      onEvent: emit,
      signal: opts.signal,
      killGraceMs: opts.killGraceMs,
    })
    const partial = path.join(runDir, 'export.partial')
    if (exp.aborted) {
      fs.rmSync(partial, { recursive: true, force: true })
      throw new EmbedMapError(
        'CANCELLED',
        `fine-tune ${runId} was cancelled during the ONNX export; the trained model is kept in ${path.join(runDir, 'trained')}`,
      )
    }
    const exported = exp.events.find((e): e is ExportDoneEvent => e.event === 'done' && 'export_dir' in e)
    if (exp.code !== 0 || !exported) {
      fs.rmSync(partial, { recursive: true, force: true })
      throw workerFailure('ONNX export', exp)
    }

    emit({ event: 'phase', phase: 'parity' })
    const ref = readReference(exported.reference)
    let fp32: ParityFigure
    let int8: ParityFigure | undefined
    try {
      fp32 = await parityOf(partial, 'fp32', ref, opts.signal)
      if (fp32.mean < PARITY_THRESHOLD) {
        throw new EmbedMapError(
          'INTERNAL',
          `the ONNX export does not match the trained model: mean cosine ${fp32.mean.toFixed(6)} < ${PARITY_THRESHOLD} (min ${fp32.min.toFixed(6)}, ${fp32.n} texts)`,
          'the export is not usable; report this with the run folder',
          { fp32 },
        )
      }
      if (exported.int8) int8 = await parityOf(partial, 'int8', ref, opts.signal)
    } catch (err) {
      fs.rmSync(partial, { recursive: true, force: true })
      if (opts.signal?.aborted) throw new EmbedMapError('CANCELLED', `fine-tune ${runId} was cancelled during the parity check`)
      throw err
    }
    emit({ event: 'parity', fp32, ...(int8 ? { int8 } : {}) })

    const history = readHistory(runDir)
    const lossCurve = history.loss
    const lineage: Lineage = {
      kind: LINEAGE_KIND,
      schemaVersion: 1,
      id: opts.modelId ?? `${opts.baseModelId ?? path.basename(path.resolve(opts.baseModel))}-ft-${runId}`,
      displayName: opts.displayName ?? `${opts.baseModelId ?? path.basename(path.resolve(opts.baseModel))} fine-tuned (${runId})`,
      method: 'full',
      runId,
      createdAt: new Date().toISOString(),
      baseModel: {
        id: opts.baseModelId ?? path.basename(path.resolve(opts.baseModel)),
        ...(opts.baseVersion ? { version: opts.baseVersion } : {}),
        ...(opts.baseSourceRepo ? { repository: opts.baseSourceRepo } : {}),
        dir: path.resolve(opts.baseModel),
      },
      data: {
        fingerprint,
        trainPairs: opts.trainPairs.length,
        evalPairs: opts.evalPairs?.length ?? 0,
        ...(opts.dataSource ? { source: opts.dataSource } : {}),
      },
      hyperParams: {
        loss: hp.loss,
        scale: hp.scale,
        batchSize: hp.batchSize,
        ...(hp.loss === 'cached-mnrl' ? { miniBatchSize: hp.miniBatchSize } : {}),
        epochs: hp.epochs,
        learningRate: hp.learningRate,
        warmupRatio: hp.warmupRatio,
        maxSeqLength: hp.maxSeqLength,
        ...(hp.matryoshkaDims ? { matryoshkaDims: hp.matryoshkaDims } : {}),
        ...(hp.matryoshkaWeights ? { matryoshkaWeights: hp.matryoshkaWeights } : {}),
        hardNegatives: negativesPerPair(opts.trainPairs),
        seed: hp.seed,
      },
      training: {
        device: done.device,
        steps: done.step,
        stepsPerSecond: done.steps_per_second ?? null,
        durationMs: Date.now() - t0,
        finalLoss: done.final_loss ?? null,
        ...(done.versions ? { versions: done.versions } : {}),
      },
      dims: exported.dims,
      pooling: poolingOf(partial),
      normalize: fs.existsSync(path.join(partial, '2_Normalize')) || readModules(partial).some((m) => m.endsWith('Normalize')),
      maxLength: exported.max_seq_length,
      prefixes: { query: opts.prompts?.query ?? '', passage: opts.prompts?.passage ?? '' },
      ...(hp.matryoshkaDims ? { matryoshkaDims: [...hp.matryoshkaDims].sort((a, b) => b - a) } : {}),
      onnx: { fp32: exported.fp32, ...(exported.int8 ? { int8: exported.int8 } : {}), opset: exported.opset, inputs: exported.inputs, output: exported.output },
      parity: { fp32, ...(int8 ? { int8 } : {}), threshold: PARITY_THRESHOLD },
      metrics: null,
    }
    writeLineage(partial, lineage)
    fs.renameSync(partial, modelDir)
    return {
      onnxDir: modelDir,
      ...(exported.int8 ? { int8Dir: modelDir } : {}),
      parity: { fp32, ...(int8 ? { int8 } : {}) },
      steps: done.step,
      stepsPerSecond: done.steps_per_second ?? null,
      device: done.device,
      durationMs: Date.now() - t0,
      lossCurve,
      evalPoints: history.evals,
      ...(done.resumed_from ? { resumedFromStep: checkpointStep(done.resumed_from) } : {}),
      dataFingerprint: fingerprint,
      ...(done.peak_gpu_memory_bytes ? { peakGpuMemoryBytes: done.peak_gpu_memory_bytes } : {}),
    }
  } finally {
    fs.closeSync(log)
  }
}

function toJsonl(pairs: readonly FullTrainPair[]): string {
  return pairs
    .map((p) => {
      const negs = [...(p.negative !== undefined ? [p.negative] : []), ...(p.negatives ?? [])]
      return (
        JSON.stringify({
          anchor: p.anchor,
          positive: p.positive,
          ...(negs.length ? { negatives: negs } : {}),
          ...(p.group !== undefined ? { group: p.group } : {}),
        }) + '\n'
      )
    })
    .join('')
}

function negativesPerPair(pairs: readonly FullTrainPair[]): number {
  const p = pairs[0]
  return p ? (p.negative !== undefined ? 1 : 0) + (p.negatives?.length ?? 0) : 0
}

/** A new run folder, or the same run again (resume): a folder with other data or settings is refused. */
function prepareRunDir(runDir: string, settings: Record<string, unknown>): void {
  const file = path.join(runDir, 'run.json')
  if (fs.existsSync(file)) {
    const before = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
    if (JSON.stringify(before) !== JSON.stringify(settings)) {
      const what = before.fingerprint !== settings.fingerprint ? 'other training data' : 'other settings'
      throw new EmbedMapError(
        'CONFLICT',
        `${runDir} holds a run with ${what}: resuming needs the same data and settings`,
        'give a new run folder to start another run',
      )
    }
    return
  }
  fs.mkdirSync(runDir, { recursive: true })
  writeJson(file, settings)
}

function parityTexts(opts: RunFullFinetuneOptions): string[] {
  if (opts.parityTexts?.length) return opts.parityTexts.slice(0, MAX_PARITY_TEXTS)
  const pairs = opts.evalPairs?.length ? opts.evalPairs : opts.trainPairs
  const texts = [...new Set(pairs.flatMap((p) => [p.anchor, p.positive]))]
  return texts.slice(0, MAX_PARITY_TEXTS)
}

/** Every loss / eval point the run's workers reported, across resumes (a re-run step replaces the old one). */
function readHistory(runDir: string): { loss: Array<{ step: number; loss: number }>; evals: Array<{ step: number; metrics: Record<string, number> }> } {
  const loss = new Map<number, number>()
  const evals = new Map<number, Record<string, number>>()
  for (const line of fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8').split('\n')) {
    if (!line) continue
    const e = JSON.parse(line) as { event: string; step?: number; loss?: number; metrics?: Record<string, number> }
    if (e.event === 'step' && typeof e.step === 'number' && typeof e.loss === 'number') loss.set(e.step, e.loss)
    if (e.event === 'eval' && typeof e.step === 'number' && e.metrics) evals.set(e.step, e.metrics)
  }
  const sorted = <T>(m: Map<number, T>) => [...m.entries()].sort((a, b) => a[0] - b[0])
  return { loss: sorted(loss).map(([step, l]) => ({ step, loss: l })), evals: sorted(evals).map(([step, metrics]) => ({ step, metrics })) }
}

function checkpointStep(p: string): number | undefined {
  const m = /checkpoint-(\d+)$/.exec(p)
  return m ? Number(m[1]) : undefined
}

function readModules(dir: string): string[] {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'modules.json'), 'utf8')) as Array<{ type: string }>).map((m) => m.type)
  } catch {
    return []
  }
}

function poolingOf(dir: string): string {
  try {
    const c = JSON.parse(fs.readFileSync(path.join(dir, '1_Pooling', 'config.json'), 'utf8')) as Record<string, unknown>
    return c.pooling_mode_cls_token ? 'cls' : c.pooling_mode_lasttoken ? 'last_token' : c.pooling_mode_max_tokens ? 'max' : 'mean'
  } catch {
    return 'mean'
  }
}

function workerFailure(
  what: string,
  run: { code: number | null; signal: NodeJS.Signals | null; events: Array<{ event: string }>; stderrTail: string },
): EmbedMapError {
  const err = run.events.find((e): e is { event: 'error'; message: string; kind?: string } => e.event === 'error')
  if (err?.kind === 'input') return new EmbedMapError('BAD_INPUT', `fine-tune ${what} failed: ${err.message}`, 'fix the input and start again')
  if (err?.kind === 'environment')
    return new EmbedMapError('BAD_INPUT', `fine-tune ${what} failed: ${err.message}`, 'repair the Python environment (pyenv ensureManagedEnv / verifyEnv)', {
      reason: 'ENV_MISSING_PACKAGES',
    })
  const how = err ? err.message : run.signal ? `the worker was killed (${run.signal})` : `the worker exited with code ${run.code}`
  return new EmbedMapError(
    'INTERNAL',
    `fine-tune ${what} failed: ${how}`,
    run.signal ? 'run it again with the same run folder: it resumes from the last checkpoint' : undefined,
    { stderr: run.stderrTail },
  )
}

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, JSON.stringify(value, null, 2))
}
