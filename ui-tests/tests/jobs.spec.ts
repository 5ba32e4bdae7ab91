import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import {
  expect,
  fbItem,
  fileBrowserAt,
  GCS,
  openPanel,
  row,
  screenshotBothThemes,
  test,
  sidebarTab,
  WORKSPACE
} from './fixtures';

/**
 * The jobs pane (#21 items 9 and 10): a folder copy shows an indeterminate bar while it
 * lists; cancelled, it says what it left at its target and offers Delete… and Resume,
 * and Resume finishes it (checked object by object with fake-gcs-server's own API); the
 * pane collapses, clears finished jobs, and a click on a job reveals its target.
 */

const FILES = 2500;

function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

/** A workspace folder of `count` small files, each with different bytes. */
function localFolder(name: string, count: number): string {
  const dir = path.join(WORKSPACE, 'notebooks', name);
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    fs.writeFileSync(
      path.join(dir, `f-${String(i).padStart(5, '0')}.txt`),
      `${name} ${i}\n`
    );
  }
  return dir;
}

/** name → MD5 (base64) of every object under `prefix`, from fake-gcs-server's own API. */
async function gcsObjects(
  bucket: string,
  prefix: string
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let token = '';
  do {
    const response = await fetch(
      `${GCS}/storage/v1/b/${bucket}/o?prefix=${encodeURIComponent(prefix)}` +
        (token ? `&pageToken=${encodeURIComponent(token)}` : '')
    );
    const body = await response.json();
    for (const item of body.items ?? []) {
      found.set(item.name.slice(prefix.length), item.md5Hash);
    }
    token = body.nextPageToken ?? '';
  } while (token);
  return found;
}

/** Select a workspace item in the file browser and copy it to a root's home. */
async function copyToBucket(page: any, name: string, root: string) {
  const browser = await fileBrowserAt(page, '/notebooks');
  const item = fbItem(browser, name);
  await expect(item).toBeVisible({ timeout: 15000 });
  await item.click();
  await page.evaluate(
    (root: string) =>
      (window as any).jupyterapp.commands.execute(
        'leap-buckets:copy-to-bucket',
        { root }
      ),
    root
  );
}

/** The Buckets panel shown (after the file browser was, or a reload restored it). */
async function showPanel(page: any) {
  const panel = page.locator('#leap-buckets-panel');
  await expect(async () => {
    if (!(await panel.isVisible())) {
      await sidebarTab(page, 'leap-buckets-panel').click();
    }
    await expect(panel).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20000 });
  await expect(panel.locator('.jp-LeapBuckets-row').first()).toBeVisible();
  return panel;
}

async function apiJob(page: any, id: string): Promise<any> {
  return page.evaluate(async (id: string) => {
    const base = (window as any).jupyterapp.serviceManager.serverSettings
      .baseUrl;
    return (await fetch(`${base}leap-buckets/api/jobs/${id}`)).json();
  }, id);
}

