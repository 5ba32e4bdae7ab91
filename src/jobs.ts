/**
 * The server's jobs, polled: quickly while any runs, slowly otherwise; finished jobs the
 * user cleared are left out of `visible` for the browser session. No DOM.
 */
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { IBucketsApi } from './api';
import { isActive } from './transferRules';
import { ConflictPolicy, IJob, ITransferRequest } from './tokens';
import { uploadFile } from './uploads';

/** Where the cleared jobs' ids are kept: for the browser tab's session. */
const DISMISSED_KEY = 'leap-buckets:dismissed-jobs';

/** The part of `sessionStorage` the model uses (a stand-in in tests). */
export type SessionStore = Pick<Storage, 'getItem' | 'setItem'>;

export class JobsModel {
  constructor(
    private readonly api: IBucketsApi,
    private readonly session: SessionStore | null = Private.sessionStore()
  ) {
    this._dismissed = Private.loadDismissed(session);
    this._poll = new Poll({
      factory: () => this.refresh(),
      frequency: { interval: 5000, backoff: true, max: 30000 },
      name: 'leap-buckets:jobs',
      standby: 'when-hidden'
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** A job that went from running to ended since the last poll. */
  get ended(): ISignal<this, IJob> {
    return this._ended;
  }
  get jobs(): IJob[] {
    return this._jobs;
  }
  get running(): number {
    return this._jobs.filter(isActive).length;
  }
  /** The jobs the pane shows: all but the finished ones the user cleared. */
  get visible(): IJob[] {
    return this._jobs.filter(job => !this._dismissed.has(job.id));
  }
  /** Finished jobs the pane shows, which "Clear finished" would clear. */
  get finishedShown(): number {
    return this.visible.filter(job => !isActive(job)).length;
  }

  /** Clear the finished jobs from the pane, for this browser session; none is deleted. */
  dismissFinished(): void {
    for (const job of this._jobs) {
      if (!isActive(job)) {
        this._dismissed.add(job.id);
      }
    }
    // Only ids the server still lists are kept: the list stays as short as the server's.
    const listed = new Set(this._jobs.map(job => job.id));
    this._dismissed = new Set(
      [...this._dismissed].filter(id => listed.has(id))
    );
    this.session?.setItem(DISMISSED_KEY, JSON.stringify([...this._dismissed]));
    this._changed.emit();
  }

  /** Start an unfinished transfer again, skipping what reached its target. */
  async resume(id: string): Promise<IJob> {
    const job = await this.api.resumeJob(id);
    this._track(job);
    return job;
  }

  async refresh(): Promise<void> {
    const jobs = await this.api.listJobs();
    const before = new Map(this._jobs.map(job => [job.id, job]));
    // A job started while this listing was on its way is not in it yet: keep it, or a
    // job that ends before the next listing would never be seen to end (no notification,
    // no file browser refresh).
    const listed = new Set(jobs.map(job => job.id));
    for (const id of [...this._unlisted]) {
      if (listed.has(id)) {
        this._unlisted.delete(id);
      } else if (before.has(id)) {
        jobs.unshift(before.get(id)!);
      }
    }
    this._jobs = jobs;
    for (const job of jobs) {
      const old = before.get(job.id);
      if (old && isActive(old) && !isActive(job)) {
        this._ended.emit(job);
      }
    }
    this._changed.emit();
    // Poll every half second while something runs.
    const interval = this.running ? 500 : 5000;
    if (this._poll.frequency.interval !== interval) {
      this._poll.frequency = { ...this._poll.frequency, interval };
    }
  }

  async startTransfer(request: ITransferRequest): Promise<IJob> {
    const job = await this.api.startTransfer(request);
    this._track(job);
    return job;
  }

  /** Upload a desktop file into a folder; resolves once the server has every byte. */
  upload(
    file: Blob & { name: string },
    target: { root: string; path: string },
    conflict: ConflictPolicy,
    onStart: (job: IJob) => void = () => undefined,
    onSent: (bytes: number) => void = () => undefined
  ): Promise<IJob> {
    return uploadFile(
      this.api,
      file,
      target,
      conflict,
      job => {
        this._track(job);
        onStart(job);
      },
      onSent
    );
  }

  /** Start a confirmed delete plan as a job. */
  async startDelete(plan: string, confirm: string): Promise<IJob> {
    const job = await this.api.startDelete(plan, confirm);
    this._track(job);
    return job;
  }

  private _track(job: IJob): void {
    this._unlisted.add(job.id);
    this._jobs = [job, ...this._jobs.filter(j => j.id !== job.id)];
    this._changed.emit();
    void this._poll.refresh();
  }

  /** The job once it has ended (at once if it already has). */
  whenEnded(id: string): Promise<IJob> {
    const known = this._jobs.find(job => job.id === id);
    if (known && !isActive(known)) {
      return Promise.resolve(known);
    }
    return new Promise(resolve => {
      const onEnded = (_: this, job: IJob) => {
        if (job.id === id) {
          this._ended.disconnect(onEnded);
          resolve(job);
        }
      };
      this._ended.connect(onEnded);
    });
  }

  async cancel(id: string): Promise<void> {
    await this.api.cancelJob(id);
    await this.refresh();
  }

  dispose(): void {
    this._poll.dispose();
  }

  private _jobs: IJob[] = [];
  private _dismissed: Set<string>;
  private _unlisted = new Set<string>(); // started here, not yet in a listing
  private _poll: Poll;
  private _changed = new Signal<this, void>(this);
  private _ended = new Signal<this, IJob>(this);
}

namespace Private {
  export function sessionStore(): SessionStore | null {
    try {
      return window.sessionStorage;
    } catch {
      return null; // storage refused (privacy settings): clearing lasts until reload
    }
  }

  export function loadDismissed(session: SessionStore | null): Set<string> {
    const saved = session?.getItem(DISMISSED_KEY);
    if (!saved) {
      return new Set();
    }
    try {
      const ids = JSON.parse(saved);
      return new Set(Array.isArray(ids) ? ids.map(String) : []);
    } catch {
      return new Set(); // written by another version: nothing cleared is shown again later
    }
  }
}
