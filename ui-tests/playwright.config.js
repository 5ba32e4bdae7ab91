/**
 * Galata in Debian's Chromium (/usr/bin/chromium): browser downloads are not possible
 * here, and the tests must use the browser users have. JupyterLab runs under the
 * hub-like base URL /user/demo/.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

// Another port lets a second checkout (a git worktree) run its own JupyterLab beside this one.
const port = process.env.LEAP_BUCKETS_LAB_PORT || '8888';

module.exports = {
  ...baseConfig,
  // The list as it runs; JSON that scripts/failures.py reads to name, at the end of
  // scripts/test and of CI, each failed test and each that passed only when run again.
  reporter: [
    ['list'],
    ['html', { open: 'never' }],
    ['json', { outputFile: '../.stack/reliability/playwright/galata.json' }]
  ],
  timeout: 90000,
  // A failed test runs once more, as JupyterLab's extensions (ipywidgets, JupyterLite) do
  // in CI: a test that fails twice fails the run, and one that passed only the second
  // time is named as flaky by scripts/failures.py and in docs/reliability.md.
  retries: 1,
  workers: 1,
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${port}/user/demo`,
    trace: 'off',
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
  },
  webServer: {
    command: 'jlpm start',
    url: `http://127.0.0.1:${port}/user/demo/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
