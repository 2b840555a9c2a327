/**
 * The channel names alone, without zod: the sandboxed preload imports this to refuse anything else
 * before it crosses to the main process (a sandboxed preload cannot load npm packages).
 */
export const CHANNEL_NAMES = [
  'app.info',
  'datasets.list',
  'datasets.get',
  'datasets.delete',
  'datasets.rows',
  'import.preview',
  'import.start',
  'models.list',
  'models.pull',
  'models.add',
  'models.remove',
  'embed.start',
  'embeddings.list',
  'analyze.start',
  'analysis.summary',
  'analysis.points',
  'datasets.column',
  'views.get',
  'views.save',
  'clusters.rename',
  'rows.neighbors',
  'search.semantic',
  'export.start',
  'jobs.list',
  'jobs.cancel',
  'jobs.resume',
  'analysis.runs',
  'rows.get',
  'jobs.get',
  'similarity.texts',
  'similarity.pairs',
  'eval.start',
  'eval.runs',
  'eval.get',
  'models.recommend',
] as const

export type ChannelNameList = (typeof CHANNEL_NAMES)[number]
