/**
 * Galata in Debian's Chromium (/usr/bin/chromium): browser downloads are not possible
 * here, and the tests must use the browser users have. JupyterLab runs under the
 * hub-like base URL /user/demo/.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

module.exports = {
  ...baseConfig,
  timeout: 90000,
  retries: 0,
  workers: 1,
  use: {
    ...baseConfig.use,
    baseURL: 'http://127.0.0.1:8888/user/demo',
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
    url: 'http://127.0.0.1:8888/user/demo/lab',
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
