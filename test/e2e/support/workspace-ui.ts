import type { Page } from 'playwright-core'

/**
 * Opens a dataset from the workspace list. While a map is shown the list sits in the collapsed workspace drawer:
 * the drawer is opened first, as a user would.
 */
export async function openDataset(page: Page, id: number): Promise<void> {
  const item = page.locator(`[data-testid="dataset-item"][data-dataset-id="${id}"]`)
  if (!(await item.isVisible())) {
    const toggle = page.getByTestId('workspace-toggle')
    if (await toggle.isVisible()) await toggle.click()
  }
  await item.click()
}

/** Waits for the map of a dataset to have drawn its points. */
export async function waitForMap(page: Page, datasetId: number): Promise<void> {
  await page.locator(`[data-testid="map-view"][data-dataset-id="${datasetId}"] [data-testid="map-canvas"][data-rendered="true"]`).waitFor({ timeout: 60_000 })
}

/** Opens the Embed drawer if the Embed panel is folded away (explore mode folds it once a map is shown). */
export async function showEmbedPanel(page: Page): Promise<void> {
  if (await page.getByTestId('embed-panel').isVisible()) return
  await page.getByTestId('embed-toggle').click()
  await page.getByTestId('embed-panel').waitFor()
}
