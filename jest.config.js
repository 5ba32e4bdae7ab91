const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

const esModules = [
  '@codemirror',
  '@jupyter/',
  '@jupyterlab/',
  '@microsoft',
  'exenv-es6',
  'lib0',
  'nanoid',
  'numcodecs',
  'zarrita',
  '@zarrita',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  collectCoverageFrom: ['src/**/*.{ts,tsx}', '!src/**/*.d.ts'],
  coverageReporters: ['text-summary'],
  // zarrita and its packages export ESM under the "import" condition only.
  moduleNameMapper: {
    ...baseConfig.moduleNameMapper,
    '^zarrita$': '<rootDir>/node_modules/zarrita/dist/src/index.js',
    '^@zarrita/storage$':
      '<rootDir>/node_modules/@zarrita/storage/dist/src/index.js',
    '^@zarrita/storage/(.*)$':
      '<rootDir>/node_modules/@zarrita/storage/dist/src/$1.js',
    '^numcodecs/(.*)$': '<rootDir>/node_modules/numcodecs/dist/$1.js'
  },
  testRegex: 'src/.*/.*.spec.ts[x]?$',
  // Only this package's src/: not copies of the tree that scripts build under .stack/.
  roots: ['<rootDir>/src'],
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
