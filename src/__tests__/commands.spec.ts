import { rules, whyNotName, ICommandContext } from '../commandRules';
import { pyLiteral, pythonSnippet, storageOptions } from '../snippets';
import { IEntry, IRoot } from '../tokens';
import { parseBucketUrl, rootForUrl, s3Hosts, whyNotOpen } from '../urls';

const OSN = 'https://nyu1.osn.mghpcc.org';
const scratch: IRoot = {
  id: 'scratch',
  label: 'Scratch',
  provider: 'gcs',
  bucket: 'leap-scratch',
  url: 'gs://leap-scratch/',
  home: 'alice/',
  writable: 'alice/',
  deletable: 'alice/',
  expiryDays: 7,
  endpoint: null,
  anonymous: false
};
const persistent: IRoot = {
  ...scratch,
  id: 'persistent',
  label: 'Persistent',
  bucket: 'leap-persistent',
  url: 'gs://leap-persistent/',
  expiryDays: null
};
const inbox: IRoot = {
  id: 'osn-inbox',
  label: 'OSN inbox',
  provider: 's3',
  bucket: 'leap-pangeo-inbox',
  url: 's3://leap-pangeo-inbox/',
  home: '',
  writable: '',
  deletable: null,
  expiryDays: null,
  endpoint: OSN,
  anonymous: false
};
const manual: IRoot = {
  ...inbox,
  id: 'osn-manual',
  label: 'OSN manual',
  bucket: 'leap-pangeo-manual',
  url: 's3://leap-pangeo-manual/',
  writable: null,
  anonymous: true
};
const roots = [scratch, persistent, inbox, manual];

function entry(path: string, type: IEntry['type'] = 'file'): IEntry {
  const name = path.replace(/\/$/, '').split('/').pop()!;
  return {
    name,
    path,
    type,
    size: type === 'file' ? 1 : null,
    modified: null,
    created: null,
    expires: null
  };
}

describe('parseBucketUrl', () => {
  it.each([
    [
      'gs://leap-scratch/alice/run.zarr',
      { provider: 'gcs', bucket: 'leap-scratch', path: 'alice/run.zarr' }
    ],
    [
      'gs://leap-scratch/alice/run.zarr/',
      { provider: 'gcs', bucket: 'leap-scratch', path: 'alice/run.zarr/' }
    ],
    [
      '  "gs://leap-scratch"  ',
      { provider: 'gcs', bucket: 'leap-scratch', path: '' }
    ],
    [
      'gcs://leap-persistent/alice/a%20b.nc',
      { provider: 'gcs', bucket: 'leap-persistent', path: 'alice/a b.nc' }
    ],
    [
      'S3://leap-pangeo-manual/CMIP6/',
      { provider: 's3', bucket: 'leap-pangeo-manual', path: 'CMIP6/' }
    ],
    [
      'https://storage.googleapis.com/leap-scratch/alice/x.nc',
      { provider: 'gcs', bucket: 'leap-scratch', path: 'alice/x.nc' }
    ],
    [
      'https://console.cloud.google.com/storage/browser/leap-scratch/alice/run1',
      { provider: 'gcs', bucket: 'leap-scratch', path: 'alice/run1' }
    ],
    [
      'https://console.cloud.google.com/storage/browser/_details/leap-scratch/alice/x.nc',
      { provider: 'gcs', bucket: 'leap-scratch', path: 'alice/x.nc' }
    ],
    [
      `${OSN}/leap-pangeo-manual/CMIP6/tas.zarr`,
      { provider: 's3', bucket: 'leap-pangeo-manual', path: 'CMIP6/tas.zarr' }
    ]
  ])('reads %s', (text, expected) => {
    expect(parseBucketUrl(text, s3Hosts(roots))).toEqual(expected);
  });

  it.each([
    '',
    'leap-scratch/alice',
    'gs://',
    'ftp://x/y',
    'https://example.com/leap-scratch/x',
    'https://console.cloud.google.com/home',
    's3:///x'
  ])('refuses %p', text => {
    expect(parseBucketUrl(text, s3Hosts(roots))).toBeNull();
  });

  it('finds the root of a URL, preferring the one whose home holds the path', () => {
    const second = { ...scratch, id: 'scratch-shared', home: 'shared/' };
    expect(
      rootForUrl([scratch, second], {
        provider: 'gcs',
        bucket: 'leap-scratch',
        path: 'shared/x'
      })!.id
    ).toBe('scratch-shared');
    expect(
      rootForUrl([scratch, second], {
        provider: 'gcs',
        bucket: 'leap-scratch',
        path: 'bob/x'
      })!.id
    ).toBe('scratch');
    expect(
      rootForUrl(roots, { provider: 's3', bucket: 'leap-scratch', path: '' })
    ).toBeNull();
  });

  it('says why a URL cannot be opened', () => {
    expect(whyNotOpen(roots, 'gs://leap-scratch/alice/')).toBe('');
    expect(whyNotOpen(roots, 'not a url')).toMatch(
      /Paste an address such as gs:\/\//
    );
    expect(whyNotOpen(roots, 'gs://somebody-elses/x')).toMatch(
      /No root here shows gs:\/\/somebody-elses\/; the configured roots are gs:\/\/leap-scratch\//
    );
  });
});

