/**
 * Icechunk repositories and virtual Zarr stores in the frontend: which entries are
 * folders (a JSON reference file is a store that is a file), what the previews show
 * from the server's summaries (the reference store's arrays described by the Zarr
 * preview's own code), and the Python that opens them (run in a kernel by
 * jupyterlab_leap_buckets/tests/test_snippets.py).
 */
import { rules } from '../commandRules';
import { isFolderEntry, storeTag, typeLabel } from '../entryKinds';
import { sortEntries } from '../format';
import { openWith } from '../openRules';
import { pythonSnippet } from '../snippets';
import {
  chunkSentence,
  describeReferences,
  icechunkArrayRows,
  icechunkHeadline,
  parquetSentence,
  referencesHeadline,
  refRows,
  snapshotRows,
  targetRows
} from '../storeSummaries';
import { IEntry, IIcechunkSummary, IReferencesSummary, IRoot } from '../tokens';
import { arraysOf } from '../zarr/describe';
import { ZarrPreviews } from '../zarrPreviews';
import { scratch } from './fakes';

// What kerchunk 0.2.10 wrote for the seeded netCDF file (scripts/seed_virtual.py).
function toObject<T>(pairs: [string, T][]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of pairs) {
    out[k] = v;
  }
  return out;
}

const KERCHUNK_METADATA = {
  '.zgroup': { zarr_format: 2 },
  '.zattrs': { title: 'LEAP demo netCDF for kerchunk references' },
  'lat/.zarray': {
    shape: [9],
    chunks: [9],
    dtype: '<f8',
    fill_value: 'NaN',
    order: 'C',
    filters: null,
    dimension_separator: '.',
    compressor: null,
    zarr_format: 2
  },
  'lat/.zattrs': { _ARRAY_DIMENSIONS: ['lat'] },
  'lon/.zarray': {
    shape: [18],
    chunks: [18],
    dtype: '<f8',
    fill_value: 'NaN',
    order: 'C',
    filters: null,
    dimension_separator: '.',
    compressor: null,
    zarr_format: 2
  },
  'lon/.zattrs': { _ARRAY_DIMENSIONS: ['lon'] },
  'tas/.zarray': {
    shape: [4, 9, 18],
    chunks: [1, 9, 18],
    dtype: '<f4',
    fill_value: 'NaN',
    order: 'C',
    filters: null,
    dimension_separator: '.',
    compressor: null,
    zarr_format: 2
  },
  'tas/.zattrs': { _ARRAY_DIMENSIONS: ['time', 'lat', 'lon'], units: 'K' },
  'time/.zarray': {
    shape: [4],
    chunks: [4],
    dtype: '<i8',
    fill_value: null,
    order: 'C',
    filters: null,
    dimension_separator: '.',
    compressor: null,
    zarr_format: 2
  },
  'time/.zattrs': { _ARRAY_DIMENSIONS: ['time'] }
};

function entry(name: string, path: string, type: IEntry['type']): IEntry {
  return {
    name,
    path,
    type,
    size: path.endsWith('/') ? null : 1804,
    modified: null,
    created: null,
    expires: path.endsWith('/') ? null : '2026-12-08T00:00:00Z'
  };
}

const repo = entry('sst-repo', 'demo/sst-repo/', 'icechunk');
const jsonRefs = entry('tas-refs.json', 'demo/tas-refs.json', 'virtual-zarr');
const parquetRefs = entry(
  'tas-refs.parq',
  'demo/tas-refs.parq/',
  'virtual-zarr'
);
const notes = entry('notes.md', 'demo/notes.md', 'file');

