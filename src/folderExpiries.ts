/**
 * Folders' and stores' earliest expiries (GET expiry), asked of the server a few at a
 * time and each once, and kept per root; the listing's rows show their badges as the
 * answers come, without holding up the listing.
 */
import { IBucketsApi } from './api';
import { IFolderExpiry } from './tokens';

/** Folders' earliest expiries asked of the server at once. */
export const EXPIRY_CONCURRENCY = 4;

export class FolderExpiries {
  /** `answered(rootId)` runs after each answer, so the model can show it. */
  constructor(
    private readonly _api: Pick<IBucketsApi, 'folderExpiry'>,
    private readonly _answered: (rootId: string) => void
  ) {}

  get(rootId: string, path: string): IFolderExpiry | undefined {
    return this._known.get(`${rootId}|${path}`);
  }

  /** Ask for these folders of the root, those not known or asked already. */
  request(rootId: string, paths: string[]): void {
    for (const path of paths) {
      const key = `${rootId}|${path}`;
      if (!this._known.has(key) && !this._asked.has(key)) {
        this._asked.add(key);
        this._queue.push([rootId, path]);
      }
    }
    while (this._running < EXPIRY_CONCURRENCY && this._queue.length) {
      const [root, path] = this._queue.shift()!;
      this._running++;
      void this._api
        .folderExpiry(root, path)
        .then(answer => {
          this._known.set(`${root}|${path}`, answer);
          this._answered(root);
        })
        .catch(error => {
          // No badge is better than a broken listing; the reason goes to the console.
          console.warn(`leap-buckets: no expiry for ${path}:`, error);
        })
        .finally(() => {
          this._running--;
          this.request(root, []);
        });
    }
  }

  /** Forget what is not yet asked (the user went elsewhere); it is asked again when shown. */
  dropQueue(): void {
    for (const [root, path] of this._queue) {
      this._asked.delete(`${root}|${path}`);
    }
    this._queue = [];
  }

  /** Forget a root's answers (a refresh), so they are asked again. */
  forget(rootId: string): void {
    const prefix = `${rootId}|`;
    for (const key of [...this._known.keys(), ...this._asked]) {
      if (key.startsWith(prefix)) {
        this._known.delete(key);
        this._asked.delete(key);
      }
    }
  }

  private _known = new Map<string, IFolderExpiry>();
  private _asked = new Set<string>();
  private _queue: [string, string][] = [];
  private _running = 0;
}
