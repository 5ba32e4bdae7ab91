import {
  expect,
  GCS,
  openPanel,
  row,
  screenshotBothThemes,
  test
} from './fixtures';

/**
 * The transfer hand-off offered by the panel (issue #18): a GCS folder's row menu has
 * "Copy with Google Storage Transfer…", whose picker offers only GCS folders the user may
 * write in; the dialog shows the Storage Transfer Service job (nothing is copied). Once
 * the user says they ran it, the jobs pane follows it by name; Check Status asks the
 * server, which has no Google credentials here and says which command to run instead.
 */

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let token = '';
  do {
    const reply = await fetch(
      `${GCS}/storage/v1/b/${bucket}/o?prefix=${encodeURIComponent(prefix)}` +
        (token ? `&pageToken=${encodeURIComponent(token)}` : '')
    );
    const page = await reply.json();
    found.push(...(page.items ?? []).map((i: any) => i.name));
    token = page.nextPageToken ?? '';
  } while (token);
  return found;
}

test('a GCS folder is handed to Storage Transfer Service from its menu, then followed by name', async ({
  page
}) => {
  const persistentBefore = await keys('leap-persistent', 'demo/');
  const panel = await openPanel(page);
  await row(panel, 'demo/many/').click({ button: 'right' });
  const menu = page.locator('.lm-Menu');
  const item = menu.getByText('Copy with Google Storage Transfer…', {
    exact: true
  });
  await expect(item).toBeVisible();
  await item.click();

  // The picker: GCS roots the user writes in, never OSN; a folder not theirs is refused.
  const picker = page.locator('.jp-Dialog', {
    has: page.locator('.jp-LeapBuckets-folderPicker')
  });
  await expect(picker).toBeVisible();
  await expect(picker.locator('.jp-Dialog-header')).toHaveText(
    'Copy many with Google Storage Transfer'
  );
  await expect(picker.locator('.jp-LeapBuckets-rootSelect option')).toHaveText([
    'Scratch',
    'Persistent'
  ]);
  await expect(picker.locator('.jp-LeapBuckets-rootSelect')).toHaveValue(
    'persistent'
  );
  const accept = picker.locator('.jp-mod-accept');
  await expect(accept).toHaveText('Prepare Hand-off');
  await expect(accept).toBeEnabled();
  await accept.click();

  const shown = page.locator('.jp-LeapBuckets-handoffDialog');
  await expect(shown).toBeVisible({ timeout: 30000 });
  const command = await shown
    .locator('[data-block="gcloud"] pre')
    .textContent();
  expect(command).toMatch(
    /^gcloud transfer jobs create gs:\/\/leap-scratch\/demo\/many\/ gs:\/\/leap-persistent\/demo\/many\/ --name=transferJobs\/leap-buckets-demo-/
  );
  expect(command).toContain('--overwrite-when=never');
  await expect(shown).toContainText('Nothing has been copied');
  await expect(shown).toContainText('skipped, never replaced');
  await screenshotBothThemes(page, shown, 'handoff-transfer');
  const name = /--name=(transferJobs\/\S+)/.exec(command!)![1];

  // Following it: the jobs pane shows it by name, with its follow command.
  await shown.locator('.jp-LeapBuckets-handoffFollowButton').click();
  await expect(shown).toBeHidden();
  const followed = panel.locator('.jp-LeapBuckets-handoffJob', {
    hasText: name
  });
  await expect(followed).toBeVisible();
  await expect(followed.locator('.jp-LeapBuckets-jobLabel')).toHaveText(
    `Handed off: Storage Transfer job ${name}`
  );
  await expect(
    followed.locator('.jp-LeapBuckets-handoffFollow code')
  ).toHaveText(
    `gcloud transfer operations list --job-names=${name} --project=leap-pangeo`
  );
  await followed.getByRole('button', { name: 'Check Status' }).click();
  const error = followed.locator('.jp-LeapBuckets-jobError');
  await expect(error).toContainText('no Google credentials', {
    timeout: 30000
  });
  await expect(error).toContainText(`--job-names=${name}`);
  await screenshotBothThemes(
    page,
    panel.locator('.jp-LeapBuckets-transfers'),
    'handoff-followed'
  );

  // Reloaded, it is still followed (the server keeps it); then forgotten.
  await page.reload();
  // The layout is restored with the panel open: no click on its tab (that would close it).
  const again = page.locator('#leap-buckets-panel');
  await expect(again.locator('.jp-LeapBuckets-row').first()).toBeVisible();
  const kept = again.locator('.jp-LeapBuckets-handoffJob', { hasText: name });
  const toggle = again.locator('.jp-LeapBuckets-transfersToggle');
  await expect(toggle).toContainText('handed off');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') {
    await toggle.click();
  }
  await expect(kept).toBeVisible();
  await kept.getByRole('button', { name: 'Forget' }).click();
  await expect(kept).toBeHidden();
  // Nothing was copied by the hand-off.
  expect(await keys('leap-persistent', 'demo/')).toEqual(persistentBefore);
});

