import type { Migration } from './types'
import { initialSchema } from './001-initial'
import { embeddingStats } from './002-embedding-stats'
import { analysisRuns } from './003-analysis-runs'
import { jobLease } from './004-job-lease'
import { evaluationRuns } from './005-evaluation-runs'
import { finetuneRuns } from './006-finetune-runs'
import { evaluationQueries } from './007-evaluation-queries'
import { columnarFormats } from './008-columnar-formats'
import { translationMaps } from './010-translation-maps'

/** Every migration, oldest first. Append only: a shipped migration never changes. */
export const migrations: readonly Migration[] = [
  initialSchema,
  embeddingStats,
  analysisRuns,
  jobLease,
  evaluationRuns,
  finetuneRuns,
  evaluationQueries,
  columnarFormats,
  translationMaps,
]

export const latestSchemaVersion = migrations[migrations.length - 1].version
