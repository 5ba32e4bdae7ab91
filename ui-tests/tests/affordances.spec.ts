import type { Locator } from '@playwright/test';

import {
  GCS,
  expect,
  openPanel,
  row,
  screenshotBothThemes,
  test,
  toolbarButton
} from './fixtures';

/**
 * Issue 21's affordances in the listing, in Chromium at 1400x900: names cut in the
 * middle, the folder's size and End, selected rows readable in both themes (the WCAG
 * contrast computed from the rendered colours), and the smaller items.
 */

test.use({ viewport: { width: 1400, height: 900 } });

/** A 2x2 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEUlEQVR4nGP4z8DwH4QZYAwAR8oH+WdZbrcAAAAASUVORK5CYII=',
  'base64'
);

/** Write an object with fake-gcs-server's own API (not through our server). */
async function put(
  key: string,
  body: string | Buffer,
  bucket = 'leap-scratch'
) {
  const url = `${GCS}/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(key)}`;
  expect((await fetch(url, { method: 'POST', body })).ok).toBe(true);
}

async function openFolder(panel: Locator, folder: string) {
  await toolbarButton(panel, 'leap-buckets:refresh').click();
  await row(panel, folder).dblclick();
  await expect(
    panel.locator('.jp-LeapBuckets-crumb.jp-mod-current')
  ).toHaveText(folder.replace(/\/$/, '').split('/').pop()!);
}

