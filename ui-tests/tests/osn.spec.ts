/**
 * OSN as LEAP runs it: "Request Deletion…" where deleting is off opens a pre-filled
 * GitHub issue for the Data and Compute team (shown first), and the inbox offers the
 * rclone command HPC users paste on a login node.
 */
import { expect, openPanel, row, screenshotBothThemes, test } from './fixtures';

const menuItem = (page: any, label: string) =>
  page.locator('.lm-Menu .lm-Menu-item', { hasText: label });

test('Request Deletion and the HPC command appear only where they apply', async ({
  page
}) => {
  const panel = await openPanel(page);
  // Scratch: deleting is on, uploads are through the panel.
  await panel.locator('.jp-LeapBuckets-row').first().click({ button: 'right' });
  await expect(menuItem(page, 'Show Details')).toBeVisible();
  await expect(menuItem(page, 'Request Deletion…')).toBeHidden();
  await expect(menuItem(page, 'Copy Upload Command for HPC')).toBeHidden();
  await page.keyboard.press('Escape');

  // OSN manual: read-only, deletions are requested; no uploads.
  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('osn-manual');
  await row(panel, 'CMIP6/').click({ button: 'right' });
  await expect(menuItem(page, 'Request Deletion…')).not.toHaveClass(
    /lm-mod-disabled/
  );
  await expect(menuItem(page, 'Copy Upload Command for HPC')).toBeHidden();
  await page.keyboard.press('Escape');

  // OSN inbox: both.
  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('osn-inbox');
  await row(panel, 'demo/').click({ button: 'right' });
  await expect(menuItem(page, 'Request Deletion…')).toBeVisible();
  await expect(menuItem(page, 'Copy Upload Command for HPC')).not.toHaveClass(
    /lm-mod-disabled/
  );
  await page.keyboard.press('Escape');
});

test('the HPC command names the inbox folder and takes the keys from the environment', async ({
  page,
  context
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const panel = await openPanel(page);
  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('osn-inbox');
  await row(panel, 'demo/').dblclick();
  await row(panel, 'demo/from-hpc/').click({ button: 'right' });
  await menuItem(page, 'Copy Upload Command for HPC').click();
  const text = () => page.evaluate(() => navigator.clipboard.readText());
  await expect.poll(text).toContain('osn:leap-pangeo-inbox/demo/from-hpc/');
  const copied = await text();
  expect(copied).toContain('RCLONE_CONFIG_OSN_ACCESS_KEY_ID="$OSN_KEY"');
  expect(copied).toContain('RCLONE_CONFIG_OSN_PROVIDER=Ceph');
  expect(copied).toMatch(/RCLONE_CONFIG_OSN_ENDPOINT=http:\/\/127\.0\.0\.1:/);
});

test('Request Deletion shows what it will send, then opens the issue', async ({
  page
}) => {
  // Catch window.open: the test checks the URL instead of leaving for GitHub.
  await page.evaluate(() => {
    (window as any).__opened = [];
    window.open = ((url: string) => {
      (window as any).__opened.push(url);
      return null;
    }) as any;
  });
  const panel = await openPanel(page);
  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('osn-manual');
  await row(panel, 'CMIP6/').dblclick();
  await row(panel, 'CMIP6/tas.zarr/').click();
  // Not awaited: the command's promise settles only once the dialog closes.
  await page.evaluate(() => {
    void (window as any).jupyterapp.commands.execute(
      'leap-buckets:request-deletion'
    );
  });
  const dialog = page.locator('.jp-Dialog .jp-LeapBuckets-deletionRequest');
  await expect(dialog).toContainText('s3://leap-pangeo-manual/CMIP6/tas.zarr/');
  await expect(dialog).toContainText(/What lies there: [1-9][\d,]* objects, /);
  await expect(dialog).toContainText('Requested by: demo');
  await expect(dialog).toContainText(
    'Opens https://github.com/leap-stc/data-management/issues/new'
  );
  const body = await dialog
    .locator('.jp-LeapBuckets-deletionRequestText')
    .textContent();
  await screenshotBothThemes(
    page,
    page.locator('.jp-Dialog-content'),
    'osn-request-deletion'
  );
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await expect
    .poll(() => page.evaluate(() => (window as any).__opened.length))
    .toBe(1);
  const opened = new URL(
    await page.evaluate(() => (window as any).__opened[0])
  );
  expect(`${opened.origin}${opened.pathname}`).toBe(
    'https://github.com/leap-stc/data-management/issues/new'
  );
  expect(opened.searchParams.get('title')).toBe(
    'Delete s3://leap-pangeo-manual/CMIP6/tas.zarr/ from OSN'
  );
  expect(opened.searchParams.get('body')).toBe(body);
});
