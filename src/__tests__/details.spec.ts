import { formatDate } from '../format';
import { ApiError } from '../request';
import { IDetails } from '../tokens';
import { detailRows, DetailsModel } from '../workflows/details';
import { entry, persistent, scratch } from './fakes';

const file: IDetails = {
  name: 'a.csv',
  path: 'alice/a.csv',
  url: 'gs://leap-scratch/alice/a.csv',
  size: 22,
  modified: '2026-11-30T10:00:00Z',
  created: '2026-11-30T09:00:00Z',
  expires: '2026-12-07T09:00:00Z',
  expiresRule: '7 days after creation',
  md5: 'q1w2e3==',
  crc32c: 'AAAAAA==',
  generation: '1764493200000000'
};

describe('the details dialog', () => {
  it("shows a file's size, dates, checksums, generation and expiry with its rule", () => {
    expect(detailRows(scratch, entry('alice/a.csv'), file)).toEqual([
      ['Size', '22 bytes'],
      ['Modified', formatDate('2026-11-30T10:00:00Z')],
      ['Created', formatDate('2026-11-30T09:00:00Z')],
      ['MD5', 'q1w2e3=='],
      ['CRC32C', 'AAAAAA=='],
      ['Generation', '1764493200000000'],
      [
        'Expires',
        `${formatDate('2026-12-07T09:00:00Z')} (7 days after creation)`
      ]
    ]);
  });

  it('gives large sizes exactly too, and leaves out checksums the service has not', () => {
    const rows = detailRows(persistent, entry('alice/big.nc'), {
      ...file,
      size: 1_234_567,
      md5: null,
      crc32c: null,
      generation: null
    });
    expect(rows[0][1]).toMatch(/\(1,234,567 bytes\)$/);
    expect(rows.map(r => r[0])).toEqual(['Size', 'Modified', 'Created']); // no expiry in persistent
  });

  it("shows a folder's or store's counts, 'at least' when the count stopped, and the listing's expiry", () => {
    const rows = detailRows(
      scratch,
      entry('alice/ocean.zarr/', 'zarr'),
      {
        name: 'ocean.zarr',
        path: 'alice/ocean.zarr/',
        url: 'gs://leap-scratch/alice/ocean.zarr/',
        objects: 20000,
        bytes: 0,
        approximate: true,
        modified: null
      },
      '2026-12-01T00:00:00Z'
    );
    expect(rows).toEqual([
      ['Objects', `at least ${(20000).toLocaleString()}`],
      ['Total size', 'at least 0 B'],
      ['Last modified', '—'],
      ['Expires', formatDate('2026-12-01T00:00:00Z')]
    ]);
  });

  it('says it is loading, then shows the rows, or the error instead', async () => {
    const model = new DetailsModel(
      { details: async () => file },
      scratch,
      entry('alice/a.csv')
    );
    expect(model.status).toBe('Reading its metadata…');
    expect(model.rows).toEqual([
      ['URL', 'gs://leap-scratch/alice/a.csv'],
      ['Type', 'File']
    ]);
    await model.load();
    expect(model.status).toBe('');
    expect(model.rows.map(r => r[0])).toContain('CRC32C');

    const failing = new DetailsModel(
      {
        details: async () => {
          throw new ApiError('not-found', 'alice/gone is not there.', 404);
        }
      },
      scratch,
      entry('alice/gone/', 'directory')
    );
    expect(failing.status).toBe('Counting what lies under it…');
    await failing.load();
    expect(failing.status).toBe('alice/gone is not there.');
    expect(failing.rows.map(r => r[1])).toEqual([
      'gs://leap-scratch/alice/gone/',
      'Folder'
    ]);
  });
});
