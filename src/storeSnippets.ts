/**
 * Python that opens an Icechunk repository (icechunk's own storage, then xarray on a
 * read-only session) or a virtual Zarr store (xarray over fsspec's reference filesystem,
 * in the form zarr-python 3 needs: the chunks' filesystem asynchronous). snippets.ts picks
 * these for the two types; test_snippets.py runs them in a kernel against the emulators.
 */
import { IRoot } from './tokens';

type Literal = (value: unknown) => string;

/** The repository at `prefix` (no trailing '/') of the root's bucket, opened with icechunk. */
export function icechunkSnippet(
  root: IRoot,
  prefix: string,
  pyLiteral: Literal
): string {
  const args: string[] = [
    `bucket=${pyLiteral(root.bucket)}`,
    `prefix=${pyLiteral(prefix)}`
  ];
  let note = '';
  let call = 'icechunk.gcs_storage';
  if (root.provider === 's3') {
    call = 'icechunk.s3_storage';
    if (root.endpoint) {
      // object_store signs for a region even where the service ignores it, as OSN does
      args.push(
        `endpoint_url=${pyLiteral(root.endpoint)}`,
        'region="us-east-1"',
        'force_path_style=True'
      );
      if (root.endpoint.startsWith('http://')) {
        args.push('allow_http=True');
      }
    }
    if (root.anonymous) {
      args.push('anonymous=True');
    } else {
      note =
        '# icechunk takes the keys from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY\n';
      args.push('from_env=True');
    }
  } else {
    args.push('from_env=True');
    if (root.endpoint) {
      note = `# icechunk reaches Google Cloud Storage itself: it cannot be pointed at ${root.endpoint}\n`;
    }
  }
  return (
    'import icechunk\nimport xarray as xr\n\n' +
    note +
    `storage = ${call}(\n${args.map(a => `    ${a},`).join('\n')}\n)\n` +
    'repo = icechunk.Repository.open(storage)\n' +
    'session = repo.readonly_session("main")  # the latest snapshot of main\n' +
    'ds = xr.open_zarr(session.store, consolidated=False)\nds\n'
  );
}

/**
 * The reference store at `url` (a JSON file, or a Parquet reference folder), opened with
 * xarray; its chunks are read from the root's provider with the root's options.
 */
export function referencesSnippet(
  root: IRoot,
  url: string,
  options: Record<string, unknown>,
  pyLiteral: Literal
): string {
  const protocol = root.provider === 'gcs' ? 'gs' : 's3';
  const hasOptions = Object.keys(options).length > 0;
  const so = hasOptions
    ? `storage_options = ${pyLiteral(options)}\n`
    : 'storage_options = {}\n';
  const credentials =
    root.provider === 's3' && !root.anonymous
      ? '# s3fs takes the keys from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY (or ~/.aws/credentials)\n'
      : '';
  return (
    'import xarray as xr\n\n' +
    credentials +
    so +
    '# zarr-python 3 reads the chunks asynchronously: the references point into ' +
    `${protocol}:// objects\n` +
    'ds = xr.open_dataset(\n' +
    '    "reference://",\n' +
    '    engine="zarr",\n' +
    '    backend_kwargs={\n' +
    '        "consolidated": False,\n' +
    '        "storage_options": {\n' +
    `            "fo": ${pyLiteral(url)},\n` +
    '            "target_options": storage_options,\n' +
    `            "remote_protocol": ${pyLiteral(protocol)},\n` +
    '            "remote_options": {**storage_options, "asynchronous": True},\n' +
    '        },\n' +
    '    },\n' +
    ')\nds\n'
  );
}