describe('entry kinds', () => {
  it('keeps a JSON reference file a file and every store folder a folder', () => {
    expect(isFolderEntry(repo)).toBe(true);
    expect(isFolderEntry(parquetRefs)).toBe(true);
    expect(isFolderEntry(jsonRefs)).toBe(false);
    expect(isFolderEntry(notes)).toBe(false);
    // folders first, and the reference file among the files
    const sorted = sortEntries([notes, jsonRefs, parquetRefs, repo], {
      key: 'name',
      ascending: true
    });
    expect(sorted.map(e => e.name)).toEqual([
      'sst-repo',
      'tas-refs.parq',
      'notes.md',
      'tas-refs.json'
    ]);
  });

  it('names each kind and tags the stores', () => {
    expect(typeLabel(repo)).toBe('Icechunk repository');
    expect(typeLabel(jsonRefs)).toContain('JSON');
    expect(typeLabel(parquetRefs)).toContain('Parquet');
    expect([repo, jsonRefs, notes].map(storeTag)).toEqual([
      'Icechunk',
      'Virtual',
      ''
    ]);
  });

  it('previews stores and opens a reference file as a store, not as text', () => {
    const ctx = (selection: IEntry[]) =>
      ({ root: scratch, folder: 'demo/', selection }) as any;
    expect(rules.preview(ctx([repo]))).toBe('');
    expect(rules.preview(ctx([jsonRefs]))).toBe('');
    expect(rules.preview(ctx([notes]))).toContain('Select');
    expect(openWith(jsonRefs)).not.toBe('details'); // a file's opener, unless previewed
  });

  it('goes into folder stores only when the setting says folder', () => {
    const previews = new ZarrPreviews({} as any, {} as any, () => '');
    expect(previews.has('icechunk') && previews.has('virtual-zarr')).toBe(true);
    expect(previews.has('directory') || previews.has('file')).toBe(false);
    expect(previews.opensAsFolder(repo, 'folder')).toBe(true);
    expect(previews.opensAsFolder(parquetRefs, 'folder')).toBe(true);
    expect(previews.opensAsFolder(jsonRefs, 'folder')).toBe(false);
    expect(previews.opensAsFolder(repo, 'preview')).toBe(false);
  });
});

describe('reference store preview', () => {
  const summary: IReferencesSummary = {
    format: 'json',
    bytes: 1804,
    metadata: KERCHUNK_METADATA,
    chunks: 7,
    inlineChunks: 3,
    targets: [
      { url: 'gs://leap-scratch/demo/virtual/tas.nc', chunks: 4, bytes: 2592 }
    ],
    otherTargets: { count: 0, chunks: 0 }
  };

  it("describes the arrays from the references' own metadata", async () => {
    const description = await describeReferences(summary);
    const arrays = toObject(
      arraysOf(description.root).map(n => [n.path, n.array!] as [string, any])
    );
    expect(Object.keys(arrays).sort()).toEqual([
      '/lat',
      '/lon',
      '/tas',
      '/time'
    ]);
    expect(arrays['/tas'].shape).toEqual([4, 9, 18]);
    expect(arrays['/tas'].dimensions).toEqual(['time', 'lat', 'lon']);
    expect(arrays['/tas'].chunkCount).toBe(4);
    expect(description.root.attrs.title).toBe(
      'LEAP demo netCDF for kerchunk references'
    );
  });

  it('says where the chunks live', () => {
    expect(chunkSentence(summary)).toBe('7 chunks: 4 in 1 file, 3 inline');
    expect(referencesHeadline(summary)).toContain('kerchunk references (JSON)');
    expect(targetRows(summary)).toEqual([
      ['gs://leap-scratch/demo/virtual/tas.nc', '4', '2.6 KB'],
      ['inline (in the references themselves)', '3', '—']
    ]);
    const many = {
      ...summary,
      otherTargets: { count: 120, chunks: 480 }
    };
    expect(targetRows(many)[1]).toEqual(['120 other files', '480', '—']);
    expect(chunkSentence(many)).toContain('in 121 files');
  });

  it("says a Parquet folder's chunk references are not read", () => {
    const text = parquetSentence({
      format: 'parquet',
      bytes: 1085,
      metadata: KERCHUNK_METADATA,
      recordSize: 10,
      parquetFiles: 4
    });
    expect(text).toContain('4 Parquet files');
    expect(text).toContain('10 references per file');
    const none = parquetSentence({
      format: 'parquet',
      bytes: 1085,
      metadata: KERCHUNK_METADATA,
      recordSize: 10,
      parquetFiles: 0
    });
    expect(none).toContain('no Parquet files');
  });
});

