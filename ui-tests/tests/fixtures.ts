import {
  expect,
  IJupyterLabPageFixture,
  test as base
} from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as path from 'path';

// Galata's own `tmpPath` makes a folder through the contents API at the server's root
// URL, ignoring the base URL /user/demo/ that a hub gives; use the workspace's
// `notebooks` folder, which dev/jupyter_server_config.py makes.
// Galata 5.6's readiness check looks for a `jp-mod-current` launcher tab that
// JupyterLab 4.6.6 no longer marks; wait for the application's own `started` instead.
export const test = base.extend<{ tmpPath: string }>({
  tmpPath: async ({}, use) => use('notebooks'),
  waitForApplication: async ({}, use) => {
    await use(async page => {
      await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
      await page.waitForFunction(
        () => typeof (window as any).jupyterapp === 'object'
      );
      await page.evaluate(() => (window as any).jupyterapp.started);
    });
  }
});

export { expect };

/** fake-gcs-server, for checks independent of our server. */
export const GCS = `http://127.0.0.1:${process.env.LEAP_BUCKETS_GCS_PORT ?? '4443'}`;

/** The Jupyter server's root folder (dev/jupyter_server_config.py). */
export const WORKSPACE =
  process.env.LEAP_BUCKETS_WORKSPACE ??
  path.resolve(__dirname, '..', '..', '.stack', 'workspace');

export async function openPanel(
  page: IJupyterLabPageFixture
): Promise<Locator> {
  // JupyterLab opens its Launcher once it has restored the layout, and activating it
  // takes the keyboard focus: a test that pressed keys in the listing before that lost
  // them to the Launcher (seen with End, then Home). Wait for it first.
  await expect(page.locator('.jp-Launcher')).toBeVisible();
  await sidebarTab(page, 'leap-buckets-panel').click();
  const panel = page.locator('#leap-buckets-panel');
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-LeapBuckets-row').first()).toBeVisible();
  return panel;
}

export function sidebarTab(page: IJupyterLabPageFixture, id: string): Locator {
  return page.locator(`.jp-SideBar.jp-mod-left [data-id="${id}"]`);
}

/** The panel's toolbar button for a command ('leap-buckets:refresh'). */
export function toolbarButton(panel: Locator, command: string): Locator {
  return panel.locator(
    `.jp-LeapBuckets-toolbar .jp-ToolbarButtonComponent[data-command="${command}"]`
  );
}

/**
 * Whether a toolbar button is disabled. JupyterLab's toolbar buttons are <jp-button>
 * elements, whose state shows as aria-disabled (Playwright's toBeDisabled reads native
 * buttons only).
 */
export async function expectDisabled(
  button: Locator,
  disabled = true
): Promise<void> {
  if (disabled) {
    await expect(button).toHaveAttribute('aria-disabled', 'true');
  } else {
    await expect(button).not.toHaveAttribute('aria-disabled', 'true');
  }
}

export function row(panel: Locator, path: string): Locator {
  return panel.locator(`.jp-LeapBuckets-row[data-path="${path}"]`);
}

/** Press the mouse on `from` and move a little, so a Lumino drag starts. */
export async function startDrag(
  page: IJupyterLabPageFixture,
  from: Locator
): Promise<void> {
  await from.scrollIntoViewIfNeeded(); // a long listing may hold it below the fold
  const box = (await from.boundingBox())!;
  await page.mouse.move(box.x + 30, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 60, box.y + box.height / 2 + 10, { steps: 5 });
}

/** Move the pointer (the mouse button held) to the middle of `to`. */
export async function moveTo(
  page: IJupyterLabPageFixture,
  to: Locator
): Promise<void> {
  // A long listing (a developer's workspace fills with earlier runs' folders) can hold
  // the target below the fold, where the pointer would land on something else.
  await to.scrollIntoViewIfNeeded();
  const box = (await to.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, {
    steps: 10
  });
}

/** Save screenshots/<name>-light.png and -dark.png of `what`, back in the light theme after. */
export async function screenshotBothThemes(
  page: IJupyterLabPageFixture,
  what: Locator,
  name: string
): Promise<void> {
  await what.screenshot({ path: `screenshots/${name}-light.png` });
  await page.theme.setDarkTheme();
  await what.screenshot({ path: `screenshots/${name}-dark.png` });
  await page.theme.setLightTheme();
}

/** JupyterLab's own file browser, shown at `folder` of the workspace. */
export async function fileBrowserAt(page: any, folder: string) {
  await sidebarTab(page, 'filebrowser').click();
  const browser = page.locator('#filebrowser');
  await expect(browser).toBeVisible();
  await page.evaluate(async (dir: string) => {
    await (window as any).jupyterapp.commands.execute(
      'filebrowser:go-to-path',
      { path: dir, dontShowBrowser: true }
    );
  }, folder);
  return browser;
}

/** An item of the file browser's listing, by its (unique) name. */
export function fbItem(browser: any, name: string) {
  return browser.locator('.jp-DirListing-item', { hasText: name });
}
