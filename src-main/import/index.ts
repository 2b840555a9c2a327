/** Import pipeline: sniff the head of a file, then stream all its records; pure (no database). */
export type {
  ColumnSummary,
  ColumnType,
  ImportOptions,
  ParsedRecord,
  RaggedReport,
  RecordReader,
  SourceFormat,
  SourceSniff,
  TextSource,
  VectorColumn,
  VectorElement,
} from './types'
export { sniffSource, resolveTextColumn, headerLooksLikeData, DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_COLUMNS, HEAD_BYTES, SAMPLE_ROWS, DELIMITERS } from './sniff'
export { createRecordReader, createTextRecordReader, DEFAULT_BATCH_SIZE } from './read-records'
export { textSourceOf } from './text-source'
export { ColumnTypeInferrer, suggestTextColumn, valueType } from './column-types'
export { normalizeEncoding } from './decode'
export { checkVector, parseJsonVector, MAX_VECTOR_DIMS } from './vectors'
