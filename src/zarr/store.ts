/**
 * A zarrita store over the server's `object` route: the browser reads a store's metadata
 * through the Jupyter server (which holds the credentials), never from the bucket.
 */
import type { AbsolutePath, AsyncReadable } from 'zarrita';

import { IBucketsApi } from '../api';
import { isFolderEntry } from '../entryKinds';

export class BucketZarrStore implements AsyncReadable {
  /**
   * @param prefix the store's folder in the root, ending in '/' (e.g. `alice/run.zarr/`)
   */
  constructor(
    private readonly api: IBucketsApi,
    readonly root: string,
    readonly prefix: string
  ) {}

  /** Keys read so far (for messages about what is missing). */
  readonly requested: string[] = [];

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    this.requested.push(key);
    return this.api.readObject(this.root, this.prefix + key.slice(1));
  }
}

/** The child folders of a folder of the store, from the server's listing. */
export function folderLister(api: IBucketsApi, root: string, prefix: string) {
  return async (path: string): Promise<string[]> => {
    const folder = path === '/' ? prefix : `${prefix}${path.slice(1)}/`;
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.listPage(root, folder, cursor, 1000);
      names.push(...page.entries.filter(isFolderEntry).map(e => e.name));
      cursor = page.cursor;
    } while (cursor && names.length < 5000);
    return names;
  };
}
