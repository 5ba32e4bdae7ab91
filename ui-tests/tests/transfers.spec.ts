import {
  GCS,
  expect,
  moveTo,
  openPanel,
  row,
  screenshotBothThemes,
  startDrag,
  test
} from './fixtures';

test('dragging a file onto another root copies it there as a job', async ({
  page
}) => {
  // A rerun finds the earlier copy: remove it through the emulator's own API first.
  await fetch(
    `${GCS}/storage/v1/b/leap-persistent/o/${encodeURIComponent('demo/tiny.txt')}`,
    { method: 'DELETE' }
  );
  const panel = await openPanel(page);
  await row(panel, 'demo/results/').dblclick();
  const source = row(panel, 'demo/results/tiny.txt');
  await expect(source).toBeVisible();
  const jobs = panel.locator('.jp-LeapBuckets-job', {
    hasText: 'tiny.txt → persistent: demo/'
  });
  // The view shows the newest jobs only: tell the new one by its id, not by a count.
  const before = new Set(
    await jobs.evaluateAll(rows =>
      rows.map(r => (r as HTMLElement).dataset.job)
    )
  );

  await startDrag(page, source);
  const chip = panel.locator(
    '.jp-LeapBuckets-dropRoot[data-root="persistent"]'
  );
  await expect(chip).toBeVisible();
  await moveTo(page, chip);
  await expect(chip).toHaveClass(/jp-mod-dropTarget/);
  await page.mouse.up();

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
  const done = jobs.first(); // newest first
  await expect(done).toHaveAttribute('data-state', 'done', { timeout: 30000 });
  await expect(done.locator('.jp-LeapBuckets-jobLabel')).toHaveAttribute(
    'title',
    /to gs:\/\/leap-persistent\/demo\/tiny\.txt$/
  );
  await screenshotBothThemes(page, panel, 'transfers');

  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('persistent');
  await expect(row(panel, 'demo/tiny.txt')).toBeVisible();
});

test('the status bar counts running transfers, and Cancel in the transfers view stops one', async ({
  page
}) => {
  const panel = await openPanel(page);
  // An upload announced but not yet sent stays running: a job that lasts as long as needed.
  const job = await page.evaluate(async () => {
    const base = (window as any).jupyterapp.serviceManager.serverSettings
      .baseUrl;
    const xsrf = document.cookie.match(/_xsrf=([^;]+)/)?.[1] ?? '';
    const response = await fetch(`${base}leap-buckets/api/uploads`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-XSRFToken': decodeURIComponent(xsrf)
      },
      body: JSON.stringify({
        target: { root: 'scratch', path: 'demo/' },
        name: `waiting-${Date.now()}.bin`,
        size: 1 << 30
      })
    });
    return response.json();
  });
  expect(job.state).toMatch(/queued|running/);
  const status = page.locator('.jp-LeapBuckets-statusItem');
  await expect(status).toHaveText('⇅ 1 transfer', { timeout: 15000 });
  await status.click();
  const running = panel.locator(`.jp-LeapBuckets-job[data-job="${job.id}"]`);
  await expect(running).toHaveAttribute('data-state', 'running');
  await running.locator('.jp-LeapBuckets-cancel').click();
  await expect(
    panel.locator(`.jp-LeapBuckets-job[data-job="${job.id}"]`)
  ).toHaveAttribute('data-state', 'cancelled');
  await expect(status).toBeHidden();
});
