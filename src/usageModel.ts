/**
 * The Space Used view's state, without DOM: the last answer of GET usage for one root
 * and folder, asked again every POLL_INTERVAL while the server's scan goes on, and the
 * error (a sentence) when the server refused or failed.
 */
import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI } from './request';
import { IRoot } from './tokens';
import { IUsage, nextPoll } from './usageRules';

/** GET usage?root=&path=[&refresh=1]. */
export type FetchUsage = (
  root: string,
  path: string,
  refresh: boolean
) => Promise<IUsage>;

/** The API call, through the one request helper. */
export function fetchUsage(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): FetchUsage {
  return (root, path, refresh) => {
    const query = new URLSearchParams({ root, path });
    if (refresh) {
      query.set('refresh', '1');
    }
    return requestAPI<IUsage>(`usage?${query.toString()}`, {}, settings);
  };
}

export class UsageModel implements IDisposable {
  constructor(
    readonly root: IRoot,
    readonly path: string,
    private readonly fetch: FetchUsage,
    private readonly wait: (ms: number) => Promise<void> = ms =>
      new Promise(resolve => setTimeout(resolve, ms))
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The last answer (null before the first). */
  get usage(): IUsage | null {
    return this._usage;
  }

  /** Why the last request failed, in the server's words; null when it did not. */
  get error(): string | null {
    return this._error;
  }

  /** Whether a scan is under way (or the first answer has not come). */
  get scanning(): boolean {
    return this._error === null && nextPoll(this._usage) !== null;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /**
   * Ask for the figures (`refresh`: a new scan) and keep asking while the scan goes
   * on. A later load replaces an earlier one's polling.
   */
  async load(refresh = false): Promise<void> {
    const generation = ++this._generation;
    let again = refresh;
    this._error = null;
    if (refresh) {
      this._usage = null;
    }
    this._changed.emit();
    for (;;) {
      try {
        const usage = await this.fetch(this.root.id, this.path, again);
        if (generation !== this._generation || this._disposed) {
          return;
        }
        this._usage = usage;
      } catch (error) {
        if (generation === this._generation && !this._disposed) {
          this._error = (error as Error).message;
          this._changed.emit();
        }
        return;
      }
      again = false;
      this._changed.emit();
      const delay = nextPoll(this._usage);
      if (delay === null) {
        return;
      }
      await this.wait(delay);
      if (generation !== this._generation || this._disposed) {
        return;
      }
    }
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    Signal.clearData(this);
  }

  private _usage: IUsage | null = null;
  private _error: string | null = null;
  private _generation = 0;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);
}