describe('pythonSnippet', () => {
  it('opens a Zarr store on GCS with xarray and no storage options', () => {
    expect(pythonSnippet(scratch, entry('alice/run.zarr/', 'zarr'))).toBe(
      'import xarray as xr\n\nds = xr.open_zarr("gs://leap-scratch/alice/run.zarr")\nds\n'
    );
  });

  it("passes OSN's endpoint and anonymous reads for a public OSN store", () => {
    const code = pythonSnippet(manual, entry('CMIP6/tas.zarr/', 'zarr'));
    expect(code).toContain(
      `storage_options = {"anon": True, "client_kwargs": {"endpoint_url": "${OSN}"}}`
    );
    expect(code).toContain(
      'ds = xr.open_zarr("s3://leap-pangeo-manual/CMIP6/tas.zarr", storage_options=storage_options)'
    );
  });

  it('says where the keys come from on a keyed OSN bucket', () => {
    const code = pythonSnippet(inbox, entry('from-hpc/out.nc'));
    expect(code).toContain('$AWS_ACCESS_KEY_ID');
    expect(code).not.toContain('"anon"');
    expect(code).toContain(
      'with fsspec.open("s3://leap-pangeo-inbox/from-hpc/out.nc", mode="rb", **storage_options) as f:'
    );
    expect(code).toContain('xr.open_dataset(f, engine="h5netcdf")');
  });

  it('uses the engine each format needs', () => {
    expect(pythonSnippet(scratch, entry('alice/era5.grib2'))).toContain(
      'fsspec.open_local("simplecache::gs://leap-scratch/alice/era5.grib2")'
    );
    expect(pythonSnippet(scratch, entry('alice/era5.grib2'))).toContain(
      'engine="cfgrib"'
    );
    expect(pythonSnippet(manual, entry('x/era5.grib'))).toContain(
      ', s3=storage_options)'
    );
    expect(pythonSnippet(scratch, entry('alice/dem.tif'))).toContain(
      'rioxarray.open_rasterio(f)'
    );
    expect(pythonSnippet(scratch, entry('alice/t.parquet'))).toContain(
      'pd.read_parquet("gs://leap-scratch/alice/t.parquet")'
    );
    expect(pythonSnippet(manual, entry('x/t.tsv'))).toContain(
      'pd.read_csv("s3://leap-pangeo-manual/x/t.tsv", sep="\\t", storage_options=storage_options)'
    );
    expect(pythonSnippet(scratch, entry('alice/notes.txt'))).toContain(
      'data = f.read()'
    );
    expect(pythonSnippet(scratch, entry('alice/run1/', 'directory'))).toContain(
      'fs = fsspec.filesystem("gcs")\nfs.ls("leap-scratch/alice/run1/")'
    );
  });

  it('points GCS snippets at an emulator when the server uses one', () => {
    const emulated = { ...scratch, endpoint: 'http://127.0.0.1:4443' };
    expect(storageOptions(emulated)).toEqual({
      endpoint_url: 'http://127.0.0.1:4443',
      token: 'anon'
    });
    expect(pythonSnippet(emulated, entry('alice/a.zarr/', 'zarr'))).toContain(
      'storage_options = {"endpoint_url": "http://127.0.0.1:4443", "token": "anon"}'
    );
  });

  it('writes Python literals', () => {
    expect(pyLiteral({ a: [1, true, null], b: 'q"x' })).toBe(
      '{"a": [1, True, None], "b": "q\\"x"}'
    );
  });
});

