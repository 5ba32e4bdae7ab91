import * as fs from 'fs';
import * as path from 'path';

import {
  expect,
  GCS,
  openPanel,
  row,
  screenshotBothThemes,
  test,
  WORKSPACE,
  fbItem,
  fileBrowserAt
} from './fixtures';

/**
 * Copy to Bucket and Move to Bucket in JupyterLab's own file browser: its context menu's
 * submenus, the jobs they start, and the objects checked with fake-gcs-server's own API.
 */

function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

/** A folder of the workspace's `notebooks` folder with two files, one in a subfolder. */
function localFolder(name: string): string {
  const dir = path.join(WORKSPACE, 'notebooks', name);
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'a.txt'), 'first file\n');
  fs.writeFileSync(path.join(dir, 'sub', 'b.txt'), 'second file, deeper\n');
  return dir;
}

/** fake-gcs-server's own JSON API: a check independent of our server. */
async function gcsKeys(bucket: string, prefix: string): Promise<string[]> {
  const response = await fetch(
    `${GCS}/storage/v1/b/${bucket}/o?prefix=${encodeURIComponent(prefix)}`
  );
  const body = await response.json();
  return (body.items ?? []).map((item: { name: string }) => item.name).sort();
}

async function gcsText(bucket: string, key: string): Promise<string> {
  const response = await fetch(
    `${GCS}/storage/v1/b/${bucket}/o/${encodeURIComponent(key)}?alt=media`
  );
  return response.text();
}

/** Right-click a file browser item and open one of our submenus. */
async function openSubmenu(
  page: any,
  item: any,
  title: 'Copy to Bucket' | 'Move to Bucket'
) {
  await item.click({ button: 'right' });
  await page
    .locator('.lm-Menu-item[data-type="submenu"]', { hasText: title })
    .click();
  const submenu = page.locator(
    title === 'Copy to Bucket'
      ? '#jp-LeapBuckets-copyToBucket'
      : '#jp-LeapBuckets-moveToBucket'
  );
  await expect(submenu).toBeVisible();
  return submenu;
}

function entry(submenu: any, label: string | RegExp) {
  return submenu.locator('.lm-Menu-item[data-command]', { hasText: label });
}

test('Copy to Bucket ▸ Scratch copies a file browser folder to the scratch home as a job', async ({
  page
}) => {
  const name = unique('copy-dir');
  const dir = localFolder(name);
  const panel = await openPanel(page); // the roots are loaded; the panel shows demo/
  const browser = await fileBrowserAt(page, '/notebooks');
  const item = fbItem(browser, name);
  await expect(item).toBeVisible({ timeout: 15000 });

  const submenu = await openSubmenu(page, item, 'Copy to Bucket');
  // The writable roots only (the read-only OSN manual and pipeline never appear), then
  // the picker.
  await expect(
    submenu.locator(
      '.lm-Menu-item:not([data-type="separator"]) .lm-Menu-itemLabel'
    )
  ).toHaveText(['Scratch', 'Persistent', 'OSN inbox', 'Choose Folder…']);
  await screenshotBothThemes(page, submenu, 'copy-to-bucket-menu');
  await entry(submenu, 'Scratch').click();

  const job = panel.locator('.jp-LeapBuckets-job', {
    hasText: `${name} → scratch: demo/${name}/`
  });
  await expect(job).toHaveCount(1, { timeout: 30000 });
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 30000 });
  expect(await gcsKeys('leap-scratch', `demo/${name}/`)).toEqual([
    `demo/${name}/a.txt`,
    `demo/${name}/sub/b.txt`
  ]);
  expect(await gcsText('leap-scratch', `demo/${name}/sub/b.txt`)).toBe(
    'second file, deeper\n'
  );
  expect(fs.existsSync(path.join(dir, 'a.txt'))).toBe(true); // a copy keeps them

  // The end notification shows the result in the panel.
  await page
    .locator('.Toastify__toast', { hasText: name })
    .locator('.jp-toast-button', { hasText: 'Show in Buckets' })
    .click();
  await expect(panel).toBeVisible();
  await expect(row(panel, `demo/${name}/`)).toHaveClass(/jp-mod-selected/);
});

