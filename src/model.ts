/**
 * The state of the bucket browser, without DOM: roots, the current root and folder, the
 * entries loaded so far (page by page), loading and error state, and the sort order.
 * Widgets render it and listen to `changed`.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { IBucketsApi } from './api';
import { sortEntries } from './format';
import { ApiError } from './request';
import { expiresWithin } from './expiryRules';
import { FolderExpiries } from './folderExpiries';
import {
  IEntry,
  IExpiryPolicy,
  IFolderExpiry,
  IHandoffThreshold,
  IRoot,
  ISortState,
  SortKey
} from './tokens';

export interface IModelError {
  code: string;
  message: string;
}

export class BucketBrowserModel {
  constructor(api: IBucketsApi, options: BucketBrowserModel.IOptions = {}) {
    this._api = api;
    this._folderExpiries = new FolderExpiries(api, rootId => {
      if (rootId === this._root?.id) {
        this._resort();
      }
    });
    this.pageSize = options.pageSize ?? 1000;
    this.showHidden = options.showHidden ?? false;
  }

  pageSize: number;

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get roots(): IRoot[] {
    return this._roots;
  }
  get user(): string | null {
    return this._user;
  }
  /** From what size a GCS job is offered to Google's own services (null: never). */
  get handoffAt(): IHandoffThreshold | null {
    return this._handoffAt;
  }

  get notice(): string | null {
    return this._notice;
  }
  get root(): IRoot | null {
    return this._root;
  }
  get path(): string {
    return this._path;
  }
  get loading(): boolean {
    return this._loading;
  }
  get error(): IModelError | null {
    return this._error;
  }
  /** More pages exist beyond what is loaded. */
  get hasMore(): boolean {
    return this._cursor !== null;
  }
  /** Every page of the open folder is loaded. */
  get complete(): boolean {
    return this._cursor === null && !this._loading && !this._error;
  }
  /** `loadAll` is paging through to the folder's end. */
  get loadingAll(): boolean {
    return this._loadingAll;
  }
  /** How many loaded entries the listing would show without the expiry filter. */
  get unfilteredCount(): number {
    return this._unfiltered;
  }
  get sort(): ISortState {
    return this._sort;
  }
  get showHidden(): boolean {
    return this._showHidden;
  }
  set showHidden(value: boolean) {
    this._showHidden = value;
    this._resort();
  }
  /** The loaded entries, sorted, hidden ones left out unless asked for. */
  get entries(): IEntry[] {
    return this._view;
  }
  /** How the current root's objects expire; null when they do not. */
  get expiry(): IExpiryPolicy | null {
    return this._expiry;
  }
  /** Show only what expires within this many days (null: everything). */
  get expiringWithin(): number | null {
    return this._within;
  }
  set expiringWithin(days: number | null) {
    this._within = days;
    this._resort();
  }

  /** A folder's or store's earliest expiry, once the server has said. */
  folderExpiry(path: string): IFolderExpiry | undefined {
    return this._root
      ? this._folderExpiries.get(this._root.id, path)
      : undefined;
  }

  /** An entry's expiry: its own, or for folders the earliest of what lies inside. */
  expiresOf(entry: IEntry): string | null {
    return !entry.path.endsWith('/') // a file, or a store that is one
      ? entry.expires
      : (this.folderExpiry(entry.path)?.expires ?? null);
  }

  /** Ask the server for these folders' earliest expiries (folderExpiries.ts). */
  requestFolderExpiry(paths: string[]): void {
    if (this._root && this._expiry) {
      this._folderExpiries.request(this._root.id, paths);
    }
  }

  /** Load the roots and open the default root at the user's home. */
  async initialize(defaultRoot = ''): Promise<void> {
    this._begin();
    try {
      const reply = await this._api.getRoots();
      this._roots = reply.roots;
      this._user = reply.user;
      this._notice = reply.notice ?? null;
      this._handoffAt = reply.handoff ?? null;
    } catch (error) {
      this._fail(error);
      return;
    }
    const root = this._roots.find(r => r.id === defaultRoot) ?? this._roots[0];
    if (!root) {
      this._fail(
        new ApiError(
          'no-roots',
          'No roots are configured on the server; see c.LeapBuckets.roots.',
          0
        )
      );
      return;
    }
    await this.open(root.id, root.home);
  }

  /** Switch to another root, at its home. */
  async setRoot(id: string): Promise<void> {
    const root = this._roots.find(r => r.id === id);
    if (root) {
      await this.open(root.id, root.home);
    }
  }

  /** Open a folder (a path ending in "/", or "" for the bucket's root). */
  async cd(path: string): Promise<void> {
    if (this._root) {
      await this.open(this._root.id, path);
    }
  }

  async refresh(): Promise<void> {
    if (this._root) {
      this._folderExpiries.forget(this._root.id);
      await this.open(this._root.id, this._path);
    }
  }

  /** Fetch the next page, if any and if none is on its way. */
  async loadMore(): Promise<void> {
    if (!this._root || this._cursor === null || this._loading) {
      return;
    }
    await this._fetch(this._generation, this._cursor);
  }

  /**
   * Page in until the folder is complete (End in the listing goes to the real last
   * item). Stops when the user goes elsewhere, on an error, or on `stopLoadingAll`;
   * resolves true when every page is in.
   */
  async loadAll(): Promise<boolean> {
    const generation = this._generation;
    this._loadingAll = true;
    this._changed.emit();
    try {
      while (
        this._loadingAll &&
        generation === this._generation &&
        this._cursor !== null &&
        !this._error
      ) {
        // A page the listing asked for may be on its way: wait for it, not beside it.
        await (this._pending ?? this._fetch(generation, this._cursor));
      }
    } finally {
      if (generation === this._generation) {
        this._loadingAll = false;
        this._changed.emit();
      }
    }
    return generation === this._generation && this.complete;
  }

  /** Stop a `loadAll` after the page on its way (Escape). */
  stopLoadingAll(): void {
    this._loadingAll = false;
  }

  /**
   * The entry at `path` (a file, or a folder with or without its slash) in the open
   * folder, loading further pages until it shows: at most `maxPages` of them, so a name
   * that is not there does not page through a folder of millions.
   */
  async findEntry(path: string, maxPages = 20): Promise<IEntry | undefined> {
    const match = (e: IEntry) => e.path === path || e.path === `${path}/`;
    let entry = this.entries.find(match);
    for (
      let page = 0;
      !entry && this.hasMore && !this.error && page < maxPages;
      page++
    ) {
      await this.loadMore();
      entry = this.entries.find(match);
    }
    return entry;
  }

  /**
   * Make a folder named `name` in the open folder; resolves with its entry once the
   * listing shows it.
   */
  async createFolder(name: string): Promise<IEntry> {
    const root = this._root;
    if (!root) {
      throw new ApiError('bad-request', 'Choose a root first.', 0);
    }
    const entry = await this._api.createFolder(
      root.id,
      `${this._path}${name}/`
    );
    await this.refresh();
    return entry;
  }

  setSort(key: SortKey): void {
    const ascending = this._sort.key === key ? !this._sort.ascending : true;
    this._sort = { key, ascending };
    this._resort();
  }

  async open(rootId: string, path: string): Promise<void> {
    const root = this._roots.find(r => r.id === rootId) ?? null;
    this._root = root;
    this._path = path;
    this._loaded = [];
    this._view = [];
    this._cursor = null;
    this._folderExpiries.dropQueue();
    this._loadingAll = false;
    if (rootId !== this._expiryRoot) {
      this._expiry = null;
      this._within = null;
      this._expiryRoot = rootId;
    }
    this._generation++;
    await this._fetch(this._generation, null);
  }

  private _fetch(generation: number, cursor: string | null): Promise<void> {
    const pending = this._fetchPage(generation, cursor);
    this._pending = pending;
    void pending.finally(() => {
      if (this._pending === pending) {
        this._pending = null;
      }
    });
    return pending;
  }

  private async _fetchPage(
    generation: number,
    cursor: string | null
  ): Promise<void> {
    const root = this._root;
    if (!root) {
      return;
    }
    this._begin();
    try {
      const page = await this._api.listPage(
        root.id,
        this._path,
        cursor,
        this.pageSize
      );
      if (generation !== this._generation) {
        return; // the user went elsewhere meanwhile
      }
      this._loaded = this._loaded.concat(page.entries);
      this._cursor = page.cursor;
      this._expiry = page.expiry ?? null;
      this._loading = false;
      this._resort();
    } catch (error) {
      if (generation === this._generation) {
        this._cursor = null;
        this._fail(error);
      }
    }
  }

  private _begin(): void {
    this._loading = true;
    this._error = null;
    this._changed.emit();
  }

  private _fail(error: unknown): void {
    this._loading = false;
    this._error =
      error instanceof ApiError
        ? { code: error.code, message: error.message }
        : {
            code: 'error',
            message: String((error as Error)?.message ?? error)
          };
    this._changed.emit();
  }

  private _resort(): void {
    let visible = this._showHidden
      ? this._loaded
      : this._loaded.filter(entry => !entry.name.startsWith('.'));
    this._unfiltered = visible.length;
    if (this._within !== null && this._expiry) {
      // Folders show once their earliest expiry is known: ask for all of them.
      this.requestFolderExpiry(
        visible.filter(e => e.path.endsWith('/')).map(e => e.path)
      );
      const now = Date.now();
      const days = this._within;
      visible = visible.filter(entry =>
        expiresWithin(this.expiresOf(entry), days, now)
      );
    }
    this._view = sortEntries(visible, this._sort, entry =>
      this.expiresOf(entry)
    );
    this._changed.emit();
  }

  private readonly _api: IBucketsApi;
  private _changed = new Signal<this, void>(this);
  private _roots: IRoot[] = [];
  private _user: string | null = null;
  private _notice: string | null = null;
  private _handoffAt: IHandoffThreshold | null = null;
  private _root: IRoot | null = null;
  private _path = '';
  private _loaded: IEntry[] = [];
  private _view: IEntry[] = [];
  private _cursor: string | null = null;
  private _loading = false;
  private _error: IModelError | null = null;
  private _sort: ISortState = { key: 'name', ascending: true };
  private _showHidden = false;
  private _generation = 0;
  private _expiry: IExpiryPolicy | null = null;
  private _expiryRoot = '';
  private _within: number | null = null;
  private _folderExpiries: FolderExpiries;
  private _loadingAll = false;
  private _pending: Promise<void> | null = null;
  private _unfiltered = 0;
}

export namespace BucketBrowserModel {
  export interface IOptions {
    pageSize?: number;
    showHidden?: boolean;
  }
}