describe('command enablement', () => {
  const ctx = (
    root: IRoot | null,
    folder: string,
    ...selection: IEntry[]
  ): ICommandContext => ({ root, folder, selection });

  it('offers new folder and upload only inside the writable prefix', () => {
    expect(rules.newFolder(ctx(scratch, 'alice/run1/'))).toBe('');
    expect(rules.upload(ctx(inbox, ''))).toBe('');
    expect(rules.newFolder(ctx(scratch, ''))).toMatch(
      /only inside gs:\/\/leap-scratch\/alice\//
    );
    expect(rules.newFolder(ctx(scratch, 'alice-old/'))).not.toBe('');
    expect(rules.upload(ctx(manual, 'CMIP6/'))).toMatch(/read-only/);
    expect(rules.newFolder(ctx(null, ''))).toMatch(/Choose a root/);
  });

  it('offers rename and delete only where deleting is allowed, for one item', () => {
    expect(rules.rename(ctx(scratch, 'alice/', entry('alice/a.nc')))).toBe('');
    expect(
      rules.rename(
        ctx(scratch, 'alice/', entry('alice/a.nc'), entry('alice/b.nc'))
      )
    ).toMatch(/one item/);
    expect(
      rules.rename(ctx(scratch, '', entry('alice/', 'directory')))
    ).not.toBe(''); // the home itself
    expect(rules.rename(ctx(scratch, 'bob/', entry('bob/a.nc')))).toMatch(
      /only inside/
    );
    expect(rules.rename(ctx(inbox, '', entry('x.nc')))).toMatch(
      /cannot be deleted/
    );
    expect(
      rules.delete(ctx(scratch, 'alice/', entry('alice/run.zarr/', 'zarr')))
    ).toBe('');
    expect(
      rules.delete(ctx(manual, 'CMIP6/', entry('CMIP6/tas.zarr/', 'zarr')))
    ).toMatch(/off/);
  });

  it('offers reading commands everywhere there is something to read', () => {
    expect(
      rules.copySnippet(ctx(manual, 'CMIP6/', entry('CMIP6/tas.zarr/', 'zarr')))
    ).toBe('');
    expect(rules.copySnippet(ctx(manual, 'CMIP6/'))).toMatch(/Select one/);
    expect(
      rules.download(
        ctx(manual, 'CMIP6/', entry('CMIP6/a.nc'), entry('CMIP6/b.nc'))
      )
    ).toBe('');
    expect(rules.download(ctx(manual, 'CMIP6/'))).not.toBe('');
    expect(rules.details(ctx(manual, '', entry('CMIP6/', 'directory')))).toBe(
      ''
    );
    expect(
      rules.preview(ctx(manual, '', entry('CMIP6/tas.zarr/', 'zarr')))
    ).toBe('');
    expect(
      rules.preview(ctx(manual, '', entry('CMIP6/', 'directory')))
    ).toMatch(/Zarr store/);
    expect(rules.copyUrl(ctx(manual, ''))).toBe('');
  });

  it('checks new names', () => {
    expect(whyNotName('run2', 'run1')).toBe('');
    expect(whyNotName('run1', 'run1')).toMatch(/already/);
    expect(whyNotName('a/b', 'x')).toMatch(/'\/'/);
    expect(whyNotName('..', 'x')).not.toBe('');
    expect(whyNotName(' x', 'y')).toMatch(/space/);
    expect(whyNotName('', 'y')).toMatch(/Type a name/);
  });
});