describe('Icechunk preview', () => {
  const summary: IIcechunkSummary = {
    branches: [
      { name: 'experiment', snapshot: 'AAA' },
      { name: 'main', snapshot: 'BBB' }
    ],
    tags: [{ name: 'v1.0', snapshot: 'AAA' }],
    refsTruncated: false,
    latest: {
      id: 'BBB',
      parent: 'AAA',
      writtenAt: '2026-11-30T12:00:00Z',
      message: 'Add the source attribute',
      bytes: 687,
      nodes: [
        { path: '', kind: 'group', attrs: {} },
        {
          path: 'sst',
          kind: 'array',
          attrs: { units: 'K', long_name: 'sea surface temperature' },
          shape: [6, 18, 36],
          chunks: [3, 18, 36],
          dtype: 'float32',
          dimensions: ['time', 'lat', 'lon']
        }
      ]
    }
  };

  it('lists main first and marks what points at its latest snapshot', () => {
    expect(refRows(summary.branches, 'BBB')).toEqual([
      ['main', 'BBB', 'main’s latest'],
      ['experiment', 'AAA', '']
    ]);
    expect(icechunkHeadline(summary)).toBe(
      'Icechunk repository · 2 branches · 1 tag · 1 array on main'
    );
  });

  it('shows the latest snapshot and its arrays', () => {
    const rows = toObject(snapshotRows(summary) as [string, string][]);
    expect(rows.Snapshot).toBe('BBB');
    expect(rows.Message).toBe('Add the source attribute');
    expect(rows.Parent).toBe('AAA');
    expect(icechunkArrayRows(summary.latest.nodes!)).toEqual([
      [
        'sst',
        'time, lat, lon',
        '6 × 18 × 36',
        'float32',
        '3 × 18 × 36',
        'K',
        'sea surface temperature'
      ]
    ]);
    const big = {
      ...summary,
      latest: { id: 'BBB', bytes: 2 ** 27, tooLarge: true }
    };
    expect(
      toObject(snapshotRows(big) as [string, string][]).Contents
    ).toContain('134.2 MB');
  });
});

describe('snippets', () => {
  const osn: IRoot = {
    ...scratch,
    id: 'osn-pipeline',
    provider: 's3',
    bucket: 'leap-pangeo-pipeline',
    url: 's3://leap-pangeo-pipeline/',
    endpoint: 'https://nyu1.osn.mghpcc.org',
    anonymous: true
  };

  it('opens an Icechunk repository with its own storage and xarray', () => {
    const gcs = pythonSnippet(scratch, {
      path: 'demo/sst-repo/',
      type: 'icechunk'
    });
    expect(gcs).toContain('icechunk.gcs_storage(');
    expect(gcs).toContain('prefix="demo/sst-repo"');
    expect(gcs).toContain('xr.open_zarr(session.store, consolidated=False)');
    const s3 = pythonSnippet(osn, { path: 'icechunk/sst/', type: 'icechunk' });
    expect(s3).toContain('endpoint_url="https://nyu1.osn.mghpcc.org"');
    expect(s3).toContain('anonymous=True');
    expect(s3).not.toContain('allow_http');
  });

  it('opens references with the reference filesystem, chunks read asynchronously', () => {
    const code = pythonSnippet(osn, {
      path: 'virtual/tas-refs.json',
      type: 'virtual-zarr'
    });
    expect(code).toContain(
      '"fo": "s3://leap-pangeo-pipeline/virtual/tas-refs.json"'
    );
    expect(code).toContain('"remote_protocol": "s3"');
    expect(code).toContain('"asynchronous": True');
    const parquet = pythonSnippet(scratch, {
      path: 'demo/r.parq/',
      type: 'virtual-zarr'
    });
    expect(parquet).toContain('"fo": "gs://leap-scratch/demo/r.parq"');
    expect(parquet).toContain('"remote_protocol": "gs"');
  });
});
