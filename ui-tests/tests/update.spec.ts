import {
  GCS,
  expect,
  openPanel,
  row,
  screenshotBothThemes,
  test,
  toolbarButton
} from './fixtures';
import { over, pick, put, read } from './dragHelpers';

/**
 * Update (issue 19): a scratch folder dropped on persistent, where a folder of the same
 * name holds two of its three objects unchanged and one changed. The question offers
 * Update; it replaces the changed object, leaves the identical ones unwritten (their
 * generation is the same), and the job says 2 were skipped.
 */

/** An object's generation through fake-gcs-server's own API. */
async function generation(bucket: string, key: string): Promise<string> {
  const response = await fetch(
    `${GCS}/storage/v1/b/${bucket}/o/${encodeURIComponent(key)}`
  );
  expect(response.ok).toBe(true);
  return (await response.json()).generation;
}

test('Update copies only the object that differs', async ({ page }) => {
  const name = `sync-${Date.now().toString(36)}`;
  const folder = `demo/${name}/`;
  for (const file of ['a.txt', 'b.txt', 'c.txt']) {
    await put('leap-scratch', folder + file, `the same ${file}`);
  }
  await put('leap-persistent', folder + 'a.txt', 'the same a.txt');
  await put('leap-persistent', folder + 'b.txt', 'the same b.txt');
  await put('leap-persistent', folder + 'c.txt', 'an older c');
  const kept = {
    a: await generation('leap-persistent', folder + 'a.txt'),
    b: await generation('leap-persistent', folder + 'b.txt'),
    c: await generation('leap-persistent', folder + 'c.txt')
  };

  const panel = await openPanel(page);
  await toolbarButton(panel, 'leap-buckets:refresh').click();
  const source = row(panel, folder);
  await expect(source).toBeVisible();

  await pick(page, source);
  const chip = panel.locator(
    '.jp-LeapBuckets-dropRoot[data-root="persistent"]'
  );
  await over(page, chip);
  await expect(chip).toHaveClass(/jp-mod-dropTarget/);
  await page.mouse.up();

  const dialog = page.locator('.jp-LeapBuckets-conflictDialog');
  await expect(dialog).toBeVisible();
  const update = dialog.locator('.jp-Dialog-button.jp-mod-warn', {
    hasText: 'Update (copy only what differs)'
  });
  await expect(update).toBeVisible();
  await expect(
    dialog.locator('.jp-Dialog-button', { hasText: 'Skip' })
  ).toBeFocused();
  await expect(dialog.locator('.jp-LeapBuckets-conflictUpdate')).toContainText(
    'objects with the same size and checksum are skipped; the others are replaced'
  );
  await screenshotBothThemes(
    page as any,
    dialog.locator('.jp-Dialog-content'),
    'conflict-update'
  );
  await update.click();
  await expect(dialog).toHaveCount(0);

  // The job's end notification counts what was copied apart from what was skipped.
  const done = page.locator('.Toastify__toast', { hasText: name });
  await expect(done).toContainText(
    `Copied 1 item, skipped 2 already there, from gs://leap-scratch/${folder}`,
    { timeout: 30000 }
  );

  expect(await read('leap-persistent', folder + 'c.txt')).toBe(
    'the same c.txt'
  );
  expect(await generation('leap-persistent', folder + 'c.txt')).not.toBe(
    kept.c
  );
  expect(await generation('leap-persistent', folder + 'a.txt')).toBe(kept.a);
  expect(await generation('leap-persistent', folder + 'b.txt')).toBe(kept.b);
  expect(await read('leap-persistent', folder + 'a.txt')).toBe(
    'the same a.txt'
  );
});

test('a folder dropped with Shift held updates, asking nothing', async ({
  page
}) => {
  const name = `shift-${Date.now().toString(36)}`;
  const folder = `demo/${name}/`;
  for (const file of ['a.txt', 'b.txt']) {
    await put('leap-scratch', folder + file, `the same ${file}`);
  }
  await put('leap-persistent', folder + 'a.txt', 'the same a.txt');
  await put('leap-persistent', folder + 'b.txt', 'an older b');
  const keptA = await generation('leap-persistent', folder + 'a.txt');

  const panel = await openPanel(page);
  await toolbarButton(panel, 'leap-buckets:refresh').click();
  const source = row(panel, folder);
  await expect(source).toBeVisible();

  await pick(page, source);
  const chip = panel.locator(
    '.jp-LeapBuckets-dropRoot[data-root="persistent"]'
  );
  await over(page, chip);
  const text = page.locator(
    'body > .lm-mod-drag-image .jp-LeapBuckets-dropText'
  );
  const hint = page.locator(
    'body > .lm-mod-drag-image .jp-LeapBuckets-dropHint'
  );
  await expect(text).toHaveText('Copy to Persistent: demo/');
  await expect(hint).toHaveText('Hold Ctrl to move · Shift to update');
  // Pressing Shift changes the label at once, before the pointer moves.
  await page.keyboard.down('Shift');
  await expect(text).toHaveText(
    'Update in Persistent: demo/: copy only what differs'
  );
  await expect(hint).toHaveText(
    'Objects with the same size and checksum are skipped.'
  );
  await over(page, chip); // a drag event with Shift held, as the drop will be
  await page.mouse.up();
  await page.keyboard.up('Shift');

  await expect(page.locator('.jp-LeapBuckets-conflictDialog')).toHaveCount(0);
  const done = page.locator('.Toastify__toast', { hasText: name });
  await expect(done).toContainText(
    `Copied 1 item, skipped 1 already there, from gs://leap-scratch/${folder}`,
    { timeout: 30000 }
  );
  expect(await read('leap-persistent', folder + 'b.txt')).toBe(
    'the same b.txt'
  );
  expect(await generation('leap-persistent', folder + 'a.txt')).toBe(keptA);
});
