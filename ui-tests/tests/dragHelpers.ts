import type { Locator, Page } from '@playwright/test';

import { GCS, expect, moveTo, startDrag } from './fixtures';

/**
 * Helpers of the dragging specs (dragging.spec.ts, readOnlyDrops.spec.ts): objects read
 * and written through fake-gcs-server's own API, not through the panel; a drag started
 * again if the listing re-renders under the pointer; the drag image's label.
 */

export async function put(bucket: string, key: string, body: string) {
  const url = `${GCS}/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(key)}`;
  expect((await fetch(url, { method: 'POST', body })).ok).toBe(true);
}

/** An object's bytes as text; null when absent. */
export async function read(
  bucket: string,
  key: string
): Promise<string | null> {
  const response = await fetch(
    `${GCS}/storage/v1/b/${bucket}/o/${encodeURIComponent(key)}?alt=media`
  );
  return response.status === 404 ? null : await response.text();
}

/** The keys under a prefix, sorted. */
export async function keys(bucket: string, prefix: string): Promise<string[]> {
  const response = await fetch(
    `${GCS}/storage/v1/b/${bucket}/o?prefix=${encodeURIComponent(prefix)}`
  );
  const items = ((await response.json()).items ?? []) as { name: string }[];
  return items.map(item => item.name).sort();
}

export async function remove(bucket: string, prefix: string) {
  for (const key of await keys(bucket, prefix)) {
    await fetch(`${GCS}/storage/v1/b/${bucket}/o/${encodeURIComponent(key)}`, {
      method: 'DELETE'
    });
  }
}

/** Start dragging `from` (again, if the listing re-rendered under the pointer). */
export async function pick(page: Page, from: Locator) {
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

/** Move the pointer (the button held) over `to`, again if the rows re-render meanwhile. */
export async function over(page: Page, to: Locator) {
  await expect(() => moveTo(page as any, to)).toPass({ timeout: 15000 });
}

/** Where an element's top is (measured again if the rows re-render meanwhile). */
export async function topOf(what: Locator): Promise<number> {
  let y = NaN;
  await expect(async () => {
    const box = await what.boundingBox({ timeout: 1000 });
    expect(box).not.toBeNull();
    y = box!.y;
  }).toPass({ timeout: 15000 });
  return y;
}

/** Screenshots of a page region in both themes, for what overlaps the panel. */
export async function shotBothThemes(
  page: any,
  clip: { x: number; y: number; width: number; height: number },
  name: string
) {
  await page.screenshot({ path: `screenshots/${name}-light.png`, clip });
  await page.theme.setDarkTheme();
  await page.screenshot({ path: `screenshots/${name}-dark.png`, clip });
  await page.theme.setLightTheme();
}

export const label = (page: Page) =>
  page.locator('body > .lm-mod-drag-image .jp-LeapBuckets-dropLabel');
