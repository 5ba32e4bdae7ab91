/**
 * Icechunk repositories and virtual Zarr stores in Chromium: the seeded repository
 * (written by icechunk) and kerchunk references to a netCDF file (JSON and Parquet,
 * written by kerchunk; scripts/seed_virtual.py) are recognised in the panel with their own
 * icon and tag, and double-click previews them with what the libraries wrote.
 */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

import { expect, openPanel, row, screenshotBothThemes, test } from './fixtures';

/** Hide the notifications (Scratch's expiry warning) that would cover the screenshots. */
async function hideToasts(page: IJupyterLabPageFixture): Promise<void> {
  await page.addStyleTag({ content: '.Toastify { display: none; }' });
}

test('Icechunk repositories and reference stores are recognised in the panel', async ({
  page
}) => {
  const panel = await openPanel(page);
  const repo = row(panel, 'demo/sst-repo/');
  await expect(repo).toHaveAttribute('data-type', 'icechunk');
  await expect(repo.locator('.jp-LeapBuckets-tag')).toHaveText('Icechunk');
  await expect(repo).toHaveAttribute('title', /Icechunk repository/);
  await hideToasts(page);
  await repo.click(); // selected, its icon must still show
  await expect(repo).toHaveClass(/jp-mod-selected/);
  await screenshotBothThemes(page, panel, 'virtual-stores-panel-demo');
  await row(panel, 'demo/virtual/').dblclick();
  const json = row(panel, 'demo/virtual/tas-refs.json');
  await expect(json).toHaveAttribute('data-type', 'virtual-zarr');
  await expect(json.locator('.jp-LeapBuckets-tag')).toHaveText('Virtual');
  await expect(json).toHaveAttribute('title', /kerchunk JSON references/);
  const parquet = row(panel, 'demo/virtual/tas-refs.parq/');
  await expect(parquet).toHaveAttribute('data-type', 'virtual-zarr');
  await expect(row(panel, 'demo/virtual/tas.nc')).toHaveAttribute(
    'data-type',
    'file'
  );
  // folders first: the Parquet folder, then the JSON file among the files
  const order = await panel
    .locator('.jp-LeapBuckets-row')
    .evaluateAll(rows => rows.map(r => (r as HTMLElement).dataset.path));
  expect(order).toEqual([
    'demo/virtual/tas-refs.parq/',
    'demo/virtual/tas-refs.json',
    'demo/virtual/tas.nc'
  ]);
  await screenshotBothThemes(page, panel, 'virtual-stores-panel');
});

test("an Icechunk repository's preview shows its branches, tags and latest snapshot", async ({
  page
}) => {
  const panel = await openPanel(page);
  await row(panel, 'demo/sst-repo/').dblclick();
  const preview = page.locator(
    '.jp-LeapBuckets-storePreview[data-kind="icechunk"]'
  );
  await expect(preview.locator('.jp-LeapBuckets-zarrSummary')).toHaveText(
    'Icechunk repository · 2 branches · 1 tag · 4 arrays on main'
  );
  const fields = preview.locator('.jp-LeapBuckets-zarrFields');
  await expect(fields).toContainText('Add the source attribute');
  const tables = preview.locator('.jp-LeapBuckets-zarrArrays');
  // branches: main first, marked as the latest; experiment and the tag at the first commit
  await expect(tables.nth(0).locator('tr').nth(1)).toContainText(
    'main’s latest'
  );
  await expect(tables.nth(0).locator('tr').nth(2)).toContainText('experiment');
  await expect(tables.nth(1)).toContainText('v1.0');
  const sst = tables.nth(2).locator('tr', { hasText: 'sst' });
  await expect(sst).toContainText('time, lat, lon');
  await expect(sst).toContainText('6 × 18 × 36');
  await expect(sst).toContainText('sea surface temperature');
  await expect(
    page.getByRole('tab', { name: 'sst-repo (Icechunk)' })
  ).toBeVisible();
  await hideToasts(page);
  await screenshotBothThemes(
    page,
    page.locator('.jp-MainAreaWidget:has(.jp-LeapBuckets-storePreview)'),
    'icechunk-preview'
  );
});

test("a kerchunk reference store's preview shows its arrays and where its chunks live", async ({
  page
}) => {
  const panel = await openPanel(page);
  await row(panel, 'demo/virtual/').dblclick();
  await row(panel, 'demo/virtual/tas-refs.json').dblclick();
  const preview = page.locator(
    '.jp-LeapBuckets-storePreview[data-kind="virtual-zarr"]'
  );
  await expect(preview.locator('.jp-LeapBuckets-zarrSummary')).toContainText(
    'kerchunk references (JSON)'
  );
  await expect(preview.locator('.jp-LeapBuckets-zarrSummary')).toContainText(
    '7 chunks: 5 in 1 file, 2 inline'
  );
  const tas = preview.locator(
    '.jp-LeapBuckets-zarrArrays tr[data-path="/tas"] td'
  );
  await expect(tas.nth(1)).toHaveText('time, lat, lon');
  await expect(tas.nth(2)).toHaveText('4 × 9 × 18');
  await expect(tas.nth(6)).toHaveText('K');
  const targets = preview.locator('.jp-LeapBuckets-targets');
  await expect(targets.locator('tr').nth(1)).toContainText(
    'gs://leap-scratch/demo/virtual/tas.nc'
  );
  // tas's 4 chunks and lon's 1 point into the file; time and lat are inline (< 100 B)
  await expect(targets.locator('tr').nth(1).locator('td').nth(1)).toHaveText(
    '5'
  );
  await hideToasts(page);
  await screenshotBothThemes(
    page,
    page.locator(
      '.jp-MainAreaWidget:has(.jp-LeapBuckets-storePreview[data-kind="virtual-zarr"])'
    ),
    'references-preview-json'
  );

  await row(panel, 'demo/virtual/tas-refs.parq/').dblclick();
  const parquet = page.locator(
    '.jp-MainAreaWidget:has(.jp-LeapBuckets-storePreview[data-kind="virtual-zarr"]):visible'
  );
  await expect(parquet.locator('.jp-LeapBuckets-zarrSummary')).toContainText(
    'kerchunk references (Parquet)'
  );
  await expect(parquet.locator('.jp-LeapBuckets-zarrNone')).toContainText(
    'The chunk references are in 4 Parquet files (10 references per file)'
  );
  await expect(
    parquet.locator('.jp-LeapBuckets-zarrArrays tr[data-path="/tas"]')
  ).toBeVisible();
  await screenshotBothThemes(page, parquet, 'references-preview-parquet');
});
