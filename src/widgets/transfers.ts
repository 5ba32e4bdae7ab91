import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { JobsModel } from '../jobs';
import {
  canResume,
  distinctTitles,
  isIndeterminate,
  JobInfo,
  leftover,
  listingText,
  revealPlace
} from '../jobRules';
import {
  formatRate,
  fractionDone,
  isActive,
  progressText
} from '../transferRules';
import { jobHandoff } from '../transferHandoffRules';
import { IHandoffThreshold, IJob, IRoot } from '../tokens';
import { UploadQueue } from '../workflows/uploadQueue';
import { jobButton } from './jobButton';

/** Jobs shown at most. */
const SHOWN = 20;

/** A place in the panel to show: a folder, with one item in it selected. */
export interface IRevealPlace {
  root: string;
  folder: string;
  select: string;
}

/**
 * The jobs pane: desktop files still waiting in the upload queue (with Cancel), and each
 * job with its title, a progress bar (indeterminate while its objects are listed), its
 * counts, rate, time left, error, Cancel while it runs, and, once a transfer stopped
 * unfinished, what it left at its target with Delete… or Reveal, and Resume. Clicking a
 * job asks to reveal its target. Collapsible: collapsed while nothing runs, opened when
 * a job starts; "Clear finished" hides finished jobs for the session.
 */
