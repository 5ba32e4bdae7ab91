import * as fs from 'fs';
import * as path from 'path';

import {
  expect,
  fbItem,
  fileBrowserAt,
  openPanel,
  row,
  screenshotBothThemes,
  sidebarTab,
  startDrag,
  test,
  toolbarButton,
  WORKSPACE
} from './fixtures';
import {
  keys,
  label,
  over,
  pick,
  put,
  read,
  remove,
  shotBothThemes,
  topOf
} from './dragHelpers';

/**
 * Dragging (issue 21, item 2): the drag image says what a drop does and which key
 * switches, and nothing shifts under the pointer; a finished move offers Undo, which is
 * refused once what it moved has changed. What lands where is checked through
 * fake-gcs-server's own API, not through the panel.
 */

test('a drag over a folder says "Move to …" and which key copies, and nothing moves under it', async ({
  page
}) => {
  const panel = await openPanel(page);
  const folder = row(panel, 'demo/results/');
  await expect(folder).toBeVisible();
  const crumbs = panel.locator('.jp-LeapBuckets-breadcrumbs');
  const source = row(panel, 'demo/README.md');
  // As startDrag does, before measuring (again if the rows re-render meanwhile).
  await expect(() => source.scrollIntoViewIfNeeded({ timeout: 2000 })).toPass({
    timeout: 15000
  });
  const before = { row: await topOf(folder), crumbs: await topOf(crumbs) };

  await pick(page, source);
  const strip = panel.locator('.jp-LeapBuckets-dropRoots');
  await expect(strip).toBeVisible();
  await expect(strip).toContainText('Drop on a root to copy there:');
  await expect(strip.locator('.jp-LeapBuckets-dropRootsHint')).toHaveText(
    'Hold Ctrl to move'
  );
  // The strip lies over the switcher and toolbar: the crumbs and rows stay put.
  expect(await topOf(folder)).toBe(before.row);
  expect(await topOf(crumbs)).toBe(before.crumbs);
  const stripBox = (await strip.boundingBox())!;
  expect(stripBox.y + stripBox.height).toBeLessThanOrEqual(before.crumbs + 1);

  await over(page, folder);
  await expect(folder).toHaveClass(/jp-mod-dropTarget/);
  await expect(label(page)).toHaveAttribute('data-mode', 'move');
  await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
    'Move to demo/results/'
  );
  await expect(label(page).locator('.jp-LeapBuckets-dropHint')).toHaveText(
    'Hold Ctrl to copy'
  );
  // Pressing a row and dragging selects no text across the page.
  expect(await page.evaluate(() => String(window.getSelection()))).toBe('');

  const box = (await panel.boundingBox())!;
  await shotBothThemes(
    page,
    { x: box.x, y: box.y, width: box.width + 240, height: 420 },
    'drag-label'
  );

  // Holding Ctrl, the label says copy at once, before the pointer moves.
  await page.keyboard.down('Control');
  await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
    'Copy to demo/results/'
  );
  await expect(label(page).locator('.jp-LeapBuckets-dropHint')).toHaveText(
    'Hold Ctrl to move'
  );
  await page.keyboard.up('Control');
  await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
    'Move to demo/results/'
  );

  // Over the root chip: a copy to another root.
  await over(page, strip.locator('[data-root="persistent"]'));
  await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
    'Copy to Persistent: demo/'
  );
  // Over the folder the row is in already: refused, nothing lights up.
  await over(page, panel.locator('.jp-LeapBuckets-crumb.jp-mod-current'));
  await expect(label(page)).toHaveAttribute('data-mode', 'none');
  await expect(label(page)).toContainText('README.md is already in demo/.');
  await expect(panel.locator('.jp-mod-dropTarget')).toHaveCount(0);

  await page.keyboard.press('Escape'); // cancels the drag: nothing is dropped
  await expect(page.locator('body > .lm-mod-drag-image')).toHaveCount(0);
  await page.mouse.up();
  await expect(strip).toBeHidden();
  expect(await read('leap-scratch', 'demo/README.md')).not.toBeNull();
});