/** Drag the left sidebar's edge `by` pixels to the right and wait for the listing to follow. */
async function widenSidebar(page: any, panel: Locator, by: number) {
  const listing = panel.locator('.jp-LeapBuckets-listing');
  const before = (await listing.boundingBox())!.width;
  const handle = page.locator('#jp-main-split-panel > .lm-SplitPanel-handle');
  const box = (await handle.first().boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + by, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect
    .poll(async () => (await listing.boundingBox())!.width)
    .toBeGreaterThan(before + by - 20);
}

/**
 * The WCAG contrast ratio of an element's text: its computed colour over its
 * background, which is the backgrounds of it and its ancestors composited from the
 * nearest opaque one up (a translucent layer is blended over what lies beneath).
 */
function contrast(element: Locator): Promise<number> {
  return element.evaluate((el: Element) => {
    const rgba = (css: string): number[] => {
      const parts = css.match(/[\d.]+/g)!.map(Number);
      return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
    };
    const over = (top: number[], under: number[]) =>
      [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
    const layers: number[][] = [];
    for (let n: Element | null = el; n; n = n.parentElement) {
      const bg = rgba(getComputedStyle(n).backgroundColor);
      if (bg[3] > 0) {
        layers.push(bg);
        if (bg[3] >= 1) {
          break;
        }
      }
    }
    let background = [255, 255, 255];
    for (const layer of layers.reverse()) {
      background = over(layer, background);
    }
    const text = over(rgba(getComputedStyle(el).color), background);
    const luminance = (c: number[]) => {
      const [r, g, b] = c.map(v => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [a, b] = [luminance(text), luminance(background)].sort(
      (x, y) => y - x
    );
    return (a + 0.05) / (b + 0.05);
  });
}

test('5: long names are cut in the middle, so part-00001 and part-00002 still differ', async ({
  page
}) => {
  const folder = `demo/aff-parts-${Date.now().toString(36)}/`;
  const names = Array.from(
    { length: 12 },
    (_, i) =>
      `ocean_temperature_monthly_mean_part-${String(i + 1).padStart(5, '0')}.nc`
  );
  await Promise.all(names.map(name => put(`${folder}${name}`, name)));
  const panel = await openPanel(page);
  await openFolder(panel, folder);
  const first = row(panel, `${folder}${names[0]}`);
  await expect(first).toBeVisible();

  const rows = panel.locator('.jp-LeapBuckets-row');
  const measure = () =>
    rows.evaluateAll(all =>
      all.map(el => {
        const col = el.querySelector('.jp-LeapBuckets-col-name')!;
        const head = el.querySelector<HTMLElement>('.jp-LeapBuckets-nameHead')!;
        const tail = el.querySelector('.jp-LeapBuckets-nameTail')!;
        return {
          title: (el as HTMLElement).title,
          tail: tail.textContent,
          tailInside:
            tail.getBoundingClientRect().right <=
            col.getBoundingClientRect().right + 0.5,
          headCut: head.scrollWidth > head.clientWidth,
          nameShare:
            col.getBoundingClientRect().width / el.getBoundingClientRect().width
        };
      })
    );
  // At the default (and narrowest) sidebar width: cut, yet each row's end shows whole.
  const narrow = await measure();
  expect(narrow).toHaveLength(names.length);
  expect(narrow.every(s => s.headCut && s.tailInside)).toBe(true);
  expect(new Set(narrow.map(s => s.tail)).size).toBe(names.length);
  expect(narrow.map(s => s.title.split('\n')[0])).toEqual(names);
  // The name column gets the most room (the size and expiry keep 50 and 64 px of the
  // 250): the modified column gave way (header too), the size and expiry stayed.
  expect(Math.min(...narrow.map(s => s.nameShare))).toBeGreaterThan(0.45);
  const header = panel.locator('.jp-LeapBuckets-header');
  await expect(header.locator('[data-sort="modified"]')).toBeHidden();
  await expect(first.locator('.jp-LeapBuckets-col-modified')).toBeHidden();
  await expect(first.locator('.jp-LeapBuckets-col-size')).toHaveText(/\d+ B/);
  await expect(first.locator('.jp-LeapBuckets-expiry')).toBeVisible();
  await screenshotBothThemes(page, panel, 'affordances-narrow-names');

  // Wider: the name column takes the room first, the names show whole, then Modified.
  await widenSidebar(page, panel, 450);
  const wide = await measure();
  expect(wide.every(s => !s.headCut && s.tailInside)).toBe(true);
  await expect(header.locator('[data-sort="modified"]')).toBeVisible();
  await expect(first.locator('.jp-LeapBuckets-col-modified')).toBeVisible();
  await panel.screenshot({
    path: 'screenshots/affordances-wide-names-light.png'
  });
});

test('6: the item count shows, and End loads through to the real last item', async ({
  page
}) => {
  const panel = await openPanel(page);
  const count = panel.locator('.jp-LeapBuckets-count');
  await expect(count).toHaveText(/^\d+ items?$/); // the home folder, complete
  // Later pages answer slowly, so the loading to the end can be seen.
  await page.route('**/leap-buckets/api/list?*cursor=*', async route => {
    await new Promise(resolve => setTimeout(resolve, 700));
    await route.continue();
  });
  await row(panel, 'demo/many/').dblclick();
  await expect(row(panel, 'demo/many/part-00000.txt')).toBeVisible();
  await expect(count).toHaveText('1,000+ items so far');
  await row(panel, 'demo/many/part-00000.txt').click();
  await page.keyboard.press('End');
  await expect(count).toContainText('Loading to the end…');
  await expect(count).toHaveText('2,600 items', { timeout: 20000 });
  const last = row(panel, 'demo/many/part-02599.txt');
  await expect(last).toHaveClass(/jp-mod-selected/);
  await expect(last).toBeInViewport();
  await page.unroute('**/leap-buckets/api/list?*cursor=*');
  // Home goes back up; Ctrl+End goes down again to the same last row.
  await page.keyboard.press('Home');
  await expect(row(panel, 'demo/many/part-00000.txt')).toHaveClass(
    /jp-mod-selected/
  );
  await page.keyboard.press('Control+End');
  await expect(last).toHaveClass(/jp-mod-selected/);
  await expect(last).toBeInViewport();
});

test('7: selected and unselected rows read at 4.5:1 or better in both themes', async ({
  page
}) => {
  const panel = await openPanel(page);
  // results/ holds badges of every urgency (the seed backdates its objects).
  await row(panel, 'demo/results/').dblclick();
  const paths = [
    'demo/results/run-001.nc',
    'demo/results/run-002.nc',
    'demo/results/summary.csv',
    'demo/results/tiny.txt'
  ];
  await expect(
    row(panel, paths[0]).locator('.jp-LeapBuckets-expiry')
  ).toBeVisible();
  await widenSidebar(page, panel, 150); // every column shows
  await expect(
    row(panel, paths[0]).locator('.jp-LeapBuckets-col-modified')
  ).toBeVisible();
  const ratios: Record<string, number> = {};
  const measure = async (theme: string, state: string, path: string) => {
    const r = row(panel, path);
    for (const [part, selector] of [
      ['name', '.jp-LeapBuckets-nameHead'],
      ['size', '.jp-LeapBuckets-col-size'],
      ['modified', '.jp-LeapBuckets-col-modified'],
      ['expiry', '.jp-LeapBuckets-expiry']
    ]) {
      ratios[`${theme} ${state} ${path.split('/').pop()} ${part}`] =
        await contrast(r.locator(selector));
    }
  };
  for (const theme of ['light', 'dark']) {
    if (theme === 'dark') {
      await page.theme.setDarkTheme();
    }
    await panel.locator('.jp-LeapBuckets-listing').focus();
    await page.keyboard.press('Escape');
    await page.mouse.move(700, 5); // no row under the pointer: hover has its own colour
    for (const path of paths) {
      await measure(theme, 'unselected', path);
    }
    for (const path of paths) {
      await row(panel, path).click();
      await page.mouse.move(700, 5);
      await expect(row(panel, path)).toHaveClass(/jp-mod-selected/);
      await measure(theme, 'selected', path);
    }
  }
  await page.theme.setLightTheme();
  const low = Object.entries(ratios).filter(([, ratio]) => ratio < 4.5);
  expect(Object.keys(ratios)).toHaveLength(2 * 2 * 4 * 4);
  expect(low).toEqual([]);
  await row(panel, 'demo/results/run-002.nc').click();
  await page.mouse.move(700, 5);
  await screenshotBothThemes(page, panel, 'affordances-selected-row');
});

test('double-click opens text in JupyterLab, previews CSV and images, and shows details for the rest', async ({
  page
}) => {
  const folder = `demo/aff-open-${Date.now().toString(36)}/`;
  await put(`${folder}notes.md`, '# Notes\n\nthe ensemble ran\n');
  await put(`${folder}table.csv`, 'run,"mean, K"\n1,280.5\n2,281.0\n');
  await put(`${folder}field.nc`, 'CDF\u0001');
  await put(`${folder}plot.png`, PNG);
  const panel = await openPanel(page);
  await openFolder(panel, folder);

  await row(panel, `${folder}table.csv`).dblclick();
  const preview = page.locator('.jp-LeapBuckets-filePreview');
  await expect(preview.locator('th')).toHaveText(['run', 'mean, K']);
  await expect(preview.locator('tr')).toHaveCount(3);

  await row(panel, `${folder}plot.png`).dblclick();
  const image = page.locator('.jp-LeapBuckets-filePreview img[alt="plot.png"]');
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBe(2);

  await row(panel, `${folder}notes.md`).dblclick();
  const editor = page.locator('.jp-FileEditor .cm-content');
  await expect(editor).toContainText('the ensemble ran');
  await expect(
    page.locator('.Toastify__toast', { hasText: 'Opened a copy of' })
  ).toContainText(`gs://leap-scratch/${folder}notes.md`);

  await row(panel, `${folder}field.nc`).dblclick();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('field.nc');
  await dialog.locator('.jp-mod-reject, .jp-mod-accept').first().click();
});

test('the smaller items: filter only where things expire, no .keep in the delete sample, a link icon, "the workspace", rename keeps the selection', async ({
  page
}) => {
  const id = Date.now().toString(36);
  const folder = `demo/aff-del-${id}/`;
  await put(`${folder}.keep`, '');
  await put(`${folder}a.txt`, 'a');
  await put(`demo/aff-ren-${id}.txt`, 'rename me');
  const panel = await openPanel(page);
  await toolbarButton(panel, 'leap-buckets:refresh').click();

  // The expiry filter: on scratch only.
  const filter = panel.locator('.jp-LeapBuckets-filter');
  await expect(filter).toBeVisible();
  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('persistent');
  await expect(row(panel, 'demo/climatology.zarr/')).toBeVisible();
  await expect(filter).toBeHidden();
  await panel.locator('.jp-LeapBuckets-rootSelect').selectOption('scratch');
  await expect(filter).toBeVisible();

  // Go to a Bucket URL: a link, not a magnifier.
  await expect(
    toolbarButton(panel, 'leap-buckets:go-to-url').locator(
      'svg[data-icon="ui-components:link"]'
    )
  ).toHaveCount(1);

  // The delete dialog's sample leaves out the folder marker; the count says it is there.
  await row(panel, folder).click();
  await page.keyboard.press('Delete');
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('[data-fact="objects"]')).toHaveText(
    '2, including 1 hidden folder marker (.keep)'
  );
  await expect(
    dialog.locator('.jp-LeapBuckets-deleteSample li:visible')
  ).toHaveText(['a.txt']);
  await dialog.locator('.jp-mod-reject').click();

  // Rename: the renamed item stays selected.
  await row(panel, `demo/aff-ren-${id}.txt`).click();
  await page.keyboard.press('F2');
  await page.locator('.jp-Dialog input').fill(`aff-renamed-${id}.txt`);
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  const renamed = row(panel, `demo/aff-renamed-${id}.txt`);
  await expect(renamed).toHaveClass(/jp-mod-selected/, { timeout: 20000 });

  // Its download to the workspace is announced in the workspace's words.
  await renamed.click({ button: 'right' });
  await page.locator('.lm-Menu').getByText('Download to the Workspace').click();
  const toast = page.locator('.Toastify__toast', {
    hasText: `Copied 1 item from gs://leap-scratch/demo/aff-renamed-${id}.txt`
  });
  // The server names the file it wrote, in the file browser's folder.
  await expect(toast).toContainText(/\.txt in the workspace\.$/, {
    timeout: 20000
  });
  await expect(toast).not.toContainText('local:');
});
