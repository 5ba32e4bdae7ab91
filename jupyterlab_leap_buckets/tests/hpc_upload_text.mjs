// The text "Copy Upload Command for HPC" puts on the clipboard, from the compiled frontend
// (lib/hpcUpload.js, which `jlpm build:lib` writes): test_hpc_upload.py runs it with rclone.
// Reads {"root": <a root of GET roots>, "folder": <key prefix>} as JSON on stdin and writes
// {"text": <the command>, "placeholder": <the local folder it names>} on stdout. Exits 2,
// saying why on stderr, when lib/hpcUpload.js is missing or differs from src/hpcUpload.ts.
import { readFileSync } from 'node:fs';

import { compiledModule } from './compiled_module.mjs';

const { lib, current, stale } = await compiledModule('hpcUpload');
const { root, folder } = JSON.parse(readFileSync(0, 'utf8'));
const command = lib.hpcUploadCommand(root, folder);
if (current.hpcUploadCommand(root, folder) !== command) {
  stale();
}
process.stdout.write(
  JSON.stringify({ text: command, placeholder: lib.LOCAL_PLACEHOLDER })
);
