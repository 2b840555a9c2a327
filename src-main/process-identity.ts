import fs from 'node:fs'

/** Who owns a running job: a process instance, so a reused PID is not mistaken for the owner. */
export interface ProcessIdentity {
  pid: number
  /** Boot id + start time (Linux); null where the OS does not say, and then the heartbeat lease decides. */
  started: string | null
}

let bootId: string | null | undefined

/** The start identity of a process, or null when it cannot be read (not Linux, or gone). */
export function processStartId(pid: number): string | null {
  try {
    bootId ??= fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may contain spaces and parentheses); starttime is field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return `${bootId}:${fields[19]}`
  } catch {
    return null
  }
}

export function selfIdentity(): ProcessIdentity {
  return { pid: process.pid, started: processStartId(process.pid) }
}

/** True when a process with this pid exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** True when the recorded owner is still the same process: alive, and (where known) started at the same time. */
export function isOwnerAlive(owner: ProcessIdentity): boolean {
  if (!isProcessAlive(owner.pid)) return false
  if (owner.started === null) return true
  const now = processStartId(owner.pid)
  return now === null || now === owner.started
}
