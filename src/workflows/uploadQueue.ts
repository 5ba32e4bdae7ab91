/**
 * The upload queue: desktop files going into a bucket folder, a few at a time, without
 * DOM. Each file is an item with a state (queued, uploading, done, skipped, failed,
 * cancelled), the bytes the server has, and its error. A conflict asks the user (one
 * question at a time, however many uploads run); a failure is the item's and the queue
 * goes on; cancel drops queued items and cancels running ones' jobs on the server.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { ConflictPolicy, IJob } from '../tokens';
import { IDroppedFile } from '../uploads';
import { DescribePlace, readSides } from './conflict';
import {
  AskConflict,
  ConflictSetting,
  IReporter,
  withConflictQuestion
} from './transfer';

/** Desktop files uploaded at once. */
export const PARALLEL_UPLOADS = 3;

export type UploadState =
  'queued' | 'uploading' | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface IUploadItem {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  /** The folder it goes into. */
  readonly target: { root: string; path: string };
  state: UploadState;
  /** Bytes the server has received. */
  sent: number;
  /** The server's job, once started. */
  job: IJob | null;
  error: string | null;
}

export interface IUploadDeps {
  /** Upload one file (JobsModel.upload): resolves once the server has every byte. */
  upload(
    file: Blob & { name: string },
    target: { root: string; path: string },
    conflict: ConflictPolicy,
    onStart: (job: IJob) => void,
    onSent: (bytes: number) => void
  ): Promise<IJob>;
  /** Cancel a job on the server (JobsModel.cancel). */
  cancelJob(id: string): Promise<void>;
  ask: AskConflict;
  report: IReporter;
  /** Read the existing object of a conflict, for the question (none: unknown). */
  describe?: DescribePlace;
  parallel?: number;
}

export class UploadQueue {
  constructor(private readonly deps: IUploadDeps) {}

  /** What to do when a file is already there (the `onConflict` setting). */
  onConflict: ConflictSetting = 'ask';

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Every item added, oldest first. */
  get items(): readonly IUploadItem[] {
    return this._items;
  }

  /** Items not yet ended (queued or uploading). */
  get pending(): number {
    return this._items.filter(
      item => item.state === 'queued' || item.state === 'uploading'
    ).length;
  }

  /**
   * Queue files for `target` (each into `target.path + file.folder`); resolves once each
   * of them has ended, with their items.
   */
  async add(
    files: IDroppedFile[],
    target: { root: string; path: string }
  ): Promise<IUploadItem[]> {
    const added = files.map(({ file, folder }) => {
      const item: IUploadItem = {
        id: ++this._lastId,
        name: file.name,
        size: file.size,
        target: { root: target.root, path: target.path + folder },
        state: 'queued',
        sent: 0,
        job: null,
        error: null
      };
      this._files.set(item.id, file);
      return item;
    });
    this._items.push(...added);
    this._waiting.push(...added);
    this._changed.emit();
    const ended = Promise.all(added.map(item => this._ended(item)));
    this._pump();
    await ended;
    return added;
  }

  /** Cancel an item: a queued one never starts, an uploading one's job is cancelled. */
  async cancel(id: number): Promise<void> {
    const item = this._items.find(i => i.id === id);
    if (!item) {
      return;
    }
    if (item.state === 'queued') {
      this._waiting = this._waiting.filter(i => i !== item);
      this._end(item, 'cancelled');
    } else if (item.state === 'uploading') {
      this._cancelled.add(item.id);
      if (item.job) {
        await this.deps.cancelJob(item.job.id);
      }
    }
  }

  /** Cancel every item not yet ended. */
  async cancelAll(): Promise<void> {
    await Promise.all(
      this._items
        .filter(i => i.state === 'queued' || i.state === 'uploading')
        .map(i => this.cancel(i.id))
    );
  }

  /** Forget ended items. */
  clearEnded(): void {
    this._items = this._items.filter(
      i => i.state === 'queued' || i.state === 'uploading'
    );
    this._changed.emit();
  }

  private _pump(): void {
    const parallel = this.deps.parallel ?? PARALLEL_UPLOADS;
    while (this._running < parallel && this._waiting.length) {
      const item = this._waiting.shift()!;
      this._running++;
      void this._run(item).finally(() => {
        this._running--;
        this._pump();
      });
    }
  }

  private async _run(item: IUploadItem): Promise<void> {
    const file = this._files.get(item.id)!;
    item.state = 'uploading';
    this._changed.emit();
    try {
      const answer = await withConflictQuestion(
        conflict =>
          this.deps.upload(
            file,
            item.target,
            conflict,
            job => {
              item.job = job;
              this._changed.emit();
              if (this._cancelled.has(item.id)) {
                void this.deps.cancelJob(job.id); // cancelled while it was announced
              }
            },
            bytes => {
              item.sent = bytes;
              this._changed.emit();
            }
          ),
        this.onConflict,
        question => this._askInTurn(question),
        false,
        () =>
          readSides(
            this.deps.describe,
            { root: item.target.root, path: item.target.path + item.name },
            Private.side(file)
          )
      );
      if (!answer) {
        // Cancelling the question, or "Skip", leaves the file out.
        this._end(item, 'skipped');
      } else if (answer.result.state === 'cancelled') {
        this._end(item, 'cancelled');
      } else {
        item.job = answer.result;
        this._end(item, 'done');
      }
    } catch (error) {
      item.error = (error as Error).message;
      this.deps.report.error(`${item.name}: ${item.error}`);
      this._end(item, 'failed');
    }
  }

  /** One conflict question at a time, in the order they came. */
  private _askInTurn: AskConflict = question => {
    const answer = this._asking.then(() => this.deps.ask(question));
    this._asking = answer.then(() => undefined);
    return answer;
  };

  private _end(item: IUploadItem, state: UploadState): void {
    item.state = state;
    this._files.delete(item.id);
    this._cancelled.delete(item.id);
    this._changed.emit();
    this._waiters.get(item.id)?.();
    this._waiters.delete(item.id);
  }

  private _ended(item: IUploadItem): Promise<void> {
    return new Promise(resolve => this._waiters.set(item.id, resolve));
  }

  private _items: IUploadItem[] = [];
  private _waiting: IUploadItem[] = [];
  private _files = new Map<number, Blob & { name: string }>();
  private _cancelled = new Set<number>();
  private _waiters = new Map<number, () => void>();
  private _asking: Promise<void> = Promise.resolve();
  private _running = 0;
  private _lastId = 0;
  private _changed = new Signal<this, void>(this);
}

namespace Private {
  /** What a desktop file says of itself: its size and, for a File, when it changed. */
  export function side(file: Blob & { name: string; lastModified?: number }) {
    return {
      size: file.size,
      modified: file.lastModified
        ? new Date(file.lastModified).toISOString()
        : null
    };
  }
}
