/**
 * Alice through the hub: she logs in on the hub's page, the panel opens at her own
 * gs://leap-scratch/alice/, a file from her workspace is dragged into scratch, and a Zarr
 * store of hers is planned and deleted, with the audit log naming her.
 */
import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

import {
  currentCrumb,
  command,
  fileBrowserItem,
  gcsKeys,
  gcsPut,
  gcsText,
  home,
  logIn,
  moveTo,
  openPanel,
  row,
  sidebarTab,
  startDrag,
  unique,
  writeHomeFile
} from './hub';

test('alice logs in on the hub and the panel opens at alice/ in scratch', async ({
  page
}) => {
  await logIn(page, 'alice');
  expect(new URL(page.url()).pathname).toMatch(/^\/user\/alice\/lab/);
  const panel = await openPanel(page);
  await expect(panel.locator('.jp-LeapBuckets-rootSelect')).toHaveValue(
    'scratch'
  );
  await expect(currentCrumb(panel)).toHaveText('alice');
  // What scripts/hub_seed.py put under alice/, and nothing of anyone else's.
  await expect(row(panel, 'alice/README.md')).toBeVisible();
  await expect(row(panel, 'alice/results/')).toBeVisible();
  await expect(row(panel, 'alice/ocean.zarr/')).toHaveAttribute(
    'data-type',
    'zarr'
  );
  const paths = await panel
    .locator('.jp-LeapBuckets-row')
    .evaluateAll(rows => rows.map(r => (r as HTMLElement).dataset.path));
  expect(paths.every(p => p!.startsWith('alice/'))).toBe(true);
});

test("a file dragged from alice's workspace onto scratch is copied to alice/", async ({
  page
}) => {
  const name = `${unique('from-workspace')}.txt`;
  const text = `written in alice's home on the hub (${name})\n`;
  writeHomeFile('alice', name, text);
  await logIn(page, 'alice');
  const panel = await openPanel(page);
  const folder = currentCrumb(panel);
  await expect(folder).toHaveText('alice');

  const item = await fileBrowserItem(page, name);
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
  await expect(done).toHaveCount(1, { timeout: 60000 });
  await expect(row(panel, `alice/${name}`)).toBeVisible();
  // The bucket itself, read without our server: the same bytes under alice/.
  expect(await gcsText(`alice/${name}`)).toBe(text);
  expect(fs.readFileSync(path.join(home('alice'), name), 'utf-8')).toBe(text); // a copy
});

test('alice plans and deletes a Zarr store under alice/, and the audit log names her', async ({
  page
}) => {
  const name = `${unique('doomed')}.zarr`;
  const store = `alice/${name}/`;
  await gcsPut(`${store}.zgroup`, '{"zarr_format": 2}');
  await gcsPut(
    `${store}t/.zarray`,
    '{"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<f4", "compressor": null, "fill_value": 0, "order": "C", "filters": null}'
  );
  await gcsPut(`${store}t/0`, 'aaaaaaaa');
  await gcsPut(`${store}t/1`, 'bbbbbbbb');
  await gcsPut(`alice/${name}-keep.txt`, 'a neighbour sharing the prefix\n');

  await logIn(page, 'alice');
  const panel = await openPanel(page);
  await command(page, 'leap-buckets:refresh');
  const target = row(panel, store);
  await expect(target).toHaveAttribute('data-type', 'zarr');
  await target.click();
  await page.keyboard.press('Delete');

  const dialog = page.locator('.jp-LeapBuckets-deleteDialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('.jp-LeapBuckets-deleteUrl')).toHaveText(
    `gs://leap-scratch/${store}`
  );
  await expect(dialog.locator('[data-fact="type"]')).toHaveText('Zarr store');
  await expect(dialog.locator('[data-fact="objects"]')).toHaveText('4');
  const confirm = dialog.locator('.jp-Dialog-button.jp-mod-warn');
  await expect(confirm).toBeDisabled();
  await dialog.locator('input').fill(name);
  await expect(confirm).toBeEnabled();
  const started = Date.now();
  await confirm.click();

  const job = panel
    .locator('.jp-LeapBuckets-job', {
      hasText: `Delete gs://leap-scratch/${store}`
    })
    .first();
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 60000 });
  await expect(target).toHaveCount(0);
  expect(await gcsKeys(store)).toEqual([]);
  expect(await gcsText(`alice/${name}-keep.txt`)).not.toBeNull();

  // The audit log of alice's server (<jupyter data dir>/leap_buckets/, her HOME being
  // her home on the hub): one line for this job, naming her as the one who acted.
  const audit = path.join(
    home('alice'),
    '.local',
    'share',
    'jupyter',
    'leap_buckets',
    'deletes.jsonl'
  );
  let line: any = undefined;
  await expect
    .poll(
      () => {
        if (!fs.existsSync(audit)) {
          return undefined;
        }
        line = fs
          .readFileSync(audit, 'utf-8')
          .split('\n')
          .filter(Boolean)
          .map(l => JSON.parse(l))
          .find(l => l.path === store);
        return line?.user;
      },
      { timeout: 15000 }
    )
    .toBe('alice');
  expect(line.root).toBe('scratch');
  expect(line.owner).toBe('alice');
  expect(line.deleted).toBe(4);
  expect(line.state).toBe('done');
  expect(Date.parse(line.end)).toBeGreaterThanOrEqual(started - 5000);
});
