/**
 * Browser tests through a real JupyterHub (scripts/hub up): the hub's login page, its
 * proxy, the users' single-user servers from the built wheel. Debian's Chromium with the
 * launch arguments of playwright.config.js. The tests are ui-tests/hub/*.hub.ts, a name
 * the Galata configuration (which takes *.spec.ts) never picks up.
 *
 *   scripts/hub up && (cd ui-tests && jlpm playwright test -c hub.config.js)
 */
const port = process.env.LEAP_BUCKETS_HUB_PORT ?? '8000';

module.exports = {
  testDir: './hub',
  testMatch: '**/*.hub.ts',
  outputDir: './test-results/hub',
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'playwright-report/hub' }],
    ['json', { outputFile: '../.stack/reliability/playwright/hub.json' }]
  ],
  timeout: 180000,
  expect: { timeout: 15000 },
  retries: 1, // as playwright.config.js: a flaky test is named, one failing twice fails
  workers: 1,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    video: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run'
      ]
    }
  }
};
