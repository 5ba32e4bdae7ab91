import {
  arraysOf,
  chunkCount,
  codecLabel,
  describeStore,
  itemSize,
  NotAZarrStore
} from '../zarr/describe';

// Metadata files of real stores written by zarr-python 3 (see the fixture's keys):
// a group with an array `sst` and a subgroup `levels` holding an array `plev`.
import FIXTURES from './fixtures/zarr-stores.json';

const STORES: Record<string, Record<string, string>> = FIXTURES;

function memoryStore(files: Record<string, string>) {
  const encoder = new TextEncoder();
  const gets: string[] = [];
  const store = {
    gets,
    async get(key: string) {
      gets.push(key);
      const text = files[key.slice(1)];
      return text === undefined ? undefined : encoder.encode(text);
    }
  };
  const listFolders = async (path: string) => {
    const prefix = path === '/' ? '' : `${path.slice(1)}/`;
    const names = new Set<string>();
    for (const key of Object.keys(files)) {
      if (key.startsWith(prefix) && key.slice(prefix.length).includes('/')) {
        names.add(key.slice(prefix.length).split('/')[0]);
      }
    }
    return [...names];
  };
  return { store, listFolders };
}

describe('describeStore', () => {
  for (const [name, version, consolidated] of [
    ['v2', 2, false],
    ['v2-consolidated', 2, true],
    ['v3', 3, false],
    ['v3-consolidated', 3, true]
  ] as const) {
    it(`reads the tree, shapes and attributes of a Zarr ${name} store`, async () => {
      const { store, listFolders } = memoryStore(STORES[name]);
      const description = await describeStore(store as any, listFolders);
      expect(description.version).toBe(version);
      expect(description.consolidated).toBe(consolidated);
      const root = description.root;
      expect(root.kind).toBe('group');
      expect(root.attrs).toEqual({ title: 'fixture' });
      expect(root.children.map(c => [c.name, c.kind])).toEqual([
        ['levels', 'group'],
        ['sst', 'array']
      ]);
      const sst = root.children[1];
      expect(sst.array).toMatchObject({
        shape: [12, 18, 36],
        chunks: [3, 9, 18],
        dimensions: ['time', 'lat', 'lon'],
        dtype: 'float32',
        chunkCount: 4 * 2 * 2,
        bytes: 12 * 18 * 36 * 4
      });
      expect(sst.attrs).toEqual({
        units: 'K',
        long_name: 'sea surface temperature'
      });
      expect(sst.array!.codecs.join(' ')).toMatch(
        version === 3 ? /zstd|bytes/ : /zstd|blosc|no compressor/
      );
      const levels = root.children[0];
      expect(levels.attrs).toEqual({ description: 'pressure levels' });
      expect(levels.children.map(c => c.path)).toEqual(['/levels/plev']);
      expect(levels.children[0].array).toMatchObject({
        shape: [5],
        dtype: 'int64',
        dimensions: ['plev'],
        chunkCount: 1
      });
      expect(arraysOf(root).map(a => a.path)).toEqual(['/levels/plev', '/sst']);
      expect(new Set(store.gets).size).toBe(store.gets.length); // each key fetched once
      if (consolidated) {
        // Everything came from the one consolidated document.
        expect(
          store.gets.filter(
            k =>
              !['/zarr.json', '/.zmetadata', '/.zgroup', '/.zarray'].includes(k)
          )
        ).toEqual([]);
      }
    });
  }

  it('says what is missing when a folder holds no Zarr metadata', async () => {
    const { store, listFolders } = memoryStore({
      'notes.txt': 'hello',
      'data/0.0': 'x'
    });
    await expect(describeStore(store as any, listFolders)).rejects.toThrow(
      NotAZarrStore
    );
    await expect(describeStore(store as any, listFolders)).rejects.toThrow(
      /zarr\.json.*\.zgroup or \.zarray/
    );
  });

  it('keeps a broken array on its node instead of failing the whole store', async () => {
    const files = { ...STORES['v2-consolidated'] };
    const meta = JSON.parse(files['.zmetadata']);
    meta.metadata['sst/.zarray'] = { zarr_format: 2, shape: 'not a shape' };
    files['.zmetadata'] = JSON.stringify(meta);
    const { store, listFolders } = memoryStore(files);
    const description = await describeStore(store as any, listFolders);
    const sst = description.root.children.find(c => c.name === 'sst')!;
    expect(sst.error).toMatch(/could not be read/);
    expect(
      description.root.children.find(c => c.name === 'levels')!.error
    ).toBeUndefined();
  });

  it('rejects metadata that is not JSON', async () => {
    const { store, listFolders } = memoryStore({ 'zarr.json': '{not json' });
    await expect(describeStore(store as any, listFolders)).rejects.toThrow(
      /zarr\.json is not valid JSON/
    );
  });
});

describe('array arithmetic', () => {
  it('counts chunks, partial ones included', () => {
    expect(chunkCount([10, 10], [3, 5])).toBe(8);
    expect(chunkCount([0], [5])).toBe(0);
    expect(chunkCount([], [])).toBe(1);
  });
  it('knows element sizes', () => {
    expect(itemSize('float64')).toBe(8);
    expect(itemSize('uint8')).toBe(1);
    expect(itemSize('bool')).toBe(1);
    expect(itemSize('string')).toBeNull();
  });
  it('labels codecs of both versions', () => {
    expect(
      codecLabel({ name: 'zstd', configuration: { level: 0, checksum: false } })
    ).toBe('zstd(level=0, checksum=false)');
    expect(
      codecLabel({ id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1 })
    ).toBe('blosc(cname=lz4, clevel=5, shuffle=1)');
    expect(codecLabel({ name: 'bytes' })).toBe('bytes');
  });
});
