import {
  expect,
  GCS,
  openPanel,
  row,
  screenshotBothThemes,
  test,
  toolbarButton
} from './fixtures';

/**
 * Commands, the context menu, keyboard, settings and the Zarr preview, in real
 * JupyterLab against the seeded emulators.
 */

const PLUGIN = 'jupyterlab-leap-buckets:plugin';

async function gcsKeys(bucket: string, prefix: string): Promise<string[]> {
  // fake-gcs-server's own JSON API: a check independent of our server.
  const response = await fetch(
    `${GCS}/storage/v1/b/${bucket}/o?prefix=${encodeURIComponent(prefix)}`
  );
  const body = await response.json();
  return (body.items ?? []).map((item: { name: string }) => item.name);
}

test('the palette command "Go to a Bucket URL" opens a pasted gs:// address in its root', async ({
  page
}) => {
  const panel = await openPanel(page);
  await page.keyboard.press('Control+Shift+C');
  const palette = page.locator('#command-palette');
  await palette.locator('input').fill('Go to a Bucket URL');
  await palette
    .locator('.lm-CommandPalette-item', { hasText: 'Go to a Bucket URL' })
    .first()
    .click();
  const dialog = page.locator('.jp-Dialog');
  await dialog
    .locator('input')
    .fill('gs://leap-persistent/demo/climatology.zarr');
  await dialog.locator('.jp-mod-accept').click();
  await expect(panel.locator('.jp-LeapBuckets-rootSelect')).toHaveValue(
    'persistent'
  );
  await expect(
    panel.locator('.jp-LeapBuckets-crumb.jp-mod-current')
  ).toHaveText('demo');
  await expect(row(panel, 'demo/climatology.zarr/')).toHaveClass(
    /jp-mod-selected/
  );
});

test('the context menu makes a folder and renames it; F2 renames too', async ({
  page
}) => {
  const panel = await openPanel(page);
  const name = `cm-${Date.now().toString(36)}`;
  // Right-click the listing's background: the folder-level commands.
  const content = panel.locator('.jp-LeapBuckets-content');
  const box = (await content.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height - 8, {
    button: 'right'
  });
  const menu = page.locator('.lm-Menu');
  await expect(menu.getByText('New Bucket Folder…')).toBeVisible();
  await expect(menu.getByText('Upload Files to the Bucket…')).toBeVisible();
  await menu.getByText('New Bucket Folder…').click();
  await page.locator('.jp-Dialog input').fill(name);
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await expect(row(panel, `demo/${name}/`)).toHaveClass(/jp-mod-selected/);
  expect(await gcsKeys('leap-scratch', `demo/${name}/`)).toEqual([
    `demo/${name}/.keep`
  ]);

  // Right-click the row: the item commands, enabled where they can act.
  await row(panel, `demo/${name}/`).click({ button: 'right' });
  await expect(menu.getByText('Copy Python to Open It')).toBeVisible();
  await menu.getByText('Rename…').click();
  await page.locator('.jp-Dialog input').fill(`${name}-renamed`);
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await expect(row(panel, `demo/${name}-renamed/`)).toBeVisible({
    timeout: 30000
  });
  await expect(row(panel, `demo/${name}/`)).toHaveCount(0);
  expect(await gcsKeys('leap-scratch', `demo/${name}`)).toEqual([
    `demo/${name}-renamed/.keep`
  ]);

  // F2 on the selected row renames it again.
  await row(panel, `demo/${name}-renamed/`).click();
  await page.keyboard.press('F2');
  await page.locator('.jp-Dialog input').fill(`${name}-f2`);
  await page.keyboard.press('Enter');
  await expect(row(panel, `demo/${name}-f2/`)).toBeVisible({ timeout: 30000 });
  expect(await gcsKeys('leap-scratch', `demo/${name}`)).toEqual([
    `demo/${name}-f2/.keep`
  ]);
});

test('the context menu offers no rename or delete on a read-only root', async ({
  page
}) => {
  const panel = await openPanel(page);
  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('osn-manual');
  await row(panel, 'CMIP6/').dblclick();
  await row(panel, 'CMIP6/tas.zarr/').click({ button: 'right' });
  const menu = page.locator('.lm-Menu');
  await expect(
    menu.locator('.lm-Menu-item', { hasText: 'Rename…' })
  ).toHaveClass(/lm-mod-disabled/);
  await expect(
    menu.locator('.lm-Menu-item', { hasText: 'Delete…' })
  ).toHaveClass(/lm-mod-disabled/);
  await expect(
    menu.locator('.lm-Menu-item', { hasText: 'Copy Python to Open It' })
  ).not.toHaveClass(/lm-mod-disabled/);
  await expect(
    menu.locator('.lm-Menu-item', { hasText: 'New Bucket Folder…' })
  ).toHaveClass(/lm-mod-disabled/);
  await page.keyboard.press('Escape');
});

