import { GCS, expect, openPanel, screenshotBothThemes, test } from './fixtures';

/** The Space Used view: opened from the palette, its figures against the seed (read
 * from the emulator's own API), a delete from a row, screenshots in both themes. */

async function put(key: string, body: string) {
  const url = `${GCS}/upload/storage/v1/b/leap-scratch/o?uploadType=media&name=${encodeURIComponent(key)}`;
  expect((await fetch(url, { method: 'POST', body })).ok).toBe(true);
}

/** Objects and bytes under a prefix, as fake-gcs-server's JSON API lists them. */
async function measure(
  prefix: string
): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  let token = '';
  do {
    const response = await fetch(
      `${GCS}/storage/v1/b/leap-scratch/o?prefix=${encodeURIComponent(prefix)}${token ? `&pageToken=${token}` : ''}`
    );
    const body = await response.json();
    for (const item of body.items ?? []) {
      objects++;
      bytes += Number(item.size);
    }
    token = body.nextPageToken ?? '';
  } while (token);
  return { objects, bytes };
}

/** Decimal units with one decimal, as the cloud consoles (and the view) show sizes. */
function decimal(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

test('Space Used shows the seeded home, and a row deletes through the plan', async ({
  page
}) => {
  const name = `usage-doomed-${Date.now().toString(36)}`;
  const doomed = `demo/${name}/`;
  await put(`${doomed}a.txt`, 'aaaa');
  await put(`${doomed}deeper/b.txt`, 'bbbbbbbb');
  await openPanel(page);

  await page.keyboard.press('Control+Shift+C');
  const palette = page.locator('#command-palette');
  await palette.locator('input').fill('Show Space Used');
  await palette
    .locator('.lm-CommandPalette-item', { hasText: 'Show Space Used…' })
    .click();
  const view = page.locator('.jp-LeapBuckets-usage');
  await expect(view).toBeVisible();
  await expect(
    page.locator('.lm-TabBar-tab', { hasText: 'Space Used: Scratch / demo' })
  ).toBeVisible();
  const status = view.locator('.jp-LeapBuckets-usageStatus');
  await expect(status).toHaveText(/^Complete: /, { timeout: 30000 });

  for (const folder of ['results/', 'many/', 'ocean.zarr/']) {
    const expected = await measure(`demo/${folder}`);
    const cells = view
      .locator(`.jp-LeapBuckets-usageRow[data-path="demo/${folder}"] td`)
      .filter({ hasNotText: 'Delete' });
    await expect(cells.nth(0)).toHaveText(folder);
    await expect(cells.nth(1)).toHaveText(
      expected.objects.toLocaleString('en-US')
    );
    await expect(cells.nth(2)).toHaveText(decimal(expected.bytes));
  }
  // Largest first: run-002.nc (12 MiB) and run-001.nc (3 MiB) make results/ the largest.
  await expect(
    view.locator('.jp-LeapBuckets-usageRow').first()
  ).toHaveAttribute('data-path', 'demo/results/');
  await expect(
    view.locator('.jp-LeapBuckets-usageBarLabel').first()
  ).toHaveText('results/');
  // Scratch: what expires when (summary.csv is past its date, run-001.nc goes in 12 h);
  // within 7 days, everything in Scratch (other tests may have written there too).
  const results = await measure('demo/results/');
  await expect(
    view.locator(
      '.jp-LeapBuckets-usageRow[data-path="demo/results/"] .jp-LeapBuckets-usageExpires'
    )
  ).toHaveText(
    new RegExp(
      `^1 d: 3\\.\\d MB3 d: 3\\.\\d MB7 d: ${decimal(results.bytes).replace('.', '\\.')}$`
    )
  );
  await expect(view.locator('.jp-LeapBuckets-usageNote')).toContainText(
    "$0.02 per GiB-month (Google's list price"
  );
  // The expiring-soon warning (the seed holds what is due) covers the view's corner.
  const warning = page.locator('.Toastify__toast', {
    hasText: 'In your Scratch home'
  });
  await expect(warning).toBeVisible({ timeout: 15000 });
  await warning.getByRole('button', { name: 'Hide notification' }).click();
  await expect(warning).toHaveCount(0);
  // A main area as wide as a laptop's beside the sidebar shows every column.
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshotBothThemes(page, view, 'usage-view');

  const target = view.locator(
    `.jp-LeapBuckets-usageRow[data-path="${doomed}"]`
  );
  await expect(target.locator('td').nth(1)).toHaveText('2');
  await target.locator('button', { hasText: 'Delete…' }).click();
  const dialog = page.locator('.jp-LeapBuckets-deleteDialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('[data-fact="objects"]')).toHaveText('2');
  await dialog.locator('input').fill(name);
  await dialog.locator('.jp-Dialog-button.jp-mod-warn').click();
  // The view scans again once the delete job ends, and the row is gone.
  await expect(target).toHaveCount(0, { timeout: 30000 });
  await expect(status).toHaveText(/^Complete: /);
  expect(await measure(doomed)).toEqual({ objects: 0, bytes: 0 });

  // A folder's name opens the view of what is inside it.
  await view.locator('a', { hasText: 'results/' }).click();
  const inside = page.locator('.jp-LeapBuckets-usage:visible');
  await expect(
    page.locator('.lm-TabBar-tab', {
      hasText: 'Space Used: Scratch / demo/results'
    })
  ).toBeVisible();
  const top = await (
    await fetch(
      `${GCS}/storage/v1/b/leap-scratch/o?prefix=demo%2Fresults%2F&delimiter=%2F`
    )
  ).json();
  const items = (top.items ?? []).length + (top.prefixes ?? []).length;
  expect(items).toBeGreaterThanOrEqual(4); // the seed's
  await expect(inside.locator('.jp-LeapBuckets-usageRow')).toHaveCount(items);
  await expect(
    inside.locator('.jp-LeapBuckets-usageRow').first()
  ).toHaveAttribute('data-path', 'demo/results/run-002.nc');
});

test('Move to Persistent from a Space Used row asks first, then the row is gone', async ({
  page
}) => {
  const folder = `demo/usage-keep-${Date.now().toString(36)}/`;
  await put(`${folder}run/out.nc`, 'worth keeping');
  await put(`${folder}scratch.log`, 'not');
  await openPanel(page);
  // A folder of its own, through the command's arguments.
  await page.evaluate(
    path =>
      (window as any).jupyterapp.commands.execute(
        'leap-buckets:show-space-used',
        { root: 'scratch', path }
      ),
    folder
  );
  const view = page.locator('.jp-LeapBuckets-usage:visible');
  await expect(view.locator('.jp-LeapBuckets-usageStatus')).toHaveText(
    /^Complete: 2 objects, 16 B/,
    { timeout: 30000 }
  );
  const target = view.locator(
    `.jp-LeapBuckets-usageRow[data-path="${folder}run/"]`
  );
  await target.locator('button', { hasText: 'Move to Persistent…' }).click();
  const dialog = page.locator('.jp-LeapBuckets-moveDialog');
  await expect(dialog).toBeVisible();
  // Each item goes to the same place under the persistent home.
  await expect(dialog.locator('[data-fact="destination"]')).toHaveText(
    'gs://leap-persistent/demo/'
  );
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(target).toHaveCount(0, { timeout: 30000 });
  await expect(view.locator('.jp-LeapBuckets-usageRow')).toHaveCount(1);
  const moved = await fetch(
    `${GCS}/storage/v1/b/leap-persistent/o/${encodeURIComponent(`${folder}run/out.nc`)}`
  );
  expect(moved.status).toBe(200);
});
