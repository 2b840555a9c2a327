import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface RunMeasure {
  wallSeconds: number
  peakRssMB: number
  /** CPU seconds of the process and its waited-for children (all threads), from its last /proc sample (±25 ms). */
  cpuSeconds: number
  exitCode: number | null
  stdout: string
  stderr: string
}

/**
 * This machine forces OpenBLAS onto one kernel (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE). A Python peer's
 * users get OpenBLAS's own choice for their CPU, so a peer's command runs with both unset (both
 * together: L2_SIZE alone would mistune the native kernel). Only for peers: tests and CI keep them.
 */
export const NATIVE_BLAS_ENV: Record<string, undefined> = { OPENBLAS_CORETYPE: undefined, OPENBLAS_L2_SIZE: undefined }

/**
 * Runs a command and samples its peak resident memory from /proc (VmHWM covers every thread of the
 * process, so worker threads count too). `env` adds to this process's environment; an undefined value
 * removes that variable.
 */
export function measure(cmd: string, args: string[], env: Record<string, string | undefined> = {}): Promise<RunMeasure> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const childEnv: NodeJS.ProcessEnv = { ...process.env }
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete childEnv[k]
      else childEnv[k] = v
    }
    const child = spawn(cmd, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let peakKb = 0
    let cpuTicks = 0
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const sample = () => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
        const m = /VmHWM:\s+(\d+)/.exec(status)
        if (m) peakKb = Math.max(peakKb, Number(m[1]))
        // /proc/PID/stat fields 14–17: utime stime cutime cstime (clock ticks, 100 per second on Linux)
        const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8')
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        cpuTicks = Math.max(cpuTicks, Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]))
      } catch {
        // the process has exited
      }
    }
    const timer = setInterval(sample, 25)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearInterval(timer)
      resolve({ wallSeconds: (performance.now() - t0) / 1000, peakRssMB: peakKb / 1024, cpuSeconds: cpuTicks / 100, exitCode: code, stdout, stderr })
    })
  })
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** CPU seconds (all threads) this process spent since `since` (from process.cpuUsage()). */
export function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since)
  return (u.user + u.system) / 1e6
}

export function machineInfo(): Record<string, unknown> {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
  }
}

/** A benchmark's earlier results, or null when there are none (or they are unreadable). */
export function readResults(name: string): unknown {
  const file = path.join(path.resolve(path.dirname(new URL(import.meta.url).pathname), 'results'), `${name}.json`)
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

export function writeResults(name: string, results: unknown): string {
  const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'results')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${name}.json`)
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n')
  return file
}