export class TransfersView extends Widget {
  constructor(
    private readonly jobs: JobsModel,
    private readonly uploads: UploadQueue
  ) {
    super();
    this.addClass('jp-LeapBuckets-transfers');
    this.addClass('jp-mod-collapsed');
    this._header = document.createElement('div');
    this._header.className = 'jp-LeapBuckets-transfersHeader';
    this._toggle = document.createElement('span');
    this._toggle.className = 'jp-LeapBuckets-transfersToggle';
    this._toggle.tabIndex = 0;
    this._toggle.setAttribute('role', 'button');
    this._clear = document.createElement('button');
    this._clear.className = 'jp-mod-styled jp-LeapBuckets-clearFinished';
    this._clear.textContent = 'Clear finished';
    this._clear.title = 'Hide the finished jobs for this session';
    this._header.append(this._toggle, this._clear);
    this._list = document.createElement('div');
    this._list.className = 'jp-LeapBuckets-jobs';
    this.node.append(this._header, this._list);
    this._toggle.addEventListener('click', () => this.toggle());
    this._toggle.addEventListener('keydown', event => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this.toggle();
      }
    });
    this._clear.addEventListener('click', () => this.jobs.dismissFinished());
    this._list.addEventListener('click', event => this._onClick(event));
    this._list.addEventListener('keydown', event => {
      const row = (event.target as HTMLElement).closest<HTMLElement>(
        '[data-job]'
      );
      if (event.key === 'Enter' && row && row === event.target) {
        this._reveal(row.dataset.job!);
      }
    });
    jobs.changed.connect(this.render, this);
    uploads.changed.connect(this.render, this);
    this.render();
  }

  /** Clicking a job: its target's folder, with the target selected. */
  get revealRequested(): ISignal<this, IRevealPlace> {
    return this._revealRequested;
  }
  /** Delete… of what an unfinished copy wrote: the place to plan a delete of. */
  get deleteRequested(): ISignal<this, { root: string; path: string }> {
    return this._deleteRequested;
  }
  /** Hand off to Google… of a running GCS-to-GCS transfer past the threshold. */
  get handoffRequested(): ISignal<this, IJob> {
    return this._handoffRequested;
  }
  /** A Resume the server refused: its message. */
  get failed(): ISignal<this, string> {
    return this._failed;
  }

  /** The roots, when known: Delete… is offered only where the user may delete. */
  roots: (() => IRoot[]) | null = null;
  /** From what size a running GCS-to-GCS transfer offers its hand-off (GET roots). */
  handoffAt: (() => IHandoffThreshold | null) | null = null;

  /** Rows of hand-offs followed by name, shown below the jobs (widgets/handoffRows.ts). */
  setHandoffRows(rows: { node: HTMLElement; count: number }): void {
    this._handoffRows = rows;
    this.render();
  }

  get collapsed(): boolean {
    return this.hasClass('jp-mod-collapsed');
  }

  toggle(open = this.collapsed): void {
    this.toggleClass('jp-mod-collapsed', !open);
    this.render();
  }

  render(): void {
    const visible = this.jobs.visible as JobInfo[];
    const shown = visible.slice(0, SHOWN);
    const waiting = this.uploads.items.filter(i => i.state === 'queued');
    const handedOff = this._handoffRows?.count ?? 0;
    this.node.hidden =
      shown.length === 0 && waiting.length === 0 && handedOff === 0;
    const running = this.jobs.running;
    if (running > this._running) {
      this.removeClass('jp-mod-collapsed'); // a job started: show it
    }
    this._running = running;
    const finished = this.jobs.finishedShown;
    this._toggle.textContent =
      'Jobs' +
      (running ? ` (${running} running)` : '') +
      (finished ? ` · ${finished} finished` : '') +
      (handedOff ? ` · ${handedOff} handed off` : '');
    this._toggle.title = `${this._toggle.textContent}: click to ${this.collapsed ? 'show' : 'hide'} the jobs`;
    this._toggle.setAttribute('aria-expanded', String(!this.collapsed));
    this._clear.hidden = finished === 0;
    this._list.textContent = '';
    if (waiting.length) {
      this._list.appendChild(Private.waitingRow(waiting.map(i => i.name)));
    }
    const titles = distinctTitles(shown);
    const roots = this.roots?.() ?? [];
    const at = this.handoffAt?.() ?? null;
    for (const job of shown) {
      const row = Private.jobRow(job, titles.get(job.id)!, this.roots?.());
      const offer = jobHandoff(job, roots, at);
      if (offer) {
        const handoff = Private.button(
          'Hand off to Google…',
          'handoff',
          job.id,
          'why' in offer
            ? offer.why
            : 'Show the Storage Transfer Service job that would do this transfer at Google, with its command and cost'
        );
        handoff.disabled = 'why' in offer;
        const actions =
          row.querySelector('.jp-LeapBuckets-jobActions') ??
          Private.div('jp-LeapBuckets-jobActions');
        actions.appendChild(handoff);
        row.insertBefore(actions, row.querySelector('.jp-LeapBuckets-cancel'));
      }
      this._list.appendChild(row);
    }
    if (this._handoffRows) {
      this._list.appendChild(this._handoffRows.node);
    }
  }

  private _onClick(event: MouseEvent): void {
    const target = event.target as HTMLElement;
    const button = target.closest<HTMLElement>('button');
    const row = target.closest<HTMLElement>('[data-job]');
    if (button?.dataset.cancel) {
      void this.jobs.cancel(button.dataset.cancel);
    } else if (button?.hasAttribute('data-cancel-queued')) {
      for (const item of this.uploads.items) {
        if (item.state === 'queued') {
          void this.uploads.cancel(item.id);
        }
      }
    } else if (button?.dataset.resume) {
      this.jobs.resume(button.dataset.resume).catch((error: Error) => {
        this._failed.emit(error.message);
      });
    } else if (button?.dataset.handoff) {
      const job = this._job(button.dataset.handoff);
      if (job) {
        this._handoffRequested.emit(job);
      }
    } else if (button?.dataset.deleteLeft) {
      const job = this._job(button.dataset.deleteLeft);
      const place = job && leftover(job, this.roots?.())?.deletable;
      if (place) {
        this._deleteRequested.emit(place);
      }
    } else if (row && (!button || button.hasAttribute('data-reveal'))) {
      this._reveal(row.dataset.job!);
    }
  }

  private _reveal(id: string): void {
    const job = this._job(id);
    const place = job && revealPlace(job);
    if (place) {
      this._revealRequested.emit(place);
    }
  }

  private _job(id: string): JobInfo | undefined {
    return this.jobs.jobs.find(job => job.id === id);
  }

  private _header: HTMLElement;
  private _toggle: HTMLElement;
  private _clear: HTMLButtonElement;
  private _list: HTMLElement;
  private _running = 0;
  private _revealRequested = new Signal<this, IRevealPlace>(this);
  private _deleteRequested = new Signal<this, { root: string; path: string }>(
    this
  );
  private _failed = new Signal<this, string>(this);
  private _handoffRequested = new Signal<this, IJob>(this);
  private _handoffRows: { node: HTMLElement; count: number } | null = null;
}