test('a cancelled folder copy says what it left, and Resume finishes it', async ({
  page
}) => {
  const name = unique('jobs-cancel');
  const dir = localFolder(name, FILES);
  const panel = await openPanel(page);
  await copyToBucket(page, name, 'persistent');
  await showPanel(page);

  const job = panel.locator('.jp-LeapBuckets-job', {
    hasText: `Copy ${name} → persistent: demo/${name}/`
  });
  await expect(job).toHaveAttribute('data-state', 'running', {
    timeout: 30000
  });
  // While it lists: an indeterminate bar and what is copied so far, no total.
  await expect(job.locator('.jp-LeapBuckets-jobText')).toContainText(
    /Listing… \d+ copied so far/
  );
  await expect(job.locator('.jp-LeapBuckets-progress')).toHaveClass(
    /jp-mod-indeterminate/
  );
  await expect(job.locator('.jp-LeapBuckets-jobText')).not.toContainText(
    ` of ${FILES}`
  );
  // The running job's row re-renders with each progress event: again if it did meanwhile.
  await expect(() => job.scrollIntoViewIfNeeded({ timeout: 2000 })).toPass({
    timeout: 15000
  });
  await screenshotBothThemes(page, panel, 'jobs-listing');
  await job.locator('.jp-LeapBuckets-cancel').click();
  await expect(job).toHaveAttribute('data-state', 'cancelled', {
    timeout: 30000
  });

  const left = job.locator('.jp-LeapBuckets-jobLeftover');
  await expect(left).toContainText(
    `this job wrote are at persistent: demo/${name}/`
  );
  const written = Number(/^(\d+) objects/.exec(await left.innerText())![1]);
  const landed = await gcsObjects('leap-persistent', `demo/${name}/`);
  expect(landed.size).toBe(written);
  expect(written).toBeGreaterThan(0);
  expect(written).toBeLessThan(FILES);
  await expect(job.locator('[data-delete-left]')).toBeVisible();
  await expect(() => job.scrollIntoViewIfNeeded({ timeout: 2000 })).toPass({
    timeout: 15000
  });
  await screenshotBothThemes(page, panel, 'jobs-cancelled');

  await job.locator('[data-resume]').click();
  const resumed = panel.locator('.jp-LeapBuckets-job', {
    hasText: `Resume: Copy ${name} → persistent: demo/${name}/`
  });
  await expect(resumed).toHaveAttribute('data-state', 'done', {
    timeout: 60000
  });
  const answer = await apiJob(page, (await resumed.getAttribute('data-job'))!);
  expect(answer.objectsSkipped).toBe(written);
  expect(answer.objectsDone).toBe(FILES);

  // Every file is there, with its own bytes, as fake-gcs-server's own listing says.
  const objects = await gcsObjects('leap-persistent', `demo/${name}/`);
  expect(objects.size).toBe(FILES);
  for (const file of fs.readdirSync(dir)) {
    const md5 = crypto
      .createHash('md5')
      .update(fs.readFileSync(path.join(dir, file)))
      .digest('base64');
    expect(objects.get(file)).toBe(md5);
  }
});

test('the jobs pane collapses, clears finished jobs, and a click reveals a job’s target', async ({
  page
}) => {
  const name = unique('jobs-pane');
  localFolder(name, 2);
  const panel = await openPanel(page);
  await copyToBucket(page, name, 'persistent');
  await showPanel(page);
  const pane = panel.locator('.jp-LeapBuckets-transfers');
  const job = panel.locator('.jp-LeapBuckets-job', {
    hasText: `Copy ${name} → persistent: demo/${name}/`
  });
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 30000 });

  // A new page: nothing runs, so the pane starts collapsed, saying what it holds.
  await page.reload();
  await showPanel(page);
  await expect(pane).toHaveClass(/jp-mod-collapsed/);
  await expect(job).toBeHidden();
  await expect(pane.locator('.jp-LeapBuckets-transfersToggle')).toContainText(
    /Jobs · \d+ finished/
  );
  const box = (await pane.boundingBox())!;
  const whole = (await panel.boundingBox())!;
  expect(box.height).toBeLessThan(whole.height * 0.1);
  await screenshotBothThemes(page, panel, 'jobs-collapsed');

  await pane.locator('.jp-LeapBuckets-transfersToggle').click();
  await expect(job).toBeVisible();
  // A click on the job opens its target's folder in its root, the target selected.
  await job.locator('.jp-LeapBuckets-jobLabel').click();
  await expect(panel.locator('.jp-LeapBuckets-rootSelect')).toHaveValue(
    'persistent'
  );
  await expect(row(panel, `demo/${name}/`)).toHaveClass(/jp-mod-selected/);

  await pane.locator('.jp-LeapBuckets-clearFinished').click();
  await expect(job).toHaveCount(0);
  // Cleared for the session: a reload does not bring it back.
  await page.reload();
  await showPanel(page);
  await expect(job).toHaveCount(0);
});