test('a folder dropped on a folder moves, and Undo moves it back as it was', async ({
  page
}) => {
  const name = `undo-${Date.now().toString(36)}`;
  await put('leap-scratch', `demo/${name}/a.txt`, 'first');
  await put('leap-scratch', `demo/${name}/b.txt`, 'second file');
  try {
    const panel = await openPanel(page);
    await toolbarButton(panel, 'leap-buckets:refresh').click();
    const source = row(panel, `demo/${name}/`);
    await expect(source).toBeVisible();

    await pick(page, source);
    await over(page, row(panel, 'demo/notes/'));
    await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
      'Move to demo/notes/'
    );
    await page.mouse.up();

    const done = page.locator('.Toastify__toast', {
      hasText: `Moved 2 items from gs://leap-scratch/demo/${name}/ to gs://leap-scratch/demo/notes/${name}/.`
    });
    await expect(done).toBeVisible({ timeout: 30000 });
    expect(await keys('leap-scratch', `demo/${name}/`)).toEqual([]);
    expect(await keys('leap-scratch', `demo/notes/${name}/`)).toEqual([
      `demo/notes/${name}/a.txt`,
      `demo/notes/${name}/b.txt`
    ]);

    await screenshotBothThemes(page as any, done, 'undo-offered');
    await done.locator('button', { hasText: 'Undo' }).click();
    await expect(
      page.locator('.Toastify__toast', {
        hasText: `Undone: ${name}/ is back in demo/.`
      })
    ).toBeVisible({ timeout: 30000 });
    expect(await keys('leap-scratch', `demo/notes/${name}/`)).toEqual([]);
    expect(await read('leap-scratch', `demo/${name}/a.txt`)).toBe('first');
    expect(await read('leap-scratch', `demo/${name}/b.txt`)).toBe(
      'second file'
    );
    await expect(source).toBeVisible();
  } finally {
    await remove('leap-scratch', `demo/${name}/`);
    await remove('leap-scratch', `demo/notes/${name}/`);
  }
});

test('Undo is refused, and says why, once the moved object has changed', async ({
  page
}) => {
  const name = `changed-${Date.now().toString(36)}.txt`;
  await put('leap-scratch', `demo/${name}`, 'as moved');
  try {
    const panel = await openPanel(page);
    await toolbarButton(panel, 'leap-buckets:refresh').click();
    await pick(page, row(panel, `demo/${name}`));
    await over(page, row(panel, 'demo/notes/'));
    await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
      'Move to demo/notes/'
    );
    await page.mouse.up();
    const done = page.locator('.Toastify__toast', {
      hasText: `to gs://leap-scratch/demo/notes/${name}.`
    });
    await expect(done).toBeVisible({ timeout: 30000 });
    expect(await read('leap-scratch', `demo/notes/${name}`)).toBe('as moved');

    // Someone writes the moved object again, the same size: only its time and etag differ.
    await put('leap-scratch', `demo/notes/${name}`, 'newer!!!');
    await done.locator('button', { hasText: 'Undo' }).click();
    const refused = page.locator('.Toastify__toast', {
      hasText: `Undo not done: demo/notes/${name} was changed after the move.`
    });
    await expect(refused).toBeVisible({ timeout: 15000 });
    await expect(refused).toContainText(
      'Nothing was moved back or overwritten.'
    );
    await screenshotBothThemes(page as any, refused, 'undo-refused');
    // Nothing moved: the newer version stays where it is, nothing at the old place.
    await page.waitForTimeout(1000);
    expect(await read('leap-scratch', `demo/notes/${name}`)).toBe('newer!!!');
    expect(await read('leap-scratch', `demo/${name}`)).toBeNull();
  } finally {
    await remove('leap-scratch', `demo/${name}`);
    await remove('leap-scratch', `demo/notes/${name}`);
  }
});

test("the label also tells drags between the panel and JupyterLab's file browser", async ({
  page
}) => {
  const name = `fb-${Date.now().toString(36)}`;
  fs.mkdirSync(path.join(WORKSPACE, 'notebooks', name));
  try {
    const panel = await openPanel(page);
    const browser = await fileBrowserAt(page, '/notebooks');
    const folder = fbItem(browser, name);
    await expect(folder).toBeVisible({ timeout: 15000 });
    await sidebarTab(page, 'leap-buckets-panel').click();

    // A panel row over a file browser folder: copied to the disk unless Ctrl moves it.
    await pick(page, row(panel, 'demo/README.md'));
    await over(page, sidebarTab(page, 'filebrowser'));
    await expect(browser).toBeVisible();
    await over(page, folder);
    await expect(folder).toHaveClass(/jp-LeapBuckets-fileBrowserDrop/);
    await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
      `Copy to the workspace folder notebooks/${name}/`
    );
    await expect(label(page).locator('.jp-LeapBuckets-dropHint')).toHaveText(
      'Hold Ctrl to move'
    );
    await page.keyboard.press('Escape');
    await page.mouse.up();

    // A file browser item over a panel folder: the label rides on its drag image.
    await startDrag(page as any, folder);
    await over(page, sidebarTab(page, 'leap-buckets-panel'));
    await expect(panel).toBeVisible();
    const results = row(panel, 'demo/results/');
    await over(page, results);
    await expect(results).toHaveClass(/jp-mod-dropTarget/);
    await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
      'Copy to Scratch: demo/results/'
    );
    await page.keyboard.press('Escape');
    await page.mouse.up();
    await expect(panel.locator('.jp-mod-dropTarget')).toHaveCount(0);
    expect(fs.readdirSync(path.join(WORKSPACE, 'notebooks', name))).toEqual([]);
    expect(await keys('leap-scratch', `demo/results/${name}`)).toEqual([]);
  } finally {
    fs.rmSync(path.join(WORKSPACE, 'notebooks', name), {
      recursive: true,
      force: true
    });
  }
});
