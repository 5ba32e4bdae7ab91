import { IBucketsApi } from '../api';
import { BucketBrowserModel } from '../model';
import { ApiError } from '../request';
import { IEntry, IListPage, IRoot, IRootsReply } from '../tokens';

const ROOTS: IRoot[] = [
  {
    id: 'scratch',
    label: 'Scratch',
    provider: 'gcs',
    bucket: 'leap-scratch',
    url: 'gs://leap-scratch/',
    home: 'demo/',
    writable: 'demo/',
    deletable: 'demo/',
    expiryDays: 7
  },
  {
    id: 'manual',
    label: 'Manual',
    provider: 's3',
    bucket: 'm',
    url: 's3://m/',
    home: '',
    writable: null,
    deletable: null,
    expiryDays: null
  }
];

function file(path: string): IEntry {
  return {
    name: path.split('/').pop()!,
    path,
    type: 'file',
    size: 1,
    modified: null,
    created: null,
    expires: null
  };
}

/** What the model never calls in these tests. */
const notUsed = (): Promise<never> => {
  throw new Error('not used here');
};

/** A stand-in API over an in-memory folder, paging like the server (cursor = last path). */
class FakeApi implements IBucketsApi {
  calls: {
    root: string;
    path: string;
    cursor: string | null;
    limit: number;
  }[] = [];
  failList: ApiError | null = null;
  constructor(private files: string[]) {}
  async getRoots(): Promise<IRootsReply> {
    return { user: 'demo', roots: ROOTS, notice: null };
  }
  async listPage(
    root: string,
    path: string,
    cursor: string | null,
    limit: number
  ): Promise<IListPage> {
    this.calls.push({ root, path, cursor, limit });
    if (this.failList) {
      throw this.failList;
    }
    const under = this.files.filter(f => f.startsWith(path)).sort();
    const start = cursor === null ? 0 : under.indexOf(cursor) + 1;
    const page = under.slice(start, start + limit);
    const more = start + limit < under.length;
    return {
      entries: page.map(file),
      cursor: more ? page[page.length - 1] : null
    };
  }
  objectUrl(): string {
    return '';
  }
  startTransfer = notUsed;
  async listJobs(): Promise<never[]> {
    return [];
  }
  cancelJob = notUsed;
  resumeJob = notUsed;
  startUpload = notUsed;
  sendChunk = notUsed;
  planDelete = notUsed;
  startDelete = notUsed;
  handoffDelete = notUsed;
  getPlan = notUsed;
  dropPlan = notUsed;
  folderExpiry = notUsed;
  expiring = notUsed;
  createFolder = notUsed;
  details = notUsed;
  readObject = notUsed;
  icechunk = notUsed;
  references = notUsed;
}

