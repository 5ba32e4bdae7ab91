// A frontend module as the tests run it: the compiled one in lib/ (which `jlpm build:lib`
// writes) and the same module transpiled here from src/, so a script can refuse a lib/
// older than its source (file dates would not tell: git and tsc keep or skip them).
// Used by snippet_text.mjs and hpc_upload_text.mjs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const repo = new URL('../../', import.meta.url);

export function fail(message) {
  console.error(message);
  process.exit(2);
}

// lib/ holds ES modules in a package that Node reads as CommonJS: a module is imported
// from its text, so it must need nothing at run time (imports of types only).
async function load(text, name) {
  if (/^\s*import\s.*from\s/m.test(text)) {
    fail(`${name} imports other modules at run time: update ${import.meta.url}`);
  }
  const encoded = Buffer.from(text).toString('base64');
  return import(`data:text/javascript;base64,${encoded}`);
}

/**
 * `name` (e.g. "snippets") as compiled in lib/ and as transpiled from src/, and a
 * `stale()` that fails saying to rebuild. Exits 2 when lib/<name>.js is missing.
 */
export async function compiledModule(name) {
  const compiled = new URL(`lib/${name}.js`, repo);
  const source = new URL(`src/${name}.ts`, repo);
  let text;
  try {
    text = readFileSync(compiled, 'utf8');
  } catch (error) {
    fail(`${compiled.pathname} is missing (${error.code}): run \`jlpm build:lib\``);
  }
  const lib = await load(text, compiled.pathname);
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
  const stale = () =>
    fail(`${compiled.pathname} is older than ${source.pathname}: run \`jlpm build:lib\``);
  return { lib, current, stale };
}
