import { expect, moveTo, openPanel, row, startDrag, test } from './fixtures';

test('dragging a file onto another root copies it there as a job', async ({ page }) => {
  const panel = await openPanel(page);
  await row(panel, 'demo/results/').dblclick();
  const source = row(panel, 'demo/results/tiny.txt');
  await expect(source).toBeVisible();

  await startDrag(page, source);
  const chip = panel.locator('.jp-LeapBuckets-dropRoot[data-root="persistent"]');
  await expect(chip).toBeVisible();
  await moveTo(page, chip);
  await expect(chip).toHaveClass(/jp-mod-dropTarget/);
  await page.mouse.up();

  const done = panel.locator('.jp-LeapBuckets-job[data-state="done"]');
  await expect(done).toHaveCount(1, { timeout: 30000 });
  await expect(done).toContainText('tiny.txt → persistent: demo/');
  await expect(done.locator('.jp-LeapBuckets-jobLabel')).toHaveAttribute('title', /to gs:\/\/leap-persistent\/demo\/tiny\.txt$/);
  await panel.screenshot({ path: 'screenshots/transfers-light.png' });
  await page.theme.setDarkTheme();
  await panel.screenshot({ path: 'screenshots/transfers-dark.png' });
  await page.theme.setLightTheme();

  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('persistent');
  await expect(row(panel, 'demo/tiny.txt')).toBeVisible();
});

