import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './infinity-server'

/** Where scripts/models/setup_ray.sh (run by `npm run models:test`) puts Ray's venv. */
export const rayVenv = process.env.EMBEDMAP_RAY_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-ray-venv')

export interface RayCluster {
  /** The dashboard (Jobs API), e.g. http://127.0.0.1:PORT */
  address: string
  tempDir: string
  /** Seconds `ray start` took. */
  startSeconds: number
  /** Pids of the processes that host a Ray Data model actor (EmbedMap's OnnxEmbedder). */
  modelWorkerPids(): number[]
  stop(): void
}

function rayEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // The job's entrypoint runs `python`: the cluster's own.
    PATH: `${path.join(rayVenv, 'bin')}:${process.env.PATH ?? ''}`,
    RAY_USAGE_STATS_ENABLED: '0',
    RAY_DISABLE_DOCKER_CPU_WARNING: '1',
    TOKENIZERS_PARALLELISM: 'false',
  }
}

/**
 * A real single-node Ray cluster on loopback: 2 CPUs, no GPU, a small object store, every port chosen free, its
 * session files in a short temp folder (Ray's Unix sockets must fit 107 bytes). `stop()` is `ray stop --force`.
 */
export async function startRayCluster(opts: { numCpus?: number } = {}): Promise<RayCluster> {
  const ray = path.join(rayVenv, 'bin', 'ray')
  if (!fs.existsSync(ray)) throw new Error(`Ray is not installed in ${rayVenv}. Run \`npm run models:test\` (scripts/models/setup_ray.sh).`)
  const tempDir = fs.mkdtempSync('/tmp/emray-')
  const [gcs, dashboard, client, agentHttp, agentGrpc, metrics, nodeManager, objectManager, runtimeEnv] = await Promise.all(
    Array.from({ length: 9 }, () => freePort()),
  )
  const t0 = performance.now()
  const r = spawnSync(
    ray,
    [
      'start',
      '--head',
      '--node-ip-address=127.0.0.1',
      `--port=${gcs}`,
      '--dashboard-host=127.0.0.1',
      `--dashboard-port=${dashboard}`,
      `--ray-client-server-port=${client}`,
      `--dashboard-agent-listen-port=${agentHttp}`,
      `--dashboard-agent-grpc-port=${agentGrpc}`,
      `--metrics-export-port=${metrics}`,
      `--node-manager-port=${nodeManager}`,
      `--object-manager-port=${objectManager}`,
      `--runtime-env-agent-port=${runtimeEnv}`,
      `--num-cpus=${opts.numCpus ?? 2}`,
      '--num-gpus=0',
      `--object-store-memory=${256 * 1024 * 1024}`,
      `--temp-dir=${tempDir}`,
      '--include-dashboard=true',
      '--disable-usage-stats',
    ],
    { encoding: 'utf8', env: rayEnv(), timeout: 180_000 },
  )
  const startSeconds = (performance.now() - t0) / 1000
  const stop = () => {
    spawnSync(ray, ['stop', '--force'], { encoding: 'utf8', env: rayEnv(), timeout: 60_000 })
    fs.rmSync(tempDir, { recursive: true, force: true })
  }
  if (r.status !== 0) {
    stop()
    throw new Error(`ray start failed (${r.status}):\n${(r.stdout + r.stderr).slice(-3000)}`)
  }
  const address = `http://127.0.0.1:${dashboard}`
  // The dashboard's Jobs API comes up a little after `ray start` returns.
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      const res = await fetch(`${address}/api/version`, { signal: AbortSignal.timeout(2000) })
      if (res.ok) break
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      stop()
      throw new Error(`the Ray dashboard at ${address} did not come up`)
    }
    await new Promise((res) => setTimeout(res, 300))
  }
  return {
    address,
    tempDir,
    startSeconds,
    modelWorkerPids() {
      const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout
      return ps
        .split('\n')
        .filter((l) => /ray::.*MapWorker/.test(l))
        .map((l) => Number(l.trim().split(/\s+/)[0]))
    },
    stop,
  }
}
