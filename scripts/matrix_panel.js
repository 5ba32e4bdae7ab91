/**
 * scripts/matrix's browser check: JupyterLab at the URL given (with its token) loads in
 * Debian's Chromium, the Buckets panel opens from the left sidebar and lists the
 * Scratch root's demo/ home (the seeded demo/README.md row, the "demo" breadcrumb).
 * Prints what it saw, the page's errors and JupyterLab's warnings about shared package
 * versions; exits 1 if the panel did not render its listing.
 *
 *   node scripts/matrix_panel.js 'http://127.0.0.1:PORT/user/demo/lab?token=TOKEN'
 *
 * Playwright comes from ui-tests/node_modules (scripts/setup installs it); no browser
 * is downloaded.
 */
const path = require('path');
const { chromium } = require(
  path.join(__dirname, '..', 'ui-tests', 'node_modules', 'playwright')
);

const url = process.argv[2];
const TIMEOUT = 90000;

async function main() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run'
    ]
  });
  const notes = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', error => notes.push(`page error: ${error.message}`));
    page.on('console', message => {
      const text = message.text();
      if (message.type() === 'error' || /version|leap/i.test(text)) {
        notes.push(`console ${message.type()}: ${text.slice(0, 300)}`);
      }
    });
    await page.goto(url, { timeout: TIMEOUT });
    await page
      .locator('#jupyterlab-splash')
      .waitFor({ state: 'detached', timeout: TIMEOUT });
    // window.jupyterapp: the server sets LabApp.expose_app_in_browser.
    await page.waitForFunction(
      () => typeof window.jupyterapp === 'object',
      undefined,
      { timeout: TIMEOUT }
    );
    await page.evaluate(() => window.jupyterapp.started);
    const version = await page.evaluate(() => window.jupyterapp.version);
    console.log(`JupyterLab ${version} started`);

    const tab = page.locator(
      '.jp-SideBar.jp-mod-left [data-id="leap-buckets-panel"]'
    );
    await tab.waitFor({ state: 'visible', timeout: TIMEOUT });
    await tab.click();
    const panel = page.locator('#leap-buckets-panel');
    await panel.waitFor({ state: 'visible', timeout: TIMEOUT });
    const readme = panel.locator(
      '.jp-LeapBuckets-row[data-path="demo/README.md"]'
    );
    await readme.waitFor({ state: 'visible', timeout: TIMEOUT });
    const crumb = (
      await panel.locator('.jp-LeapBuckets-crumb.jp-mod-current').innerText()
    ).trim();
    const rows = await panel
      .locator('.jp-LeapBuckets-row')
      .evaluateAll(nodes => nodes.map(node => node.getAttribute('data-path')));
    console.log(`breadcrumb: ${crumb}`);
    console.log(`rows: ${rows.join(', ')}`);
    if (crumb !== 'demo') {
      throw new Error(`the panel opened at "${crumb}", not at demo`);
    }
    if (!rows.every(row => row.startsWith('demo/'))) {
      throw new Error('the listing holds rows outside demo/');
    }
    console.log('panel: lists demo/');
    // A plugin that failed to activate, or an error thrown by the extension's code, fails
    // the check even when the listing shows (one part may need a newer JupyterLab).
    const broken = notes.filter(note =>
      /failed to activate|page error|jupyterlab-leap-buckets/i.test(note)
    );
    if (broken.some(note => /error/i.test(note))) {
      throw new Error(`the extension reported errors: ${broken.join(' | ')}`);
    }
  } finally {
    for (const note of notes) {
      console.log(note);
    }
    await browser.close();
  }
}

main().catch(error => {
  console.error(`panel check failed: ${error.message}`);
  process.exit(1);
});
