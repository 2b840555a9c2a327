/** The analysis run the map shows, and the vectors and model behind it: what the explore UI's model pickers follow. */
export interface ShownRun {
  datasetId: number
  runId: number
  setId: number
  modelId: string
}
