import type { JobHandler } from './types'
import { importJob } from './import-job'

/** Every kind of background job, by the `kind` stored in the jobs table. */
export const jobHandlers: Record<string, JobHandler> = {
  import: importJob,
}

export function jobTitle(kind: string, params: Record<string, unknown>): string {
  return jobHandlers[kind]?.title(params) ?? kind
}
