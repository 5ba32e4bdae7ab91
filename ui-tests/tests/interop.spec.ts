import * as fs from 'fs';
import * as path from 'path';

import {
  expect,
  moveTo,
  openPanel,
  row,
  sidebarTab,
  startDrag,
  test,
  WORKSPACE,
  fbItem,
  fileBrowserAt
} from './fixtures';

/**
 * Drags between the Buckets panel and JupyterLab's file browser (through the
 * spring-loaded sidebar tabs), and files dropped from the desktop.
 */

function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

test('a file dragged from the file browser onto a panel folder (its breadcrumb) is copied there', async ({
  page
}) => {
  const name = `${unique('from-disk')}.txt`;
  fs.writeFileSync(
    path.join(WORKSPACE, 'notebooks', name),
    'written on the workspace disk\n'
  );
  const panel = await openPanel(page);
  await row(panel, 'demo/results/').dblclick();
  // The current folder's breadcrumb: always in view, however long the listing.
  const folder = panel.locator('.jp-LeapBuckets-crumb.jp-mod-current');
  await expect(folder).toHaveText('results');

  const browser = await fileBrowserAt(page, '/notebooks');
  const item = fbItem(browser, name);
  await expect(item).toBeVisible({ timeout: 15000 });
  await startDrag(page, item);
  // Rest on the Buckets tab: it opens, and the drag goes on into the panel.
  await moveTo(page, sidebarTab(page, 'leap-buckets-panel'));
  await expect(panel).toBeVisible();
  await moveTo(page, folder);
  await expect(folder).toHaveClass(/jp-mod-dropTarget/);
  await page.mouse.up();

  const done = panel.locator('.jp-LeapBuckets-job[data-state="done"]', {
    hasText: name
  });
  await expect(done).toHaveCount(1, { timeout: 30000 });
  await expect(row(panel, `demo/results/${name}`)).toBeVisible();
  expect(fs.existsSync(path.join(WORKSPACE, 'notebooks', name))).toBe(true); // a copy
});

test('a panel row dragged onto a file browser folder lands in that folder', async ({
  page
}) => {
  const folderName = unique('into');
  fs.mkdirSync(path.join(WORKSPACE, 'notebooks', folderName));
  const panel = await openPanel(page);
  await row(panel, 'demo/results/').dblclick();
  const source = row(panel, 'demo/results/tiny.txt');
  await expect(source).toBeVisible();
  const browser = await fileBrowserAt(page, '/notebooks');
  await expect(fbItem(browser, folderName)).toBeVisible({ timeout: 15000 });
  await sidebarTab(page, 'leap-buckets-panel').click();
  await expect(source).toBeVisible();

  await startDrag(page, source);
  await moveTo(page, sidebarTab(page, 'filebrowser'));
  await expect(browser).toBeVisible();
  const target = fbItem(browser, folderName);
  await moveTo(page, target);
  await expect(target).toHaveClass(/jp-LeapBuckets-fileBrowserDrop/);
  await page.mouse.up();

  const landed = path.join(WORKSPACE, 'notebooks', folderName, 'tiny.txt');
  await expect.poll(() => fs.existsSync(landed), { timeout: 30000 }).toBe(true);
  expect(fs.readFileSync(landed, 'utf-8').length).toBeGreaterThan(0);
  await target.dblclick();
  await expect(fbItem(browser, 'tiny.txt')).toBeVisible({ timeout: 15000 });
});

test('files dropped from the desktop are uploaded in chunks into the folder', async ({
  page
}) => {
  const panel = await openPanel(page);
  const folder = row(panel, 'demo/results/');
  await expect(folder).toBeVisible();
  const name = `${unique('desktop')}.bin`;
  const size = 9 * 1024 * 1024 + 7; // two chunks
  const dataTransfer = await page.evaluateHandle(
    ({ name, size }) => {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) {
        bytes[i] = i % 251;
      }
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name));
      return transfer;
    },
    { name, size }
  );
  await folder.dispatchEvent('dragenter', { dataTransfer });
  await folder.dispatchEvent('dragover', { dataTransfer });
  await expect(folder).toHaveClass(/jp-mod-dropTarget/);
  await folder.dispatchEvent('drop', { dataTransfer });

  const done = panel.locator('.jp-LeapBuckets-job[data-state="done"]', {
    hasText: name
  });
  await expect(done).toHaveCount(1, { timeout: 30000 });
  // What landed, read back through the server's object route (same origin, logged in).
  const check = await page.evaluate(
    async ({ name }) => {
      const base = (window as any).jupyterapp.serviceManager.serverSettings
        .baseUrl;
      const url = `${base}leap-buckets/api/object?root=scratch&path=${encodeURIComponent(`demo/results/${name}`)}`;
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      return { length: bytes.length, ok: bytes.every((b, i) => b === i % 251) };
    },
    { name }
  );
  expect(check).toEqual({ length: size, ok: true });
});
