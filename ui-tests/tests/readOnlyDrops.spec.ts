import { expect, openPanel, row, test } from './fixtures';
import { label, over, pick, read, shotBothThemes } from './dragHelpers';

/**
 * Read-only places (issue 21, item 8): a read-only root and another user's folder carry
 * a mark, take no drop (the cursor says no-drop), and their menu items say why they are
 * off; what is not yours to delete is copied, never moved.
 */

test('a read-only root is marked, its rows take no drop, and its menu says why items are off', async ({
  page
}) => {
  const panel = await openPanel(page);
  const select = panel.locator('.jp-LeapBuckets-rootSelect');
  await select.selectOption('osn-manual');
  await expect(row(panel, 'CMIP6/')).toBeVisible();
  const mark = panel.locator('.jp-LeapBuckets-accessMark');
  await expect(mark).toBeVisible();
  await expect(mark).toHaveAttribute('data-access', 'read-only');
  await expect(mark).toHaveText('Read-only: browse and copy');
  await expect(mark.locator('svg')).toBeVisible(); // the lock
  // The switcher's "(read-only)" fits at the default sidebar width.
  const room = await select.evaluate((el: HTMLSelectElement) => {
    const style = getComputedStyle(el);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = `${style.fontSize} ${style.fontFamily}`;
    const text = el.options[el.selectedIndex].text;
    const arrow = 24; // the select's own arrow and padding
    return {
      text,
      free: el.clientWidth - arrow - context.measureText(text).width
    };
  });
  expect(room.text).toBe('OSN manual (read-only)');
  expect(room.free).toBeGreaterThan(0);

  await pick(page, row(panel, 'README.md'));
  await over(page, row(panel, 'CMIP6/'));
  await expect(label(page)).toHaveAttribute('data-mode', 'none');
  await expect(label(page)).toContainText(
    'OSN manual is read-only: nothing can go here.'
  );
  await expect(row(panel, 'CMIP6/')).not.toHaveClass(/jp-mod-dropTarget/);
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          (document.querySelector('.lm-cursor-backdrop') as HTMLElement | null)
            ?.style.cursor
      )
    )
    .toBe('no-drop');
  await page.mouse.up();
  await expect(page.locator('body > .lm-mod-drag-image')).toHaveCount(0);

  await row(panel, 'CMIP6/').click({ button: 'right' });
  const menu = page.locator('.lm-Menu');
  const rename = menu.locator('.lm-Menu-item', { hasText: 'Rename…' });
  await expect(rename).toHaveClass(/lm-mod-disabled/);
  await expect(rename).toContainText('Rename… (read-only)');
  await expect(
    menu.locator('.lm-Menu-item', { hasText: 'Delete…' })
  ).toContainText('Delete… (read-only)');
  await expect(
    menu.locator('.lm-Menu-item', { hasText: 'New Bucket Folder…' })
  ).toContainText('New Bucket Folder… (read-only)');
  const box = (await panel.boundingBox())!;
  await shotBothThemes(
    page,
    { x: box.x, y: box.y, width: box.width + 260, height: 430 },
    'read-only-root'
  );
  await page.keyboard.press('Escape');
});

test("another user's folder is marked not yours: no drops, moves out become copies", async ({
  page
}) => {
  const panel = await openPanel(page);
  await panel
    .locator('.jp-LeapBuckets-crumb', { hasText: 'gs://leap-scratch' })
    .click();
  const mark = panel.locator('.jp-LeapBuckets-accessMark');
  await expect(mark).toHaveText('Read-only here: you write in demo/');
  await row(panel, 'other-user/').dblclick();
  await expect(row(panel, 'other-user/hello.txt')).toBeVisible();
  await expect(mark).toHaveAttribute('data-access', 'not-yours');
  await expect(mark).toHaveText('Not yours: you write in demo/');

  await pick(page, row(panel, 'other-user/hello.txt'));
  const strip = panel.locator('.jp-LeapBuckets-dropRoots');
  await expect(strip).toHaveText(/^Drop on a root to copy there:/);
  await expect(strip.locator('.jp-LeapBuckets-dropRootsHint')).toHaveCount(0);
  await over(page, row(panel, 'other-user/run.zarr/'));
  await expect(label(page)).toHaveAttribute('data-mode', 'none');
  await expect(label(page)).toContainText(
    'Not yours: in Scratch you can write only inside demo/.'
  );
  await expect(row(panel, 'other-user/run.zarr/')).not.toHaveClass(
    /jp-mod-dropTarget/
  );
  await over(page, strip.locator('[data-root="persistent"]'));
  await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
    'Copy to Persistent: demo/'
  );
  await page.keyboard.down('Control');
  await expect(label(page).locator('.jp-LeapBuckets-dropHint')).toHaveText(
    'hello.txt stays where it is: it is not yours to move.'
  );
  await page.keyboard.up('Control');
  await page.keyboard.press('Escape');
  await page.mouse.up();

  await row(panel, 'other-user/hello.txt').click({ button: 'right' });
  const menu = page.locator('.lm-Menu');
  await expect(
    menu.locator('.lm-Menu-item.lm-mod-disabled', { hasText: 'Rename…' })
  ).toContainText('Rename… (not yours)');
  await expect(
    menu.locator('.lm-Menu-item.lm-mod-disabled', { hasText: 'Delete…' })
  ).toContainText('Delete… (not yours)');
  const box = (await panel.boundingBox())!;
  await shotBothThemes(
    page,
    { x: box.x, y: box.y, width: box.width + 260, height: 430 },
    'not-yours'
  );
  await page.keyboard.press('Escape');
  expect(await read('leap-scratch', 'other-user/hello.txt')).toBe(
    "not demo's\n"
  );
});