namespace Private {
  export function jobRow(
    job: JobInfo,
    title: string,
    roots?: IRoot[]
  ): HTMLElement {
    const row = document.createElement('div');
    row.className = `jp-LeapBuckets-job jp-mod-${job.state}`;
    row.dataset.job = job.id;
    row.dataset.state = job.state;
    const place = revealPlace(job);
    if (place) {
      row.tabIndex = 0;
      row.classList.add('jp-mod-revealable');
    }
    const label = div('jp-LeapBuckets-jobLabel', title);
    label.title = job.label;
    if (place) {
      row.title = 'Click to show its target in the Buckets panel';
    }
    const bar = div('jp-LeapBuckets-progress');
    const fill = div('jp-LeapBuckets-progressFill');
    const indeterminate = isIndeterminate(job);
    bar.classList.toggle('jp-mod-indeterminate', indeterminate);
    bar.setAttribute('role', 'progressbar');
    if (!indeterminate) {
      const percent = Math.round(fractionDone(job) * 100);
      fill.style.width = `${percent}%`;
      bar.setAttribute('aria-valuenow', String(percent));
    }
    bar.appendChild(fill);
    const progress = indeterminate
      ? [listingText(job), formatRate(job.rate)].filter(Boolean).join(', ')
      : progressText(job);
    const text = div(
      'jp-LeapBuckets-jobText',
      `${STATE_LABEL[job.state]} · ${progress}`
    );
    row.append(label, bar, text);
    if (job.note) {
      row.appendChild(div('jp-LeapBuckets-jobNote', job.note));
    }
    if (job.error) {
      row.appendChild(div('jp-LeapBuckets-jobError', job.error.message));
    }
    const actions = div('jp-LeapBuckets-jobActions');
    const left = leftover(job, roots);
    if (left) {
      const what = div('jp-LeapBuckets-jobLeftover', `${left.text}.`);
      if (left.why) {
        what.appendChild(div('jp-LeapBuckets-jobWhy', left.why));
      }
      row.appendChild(what);
      if (left.deletable) {
        actions.appendChild(
          button('Delete…', 'deleteLeft', job.id, 'Plan, confirm and delete it')
        );
      } else if (place) {
        actions.appendChild(
          button('Reveal', 'reveal', job.id, 'Show it in the Buckets panel')
        );
      }
    }
    if (canResume(job)) {
      actions.appendChild(
        button(
          'Resume',
          'resume',
          job.id,
          'Copy what is missing; what is at the target with the same size and checksum is skipped'
        )
      );
    }
    if (actions.childElementCount) {
      row.appendChild(actions);
    }
    if (isActive(job)) {
      const cancel = button('Cancel', 'cancel', job.id, 'Stop this job');
      cancel.classList.add('jp-LeapBuckets-cancel');
      row.appendChild(cancel);
    }
    return row;
  }

  export function button(
    text: string,
    action: string,
    id: string,
    caption: string
  ): HTMLButtonElement {
    return jobButton(text, caption, { [action]: id });
  }

  export function div(className: string, text?: string): HTMLElement {
    const el = document.createElement('div');
    el.className = className;
    if (text !== undefined) {
      el.textContent = text;
    }
    return el;
  }

  /** Desktop files queued behind the running uploads, with one Cancel for them all. */
  export function waitingRow(names: string[]): HTMLElement {
    const row = div('jp-LeapBuckets-job jp-LeapBuckets-uploadsWaiting');
    const label = div(
      'jp-LeapBuckets-jobLabel',
      `${names.length} file${names.length > 1 ? 's' : ''} waiting to upload`
    );
    const text = div(
      'jp-LeapBuckets-jobText',
      names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '')
    );
    const cancel = document.createElement('button');
    cancel.className = 'jp-mod-styled jp-LeapBuckets-cancel';
    cancel.dataset.cancelQueued = '';
    cancel.textContent = 'Cancel';
    row.append(label, text, cancel);
    return row;
  }

  const STATE_LABEL = {
    queued: 'Waiting',
    running: 'Running',
    done: 'Done',
    failed: 'Failed',
    cancelled: 'Cancelled'
  };
}
