import {
  expect,
  GCS,
  openPanel,
  row,
  screenshotBothThemes,
  test,
  toolbarButton,
  expectDisabled
} from './fixtures';

/**
 * The Buckets panel in real JupyterLab, against the seeded emulators
 * (`scripts/stack seed`), under the base URL /user/demo/ as on a hub.
 */

test('the panel lists the roots and opens at the user home', async ({
  page
}) => {
  expect(page.url()).toContain('/user/demo/');
  const panel = await openPanel(page);
  const options = panel.locator('.jp-LeapBuckets-rootSelect option');
  await expect(options).toHaveText([
    'Scratch',
    'Persistent',
    'OSN inbox',
    'OSN manual (read-only)',
    'OSN pipeline (read-only)'
  ]);
  await expect(
    panel.locator('.jp-LeapBuckets-crumb.jp-mod-current')
  ).toHaveText('demo');
  await expect(row(panel, 'demo/README.md')).toHaveAttribute(
    'data-type',
    'file'
  );
  await expect(row(panel, 'demo/results/')).toHaveAttribute(
    'data-type',
    'directory'
  );
  await expect(panel.locator('.jp-LeapBuckets-readOnlyMark')).toBeHidden();
});

test("the toolbar is JupyterLab's, a button per command as in the file browser", async ({
  page
}) => {
  const panel = await openPanel(page);
  const buttons = panel.locator(
    '.jp-LeapBuckets-toolbar.jp-Toolbar .jp-CommandToolbarButton .jp-ToolbarButtonComponent'
  );
  await expect(buttons).toHaveCount(5);
  expect(
    await buttons.evaluateAll(all =>
      all.map(b => b.getAttribute('data-command'))
    )
  ).toEqual([
    'leap-buckets:new-folder',
    'leap-buckets:upload-files',
    'leap-buckets:go-to-url',
    'leap-buckets:delete-item',
    'leap-buckets:refresh'
  ]);
  // The same size as the file browser's buttons; icons only, the tooltip the caption.
  const ours = (await buttons.first().boundingBox())!;
  await page.locator('.jp-SideBar.jp-mod-left [data-id="filebrowser"]').click();
  const theirs = (await page
    .locator(
      '.jp-FileBrowser-toolbar [data-command="filebrowser:create-new-directory"]'
    )
    .boundingBox())!;
  expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
  await page
    .locator('.jp-FileBrowser-toolbar')
    .screenshot({ path: 'screenshots/filebrowser-toolbar-light.png' });
  await openPanel(page);
  await expectDisabled(buttons.nth(3)); // nothing selected to delete
  await expect(buttons.nth(3)).toHaveAttribute(
    'title',
    'Select a file, folder or store to delete.'
  );
  await expect(buttons.nth(4)).toHaveAttribute('title', 'Refresh the listing');
  await screenshotBothThemes(
    page,
    panel.locator('.jp-LeapBuckets-toolbar'),
    'toolbar'
  );
});

test('navigates into a folder and back by breadcrumb, and shows Zarr stores', async ({
  page
}) => {
  const panel = await openPanel(page);
  await expect(row(panel, 'demo/ocean.zarr/')).toHaveAttribute(
    'data-type',
    'zarr'
  );
  await expect(row(panel, 'demo/atmos.zarr/')).toHaveAttribute(
    'data-type',
    'zarr'
  );
  await expect(row(panel, 'demo/not-a-store.zarr/')).toHaveAttribute(
    'data-type',
    'directory'
  );
  await expect(
    row(panel, 'demo/ocean.zarr/').locator('.jp-LeapBuckets-tag')
  ).toHaveText('Zarr');
  await panel.locator('.jp-LeapBuckets-rows').evaluate(() => undefined);
  await page.screenshot({ path: 'screenshots/lab-light.png' });
  await panel.screenshot({ path: 'screenshots/panel-light.png' });

  await row(panel, 'demo/results/').dblclick();
  await expect(
    panel.locator('.jp-LeapBuckets-crumb.jp-mod-current')
  ).toHaveText('results');
  await expect(row(panel, 'demo/results/run-002.nc')).toContainText('12.6 MB');
  await panel.locator('.jp-LeapBuckets-crumb', { hasText: 'demo' }).click();
  await expect(
    panel.locator('.jp-LeapBuckets-crumb.jp-mod-current')
  ).toHaveText('demo');
  await expect(row(panel, 'demo/README.md')).toBeVisible();

  await page.theme.setDarkTheme();
  await expect(row(panel, 'demo/README.md')).toBeVisible();
  await panel.screenshot({ path: 'screenshots/panel-dark.png' });
  await page.theme.setLightTheme();
});

test('a read-only root is marked and its stores recognised', async ({
  page
}) => {
  const panel = await openPanel(page);
  await panel
    .locator('.jp-LeapBuckets-rootSelect')
    .selectOption('osn-pipeline');
  await expect(panel.locator('.jp-LeapBuckets-readOnlyMark')).toBeVisible();
  await row(panel, 'era5/').dblclick();
  await expect(row(panel, 'era5/surface.zarr/')).toHaveAttribute(
    'data-type',
    'zarr'
  );
});

test('a large folder pages in as the user scrolls', async ({ page }) => {
  const panel = await openPanel(page);
  await row(panel, 'demo/many/').dblclick();
  await expect(row(panel, 'demo/many/part-00000.txt')).toBeVisible();
  const content = panel.locator('.jp-LeapBuckets-content');
  // only a window of rows is in the DOM, however many are loaded
  expect(await panel.locator('.jp-LeapBuckets-row').count()).toBeLessThan(200);
  for (let i = 0; i < 20; i++) {
    await content.evaluate(el => (el.scrollTop = el.scrollHeight));
    if (await row(panel, 'demo/many/part-02599.txt').count()) {
      break;
    }
    await page.waitForTimeout(300);
  }
  await expect(row(panel, 'demo/many/part-02599.txt')).toBeVisible();
});

test('the refresh button shows objects written by someone else', async ({
  page
}) => {
  const panel = await openPanel(page);
  const name = `written-elsewhere-${Date.now()}.txt`;
  const upload = `${GCS}/upload/storage/v1/b/leap-scratch/o?uploadType=media&name=${encodeURIComponent(`demo/${name}`)}`;
  expect((await fetch(upload, { method: 'POST', body: 'hello' })).ok).toBe(
    true
  );
  await expect(row(panel, `demo/${name}`)).toHaveCount(0);
  await toolbarButton(panel, 'leap-buckets:refresh').click();
  await expect(row(panel, `demo/${name}`)).toBeVisible();
  await fetch(
    `${GCS}/storage/v1/b/leap-scratch/o/${encodeURIComponent(`demo/${name}`)}`,
    { method: 'DELETE' }
  );
});
