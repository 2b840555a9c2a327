/**
 * Analysis benchmark: ours vs the Python reference implementations, measured in the same run.
 *
 *  1. UMAP, 20,000 × 384 real MiniLM vectors: our umap() (kNN included) vs umap-learn 0.5.12
 *     fit_transform (n_neighbors 15, min_dist 0.1, cosine), both seeded (random_state 42: umap-learn's
 *     SGD is then single-threaded) and unseeded (its parallel SGD, what most users run); trustworthiness
 *     (k = 15) of every embedding by our trustworthiness() (checked equal to sklearn's in the tests).
 *     Goal: time ratio ≤ 1.0.
 *  2. k-means, 100,000 × 384 (the real vectors tiled with noise), k = 20, 3 restarts vs sklearn KMeans
 *     n_init = 3. Goal: time ratio ≤ 1.0, inertia within 1 %.
 *
 *  Fair peers: warm-up excluded on both sides (numba JIT compiled before the timed fit), OpenBLAS on its
 *  native kernel (OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset in the peer's command only), every core for
 *  OpenBLAS / OpenMP / numba; the kernel and thread counts are read with threadpoolctl and recorded.
 *  Each side runs --reps times (default 3) interleaved; medians are reported, and CPU seconds too.
 *  3. UMAP large-n strategy at 20k: full fit vs fit on a 5k/10k sample + weighted placement.
 *  4. (--with-knn) the kNN method table at 20k and 100k (bench/analyze-knn.ts).
 *  5. (--with-umap100k) a full UMAP fit at 100k.
 *
 *  6. (--1m) the whole `embedmap analyze` at 1,000,000 rows: time and peak RSS (bench/analyze-1m.ts).
 *
 *   npm run bench -- analyze [--reps=3] [--skip-sampling] [--with-knn] [--with-umap100k] [--skip-peer] | analyze --1m [--rows N]
 * Results: bench/results/analyze.json. Needs the venv (~/.cache/embedmap-venv) for the peer side.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { kmeans } from '../src-main/analyze/kmeans'
import { trustworthiness, umap } from '../src-main/analyze/umap'
import { benchVectors, VENV_PY } from './analyze-data'
import { NATIVE_BLAS_ENV, cpuSecondsSince, machineInfo, measure, median, writeResults } from './measure'

const PEER = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'peers', 'analyze_peer.py')
const log = (...a: unknown[]) => console.error('[analyze]', ...a)

function writeF32(file: string, a: Float32Array): void {
  fs.writeFileSync(file, Buffer.from(a.buffer, a.byteOffset, a.byteLength))
}
function readF32(file: string): Float32Array {
  const b = fs.readFileSync(file)
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

type PeerOut = Record<string, unknown> & { seconds: number; cpuSeconds: number; wallSeconds: number; peakRssMB: number; runtime: PeerRuntime }
interface PeerRuntime {
  threadpools: Array<{ internal_api: string; version: string; num_threads: number; architecture?: string }>
  env: Record<string, string | null>
}

/** Runs the Python peer as its users run it: OpenBLAS on its native kernel (see NATIVE_BLAS_ENV). */
async function peer(args: string[]): Promise<PeerOut> {
  const r = await measure(VENV_PY, [PEER, ...args], { PYTHONWARNINGS: 'ignore', ...NATIVE_BLAS_ENV })
  if (r.exitCode !== 0) throw new Error(`peer failed (${r.exitCode}): ${r.stderr.slice(-2000)}`)
  const line = r.stdout.trim().split('\n').pop() ?? '{}'
  return { ...JSON.parse(line), wallSeconds: r.wallSeconds, peakRssMB: r.peakRssMB }
}

/** "openblas 0.3.31 Haswell × 2 threads, openmp × 2" — the kernel and thread settings a peer ran with. */
function runtimeLine(rt: PeerRuntime | undefined): string {
  if (!rt) return '?'
  return rt.threadpools.map((p) => `${p.internal_api} ${p.version ?? ''}${p.architecture ? ` ${p.architecture}` : ''} × ${p.num_threads} threads`).join(', ')
}