test('type-ahead and shift+arrows select as in the file browser', async ({
  page
}) => {
  const panel = await openPanel(page);
  await panel.locator('.jp-LeapBuckets-row').first().click();
  await page.keyboard.type('oce');
  await expect(row(panel, 'demo/ocean.zarr/')).toHaveClass(/jp-mod-selected/);
  await page.keyboard.press('Shift+ArrowDown');
  await expect(
    panel.locator('.jp-LeapBuckets-row.jp-mod-selected')
  ).toHaveCount(2);
});

test('a settings change applies at once: double-click on a store goes into it instead of previewing', async ({
  page
}) => {
  const panel = await openPanel(page);
  await row(panel, 'demo/atmos.zarr/').dblclick();
  await expect(page.locator('.jp-LeapBuckets-zarrPreview')).toBeVisible();
  await page.evaluate(async id => {
    const registry = await (window as any).galata.getPlugin(
      '@jupyterlab/apputils-extension:settings'
    );
    await registry.set(id, 'zarrOpenWith', 'folder');
  }, PLUGIN);
  await row(panel, 'demo/atmos.zarr/').dblclick();
  await expect(
    panel.locator('.jp-LeapBuckets-crumb.jp-mod-current')
  ).toHaveText('atmos.zarr');
  await expect(row(panel, 'demo/atmos.zarr/t2m/')).toBeVisible();
});

test('the preview of the seeded Zarr v2 store shows its arrays, shapes and attributes', async ({
  page
}) => {
  const panel = await openPanel(page);
  await row(panel, 'demo/ocean.zarr/').dblclick();
  const preview = page.locator('.jp-LeapBuckets-zarrPreview');
  await expect(preview.locator('.jp-LeapBuckets-zarrSummary')).toHaveText(
    'Zarr v2 · consolidated metadata · 4 arrays · 1 group'
  );
  const sst = preview.locator(
    '.jp-LeapBuckets-zarrArrays tr[data-path="/sst"] td'
  );
  await expect(sst).toHaveText([
    'sst',
    'time, lat, lon',
    '12 × 18 × 36',
    'float32',
    '3 × 9 × 18 (16)',
    /blosc/,
    'K',
    'sea surface temperature',
    '31.1 KB'
  ]);
  await expect(
    preview.locator('.jp-LeapBuckets-zarrArrays tr[data-path="/lat"] td').nth(2)
  ).toHaveText('18');
  // The root group's attributes, then an array's details from the tree.
  await expect(preview.locator('.jp-LeapBuckets-zarrAttrs')).toContainText(
    'LEAP demo ocean data'
  );
  await preview.locator('.jp-LeapBuckets-zarrNode[data-path="/sst"]').click();
  const fields = preview.locator('.jp-LeapBuckets-zarrFields');
  await expect(fields).toContainText('Chunks16');
  await expect(preview.locator('.jp-LeapBuckets-zarrAttrs')).toContainText(
    'unitsK'
  );
  await screenshotBothThemes(
    page,
    page.locator('.jp-MainAreaWidget:has(.jp-LeapBuckets-zarrPreview)'),
    'zarr-preview-v2'
  );
});

test('the preview of the seeded Zarr v3 store, and a new notebook that opens it', async ({
  page
}) => {
  const panel = await openPanel(page);
  await row(panel, 'demo/precip_v3/').click({ button: 'right' });
  await page.locator('.lm-Menu').getByText('Preview Zarr Store').click();
  const preview = page.locator('.jp-LeapBuckets-zarrPreview');
  await expect(preview.locator('.jp-LeapBuckets-zarrSummary')).toContainText(
    'Zarr v3 ·'
  );
  const pr = preview.locator(
    '.jp-LeapBuckets-zarrArrays tr[data-path="/pr"] td'
  );
  await expect(pr.nth(1)).toHaveText('time, lat, lon');
  await expect(pr.nth(2)).toHaveText('12 × 18 × 36');
  await expect(pr.nth(5)).toContainText('bytes');
  await expect(pr.nth(7)).toHaveText('precipitation');
  await screenshotBothThemes(
    page,
    page.locator('.jp-MainAreaWidget:has(.jp-LeapBuckets-zarrPreview)'),
    'zarr-preview-v3'
  );

  await preview.locator('.jp-LeapBuckets-zarrNotebook').click();
  const cell = page.locator('.jp-NotebookPanel .jp-Cell').first();
  await expect(cell).toContainText(
    'xr.open_zarr("gs://leap-scratch/demo/precip_v3"',
    { timeout: 30000 }
  );
});

