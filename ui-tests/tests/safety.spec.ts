import type { Locator } from '@playwright/test';

import {
  GCS,
  expect,
  moveTo,
  openPanel,
  row,
  screenshotBothThemes,
  startDrag,
  test,
  toolbarButton
} from './fixtures';

/**
 * Safe defaults (issue 21): Enter never destroys. The conflict question defaults to
 * Skip and names both sides; a single file's delete starts on Cancel; moving what
 * expires asks first, with a summary, and stays reachable as a command.
 */

async function put(bucket: string, key: string, body: string) {
  const url = `${GCS}/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(key)}`;
  expect((await fetch(url, { method: 'POST', body })).ok).toBe(true);
}

/** An object's bytes as text through fake-gcs-server's own API; null when absent. */
async function read(bucket: string, key: string): Promise<string | null> {
  const response = await fetch(
    `${GCS}/storage/v1/b/${bucket}/o/${encodeURIComponent(key)}?alt=media`
  );
  return response.status === 404 ? null : await response.text();
}

/** The newest job of the transfers view that names `name` and is not in `before`. */
async function newJob(
  panel: Locator,
  name: string,
  before: Set<string | undefined>
): Promise<Locator> {
  const jobs = panel.locator('.jp-LeapBuckets-job', { hasText: name });
  await expect
    .poll(
      async () => {
        const id = (await jobs.count())
          ? await jobs.first().getAttribute('data-job')
          : null;
        return id !== null && !before.has(id);
      },
      { timeout: 30000 }
    )
    .toBe(true);
  return jobs.first(); // newest first
}

async function jobIds(panel: Locator, name: string) {
  return new Set(
    await panel
      .locator('.jp-LeapBuckets-job', { hasText: name })
      .evaluateAll(rows => rows.map(r => (r as HTMLElement).dataset.job))
  );
}

test('the conflict question defaults to Skip, names both sides, and overwrites only on a click', async ({
  page
}) => {
  const name = `clash-${Date.now().toString(36)}.txt`;
  const key = `demo/${name}`;
  await put('leap-persistent', key, 'old');
  await put('leap-scratch', key, 'a newer, longer version');
  const panel = await openPanel(page);
  await toolbarButton(panel, 'leap-buckets:refresh').click();
  const source = row(panel, key);
  await expect(source).toBeVisible();

  const dropOnPersistent = async () => {
    // The listing may re-render under the pointer (a refresh, the expiry check): the
    // drag starts again on the fresh row.
    await expect(async () => {
      try {
        await startDrag(page, source);
      } catch (error) {
        await page.mouse.up();
        throw error;
      }
    }).toPass({ timeout: 15000 });
    const chip = panel.locator(
      '.jp-LeapBuckets-dropRoot[data-root="persistent"]'
    );
    await expect(chip).toBeVisible();
    await moveTo(page, chip);
    await expect(chip).toHaveClass(/jp-mod-dropTarget/);
    await page.mouse.up();
  };

  // Dropped on persistent, where the name is taken: the question, Skip focused.
  let before = await jobIds(panel, name);
  await dropOnPersistent();
  const dialog = page.locator('.jp-LeapBuckets-conflictDialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('.jp-Dialog-header')).toHaveText('Already there');
  await expect(dialog.locator('[data-side="existing"]')).toHaveText(
    /^Existing: 3 B, modified \d{4}-\d\d-\d\d \d\d:\d\d$/
  );
  await expect(dialog.locator('[data-side="incoming"]')).toHaveText(
    /^Incoming: 23 B, modified \d{4}-\d\d-\d\d \d\d:\d\d$/
  );
  await expect(dialog.locator('.jp-LeapBuckets-conflictOverwrite')).toHaveText(
    /^Overwrite replaces the existing item \(3 B, modified .+\) with the incoming one \(23 B, modified .+\)/
  );
  const skip = dialog.locator('.jp-Dialog-button', { hasText: 'Skip' });
  const overwrite = dialog.locator('.jp-Dialog-button.jp-mod-warn', {
    hasText: 'Overwrite'
  });
  await expect(skip).toBeFocused();
  await expect(overwrite).not.toBeFocused();

  // Enter takes the default: Skip. The existing object is kept as it was.
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  const skipped = await newJob(panel, name, before);
  await expect(skipped).toHaveAttribute('data-state', 'done', {
    timeout: 30000
  });
  expect(await read('leap-persistent', key)).toBe('old');

  // Again, and this time a deliberate click on Overwrite.
  before = await jobIds(panel, name);
  await dropOnPersistent();
  await expect(dialog).toBeVisible();
  await expect(skip).toBeFocused();
  await screenshotBothThemes(
    page,
    dialog.locator('.jp-Dialog-content'),
    'conflict-dialog'
  );
  await overwrite.click();
  await expect(dialog).toHaveCount(0);
  const overwritten = await newJob(panel, name, before);
  await expect(overwritten).toHaveAttribute('data-state', 'done', {
    timeout: 30000
  });
  expect(await read('leap-persistent', key)).toBe('a newer, longer version');
  expect(await read('leap-scratch', key)).toBe('a newer, longer version'); // a copy
});

test('Delete then Enter on a single file does not delete it: the dialog starts on Cancel', async ({
  page
}) => {
  const name = `single-${Date.now().toString(36)}.txt`;
  const key = `demo/${name}`;
  await put('leap-scratch', key, 'keep me unless I say so');
  const panel = await openPanel(page);
  await toolbarButton(panel, 'leap-buckets:refresh').click();
  const target = row(panel, key);
  await target.click();
  await expect(target).toHaveClass(/jp-mod-selected/);

  await page.keyboard.press('Delete');
  const dialog = page.locator('.jp-LeapBuckets-deleteDialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('input')).toHaveCount(0); // a file: no name to type
  const cancel = dialog.locator('.jp-Dialog-button.jp-mod-reject');
  const confirm = dialog.locator('.jp-Dialog-button.jp-mod-warn');
  await expect(cancel).toBeFocused();
  await expect(confirm).not.toBeFocused();
  await expect(confirm).toBeEnabled(); // one deliberate click deletes it
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  expect(await read('leap-scratch', key)).toBe('keep me unless I say so');
  await expect(target).toBeVisible();

  // The Delete button, clicked, deletes it.
  await target.click();
  await page.keyboard.press('Delete');
  await expect(dialog).toBeVisible();
  await confirm.click();
  const job = panel
    .locator('.jp-LeapBuckets-job', {
      hasText: `Delete gs://leap-scratch/${key}`
    })
    .first();
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 30000 });
  expect(await read('leap-scratch', key)).toBeNull();
  await expect(target).toHaveCount(0);
});

