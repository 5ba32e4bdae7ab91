/**
 * The snippets' storage options come from the root the server describes (GET roots), so
 * the same code names OSN's endpoint on LEAP and the emulators in the demo. That the
 * snippets really open the data is checked in a kernel by
 * jupyterlab_leap_buckets/tests/test_snippets.py.
 */
import { pythonSnippet, storageOptions } from '../snippets';
import { IRoot } from '../tokens';
import { scratch } from './fakes';

const demoInbox: IRoot = {
  id: 'osn-inbox',
  label: 'OSN inbox',
  provider: 's3',
  bucket: 'leap-pangeo-inbox',
  url: 's3://leap-pangeo-inbox/',
  home: '',
  writable: '',
  deletable: null,
  expiryDays: null,
  endpoint: 'http://127.0.0.1:5555',
  anonymous: false
};
// LEAP's scratch as the hub describes it: Google's own endpoint (null).
const hubScratch: IRoot = scratch;

describe('snippets follow the root', () => {
  it("names the S3 endpoint the server reports, not OSN's own", () => {
    expect(storageOptions(demoInbox)).toEqual({
      client_kwargs: { endpoint_url: 'http://127.0.0.1:5555' }
    });
    const code = pythonSnippet(demoInbox, {
      path: 'from-hpc/run.zarr/',
      type: 'zarr'
    });
    expect(code).toContain('"endpoint_url": "http://127.0.0.1:5555"');
    expect(code).not.toContain('osn.mghpcc.org');
  });

  it('leaves credentials and endpoint to gcsfs on the hub', () => {
    for (const item of [
      { path: 'alice/v3.zarr/', type: 'zarr' as const },
      { path: 'alice/tas.nc', type: 'file' as const },
      { path: 'alice/stations.csv', type: 'file' as const }
    ]) {
      const code = pythonSnippet(hubScratch, item);
      expect(code).not.toContain('storage_options');
      expect(code).not.toContain('token');
    }
    expect(
      pythonSnippet(hubScratch, { path: 'alice/tas.nc', type: 'file' })
    ).toBe(
      'import fsspec\nimport xarray as xr\n\n' +
        'with fsspec.open("gs://leap-scratch/alice/tas.nc", mode="rb") as f:\n' +
        '    ds = xr.open_dataset(f, engine="h5netcdf").load()\nds\n'
    );
  });
});