test('a broken store gets a message saying what is wrong, not an endless spinner', async ({
  page
}) => {
  const store = `demo/broken-${Date.now().toString(36)}.zarr/`;
  // Written with fake-gcs-server's own API: a store whose zarr.json was cut short.
  const upload = await fetch(
    `${GCS}/upload/storage/v1/b/leap-scratch/o?uploadType=media&name=${encodeURIComponent(store + 'zarr.json')}`,
    { method: 'POST', body: '{"zarr_format": 3, "node_ty' }
  );
  expect(upload.ok).toBe(true);
  const panel = await openPanel(page);
  // Go to it by URL: the row is selected and scrolled into view; Enter opens it.
  await page.evaluate(
    url =>
      (window as any).jupyterapp.commands.execute('leap-buckets:go-to-url', {
        url
      }),
    `gs://leap-scratch/${store.slice(0, -1)}`
  );
  await expect(row(panel, store)).toHaveClass(/jp-mod-selected/);
  await panel.locator('.jp-LeapBuckets-listing').focus();
  await page.keyboard.press('Enter');
  const error = page.locator(
    '.jp-LeapBuckets-zarrPreview .jp-LeapBuckets-zarrError'
  );
  await expect(error).toContainText('zarr.json is not valid JSON');
  await expect(error.locator('button')).toHaveText('Retry');
  await expect(page.locator('.jp-LeapBuckets-zarrLoading')).toHaveCount(0);
});

test('upload, details, copy URL and Python, and download to the workspace, from the toolbar and the context menu', async ({
  page,
  context
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const panel = await openPanel(page);
  const name = `tb-${Date.now().toString(36)}.csv`;
  // Upload through the toolbar's button and the system file picker.
  const chooser = page.waitForEvent('filechooser');
  await toolbarButton(panel, 'leap-buckets:upload-files').click();
  await (
    await chooser
  ).setFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from('lat,lon,sst\n1,2,280.5\n')
  });
  await expect(
    panel.locator('.jp-LeapBuckets-job', { hasText: name }).first()
  ).toHaveClass(/jp-mod-done/, { timeout: 30000 });
  await page.evaluate(
    url =>
      (window as any).jupyterapp.commands.execute('leap-buckets:go-to-url', {
        url
      }),
    `gs://leap-scratch/demo/${name}`
  );
  const item = row(panel, `demo/${name}`);
  await expect(item).toHaveClass(/jp-mod-selected/);

  // Details: the object's checksums as the service reports them.
  await item.click({ button: 'right' });
  await page.locator('.lm-Menu').getByText('Show Details').click();
  const details = page.locator('.jp-Dialog .jp-LeapBuckets-details');
  await expect(details).toContainText(`gs://leap-scratch/demo/${name}`);
  await expect(details).toContainText('CRC32C');
  await expect(details).toContainText('Size22 bytes');
  await screenshotBothThemes(
    page,
    page.locator('.jp-Dialog-content'),
    'details-dialog'
  );
  await page.locator('.jp-Dialog .jp-mod-accept').click();

  // Copy URL and Python.
  await item.click({ button: 'right' });
  await page.locator('.lm-Menu').getByText('Copy Python to Open It').click();
  await expect
    .poll(() => page.evaluate(() => navigator.clipboard.readText()))
    .toContain(`pd.read_csv("gs://leap-scratch/demo/${name}"`);
  await panel
    .locator('.jp-LeapBuckets-content')
    .click({ button: 'right', position: { x: 20, y: 5 } });
  await page.locator('.lm-Menu').getByText('Copy Bucket URL').click();
  await expect
    .poll(() => page.evaluate(() => navigator.clipboard.readText()))
    .toMatch(/^gs:\/\/leap-scratch\/demo\//);

  // Download to the workspace: lands in the file browser's open folder. Show the file
  // browser first, as a user choosing that folder would: JupyterLab opens the page's
  // folder (`notebooks`) in it only once it is shown, and until then its folder is the
  // root (a run where it was still hidden put the file there, and the check failed).
  await page.locator('.jp-SideBar.jp-mod-left [data-id="filebrowser"]').click();
  await expect(page.locator('.jp-FileBrowser .jp-BreadCrumbs')).toContainText(
    'notebooks'
  );
  await openPanel(page);
  await item.click({ button: 'right' });
  await page.locator('.lm-Menu').getByText('Download to the Workspace').click();
  await expect(
    panel
      .locator('.jp-LeapBuckets-job', { hasText: `${name} → workspace` })
      .first()
  ).toHaveClass(/jp-mod-done/, {
    timeout: 30000
  });
  await page.locator('.jp-SideBar.jp-mod-left [data-id="filebrowser"]').click();
  await expect(
    page.locator('.jp-DirListing-itemText', { hasText: name })
  ).toBeVisible();
});
