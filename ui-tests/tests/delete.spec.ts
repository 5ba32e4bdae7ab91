import {
  GCS,
  expect,
  openPanel,
  row,
  screenshotBothThemes,
  test,
  toolbarButton,
  expectDisabled
} from './fixtures';

/** Guarded deletion in the panel: the plan dialog, typing the name, the job. */

async function put(key: string, body: string) {
  const url = `${GCS}/upload/storage/v1/b/leap-scratch/o?uploadType=media&name=${encodeURIComponent(key)}`;
  expect((await fetch(url, { method: 'POST', body })).ok).toBe(true);
}

async function keysUnder(prefix: string): Promise<string[]> {
  const response = await fetch(
    `${GCS}/storage/v1/b/leap-scratch/o?prefix=${encodeURIComponent(prefix)}`
  );
  return ((await response.json()).items ?? []).map((item: any) => item.name);
}

test('a Zarr store is deleted through the dialog after typing its name', async ({
  page
}) => {
  const name = `doomed-${Date.now().toString(36)}.zarr`;
  const store = `demo/${name}/`;
  await put(`${store}.zgroup`, '{"zarr_format": 2}');
  await put(
    `${store}t/.zarray`,
    '{"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<f4", "compressor": null, "fill_value": 0, "order": "C", "filters": null}'
  );
  await put(`${store}t/0`, 'aaaaaaaa');
  await put(`${store}t/1`, 'bbbbbbbb');
  const panel = await openPanel(page);
  await panel
    .locator('.jp-ToolbarButtonComponent[data-command="leap-buckets:refresh"]')
    .click();
  const target = row(panel, store);
  await expect(target).toHaveAttribute('data-type', 'zarr');
  const button = toolbarButton(panel, 'leap-buckets:delete-item');
  await expectDisabled(button); // nothing selected
  await target.click();
  await expectDisabled(button, false);
  await button.click();

  const dialog = page.locator('.jp-LeapBuckets-deleteDialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('.jp-LeapBuckets-deleteUrl')).toHaveText(
    `gs://leap-scratch/${store}`
  );
  await expect(dialog.locator('[data-fact="type"]')).toHaveText('Zarr store');
  await expect(dialog.locator('[data-fact="objects"]')).toHaveText('4');
  await expect(dialog.locator('[data-fact="expiry"]')).toBeVisible(); // scratch expires
  await expect(
    dialog.locator('.jp-LeapBuckets-deleteSample li:visible')
  ).toHaveText(['.zgroup', 't/.zarray', 't/0', 't/1']);
  const confirm = dialog.locator('.jp-Dialog-button.jp-mod-warn');
  await expect(confirm).toBeDisabled();
  await dialog.locator('input').fill(name.slice(0, -1));
  await expect(confirm).toBeDisabled();
  // Disabled, it is faded in both themes (JupyterLab's own warn button only darkens).
  await expect(confirm).toHaveCSS('opacity', '0.45');
  await screenshotBothThemes(page, dialog, 'delete-dialog-unconfirmed');
  await dialog.locator('input').fill(name);
  await expect(confirm).toBeEnabled();
  await expect(confirm).toHaveCSS('opacity', '1');
  await screenshotBothThemes(page, dialog, 'delete-dialog');
  await confirm.click();

  const job = panel
    .locator('.jp-LeapBuckets-job', {
      hasText: `Delete gs://leap-scratch/${store}`
    })
    .first();
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 30000 });
  await expect(job).toContainText('4 of 4 objects');
  await expect(target).toHaveCount(0);
  expect(await keysUnder(store)).toEqual([]);
});

test('the delete button is off on read-only roots and outside the home prefix', async ({
  page
}) => {
  const panel = await openPanel(page);
  const button = toolbarButton(panel, 'leap-buckets:delete-item');
  await panel.locator('.jp-LeapBuckets-crumb').first().click(); // the bucket's top
  await row(panel, 'other-user/').click();
  await expectDisabled(button);
  await expect(button).toHaveAttribute(
    'title',
    'You can delete only inside gs://leap-scratch/demo/.'
  );
  await row(panel, 'demo/').click();
  await expectDisabled(button); // the home itself
  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('osn-manual');
  await row(panel, 'CMIP6/').click();
  await expectDisabled(button);
  await expect(button).toHaveAttribute('title', /Deleting is off/);
});