describe('BucketBrowserModel', () => {
  const many = Array.from(
    { length: 25 },
    (_, i) => `demo/many/f${String(i).padStart(3, '0')}`
  );

  it('opens the first root at its home', async () => {
    const api = new FakeApi(['demo/a.txt', 'other/b.txt']);
    const model = new BucketBrowserModel(api);
    await model.initialize();
    expect(model.root?.id).toBe('scratch');
    expect(model.path).toBe('demo/');
    expect(model.entries.map(e => e.path)).toEqual(['demo/a.txt']);
    expect(model.loading).toBe(false);
  });

  it('opens the default root from the settings', async () => {
    const model = new BucketBrowserModel(new FakeApi([]));
    await model.initialize('manual');
    expect(model.root?.id).toBe('manual');
    expect(model.path).toBe('');
  });

  it('loads page after page with the cursor, and stops at the end', async () => {
    const api = new FakeApi(many);
    const model = new BucketBrowserModel(api, { pageSize: 10 });
    await model.initialize();
    await model.cd('demo/many/');
    expect(model.entries).toHaveLength(10);
    expect(model.hasMore).toBe(true);
    await model.loadMore();
    await model.loadMore();
    expect(model.entries.map(e => e.path)).toEqual(many);
    expect(model.hasMore).toBe(false);
    await model.loadMore();
    const listing = api.calls.filter(c => c.path === 'demo/many/');
    expect(listing.map(c => c.cursor)).toEqual([
      null,
      'demo/many/f009',
      'demo/many/f019'
    ]);
    expect(listing.every(c => c.limit === 10)).toBe(true);
  });

  it('finds an entry beyond the loaded pages, and stops paging when told', async () => {
    const api = new FakeApi(many);
    const model = new BucketBrowserModel(api, { pageSize: 10 });
    await model.initialize();
    await model.cd('demo/many/');
    expect((await model.findEntry('demo/many/f022'))?.path).toBe(
      'demo/many/f022'
    );
    expect(model.entries).toHaveLength(25); // the third page held it
    await model.cd('demo/many/');
    expect(await model.findEntry('demo/many/nothing', 1)).toBeUndefined();
    expect(model.entries).toHaveLength(20); // one page more, then it gave up
    expect(model.hasMore).toBe(true);
  });

  it('loads through to the last page for End, saying so meanwhile, and joins a page already on its way', async () => {
    const api = new FakeApi(many);
    const model = new BucketBrowserModel(api, { pageSize: 10 });
    await model.initialize();
    await model.cd('demo/many/');
    expect(model.complete).toBe(false);
    const seen: boolean[] = [];
    model.changed.connect(() => seen.push(model.loadingAll));
    const prefetch = model.loadMore(); // the listing's prefetch, already sent
    expect(await model.loadAll()).toBe(true);
    await prefetch;
    expect(model.entries.map(e => e.path)).toEqual(many);
    expect(model.complete).toBe(true);
    expect(model.loadingAll).toBe(false);
    expect(seen).toContain(true);
    // Each page asked for once: the prefetch's page was not asked for again beside it.
    const cursors = api.calls
      .filter(c => c.path === 'demo/many/')
      .map(c => c.cursor);
    expect(cursors).toEqual([null, 'demo/many/f009', 'demo/many/f019']);
  });

  it('stops loading through when told, or when the user goes elsewhere', async () => {
    const api = new FakeApi(many);
    const model = new BucketBrowserModel(api, { pageSize: 10 });
    await model.initialize();
    await model.cd('demo/many/');
    const all = model.loadAll();
    model.stopLoadingAll();
    expect(await all).toBe(false);
    expect(model.entries).toHaveLength(20); // the page on its way, no more
    const again = model.loadAll();
    void model.cd('demo/');
    expect(await again).toBe(false);
    expect(model.path).toBe('demo/');
  });

  it('counts what the expiry filter leaves out', async () => {
    const model = new BucketBrowserModel(
      new FakeApi(['demo/.keep', 'demo/a', 'demo/b'])
    );
    await model.initialize();
    expect(model.unfilteredCount).toBe(2); // the hidden marker is not counted
    expect(model.entries).toHaveLength(2);
  });

  it('forgets loaded pages when the folder changes', async () => {
    const api = new FakeApi([...many, 'demo/x.txt']);
    const model = new BucketBrowserModel(api, { pageSize: 10 });
    await model.initialize();
    await model.cd('demo/many/');
    await model.cd('demo/');
    expect(model.entries).toHaveLength(10);
    expect(model.entries[0].path).toBe('demo/many/f000');
  });

  it('hides dot-names unless asked, and sorts on request', async () => {
    const model = new BucketBrowserModel(
      new FakeApi(['demo/.zattrs', 'demo/b', 'demo/a'])
    );
    await model.initialize();
    expect(model.entries.map(e => e.name)).toEqual(['a', 'b']);
    model.showHidden = true;
    expect(model.entries.map(e => e.name)).toEqual(['.zattrs', 'a', 'b']);
    model.setSort('name');
    expect(model.sort).toEqual({ key: 'name', ascending: false });
    expect(model.entries.map(e => e.name)).toEqual(['b', 'a', '.zattrs']);
  });

  it('reports the server error and recovers on refresh', async () => {
    const api = new FakeApi(['demo/a.txt']);
    const model = new BucketBrowserModel(api);
    await model.initialize();
    api.failList = new ApiError('no-credentials', 'Set your OSN keys.', 403);
    let changes = 0;
    model.changed.connect(() => changes++);
    await model.refresh();
    expect(model.error).toEqual({
      code: 'no-credentials',
      message: 'Set your OSN keys.'
    });
    expect(model.loading).toBe(false);
    expect(changes).toBeGreaterThan(0);
    api.failList = null;
    await model.refresh();
    expect(model.error).toBeNull();
    expect(model.entries).toHaveLength(1);
  });
});
