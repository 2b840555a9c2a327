/**
 * Child process for the workspace-creation race test: for each database path given, waits until its agreed start
 * time (shared with a sibling process) and opens it, creating and migrating a new workspace. Prints one JSON line
 * per round: { round, ok, error? }.
 * Usage: node --import tsx race-open-store.ts START_MS STEP_MS DB...
 */
import { openStore } from '../../src-main/store/connection'

const [startMs, stepMs, ...dbs] = process.argv.slice(2)
for (let round = 0; round < dbs.length; round++) {
  const at = Number(startMs) + round * Number(stepMs)
  while (Date.now() < at) {
    // Spin: a timer is too coarse to line two processes up within a millisecond.
  }
  try {
    const db = openStore(dbs[round])
    db.prepare(`SELECT count(*) AS n FROM datasets`).get()
    db.close()
    console.log(JSON.stringify({ round, ok: true }))
  } catch (err) {
    console.log(JSON.stringify({ round, ok: false, error: err instanceof Error ? err.message : String(err) }))
  }
}
