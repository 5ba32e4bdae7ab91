import type { Locator, Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

import {
  GCS,
  expect,
  fbItem,
  fileBrowserAt,
  moveTo,
  openPanel,
  row,
  screenshotBothThemes,
  sidebarTab,
  startDrag,
  test,
  toolbarButton,
  WORKSPACE
} from './fixtures';

/**
 * Dragging (issue 21, items 2 and 8): the drag image says what a drop does and which key
 * switches; a finished move offers Undo, refused once what it moved has changed; places
 * the user cannot write in are marked, refuse drops and say why their menu items are off.
 * What lands where is checked through fake-gcs-server's own API, not through the panel.
 */

async function put(bucket: string, key: string, body: string) {
  const url = `${GCS}/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(key)}`;
  expect((await fetch(url, { method: 'POST', body })).ok).toBe(true);
}

/** An object's bytes as text; null when absent. */
async function read(bucket: string, key: string): Promise<string | null> {
  const response = await fetch(
    `${GCS}/storage/v1/b/${bucket}/o/${encodeURIComponent(key)}?alt=media`
  );
  return response.status === 404 ? null : await response.text();
}

/** The keys under a prefix, sorted. */
async function keys(bucket: string, prefix: string): Promise<string[]> {
  const response = await fetch(
    `${GCS}/storage/v1/b/${bucket}/o?prefix=${encodeURIComponent(prefix)}`
  );
  const items = ((await response.json()).items ?? []) as { name: string }[];
  return items.map(item => item.name).sort();
}

async function remove(bucket: string, prefix: string) {
  for (const key of await keys(bucket, prefix)) {
    await fetch(`${GCS}/storage/v1/b/${bucket}/o/${encodeURIComponent(key)}`, {
      method: 'DELETE'
    });
  }
}

/** Start dragging `from` (again, if the listing re-rendered under the pointer). */
async function pick(page: Page, from: Locator) {
  await expect(async () => {
    try {
      await startDrag(page as any, from);
    } catch (error) {
      await page.mouse.up();
      throw error;
    }
    await expect(page.locator('body > .lm-mod-drag-image')).toBeVisible({
      timeout: 1000
    });
  }).toPass({ timeout: 15000 });
}

/** Where an element's top is (measured again if the rows re-render meanwhile). */
async function topOf(what: Locator): Promise<number> {
  let y = NaN;
  await expect(async () => {
    const box = await what.boundingBox({ timeout: 1000 });
    expect(box).not.toBeNull();
    y = box!.y;
  }).toPass({ timeout: 15000 });
  return y;
}

/** Screenshots of a page region in both themes, for what overlaps the panel. */
async function shotBothThemes(
  page: any,
  clip: { x: number; y: number; width: number; height: number },
  name: string
) {
  await page.screenshot({ path: `screenshots/${name}-light.png`, clip });
  await page.theme.setDarkTheme();
  await page.screenshot({ path: `screenshots/${name}-dark.png`, clip });
  await page.theme.setLightTheme();
}

const label = (page: Page) =>
  page.locator('body > .lm-mod-drag-image .jp-LeapBuckets-dropLabel');

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

  await moveTo(page as any, folder);
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
  await moveTo(page as any, strip.locator('[data-root="persistent"]'));
  await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
    'Copy to Persistent: demo/'
  );
  // Over the folder the row is in already: refused, nothing lights up.
  await moveTo(
    page as any,
    panel.locator('.jp-LeapBuckets-crumb.jp-mod-current')
  );
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
    await moveTo(page as any, row(panel, 'demo/notes/'));
    await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
      'Move to demo/notes/'
    );
    await page.mouse.up();

    const done = page.locator('.Toastify__toast', {
      hasText: `Move gs://leap-scratch/demo/${name}/ to gs://leap-scratch/demo/notes/${name}/: done.`
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
    await moveTo(page as any, row(panel, 'demo/notes/'));
    await expect(label(page).locator('.jp-LeapBuckets-dropText')).toHaveText(
      'Move to demo/notes/'
    );
    await page.mouse.up();
    const done = page.locator('.Toastify__toast', {
      hasText: `to gs://leap-scratch/demo/notes/${name}: done.`
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
  await moveTo(page as any, row(panel, 'CMIP6/'));
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
  await moveTo(page as any, row(panel, 'other-user/run.zarr/'));
  await expect(label(page)).toHaveAttribute('data-mode', 'none');
  await expect(label(page)).toContainText(
    'Not yours: in Scratch you can write only inside demo/.'
  );
  await expect(row(panel, 'other-user/run.zarr/')).not.toHaveClass(
    /jp-mod-dropTarget/
  );
  await moveTo(page as any, strip.locator('[data-root="persistent"]'));
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
    await moveTo(page as any, sidebarTab(page, 'filebrowser'));
    await expect(browser).toBeVisible();
    await moveTo(page as any, folder);
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
    await moveTo(page as any, sidebarTab(page, 'leap-buckets-panel'));
    await expect(panel).toBeVisible();
    const results = row(panel, 'demo/results/');
    await moveTo(page as any, results);
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
