import { Widget } from '@lumino/widgets';

import { JobsModel } from '../jobs';
import { fractionDone, isActive, progressText } from '../transferRules';
import { IJob, Place } from '../tokens';
import { UploadQueue } from '../workflows/uploadQueue';

/** Jobs shown at most. */
const SHOWN = 20;

/**
 * The transfers view: desktop files still waiting in the upload queue (with Cancel), and
 * each job with its label, a progress bar, objects and bytes done, rate, time left, its
 * error, and Cancel while it runs. Collapsible.
 */
export class TransfersView extends Widget {
  constructor(
    private readonly jobs: JobsModel,
    private readonly uploads: UploadQueue
  ) {
    super();
    this.addClass('jp-LeapBuckets-transfers');
    this._header = document.createElement('div');
    this._header.className = 'jp-LeapBuckets-transfersHeader';
    this._header.tabIndex = 0;
    this._list = document.createElement('div');
    this._list.className = 'jp-LeapBuckets-jobs';
    this.node.append(this._header, this._list);
    this._header.addEventListener('click', () => this.toggle());
    this._list.addEventListener('click', event => {
      const button = (event.target as HTMLElement).closest<HTMLElement>(
        '[data-cancel]'
      );
      if (button) {
        void this.jobs.cancel(button.dataset.cancel!);
      } else if (
        (event.target as HTMLElement).closest('[data-cancel-queued]')
      ) {
        for (const item of this.uploads.items) {
          if (item.state === 'queued') {
            void this.uploads.cancel(item.id);
          }
        }
      }
    });
    jobs.changed.connect(this.render, this);
    uploads.changed.connect(this.render, this);
    this.render();
  }

  toggle(open = this.hasClass('jp-mod-collapsed')): void {
    this.toggleClass('jp-mod-collapsed', !open);
  }

  render(): void {
    const shown = this.jobs.jobs.slice(0, SHOWN);
    const waiting = this.uploads.items.filter(i => i.state === 'queued');
    this.node.hidden = shown.length === 0 && waiting.length === 0;
    const running = this.jobs.running;
    this._header.textContent = running ? `Jobs (${running} running)` : 'Jobs';
    this._list.textContent = '';
    if (waiting.length) {
      this._list.appendChild(Private.waitingRow(waiting.map(i => i.name)));
    }
    for (const job of shown) {
      this._list.appendChild(Private.jobRow(job));
    }
  }

  private _header: HTMLElement;
  private _list: HTMLElement;
}

namespace Private {
  export function jobRow(job: IJob): HTMLElement {
    const row = document.createElement('div');
    row.className = `jp-LeapBuckets-job jp-mod-${job.state}`;
    row.dataset.job = job.id;
    row.dataset.state = job.state;
    const label = document.createElement('div');
    label.className = 'jp-LeapBuckets-jobLabel';
    label.textContent = shortLabel(job);
    label.title = job.label;
    const bar = document.createElement('div');
    bar.className = 'jp-LeapBuckets-progress';
    const fill = document.createElement('div');
    fill.className = 'jp-LeapBuckets-progressFill';
    fill.style.width = `${Math.round(fractionDone(job) * 100)}%`;
    bar.appendChild(fill);
    const text = document.createElement('div');
    text.className = 'jp-LeapBuckets-jobText';
    text.textContent = `${STATE_LABEL[job.state]} · ${progressText(job)}`;
    row.append(label, bar, text);
    if (job.note) {
      const note = document.createElement('div');
      note.className = 'jp-LeapBuckets-jobNote';
      note.textContent = job.note;
      row.appendChild(note);
    }
    if (job.error) {
      const error = document.createElement('div');
      error.className = 'jp-LeapBuckets-jobError';
      error.textContent = job.error.message;
      row.appendChild(error);
    }
    if (isActive(job)) {
      const cancel = document.createElement('button');
      cancel.className = 'jp-mod-styled jp-LeapBuckets-cancel';
      cancel.dataset.cancel = job.id;
      cancel.textContent = 'Cancel';
      row.appendChild(cancel);
    }
    return row;
  }

  /** Desktop files queued behind the running uploads, with one Cancel for them all. */
  export function waitingRow(names: string[]): HTMLElement {
    const row = document.createElement('div');
    row.className = 'jp-LeapBuckets-job jp-LeapBuckets-uploadsWaiting';
    const label = document.createElement('div');
    label.className = 'jp-LeapBuckets-jobLabel';
    label.textContent = `${names.length} file${names.length > 1 ? 's' : ''} waiting to upload`;
    const text = document.createElement('div');
    text.className = 'jp-LeapBuckets-jobText';
    text.textContent =
      names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
    const cancel = document.createElement('button');
    cancel.className = 'jp-mod-styled jp-LeapBuckets-cancel';
    cancel.dataset.cancelQueued = '';
    cancel.textContent = 'Cancel';
    row.append(label, text, cancel);
    return row;
  }

  /** "tiny.txt → persistent: demo/tiny.txt": what moves and where, before the details. */
  export function shortLabel(job: IJob): string {
    if (!job.source || !job.target) {
      return job.label;
    }
    const where = (place: Place) =>
      'root' in place
        ? `${place.root}: ${place.path}`
        : `workspace: ${place.local}`;
    const source = job.source;
    const path =
      'root' in source
        ? source.path
        : 'local' in source
          ? source.local
          : source.upload;
    const name = path.replace(/\/$/, '').split('/').pop() || path;
    return `${name} → ${where(job.target)}`;
  }

  const STATE_LABEL = {
    queued: 'Waiting',
    running: 'Running',
    done: 'Done',
    failed: 'Failed',
    cancelled: 'Cancelled'
  };
}
