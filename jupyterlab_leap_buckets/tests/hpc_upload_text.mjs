// The text "Copy Upload Command for HPC" puts on the clipboard, from the compiled frontend
// (lib/hpcUpload.js, which `jlpm build:lib` writes): test_hpc_upload.py runs it with rclone.
// Reads {"root": <a root of GET roots>, "folder": <key prefix>} as JSON on stdin and writes
// {"text": <the command>, "placeholder": <the local folder it names>} on stdout. Exits 2,
// saying why on stderr, when lib/hpcUpload.js is missing or differs from src/hpcUpload.ts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const repo = new URL('../../', import.meta.url);
const compiled = new URL('lib/hpcUpload.js', repo);
const source = new URL('src/hpcUpload.ts', repo);

function fail(message) {
  console.error(message);
  process.exit(2);
}

// lib/ holds ES modules in a package that Node reads as CommonJS: a module is imported
// from its text. hpcUpload imports nothing, which keeps this possible.
async function load(text, name) {
  if (/^\s*import\s.*from\s/m.test(text)) {
    fail(`${name} imports other modules at run time: update ${import.meta.url}`);
  }
  const encoded = Buffer.from(text).toString('base64');
  return import(`data:text/javascript;base64,${encoded}`);
}

let text;
try {
  text = readFileSync(compiled, 'utf8');
} catch (error) {
  fail(`${compiled.pathname} is missing (${error.code}): run \`jlpm build:lib\``);
}
const lib = await load(text, compiled.pathname);
const { root, folder } = JSON.parse(readFileSync(0, 'utf8'));
const command = lib.hpcUploadCommand(root, folder);

// A lib/ older than the source would test yesterday's command (as in snippet_text.mjs).
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
if (current.hpcUploadCommand(root, folder) !== command) {
  fail(`${compiled.pathname} is older than ${source.pathname}: run \`jlpm build:lib\``);
}
process.stdout.write(
  JSON.stringify({ text: command, placeholder: lib.LOCAL_PLACEHOLDER })
);
