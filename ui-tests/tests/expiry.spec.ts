import {
  GCS,
  expect,
  openPanel,
  row,
  screenshotBothThemes,
  test,
  toolbarButton
} from './fixtures';

/** Expiry badges on scratch, the expiring-soon warning, and "Move to persistent". */

function badge(panel: any, path: string) {
  return row(panel, path).locator('.jp-LeapBuckets-expiry');
}

test('rows of scratch show badges coloured by urgency, folders and stores too', async ({
  page
}) => {
  const panel = await openPanel(page);
  // The seed backdates objects: 4 days, 6.5 days, 8 days and 2 days old; scratch keeps 7.
  await row(panel, 'demo/results/').dblclick();
  await expect(badge(panel, 'demo/results/tiny.txt')).toHaveText('2d');
  await expect(badge(panel, 'demo/results/tiny.txt')).toHaveAttribute(
    'data-urgency',
    'soon'
  );
  await expect(badge(panel, 'demo/results/run-001.nc')).toHaveText(/^1[12]h$/);
  await expect(badge(panel, 'demo/results/run-001.nc')).toHaveAttribute(
    'data-urgency',
    'urgent'
  );
  await expect(badge(panel, 'demo/results/summary.csv')).toHaveText('due now');
  await expect(badge(panel, 'demo/results/run-002.nc')).toHaveText('4d');
  await expect(badge(panel, 'demo/results/run-002.nc')).toHaveAttribute(
    'data-urgency',
    'later'
  );
  await expect(badge(panel, 'demo/results/tiny.txt')).toHaveAttribute(
    'title',
    /configuration/
  );

  // Sort by expiry: soonest first.
  await panel.locator('.jp-LeapBuckets-header [data-sort="expires"]').click();
  await expect(
    panel.locator('.jp-LeapBuckets-row .jp-LeapBuckets-name').first()
  ).toHaveText('summary.csv');
  // Filter to what goes within a day.
  await panel.locator('.jp-LeapBuckets-filter select').selectOption('1');
  await expect(panel.locator('.jp-LeapBuckets-row')).toHaveCount(2);

  await panel.locator('.jp-LeapBuckets-crumb', { hasText: 'demo' }).click();
  await panel.locator('.jp-LeapBuckets-filter select').selectOption('');
  // A store's badge: the earliest expiry inside it (its metadata, 6 days 20 hours old).
  await expect(badge(panel, 'demo/ocean.zarr/')).toHaveAttribute(
    'data-urgency',
    'urgent'
  );
  await expect(badge(panel, 'demo/ocean.zarr/')).toHaveText(/^[34]h$/);
  await screenshotBothThemes(page, panel, 'expiry');
  // Persistent does not expire: no badges, no column.
  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('persistent');
  await expect(row(panel, 'demo/climatology.zarr/')).toBeVisible();
  await expect(panel.locator('.jp-LeapBuckets-expiry')).toHaveCount(0);
});

test('a warning says what expires within a day, and Move to persistent moves it', async ({
  page
}) => {
  const toast = page.locator('.Toastify__toast', {
    hasText: 'within 24 hours'
  });
  await expect(toast).toBeVisible({ timeout: 15000 });
  await expect(toast).toContainText('results');
  await expect(toast).toContainText('ocean.zarr');
  // results/ holds summary.csv, 8 days old: past its date, so "due now".
  await expect(toast).toContainText('due now: results');

  const name = `keep-me-${Date.now().toString(36)}.txt`;
  const upload = `${GCS}/upload/storage/v1/b/leap-scratch/o?uploadType=media&name=${encodeURIComponent(`demo/${name}`)}`;
  expect(
    (await fetch(upload, { method: 'POST', body: 'worth keeping' })).ok
  ).toBe(true);
  const panel = await openPanel(page);
  await toolbarButton(panel, 'leap-buckets:refresh').click();
  await row(panel, `demo/${name}`).click({ button: 'right' });
  await page
    .locator('.lm-Menu-item', { hasText: 'Move to Persistent…' })
    .click();
  // It asks first: the item, its size, and where it goes.
  const dialog = page.locator('.jp-LeapBuckets-moveDialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator(`li[data-path="demo/${name}"]`)).toHaveText(
    `${name} — 13 B, expires in 6 days`
  );
  await expect(dialog.locator('[data-fact="destination"]')).toHaveText(
    'gs://leap-persistent/demo/'
  );
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  const job = panel.locator('.jp-LeapBuckets-job', { hasText: name }).first();
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 30000 });
  const inPersistent = await fetch(
    `${GCS}/storage/v1/b/leap-persistent/o/${encodeURIComponent(`demo/${name}`)}`
  );
  expect(inPersistent.status).toBe(200);
  const inScratch = await fetch(
    `${GCS}/storage/v1/b/leap-scratch/o/${encodeURIComponent(`demo/${name}`)}`
  );
  expect(inScratch.status).toBe(404);
  await expect(row(panel, `demo/${name}`)).toHaveCount(0);
});