test('Move to persistent from the expiring-soon warning asks first, and stays reachable after Show', async ({
  page
}) => {
  // The seed: demo/results/summary.csv is 8 days old (past scratch's 7: due now), the
  // metadata of demo/ocean.zarr 6 days 20 hours (expires within the day).
  const toast = page.locator('.Toastify__toast', {
    hasText: 'within 24 hours'
  });
  await expect(toast).toBeVisible({ timeout: 15000 });
  await expect(toast).toContainText('due now: results');
  await expect(toast).toContainText('ocean.zarr');

  // The warning's button asks first: the items, their total, the destination.
  await toast.locator('button', { hasText: 'Move to persistent' }).click();
  const dialog = page.locator('.jp-LeapBuckets-moveDialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
    /^Move \d+ items to Persistent\?$/
  );
  const results = dialog.locator('li[data-path="demo/results/"]');
  await expect(results).toHaveText(/^results — .+, due now$/);
  await expect(results).toHaveAttribute('data-due', 'now');
  await expect(results).not.toContainText('24 hours');
  await expect(dialog.locator('li[data-path="demo/ocean.zarr/"]')).toHaveText(
    /^ocean\.zarr — .+, expires in \d+ hours?$/
  );
  await expect(dialog.locator('[data-fact="total"]')).toHaveText(
    /\d+(\.\d)? [KMG]?B in \d+ items$/
  );
  await expect(dialog.locator('[data-fact="destination"]')).toHaveText(
    'gs://leap-persistent/demo/'
  );
  await expect(dialog.locator('.jp-Dialog-button.jp-mod-reject')).toBeFocused();
  // Enter is Cancel: nothing moves (the seed stays for the other tests).
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  expect(await read('leap-scratch', 'demo/results/summary.csv')).not.toBeNull();
  expect(await read('leap-persistent', 'demo/results/summary.csv')).toBeNull();

  // A fresh page warns again; its Show closes the warning, and the move stays
  // reachable: in the palette, and in the listing's menu.
  await page.reload();
  await expect(toast).toBeVisible({ timeout: 15000 });
  await toast.locator('button', { hasText: 'Show' }).click();
  const panel = page.locator('#leap-buckets-panel');
  await expect(row(panel, 'demo/results/')).toBeVisible();
  await page.keyboard.press('Control+Shift+C');
  const palette = page.locator('#command-palette');
  await palette.locator('input').fill('Move Expiring Items');
  await palette
    .locator('.lm-CommandPalette-item', {
      hasText: 'Move Expiring Items to Persistent…'
    })
    .first()
    .click();
  await expect(dialog).toBeVisible();
  await expect(results).toHaveText(/, due now$/);
  await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);

  await panel
    .locator('.jp-LeapBuckets-content')
    .click({ button: 'right', position: { x: 20, y: 5 } });
  const item = page.locator('.lm-Menu .lm-Menu-item', {
    hasText: 'Move Expiring Items to Persistent…'
  });
  await expect(item).not.toHaveClass(/lm-mod-disabled/);
  await item.click();
  await expect(dialog).toBeVisible();
  await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);
  expect(await read('leap-persistent', 'demo/results/summary.csv')).toBeNull();
});