const round = (x: number, p = 3) => Math.round(x * 10 ** p) / 10 ** p
const flagValue = (args: string[], name: string) => args.find((a) => a.startsWith(`${name}=`))?.split('=')[1]

/** Summary of repeated timings: the median is the figure, every run is kept. */
function timing(runs: number[], cpu: number[]): Record<string, unknown> {
  return { seconds: round(median(runs), 2), runs: runs.map((x) => round(x, 2)), cpuSeconds: round(median(cpu), 2) }
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--1m')) return (await import('./analyze-1m')).main(args)
  const withPeer = !args.includes('--skip-peer') && fs.existsSync(VENV_PY)
  const reps = Math.max(1, Number(flagValue(args, '--reps') ?? 3))
  // --only=kmeans | --only=umap: one benchmark (on a busy machine a whole run can take an hour)
  const only = flagValue(args, '--only')
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-bench-analyze-'))
  const results: Record<string, unknown> = {
    machine: machineInfo(),
    date: new Date().toISOString(),
    method: `each side ${reps}× interleaved in this run, median reported (this VM's 2 cores are shared: absolute times are noisy, the ratios of the same run are the figure); warm-up excluded on both sides (our 2,000-row warm-up fit, umap-learn's 5,000-row warm-up fit that compiles numba and pynndescent (below 4,096 rows it takes exact neighbours and would leave pynndescent's JIT in the timed fit), sklearn's 2,000-row one); peers with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset (native kernel), all cores for OpenBLAS/OpenMP/numba; cpuSeconds = CPU time of all threads in the timed fit`,
  }
  const summary: string[] = []
  try {
    // ---- 1. UMAP 20k ---------------------------------------------------------------------------------
    if (only !== 'kmeans') await umapBench()
    async function umapBench(): Promise<void> {
      const { X: X20, source: src20 } = benchVectors(20_000, log)
      log(`UMAP 20k: ${src20}`)
      await umap({ data: X20.data.subarray(0, 2000 * X20.d), n: 2000, d: X20.d }, { nNeighbors: 15, minDist: 0.1, seed: 42 }) // warm-up
      const vf = path.join(tmp, 'x20k.f32')
      const ef = path.join(tmp, 'y20k.f32')
      if (withPeer) writeF32(vf, X20.data)
      const oursRuns: number[] = []
      const oursCpu: number[] = []
      const peerRuns: Record<'seeded' | 'parallel', PeerOut[]> = { seeded: [], parallel: [] }
      let ours: Awaited<ReturnType<typeof umap>> | undefined
      const peerTrust: Record<string, number> = {}
      for (let rep = 0; rep < reps; rep++) {
        const c0 = process.cpuUsage()
        const t0 = performance.now()
        ours = await umap(X20, { nNeighbors: 15, minDist: 0.1, seed: 42 })
        oursRuns.push((performance.now() - t0) / 1000)
        oursCpu.push(cpuSecondsSince(c0))
        log(
          `ours: ${oursRuns[rep].toFixed(1)} s (kNN ${ours.knnMethod} ${ours.seconds.knn.toFixed(1)} s, graph ${ours.seconds.graph.toFixed(1)} s, ${ours.nEpochs} epochs ${ours.seconds.optimize.toFixed(1)} s)`,
        )
        if (!withPeer) continue
        for (const mode of ['seeded', 'parallel'] as const) {
          const p = await peer([
            'umap',
            '--vectors',
            vf,
            '--dim',
            String(X20.d),
            '--out-embedding',
            ef,
            '--seed',
            '42',
            ...(mode === 'parallel' ? ['--no-seed'] : []),
          ])
          peerRuns[mode].push(p)
          if (rep === reps - 1) peerTrust[mode] = await trustworthiness(X20, { data: readF32(ef), n: X20.n, d: 2 }, 15)
          log(`umap-learn ${mode}: fit_transform ${p.seconds.toFixed(1)} s (warm-up ${(p.warmupSeconds as number).toFixed(1)} s, ${runtimeLine(p.runtime)})`)
        }
      }
      const oursTrust = await trustworthiness(X20, { data: ours!.embedding, n: X20.n, d: 2 }, 15)
      const oursSec = median(oursRuns)
      const umapRow: Record<string, unknown> = {
        vectors: src20,
        n: X20.n,
        d: X20.d,
        ours: {
          ...timing(oursRuns, oursCpu),
          breakdown: ours!.seconds,
          knnMethod: ours!.knnMethod,
          nEpochs: ours!.nEpochs,
          trustworthiness: round(oursTrust, 4),
        },
      }
      if (withPeer) {
        const ratios: Record<string, number> = {}
        for (const mode of ['seeded', 'parallel'] as const) {
          const ps = peerRuns[mode]
          const last = ps[ps.length - 1]
          umapRow[mode === 'seeded' ? 'umapLearnSeeded' : 'umapLearnParallel'] = {
            ...timing(
              ps.map((p) => p.seconds),
              ps.map((p) => p.cpuSeconds),
            ),
            warmupSeconds: round(last.warmupSeconds as number, 2),
            peakRssMB: Math.round(last.peakRssMB),
            version: last.version,
            numba: last.numba,
            runtime: last.runtime,
            note: last.note,
            trustworthiness: round(peerTrust[mode], 4),
          }
          ratios[mode === 'seeded' ? 'vsSeeded' : 'vsParallel'] = round(oursSec / median(ps.map((p) => p.seconds)), 3)
          ratios[mode === 'seeded' ? 'cpuVsSeeded' : 'cpuVsParallel'] = round(median(oursCpu) / median(ps.map((p) => p.cpuSeconds)), 3)
        }
        umapRow.ratios = ratios
        umapRow.goal = 'ratio ≤ 1.0 against the faster peer (parallel SGD, no random_state)'
        summary.push(
          `UMAP 20k: ours ${oursSec.toFixed(1)} s vs umap-learn parallel ${median(peerRuns.parallel.map((p) => p.seconds)).toFixed(1)} s → ${ratios.vsParallel}× ` +
            `(seeded ${median(peerRuns.seeded.map((p) => p.seconds)).toFixed(1)} s → ${ratios.vsSeeded}×); peer ${runtimeLine(peerRuns.parallel[0].runtime)}, numba ${JSON.stringify(peerRuns.parallel[0].numba)}`,
        )
      }
      results.umap20k = umapRow

      // ---- 3. UMAP sampling strategy at 20k -------------------------------------------------------------
      if (!args.includes('--skip-sampling')) {
        const sampling: Array<Record<string, unknown>> = [{ sample: 'none (full fit)', seconds: round(oursSec, 2), trustworthiness: round(oursTrust, 4) }]
        for (const size of [5_000, 10_000]) {
          const t0 = performance.now()
          const r = await umap(X20, { seed: 42, sampleThreshold: size, sampleSize: size })
          const sec = (performance.now() - t0) / 1000
          const t = await trustworthiness(X20, { data: r.embedding, n: X20.n, d: 2 }, 15)
          log(`UMAP 20k fitted on ${size} + placement: ${sec.toFixed(1)} s, trustworthiness ${t.toFixed(4)}`)
          sampling.push({ sample: size, seconds: round(sec, 2), placeSeconds: round(r.seconds.place, 2), trustworthiness: round(t, 4) })
        }
        results.umapSampling20k = sampling
      }
    }

    // ---- 2. k-means 100k ---------------------------------------------------------------------------------
    if (only !== 'umap') await kmeansBench()
    async function kmeansBench(): Promise<void> {
      const { X: X100, source: src100 } = benchVectors(100_000, log)
      log(`k-means 100k: ${src100}`)
      const vf100 = path.join(tmp, 'x100k.f32')
      if (withPeer) writeF32(vf100, X100.data)
      await kmeans({ data: X100.data.subarray(0, 2000 * X100.d), n: 2000, d: X100.d }, { k: 20, restarts: 1, seed: 0 }) // warm-up
      const kmRuns: number[] = []
      const kmCpu: number[] = []
      const skRuns: PeerOut[] = []
      let km: Awaited<ReturnType<typeof kmeans>> | undefined
      for (let rep = 0; rep < reps; rep++) {
        const c0 = process.cpuUsage()
        const t0 = performance.now()
        km = await kmeans(X100, { k: 20, restarts: 3, seed: 0 })
        kmRuns.push((performance.now() - t0) / 1000)
        kmCpu.push(cpuSecondsSince(c0))
        log(`ours: ${kmRuns[rep].toFixed(1)} s (cpu ${kmCpu[rep].toFixed(1)} s), inertia ${km.inertia.toFixed(2)}, ${km.iterations} iterations`)
        if (withPeer) {
          const p = await peer(['kmeans', '--vectors', vf100, '--dim', String(X100.d), '--k', '20', '--n-init', '3'])
          skRuns.push(p)
          log(`sklearn: ${p.seconds.toFixed(1)} s (cpu ${p.cpuSeconds.toFixed(1)} s), inertia ${(p.inertia as number).toFixed(2)}, ${runtimeLine(p.runtime)}`)
        }
      }
      const kmSec = median(kmRuns)
      const kmRow: Record<string, unknown> = {
        vectors: src100,
        n: X100.n,
        d: X100.d,
        k: 20,
        restarts: 3,
        ours: {
          ...timing(kmRuns, kmCpu),
          inertia: round(km!.inertia, 2),
          iterations: km!.iterations,
          algorithm: "spherical Lloyd with Hamerly's bounds, X·Cᵀ blocks through onnxruntime (MLAS SGEMM)",
        },
      }
      if (withPeer) {
        const last = skRuns[skRuns.length - 1]
        const inertia = last.inertia as number
        const pSec = median(skRuns.map((p) => p.seconds))
        kmRow.sklearn = {
          ...timing(
            skRuns.map((p) => p.seconds),
            skRuns.map((p) => p.cpuSeconds),
          ),
          inertia: round(inertia, 2),
          iterations: last.iterations,
          algorithm: last.algorithm,
          version: last.version,
          runtime: last.runtime,
          note: 'KMeans(n_clusters=20, n_init=3, random_state=0).fit time, after a 2,000-row warm-up fit',
        }
        kmRow.ratio = round(kmSec / pSec, 3)
        kmRow.cpuRatio = round(median(kmCpu) / median(skRuns.map((p) => p.cpuSeconds)), 3)
        kmRow.inertiaRelDiff = round((km!.inertia - inertia) / inertia, 5)
        kmRow.goal = 'ratio ≤ 1.0, |inertia diff| ≤ 1 %'
        summary.push(
          `k-means 100k×384 k=20 n_init=3: ours ${kmSec.toFixed(1)} s vs sklearn ${pSec.toFixed(1)} s → ${kmRow.ratio}× (CPU time ${kmRow.cpuRatio}×), inertia ${(100 * (kmRow.inertiaRelDiff as number)).toFixed(2)} %; sklearn ${runtimeLine(last.runtime)}`,
        )
      }
      results.kmeans100k = kmRow
    }

    // ---- 5. UMAP 100k full fit -----------------------------------------------------------------------------
    if (args.includes('--with-umap100k')) {
      const { X: X100 } = benchVectors(100_000, log)
      const t0 = performance.now()
      const r = await umap(X100, { seed: 42, sampleThreshold: Infinity })
      const s = (performance.now() - t0) / 1000
      log(`UMAP 100k full fit: ${s.toFixed(1)} s (${JSON.stringify(r.seconds)})`)
      results.umap100kFull = { seconds: round(s, 2), breakdown: r.seconds, knnMethod: r.knnMethod }
    }

    // ---- 4. kNN methods --------------------------------------------------------------------------------------
    if (args.includes('--with-knn')) {
      const { main: knnMain } = await import('./analyze-knn')
      for (const n of [20_000, 100_000])
        await knnMain(['--n', String(n), '--methods', n > 20_000 ? 'exact-onnx,usearch,hnsw' : 'exact-onnx,usearch,hnsw,nndescent,exact-js'])
      results.knn = ['analyze-knn-20000', 'analyze-knn-100000'].map((f) =>
        JSON.parse(fs.readFileSync(path.join(path.dirname(PEER), '..', 'results', `${f}.json`), 'utf8')),
      )
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  const file = writeResults('analyze', results)
  log(`wrote ${file}`)
  for (const line of summary) console.log(line)
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2))
