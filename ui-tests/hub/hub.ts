/**
 * Helpers for the tests through JupyterHub (scripts/hub): logging in on the hub's own
 * login page, JupyterLab's readiness, the panel, drags, and independent checks of the
 * bucket (fake-gcs-server's JSON API, never our server).
 */
import { expect, Locator, Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

export const HUB = `http://127.0.0.1:${process.env.LEAP_BUCKETS_HUB_PORT ?? '8000'}`;
export const GCS = `http://127.0.0.1:${process.env.LEAP_BUCKETS_GCS_PORT ?? '4443'}`;
export const PASSWORD = process.env.LEAP_BUCKETS_HUB_PASSWORD ?? 'leap-buckets';
export const STATE = path.resolve(__dirname, '..', '..', '.stack', 'hub');

/** A user's home: the single-user server's root folder (the workspace). */
export function home(user: string): string {
  return path.join(STATE, 'home', user);
}

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

/** Log in on the hub's login page; the hub starts the user's server and opens /lab. */
export async function logIn(page: Page, user: string): Promise<void> {
  await page.goto('/hub/login');
  await page.locator('#username_input').fill(user);
  await page.locator('#password_input').fill(PASSWORD);
  await page.locator('#login_submit').click();
  // The spawn-pending page follows the start and moves on by itself.
  await page.waitForURL(new RegExp(`/user/${user}/lab`), { timeout: 120000 });
  await waitForLab(page);
}

/** JupyterLab started and its layout restored. */
export async function waitForLab(page: Page): Promise<void> {
  await page
    .locator('#jupyterlab-splash')
    .waitFor({ state: 'detached', timeout: 120000 });
  await page.waitForFunction(
    () => typeof (window as any).jupyterapp === 'object'
  );
  await page.evaluate(() => (window as any).jupyterapp.started);
  // The layout is restored after the start: a sidebar shown before may be hidden again.
  await page.evaluate(() => (window as any).jupyterapp.restored);
}

/** Save the extension's settings for this user (then reload: they are read at start). */
export async function saveSettings(
  page: Page,
  values: Record<string, unknown>
): Promise<void> {
  await page.evaluate(
    raw =>
      (window as any).jupyterapp.serviceManager.settings.save(
        'jupyterlab-leap-buckets:plugin',
        raw
      ),
    JSON.stringify(values)
  );
}

export async function command(
  page: Page,
  id: string,
  args: Record<string, unknown> = {}
): Promise<void> {
  await page.evaluate(
    ({ id, args }) => (window as any).jupyterapp.commands.execute(id, args),
    { id, args }
  );
}

export function sidebarTab(page: Page, id: string): Locator {
  return page.locator(`.jp-SideBar.jp-mod-left [data-id="${id}"]`);
}

/** Show a left sidebar widget (activating, never toggling: it may be open already). */
export async function activate(page: Page, id: string): Promise<void> {
  await page.evaluate(
    id => (window as any).jupyterapp.shell.activateById(id),
    id
  );
}

export async function openPanel(page: Page): Promise<Locator> {
  const panel = page.locator('#leap-buckets-panel');
  await expect(async () => {
    await activate(page, 'leap-buckets-panel');
    await expect(panel).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30000 });
  await expect(panel.locator('.jp-LeapBuckets-row').first()).toBeVisible({
    timeout: 30000
  });
  return panel;
}

export function row(panel: Locator, key: string): Locator {
  return panel.locator(`.jp-LeapBuckets-row[data-path="${key}"]`);
}

export function currentCrumb(panel: Locator): Locator {
  return panel.locator('.jp-LeapBuckets-crumb.jp-mod-current');
}

/** The file browser at its root (the user's home), with `name` in view. */
export async function fileBrowserItem(
  page: Page,
  name: string
): Promise<Locator> {
  await activate(page, 'filebrowser');
  await command(page, 'filebrowser:go-to-path', {
    path: '/',
    dontShowBrowser: true
  });
  const item = page.locator('#filebrowser .jp-DirListing-item', {
    hasText: name
  });
  await expect(async () => {
    await command(page, 'filebrowser:refresh');
    await expect(item).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30000 });
  return item;
}

/** Press the mouse on `from` and move a little, so a Lumino drag starts. */
export async function startDrag(page: Page, from: Locator): Promise<void> {
  await from.scrollIntoViewIfNeeded();
  const box = (await from.boundingBox())!;
  await page.mouse.move(box.x + 30, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 60, box.y + box.height / 2 + 10, { steps: 5 });
}

/** Move the pointer (the button held) to the middle of `to`. */
export async function moveTo(page: Page, to: Locator): Promise<void> {
  await to.scrollIntoViewIfNeeded();
  const box = (await to.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, {
    steps: 10
  });
}

/** A notification (JupyterLab's toasts) holding `text`. */
export function toast(page: Page, text: string | RegExp): Locator {
  return page.locator('.Toastify__toast', { hasText: text });
}

// -- fake-gcs-server, read and written directly ----------------------------------------

export async function gcsPut(key: string, body: string): Promise<void> {
  const url = `${GCS}/upload/storage/v1/b/leap-scratch/o?uploadType=media&name=${encodeURIComponent(key)}`;
  const response = await fetch(url, { method: 'POST', body });
  expect(response.ok).toBe(true);
}

/** Every object under `prefix` as "key generation md5", sorted. */
export async function gcsState(prefix: string): Promise<string[]> {
  const out: string[] = [];
  let pageToken = '';
  do {
    const response = await fetch(
      `${GCS}/storage/v1/b/leap-scratch/o?prefix=${encodeURIComponent(prefix)}&pageToken=${pageToken}`
    );
    expect(response.ok).toBe(true);
    const body = await response.json();
    for (const item of body.items ?? []) {
      out.push(`${item.name} ${item.generation} ${item.md5Hash}`);
    }
    pageToken = body.nextPageToken ?? '';
  } while (pageToken);
  return out.sort();
}

export async function gcsKeys(prefix: string): Promise<string[]> {
  return (await gcsState(prefix)).map(line => line.split(' ')[0]);
}

/** An object's bytes as text, or null when it does not exist. */
export async function gcsText(key: string): Promise<string | null> {
  const response = await fetch(
    `${GCS}/storage/v1/b/leap-scratch/o/${encodeURIComponent(key)}?alt=media`
  );
  if (response.status === 404) {
    return null;
  }
  expect(response.ok).toBe(true);
  return response.text();
}

export function writeHomeFile(user: string, name: string, text: string): void {
  fs.mkdirSync(home(user), { recursive: true });
  fs.writeFileSync(path.join(home(user), name), text);
}
