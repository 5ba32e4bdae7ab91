import { Toolbar } from '@jupyterlab/ui-components';
import { Panel, Widget } from '@lumino/widgets';

import { rootStripText } from '../dropRules';
import { bucketIcon } from '../icons';
import { JobsModel } from '../jobs';
import { BucketBrowserModel } from '../model';
import { TransferFlow } from '../workflows/transfer';
import { UploadQueue } from '../workflows/uploadQueue';
import { AccessMark } from './accessMark';
import { Breadcrumbs } from './breadcrumbs';
import { DropHandler, MAC, startRowDrag } from './dnd';
import { Listing } from './listing';
import { RootSwitcher } from './rootSwitcher';
import { TransfersView } from './transfers';

/** Show that the panel loads only when loading takes longer than this (ms). */
const LOADING_DELAY = 100;

/**
 * The sidebar panel: the root switcher, a toolbar of commands (filled by commands.ts),
 * a notice when writing is off, breadcrumbs, the listing, errors with what to do and a
 * retry button, and the jobs. It renders the models; what the user asks for goes to
 * commands and workflows.
 */
export class BucketPanel extends Panel {
  constructor(options: BucketPanel.IOptions) {
    super();
    const { model, jobs, transfers, uploads } = options;
    this.model = model;
    this.id = 'leap-buckets-panel';
    this.addClass('jp-LeapBuckets-panel');
    this.title.icon = bucketIcon;
    this.title.caption = 'Buckets';

    this.rootSwitcher = new RootSwitcher(model);
    this.toolbar = new Toolbar();
    this.toolbar.addClass('jp-LeapBuckets-toolbar');
    this._notice = Private.div('jp-LeapBuckets-notice');
    this._errorBox = Private.div('jp-LeapBuckets-error');
    this.breadcrumbs = new Breadcrumbs(model);
    this.accessMark = new AccessMark(model);
    this.listing = new Listing(model, (paths, x, y) => {
      this.addClass('jp-mod-dragging');
      startRowDrag(model, paths, x, y, () => {
        this.removeClass('jp-mod-dragging');
        this.drops.reset();
      });
    });
    this.transfers = new TransfersView(jobs, uploads);
    // Laid over the top of the panel while a row is dragged (style/base.css), so that
    // showing it moves nothing under the pointer.
    this._dropRoots = Private.div('jp-LeapBuckets-dropRoots');
    this._dropRoots.hidden = false;
    this._filter = Private.filter(days => (model.expiringWithin = days));
    this.addWidget(this.rootSwitcher);
    this.addWidget(this.toolbar);
    this.addWidget(new Widget({ node: this._notice }));
    this.addWidget(new Widget({ node: this._dropRoots }));
    this.addWidget(this.breadcrumbs);
    this.addWidget(this.accessMark);
    this.addWidget(new Widget({ node: this._filter }));
    this.addWidget(new Widget({ node: this._errorBox }));
    this.addWidget(this.listing);
    this.addWidget(this.transfers);
    this.drops = new DropHandler(this.node, model, transfers, uploads);
    model.changed.connect(this._onChanged, this);
    this._onChanged();
  }

  readonly model: BucketBrowserModel;
  readonly rootSwitcher: RootSwitcher;
  /** The commands' buttons, as in JupyterLab's file browser. */
  readonly toolbar: Toolbar;
  readonly breadcrumbs: Breadcrumbs;
  /** "Read-only" or "Not yours", where the user cannot write. */
  readonly accessMark: AccessMark;
  readonly listing: Listing;
  readonly transfers: TransfersView;
  readonly drops: DropHandler;

  private _onChanged(): void {
    const model = this.model;
    this._filter.hidden = model.expiry === null;
    this._filter.querySelector('select')!.value =
      model.expiringWithin === null ? '' : String(model.expiringWithin);
    this.rootSwitcher.render();
    this.breadcrumbs.render();
    this.accessMark.render();
    this._notice.textContent = model.notice ?? '';
    this._notice.hidden = !model.notice;
    this._renderError();
    this._renderDropRoots();
    window.clearTimeout(this._loadingTimer);
    if (model.loading) {
      this._loadingTimer = window.setTimeout(
        () => this.addClass('jp-mod-loading'),
        LOADING_DELAY
      );
    } else {
      this.removeClass('jp-mod-loading');
    }
  }

  private _renderError(): void {
    const error = this.model.error;
    this._errorBox.hidden = !error;
    this._errorBox.textContent = '';
    if (!error) {
      return;
    }
    this._errorBox.dataset.code = error.code;
    const message = document.createElement('p');
    message.textContent = error.message;
    const retry = document.createElement('button');
    retry.className = 'jp-mod-styled jp-mod-accept';
    retry.textContent = 'Retry';
    retry.onclick = () =>
      void (this.model.root ? this.model.refresh() : this.model.initialize());
    this._errorBox.append(message, retry);
  }

  /** While a row is dragged: a chip per other writable root, to copy there. */
  private _renderDropRoots(): void {
    const current = this.model.root?.id;
    const targets = this.model.roots.filter(
      r => r.writable !== null && r.id !== current
    );
    const root = this.model.root;
    // Rows here can be moved (Ctrl) only where the user may delete them.
    const movable =
      !!root?.deletable && this.model.path.startsWith(root.deletable);
    const key = `${current}|${movable}|${targets.map(r => r.id).join(',')}`;
    if (key === this._dropRootsKey) {
      return;
    }
    this._dropRootsKey = key;
    const words = rootStripText(MAC, movable);
    this._dropRoots.textContent = words.text;
    for (const root of targets) {
      const chip = document.createElement('span');
      chip.className = 'jp-LeapBuckets-dropRoot';
      chip.dataset.root = root.id;
      chip.textContent = root.label;
      chip.title = `${root.url}${root.writable ?? ''}`;
      this._dropRoots.appendChild(chip);
    }
    if (words.hint) {
      const hint = document.createElement('span');
      hint.className = 'jp-LeapBuckets-dropRootsHint';
      hint.textContent = words.hint;
      this._dropRoots.appendChild(hint);
    }
  }

  private _filter: HTMLElement;
  private _dropRoots: HTMLElement;
  private _dropRootsKey = '';
  private _notice: HTMLElement;
  private _errorBox: HTMLElement;
  private _loadingTimer = 0;
}

namespace Private {
  /** "Show: everything / expiring within 1, 3 or 7 days", for roots whose objects expire. */
  export function filter(onChange: (days: number | null) => void): HTMLElement {
    const label = document.createElement('label');
    label.className = 'jp-LeapBuckets-filter';
    label.hidden = true;
    label.append('Show');
    const select = document.createElement('select');
    for (const [value, text] of [
      ['', 'everything'],
      ['1', 'expiring within 1 day'],
      ['3', 'expiring within 3 days'],
      ['7', 'expiring within 7 days']
    ]) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = text;
      select.appendChild(option);
    }
    select.addEventListener('change', () =>
      onChange(select.value ? Number(select.value) : null)
    );
    label.appendChild(select);
    return label;
  }

  export function div(className: string): HTMLElement {
    const el = document.createElement('div');
    el.className = className;
    el.hidden = true;
    return el;
  }
}

export namespace BucketPanel {
  export interface IOptions {
    model: BucketBrowserModel;
    jobs: JobsModel;
    transfers: TransferFlow;
    uploads: UploadQueue;
  }
}
