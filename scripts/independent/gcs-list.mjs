// An independent GCS client for the tests: every object name in <bucket> under <prefix>,
// one per line, as @google-cloud/storage (Google's Node library) sees them on the emulator.
// None of the project's own code is involved, so the server is never checked only by itself.
// Usage: node scripts/independent/gcs-list.mjs <bucket> [prefix]
import { Storage } from '@google-cloud/storage';

const [bucket, prefix = ''] = process.argv.slice(2);
if (!bucket) {
  console.error('usage: gcs-list.mjs <bucket> [prefix]');
  process.exit(2);
}
const port = process.env.LEAP_BUCKETS_GCS_PORT || '4443';
// A custom endpoint without useAuthWithCustomEndpoint sends no credentials: the emulator
// needs none, and nothing may try to reach Google from here.
const storage = new Storage({
  apiEndpoint: `http://127.0.0.1:${port}`,
  projectId: 'leap',
  useAuthWithCustomEndpoint: false
});
const [files] = await storage.bucket(bucket).getFiles({ prefix, autoPaginate: true });
process.stdout.write(files.map(file => file.name + '\n').join(''));
