import type { JobHandler } from './types'
import { analyzeJob } from './analyze-job'
import { embedJob } from './embed-job'
import { exportJob } from './export-job'
import { importJob } from './import-job'
import { modelDownloadJob } from './model-download-job'

/** Every kind of background job, by the `kind` stored in the jobs table. */
export const jobHandlers: Record<string, JobHandler> = {
  import: importJob,
  embed: embedJob,
  'model-download': modelDownloadJob,
  analyze: analyzeJob,
  export: exportJob,
}

export function jobTitle(kind: string, params: Record<string, unknown>): string {
  return jobHandlers[kind]?.title(params) ?? kind
}
