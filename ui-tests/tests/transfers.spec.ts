import { expect, test as base } from '@jupyterlab/galata';

// The same fixture overrides as panel.spec.ts (base URL /user/demo/, Galata 5.6 readiness).
const test = base.extend<{ tmpPath: string }>({
  tmpPath: async ({}, use) => use('notebooks'),
  waitForApplication: async ({}, use) => {
    await use(async page => {
      await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
      await page.waitForFunction(() => typeof (window as any).jupyterapp === 'object');
      await page.evaluate(() => (window as any).jupyterapp.started);
    });
  }
});

test('dragging a file onto another root copies it there as a job', async ({ page }) => {
  await page.locator('.jp-SideBar.jp-mod-left [data-id="leap-buckets-panel"]').click();
  const panel = page.locator('#leap-buckets-panel');
  await row(panel, 'demo/results/').dblclick();
  const source = row(panel, 'demo/results/tiny.txt');
  await expect(source).toBeVisible();

  const from = (await source.boundingBox())!;
  await page.mouse.move(from.x + 30, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 60, from.y + from.height / 2 + 10, { steps: 5 });
  const chip = panel.locator('.jp-LeapBuckets-dropRoot[data-root="persistent"]');
  await expect(chip).toBeVisible();
  const to = (await chip.boundingBox())!;
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
  await expect(chip).toHaveClass(/jp-mod-dropTarget/);
  await page.mouse.up();

  const done = panel.locator('.jp-LeapBuckets-job[data-state="done"]');
  await expect(done).toHaveCount(1, { timeout: 30000 });
  await expect(done).toContainText('gs://leap-persistent/demo/tiny.txt');
  await panel.screenshot({ path: 'screenshots/transfers-light.png' });
  await page.theme.setDarkTheme();
  await panel.screenshot({ path: 'screenshots/transfers-dark.png' });
  await page.theme.setLightTheme();

  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('persistent');
  await expect(row(panel, 'demo/tiny.txt')).toBeVisible();
});

function row(panel: any, path: string) {
  return panel.locator(`.jp-LeapBuckets-row[data-path="${path}"]`);
}
