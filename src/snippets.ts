/**
 * Python that opens a bucket item in a notebook: xarray for Zarr stores and array
 * formats (with the engine the format needs), pandas for tables, fsspec for the rest,
 * with the `storage_options` the root needs (OSN's endpoint, anonymous reads).
 * Icechunk repositories open with icechunk's own storage, then xarray on a read-only
 * session; virtual Zarr stores with xarray over fsspec's reference filesystem, in the form
 * zarr-python 3 needs (the chunks' filesystem asynchronous). test_snippets.py runs them.
 * Nothing is imported at run time: the tests load the compiled module alone.
 */
import { EntryType, IRoot } from './tokens';

/** What a snippet needs to know of an item. */
export interface ISnippetItem {
  path: string;
  type: EntryType;
}

/** File extensions and how xarray or pandas opens them. */
const OPENERS: {
  extensions: string[];
  kind: 'xarray-file' | 'grib' | 'raster' | 'table';
}[] = [
  {
    extensions: ['nc', 'nc4', 'netcdf', 'h5', 'hdf5', 'he5', 'hdf'],
    kind: 'xarray-file'
  },
  { extensions: ['grib', 'grib2', 'grb', 'grb2'], kind: 'grib' },
  { extensions: ['tif', 'tiff', 'cog'], kind: 'raster' },
  { extensions: ['csv', 'tsv', 'parquet', 'pq'], kind: 'table' }
];

/** The storage options a notebook passes to fsspec for this root; {} when none. */
export function storageOptions(root: IRoot): Record<string, unknown> {
  if (root.provider === 'gcs') {
    // On the hub gcsfs finds its credentials itself; an emulator needs its address.
    return root.endpoint ? { endpoint_url: root.endpoint, token: 'anon' } : {};
  }
  const options: Record<string, unknown> = {};
  if (root.anonymous) {
    options.anon = true;
  }
  if (root.endpoint) {
    options.client_kwargs = { endpoint_url: root.endpoint };
  }
  return options;
}

/** A Python literal for JSON-like data (dicts, strings, numbers, booleans, None). */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) {
    return 'None';
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (typeof value === 'string') {
    return JSON.stringify(value); // a valid Python string literal for these characters
  }
  if (Array.isArray(value)) {
    return `[${value.map(pyLiteral).join(', ')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v)}`).join(', ')}}`;
}

function extension(path: string): string {
  const name = path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The code that opens an item; `variable` is what it assigns. */
export function pythonSnippet(root: IRoot, item: ISnippetItem): string {
  const url = `${root.url}${item.path}`.replace(/\/$/, '');
  const options = storageOptions(root);
  const hasOptions = Object.keys(options).length > 0;
  const so = hasOptions ? `storage_options = ${pyLiteral(options)}\n` : '';
  const soArg = hasOptions ? ', storage_options=storage_options' : '';
  const soKw = hasOptions ? ', **storage_options' : '';
  const credentials =
    root.provider === 's3' && !root.anonymous
      ? '# s3fs takes the keys from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY (or ~/.aws/credentials)\n'
      : '';
  const head = (imports: string[]) =>
    `${imports.map(i => `import ${i}`).join('\n')}\n\n${credentials}${so}`;
  if (item.type === 'icechunk') {
    return icechunkSnippet(root, item.path.replace(/\/$/, ''), pyLiteral);
  }
  if (item.type === 'virtual-zarr') {
    return referencesSnippet(root, url, options, pyLiteral);
  }
  if (item.type === 'zarr') {
    return `${head(['xarray as xr'])}ds = xr.open_zarr(${JSON.stringify(url)}${soArg})\nds\n`;
  }
  if (item.type === 'directory') {
    const protocol = root.provider === 'gcs' ? 'gcs' : 's3';
    const key = `${root.bucket}/${item.path}`;
    return `${head(['fsspec'])}fs = fsspec.filesystem(${JSON.stringify(protocol)}${soKw})\nfs.ls(${JSON.stringify(key)})\n`;
  }
  const ext = extension(item.path);
  const kind = OPENERS.find(o => o.extensions.includes(ext))?.kind;
  const u = JSON.stringify(url);
  switch (kind) {
    case 'xarray-file':
      return (
        `${head(['fsspec', 'xarray as xr'])}with fsspec.open(${u}, mode="rb"${soKw}) as f:\n` +
        '    ds = xr.open_dataset(f, engine="h5netcdf").load()\nds\n'
      );
    case 'grib': {
      // cfgrib reads only local files: fsspec copies the object to a local cache first.
      const protocol = root.provider === 'gcs' ? 'gcs' : 's3';
      const cacheOptions = hasOptions ? `, ${protocol}=storage_options` : '';
      return (
        `${head(['fsspec', 'xarray as xr'])}path = fsspec.open_local(${JSON.stringify(`simplecache::${url}`)}${cacheOptions})\n` +
        'ds = xr.open_dataset(path, engine="cfgrib")\nds\n'
      );
    }
    case 'raster':
      return (
        `${head(['fsspec', 'rioxarray'])}with fsspec.open(${u}, mode="rb"${soKw}) as f:\n` +
        '    da = rioxarray.open_rasterio(f).load()\nda\n'
      );
    case 'table': {
      const reader =
        ext === 'parquet' || ext === 'pq' ? 'read_parquet' : 'read_csv';
      const sep = ext === 'tsv' ? ', sep="\\t"' : '';
      return `${head(['pandas as pd'])}df = pd.${reader}(${u}${sep}${soArg})\ndf\n`;
    }
    default:
      return `${head(['fsspec'])}with fsspec.open(${u}, mode="rb"${soKw}) as f:\n    data = f.read()\n`;
  }
}

type Literal = (value: unknown) => string;

/** The repository at `prefix` (no trailing '/') of the root's bucket, opened with icechunk. */
function icechunkSnippet(
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
function referencesSnippet(
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
