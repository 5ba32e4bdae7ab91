// The Python the panel's "Copy Python" puts on the clipboard, from the compiled frontend
// (lib/snippets.js, which `jlpm build:lib` writes): test_snippets.py runs it in a kernel.
// Reads [{"root": <a root of GET roots>, "item": {"path", "type"}}, ...] as JSON on stdin
// and writes the snippets, in that order, as a JSON list on stdout. Exits 2, saying why on
// stderr, when lib/snippets.js is missing or gives other snippets than src/snippets.ts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const repo = new URL('../../', import.meta.url);
const compiled = new URL('lib/snippets.js', repo);
const source = new URL('src/snippets.ts', repo);

function fail(message) {
  console.error(message);
  process.exit(2);
}

// lib/ holds ES modules in a package that Node reads as CommonJS: a module is imported
// from its text. snippets needs nothing at run time (its one import is of types).
async function load(text, name) {
  if (/^\s*import\s.*from\s/m.test(text)) {
    fail(
      `${name} imports other modules at run time: update ${import.meta.url}`
    );
  }
  const encoded = Buffer.from(text).toString('base64');
  return import(`data:text/javascript;base64,${encoded}`);
}

let text;
try {
  text = readFileSync(compiled, 'utf8');
} catch (error) {
  fail(
    `${compiled.pathname} is missing (${error.code}): run \`jlpm build:lib\``
  );
}
const lib = await load(text, compiled.pathname);
const cases = JSON.parse(readFileSync(0, 'utf8'));
const snippets = cases.map(({ root, item }) => lib.pythonSnippet(root, item));

// A lib/ older than the source would test yesterday's snippets: the source, transpiled
// here, must give the same text (file dates would not tell: git and tsc keep or skip them).
const ts = createRequire(new URL('package.json', repo))('typescript');
const current = await load(
  ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2018
    }
  }).outputText,
  source.pathname
);
cases.forEach(({ root, item }, i) => {
  if (current.pythonSnippet(root, item) !== snippets[i]) {
    fail(
      `${compiled.pathname} is older than ${source.pathname}: run \`jlpm build:lib\``
    );
  }
});
process.stdout.write(JSON.stringify(snippets));
