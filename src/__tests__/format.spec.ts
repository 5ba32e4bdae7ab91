import {
  breadcrumbs,
  countText,
  splitName,
  formatRelative,
  formatSize,
  parentPath,
  sortEntries
} from '../format';
import { IEntry } from '../tokens';

function entry(
  name: string,
  type: IEntry['type'],
  size: number | null,
  modified: string | null
): IEntry {
  const path = type === 'file' ? `d/${name}` : `d/${name}/`;
  return { name, path, type, size, modified, created: null, expires: null };
}

describe('formatSize', () => {
  it.each([
    [null, ''],
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 KB'],
    [1536, '1.5 KB'],
    [12_582_912, '12.6 MB'],
    [3.2e12, '3.2 TB']
  ])('%p -> %p', (size, text) => {
    expect(formatSize(size as number | null)).toBe(text);
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it.each([
    ['2026-11-25T11:59:30Z', 'just now'],
    ['2026-11-25T11:15:00Z', '45 min ago'],
    ['2026-11-25T09:00:00Z', '3 h ago'],
    ['2026-11-20T12:00:00Z', '5 d ago']
  ])('%s -> %s', (iso, text) => {
    expect(formatRelative(iso, now)).toBe(text);
  });
  it('gives a date for old times and nothing for none', () => {
    expect(formatRelative('2025-01-02T00:00:00Z', now)).toMatch(
      /^2025-01-0[12]$/
    );
    expect(formatRelative(null, now)).toBe('');
    expect(formatRelative('not a date', now)).toBe('');
  });
});

describe('sortEntries', () => {
  const entries = [
    entry('b.txt', 'file', 50, '2026-11-02T00:00:00Z'),
    entry('store.zarr', 'zarr', null, null),
    entry('a.txt', 'file', 300, '2026-11-01T00:00:00Z'),
    entry('c.txt', 'file', 10, '2026-11-03T00:00:00Z'),
    entry('folder', 'directory', null, null)
  ];
  const names = (list: IEntry[]) => list.map(e => e.name);

  it('puts folders and stores first, then files by name', () => {
    expect(
      names(sortEntries(entries, { key: 'name', ascending: true }))
    ).toEqual(['folder', 'store.zarr', 'a.txt', 'b.txt', 'c.txt']);
  });
  it('reverses within the groups, folders still first', () => {
    expect(
      names(sortEntries(entries, { key: 'name', ascending: false }))
    ).toEqual(['store.zarr', 'folder', 'c.txt', 'b.txt', 'a.txt']);
  });
  it('sorts by size and by modified time', () => {
    expect(
      names(sortEntries(entries, { key: 'size', ascending: true })).slice(2)
    ).toEqual(['c.txt', 'b.txt', 'a.txt']);
    expect(
      names(sortEntries(entries, { key: 'modified', ascending: false })).slice(
        2
      )
    ).toEqual(['c.txt', 'b.txt', 'a.txt']);
  });
  it('orders numbers in names naturally and leaves its input alone', () => {
    const runs = [
      entry('run-10', 'file', 1, null),
      entry('run-9', 'file', 1, null)
    ];
    expect(names(sortEntries(runs, { key: 'name', ascending: true }))).toEqual([
      'run-9',
      'run-10'
    ]);
    expect(names(runs)).toEqual(['run-10', 'run-9']);
  });
});

describe('breadcrumbs and parentPath', () => {
  it('has the root then one crumb per segment', () => {
    expect(breadcrumbs('gs://leap-scratch', 'demo/run1/store.zarr/')).toEqual([
      { label: 'gs://leap-scratch', path: '' },
      { label: 'demo', path: 'demo/' },
      { label: 'run1', path: 'demo/run1/' },
      { label: 'store.zarr', path: 'demo/run1/store.zarr/' }
    ]);
    expect(breadcrumbs('s3://b', '')).toEqual([{ label: 's3://b', path: '' }]);
  });
  it('goes up one folder', () => {
    expect(parentPath('demo/run1/')).toBe('demo/');
    expect(parentPath('demo/')).toBe('');
    expect(parentPath('')).toBe('');
  });
});

describe('splitName (truncation in the middle)', () => {
  it.each([
    ['README.md', 'README.md', ''],
    ['part-00001.nc', 'part-', '00001.nc'],
    ['part-02599.txt', 'part-', '02599.txt'],
    ['ocean_temperature_2020.zarr', 'ocean_temperature', '_2020.zarr'],
    [
      'a-very-long-name-without-extension',
      'a-very-long-name-without-exte',
      'nsion'
    ],
    // A "extension" with a space in it is part of the name.
    [
      'notes from the run.final version',
      'notes from the run.final ve',
      'rsion'
    ],
    ['.hidden-configuration', '.hidden-configur', 'ation']
  ])('%p -> %p + %p', (name, head, tail) => {
    expect(splitName(name)).toEqual({ head, tail });
    expect(splitName(name).head + splitName(name).tail).toBe(name);
  });

  it('keeps every name of a part-NNNNN series told apart by its tail', () => {
    const names = Array.from(
      { length: 2600 },
      (_, i) => `part-${String(i).padStart(5, '0')}.nc`
    );
    expect(new Set(names.map(n => splitName(n).tail)).size).toBe(2600);
  });
});

describe('countText', () => {
  const text = (
    shown: number,
    complete: boolean,
    filtered = false,
    loaded = shown
  ) => countText({ shown, loaded, complete, filtered });
  it.each([
    [text(0, true), '0 items'],
    [text(1, true), '1 item'],
    [text(2600, true), '2,600 items'],
    [text(1000, false), '1,000+ items so far'],
    [text(12, true, true, 2600), '12 of 2,600 items'],
    [text(3, false, true, 1000), '3 of 1,000+ items so far']
  ])('%p', (got, want) => {
    expect(got).toBe(want);
  });
});