test('the hand-off is not offered outside GCS, and a move only where the user may delete', async ({
  page
}) => {
  const panel = await openPanel(page);
  await row(panel, 'demo/many/').click({ button: 'right' });
  const menu = page.locator('.lm-Menu');
  await expect(
    menu.getByText('Move with Google Storage Transfer…', { exact: true })
  ).toBeVisible();
  await page.keyboard.press('Escape');
  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('osn-manual');
  await expect(panel.locator('.jp-LeapBuckets-row').first()).toBeVisible();
  await panel.locator('.jp-LeapBuckets-row').first().click({ button: 'right' });
  await expect(page.locator('.lm-Menu').first()).toBeVisible();
  await expect(
    // Lumino keeps items it does not show in the menu's DOM, hidden: ask by role.
    page.getByRole('menuitem', { name: 'Copy with Google Storage Transfer…' })
  ).toHaveCount(0);
  await expect(
    page.locator('.lm-Menu:visible').getByText('Request Deletion…')
  ).toBeVisible(); // the menu is there, without the hand-off
  await page.keyboard.press('Escape');
});

test('a large running GCS-to-GCS copy offers its hand-off, and the dialog says the job goes on', async ({
  page
}) => {
  const folder = `demo/handoff-job-${Date.now().toString(36)}/`;
  const panel = await openPanel(page);
  // demo/many/ (2,600 objects) copied by the server: past the 1,000 objects of
  // jupyter_server_test_config.py once its listing has counted them.
  const started = await page.evaluate(async (target: string) => {
    const base = (window as any).jupyterapp.serviceManager.serverSettings
      .baseUrl;
    const xsrf = /_xsrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
    const reply = await fetch(`${base}leap-buckets/api/transfers`, {
      method: 'POST',
      headers: { 'X-XSRFToken': decodeURIComponent(xsrf) },
      body: JSON.stringify({
        source: { root: 'scratch', path: 'demo/many/' },
        target: { root: 'persistent', path: target },
        mode: 'copy',
        conflict: 'skip'
      })
    });
    return { status: reply.status, body: await reply.json() };
  }, folder);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  try {
    const job = panel.locator(
      `.jp-LeapBuckets-job[data-job="${started.body.id}"]`
    );
    const offer = job.getByRole('button', { name: 'Hand off to Google…' });
    await expect(offer).toBeEnabled({ timeout: 30000 });
    await offer.click();
    const shown = page.locator('.jp-LeapBuckets-handoffDialog');
    await expect(shown).toBeVisible({ timeout: 30000 });
    await expect(shown.locator('[data-block="gcloud"] pre')).toContainText(
      `gcloud transfer jobs create gs://leap-scratch/demo/many/ gs://leap-persistent/${folder}many/`
    );
    await expect(shown.locator('.jp-LeapBuckets-handoffRunning')).toContainText(
      'keeps running until you cancel it'
    );
    await screenshotBothThemes(page, shown, 'handoff-running-job');
    await shown.getByRole('button', { name: 'Close' }).click();
    await expect(shown).toBeHidden();
  } finally {
    // The user decides; here the copy is cancelled and what it wrote removed.
    await page.evaluate(async (id: string) => {
      const base = (window as any).jupyterapp.serviceManager.serverSettings
        .baseUrl;
      const xsrf = /_xsrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      await fetch(`${base}leap-buckets/api/jobs/${id}`, {
        method: 'DELETE',
        headers: { 'X-XSRFToken': decodeURIComponent(xsrf) }
      });
    }, started.body.id);
    for (const name of await keys('leap-persistent', folder)) {
      await fetch(
        `${GCS}/storage/v1/b/leap-persistent/o/${encodeURIComponent(name)}`,
        { method: 'DELETE' }
      );
    }
  }
});
