import {
  GCS,
  expect,
  openPanel,
  row,
  screenshotBothThemes,
  test,
  toolbarButton
} from './fixtures';

/**
 * A large delete handed to Google's Storage batch operations (issue #18): the delete
 * dialog offers it from the configured size (1,000 objects in ui-tests'
 * jupyter_server_test_config.py), the hand-off writes the plan's objects as a manifest
 * in the user's folder, deletes nothing, and shows the command to run.
 */

async function names(prefix: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let token = '';
  for (;;) {
    const page = await (
      await fetch(
        `${GCS}/storage/v1/b/leap-scratch/o?prefix=${encodeURIComponent(prefix)}${token ? `&pageToken=${token}` : ''}`
      )
    ).json();
    for (const item of page.items ?? []) {
      found.set(item.name, String(item.generation));
    }
    if (!page.nextPageToken) {
      return found;
    }
    token = page.nextPageToken;
  }
}

test('a large delete is handed off: a manifest of exactly its objects, nothing deleted', async ({
  page
}) => {
  const before = await names('demo/many/');
  expect(before.size).toBeGreaterThan(1000);
  const panel = await openPanel(page);
  await row(panel, 'demo/many/').click();
  await toolbarButton(panel, 'leap-buckets:delete-item').click();
  const dialog = page.locator('.jp-LeapBuckets-deleteDialog');
  await expect(dialog).toBeVisible();
  const handoff = dialog.locator('.jp-LeapBuckets-handoffButton');
  await expect(handoff).toBeVisible();
  await expect(handoff).toBeDisabled(); // the name is not typed yet
  await dialog.locator('input').fill('many');
  await expect(dialog.locator('.jp-LeapBuckets-deletePlan')).toHaveAttribute(
    'data-complete',
    'true',
    { timeout: 60000 }
  );
  await expect(handoff).toBeEnabled();
  await screenshotBothThemes(page, dialog, 'handoff-offer');
  await handoff.click();

  const shown = page.locator('.jp-LeapBuckets-handoffDialog');
  await expect(shown).toBeVisible({ timeout: 60000 });
  const command = await shown
    .locator('[data-block="gcloud"] pre')
    .textContent();
  expect(command).toMatch(
    /^gcloud storage batch-operations jobs create leap-buckets-demo-/
  );
  const manifest = /--manifest-location=gs:\/\/leap-scratch\/(\S+\.csv)/.exec(
    command!
  )![1];
  expect(manifest).toMatch(/^demo\/leap-buckets-handoff\//);
  await screenshotBothThemes(page, shown, 'handoff-command');

  // The manifest names exactly the planned objects, in their generations.
  const csv = await (
    await fetch(
      `${GCS}/storage/v1/b/leap-scratch/o/${encodeURIComponent(manifest)}?alt=media`
    )
  ).text();
  const rows = csv.trim().split('\n');
  expect(rows[0]).toBe('bucket,name,generation');
  const listed = new Map(
    rows.slice(1).map(line => {
      const [, name, generation] = line.split(',');
      return [name, generation] as [string, string];
    })
  );
  expect(listed).toEqual(before);
  // Nothing was deleted.
  expect(await names('demo/many/')).toEqual(before);

  // Once run, the jobs pane follows it by name (Record and Follow), until forgotten.
  const id = /create (leap-buckets-demo-\S+)/.exec(command!)![1];
  await shown.getByRole('button', { name: 'Record and Follow' }).click();
  await expect(shown).toBeHidden();
  const followed = panel.locator('.jp-LeapBuckets-handoffJob', {
    hasText: id
  });
  await expect(followed.locator('.jp-LeapBuckets-jobLabel')).toHaveText(
    `Handed off: batch operations delete job ${id}`
  );
  await expect(followed).toContainText(
    `from the manifest gs://leap-scratch/${manifest}`
  );
  await expect(
    followed.locator('.jp-LeapBuckets-handoffFollow code')
  ).toHaveText(
    `gcloud storage batch-operations jobs describe ${id} --project=leap-pangeo`
  );
  await followed.getByRole('button', { name: 'Forget' }).click();
  await expect(followed).toBeHidden();
  // Leave the seed as it was for the other tests.
  await fetch(
    `${GCS}/storage/v1/b/leap-scratch/o/${encodeURIComponent(manifest)}`,
    { method: 'DELETE' }
  );
});
