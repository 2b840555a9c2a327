import type { Migration } from './types'

/**
 * A job's owner is a process *instance*, not a bare PID: PIDs are reused, so a job whose owner died could look
 * owned forever. `owner_started` names the instance (boot id + start time where the OS tells it) and `heartbeat_at`
 * is refreshed by the live owner; a stale heartbeat frees the job even where start times can't be read.
 */
export const jobLease: Migration = {
  version: 4,
  name: 'job lease',
  up: `
    ALTER TABLE jobs ADD COLUMN owner_started TEXT;
    ALTER TABLE jobs ADD COLUMN heartbeat_at TEXT;
  `,
}
