/**
 * Rows are shown 1-based everywhere (map tooltip, details, lists, table): the first data row of the file is "row 1".
 * Internally (the engine, the map's arrays) rows stay 0-based; only what the user reads goes through here.
 */
export function rowNumber(idx: number): number {
  return idx + 1
}

export function rowLabel(idx: number): string {
  return `row ${rowNumber(idx).toLocaleString('en-US')}`
}