test('Move to Bucket goes to the folder the panel shows, and removes each local file only once its object is there', async ({
  page
}) => {
  const name = unique('move-dir');
  const dir = localFolder(name);
  const panel = await openPanel(page);
  await row(panel, 'demo/results/').dblclick();
  await expect(
    panel.locator('.jp-LeapBuckets-crumb.jp-mod-current')
  ).toHaveText('results');
  const browser = await fileBrowserAt(page, '/notebooks');
  const item = fbItem(browser, name);
  await expect(item).toBeVisible({ timeout: 15000 });

  const submenu = await openSubmenu(page, item, 'Move to Bucket');
  // The panel shows a folder of scratch: that folder is the target.
  await entry(submenu, 'Scratch: demo/results/').click();

  // Watch the local files: the moment one is gone, its object must be in the bucket.
  // (The server removes files, not folders: the emptied folders stay on the disk.)
  const prefix = `demo/results/${name}/`;
  const files: [string, string][] = [
    [path.join(dir, 'a.txt'), `${prefix}a.txt`],
    [path.join(dir, 'sub', 'b.txt'), `${prefix}sub/b.txt`]
  ];
  const seenGone = new Set<string>();
  const deadline = Date.now() + 30000;
  while (seenGone.size < files.length && Date.now() < deadline) {
    for (const [file, key] of files) {
      if (!seenGone.has(key) && !fs.existsSync(file)) {
        seenGone.add(key);
        expect(await gcsKeys('leap-scratch', prefix)).toContain(key);
      }
    }
    await page.waitForTimeout(50);
  }
  expect([...seenGone].sort()).toEqual(files.map(([, key]) => key).sort());
  expect(await gcsKeys('leap-scratch', prefix)).toEqual(
    files.map(([, key]) => key).sort()
  );
  expect(await gcsText('leap-scratch', `${prefix}a.txt`)).toBe('first file\n');

  const job = panel.locator('.jp-LeapBuckets-job', {
    hasText: `${name} → scratch: ${prefix}`
  });
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 30000 });
});

test('Copy to Bucket ▸ Choose Folder… picks a folder of another root', async ({
  page
}) => {
  const name = `${unique('picked')}.txt`;
  fs.writeFileSync(path.join(WORKSPACE, 'notebooks', name), 'picked\n');
  const panel = await openPanel(page);
  const browser = await fileBrowserAt(page, '/notebooks');
  const item = fbItem(browser, name);
  await expect(item).toBeVisible({ timeout: 15000 });

  const submenu = await openSubmenu(page, item, 'Copy to Bucket');
  await entry(submenu, 'Choose Folder…').click();
  const picker = page.locator('.jp-Dialog .jp-LeapBuckets-folderPicker');
  await expect(picker).toBeVisible();
  await picker.locator('.jp-LeapBuckets-rootSelect').selectOption('persistent');
  await expect(
    picker.locator('.jp-LeapBuckets-crumb.jp-mod-current')
  ).toHaveText('demo');
  // The bucket's top lies outside the home: the picker says so and will not copy there.
  await picker.locator('.jp-LeapBuckets-crumb').first().click();
  await expect(picker.locator('.jp-LeapBuckets-pickerWhy')).toHaveText(
    'You can write only inside gs://leap-persistent/demo/.'
  );
  await expect(page.locator('.jp-Dialog .jp-mod-accept')).toBeDisabled();
  await picker
    .locator('.jp-LeapBuckets-pickerFolder[data-path="demo/"]')
    .click();
  await expect(picker.locator('.jp-LeapBuckets-pickerWhy')).toHaveText('');
  await page.locator('.jp-Dialog .jp-mod-accept').click();

  const job = panel.locator('.jp-LeapBuckets-job', {
    hasText: `${name} → persistent: demo/${name}`
  });
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 30000 });
  expect(await gcsKeys('leap-persistent', `demo/${name}`)).toEqual([
    `demo/${name}`
  ]);
});
