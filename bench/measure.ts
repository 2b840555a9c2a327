import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface RunMeasure {
  wallSeconds: number
  peakRssMB: number
  exitCode: number | null
  stdout: string
  stderr: string
}

/**
 * Runs a command and samples its peak resident memory from /proc (VmHWM covers every thread of the
 * process, so worker threads count too).
 */
export function measure(cmd: string, args: string[], env: Record<string, string> = {}): Promise<RunMeasure> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let peakKb = 0
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const sample = () => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
        const m = /VmHWM:\s+(\d+)/.exec(status)
        if (m) peakKb = Math.max(peakKb, Number(m[1]))
      } catch {
        // the process has exited
      }
    }
    const timer = setInterval(sample, 25)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearInterval(timer)
      resolve({ wallSeconds: (performance.now() - t0) / 1000, peakRssMB: peakKb / 1024, exitCode: code, stdout, stderr })
    })
  })
}

export function machineInfo(): Record<string, unknown> {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
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
