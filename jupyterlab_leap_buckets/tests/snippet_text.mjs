// The Python the panel's "Copy Python" puts on the clipboard, from the compiled frontend
// (lib/snippets.js, which `jlpm build:lib` writes): test_snippets.py runs it in a kernel.
// Reads [{"root": <a root of GET roots>, "item": {"path", "type"}}, ...] as JSON on stdin
// and writes the snippets, in that order, as a JSON list on stdout. Exits 2, saying why on
// stderr, when lib/snippets.js is missing or gives other snippets than src/snippets.ts.
import { readFileSync } from 'node:fs';

import { compiledModule } from './compiled_module.mjs';

const { lib, current, stale } = await compiledModule('snippets');
const cases = JSON.parse(readFileSync(0, 'utf8'));
const snippets = cases.map(({ root, item }) => lib.pythonSnippet(root, item));
cases.forEach(({ root, item }, i) => {
  if (current.pythonSnippet(root, item) !== snippets[i]) {
    stale();
  }
});
process.stdout.write(JSON.stringify(snippets));
