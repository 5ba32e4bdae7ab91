import { Notification } from '@jupyterlab/apputils';
import { deleteIcon, LabIcon, refreshIcon } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { Panel, Widget } from '@lumino/widgets';

import { canDelete, confirmName, whyNotDelete } from '../deleteRules';
import { bucketIcon } from '../icons';
import { SlowNotice } from '../slowNotice';
import { JobsModel } from '../jobs';
import { IRoot } from '../tokens';
import { BucketBrowserModel } from '../model';
import { Breadcrumbs } from './breadcrumbs';
import { confirmDelete } from './deleteDialog';
import { DropHandler, startRowDrag } from './dnd';
import { Listing } from './listing';
import { RootSwitcher } from './rootSwitcher';
import { TransfersView } from './transfers';

/** Show that the panel loads only when loading takes longer than this (ms). */
const LOADING_DELAY = 100;
/** How long a delete's plan may take before a notification says it is being counted (ms). */
const PLAN_NOTICE_AFTER = 700;

/**
 * The sidebar panel: root switcher and refresh, a notice when writing is off,
 * breadcrumbs, the listing, and errors with what to do and a retry button.
 */
export class BucketPanel extends Panel {
  constructor(
    readonly model: BucketBrowserModel,
    readonly jobs: JobsModel
  ) {
    super();
    this.id = 'leap-buckets-panel';
    this.addClass('jp-LeapBuckets-panel');
    this.title.icon = bucketIcon;
    this.title.caption = 'Buckets';

    const top = new Widget();
    top.addClass('jp-LeapBuckets-top');
    this.rootSwitcher = new RootSwitcher(model);
    const refresh = Private.iconButton(
      'jp-LeapBuckets-refresh',
      'Refresh the listing'
    );
    refresh.appendChild(
      refreshIcon.element({ tag: 'span', elementSize: 'normal' })
    );
    refresh.addEventListener('click', () => void model.refresh());
    this._deleteButton = Private.iconButton('jp-LeapBuckets-delete', 'Delete');
    this._deleteButton.appendChild(
      deleteIcon.element({ tag: 'span', elementSize: 'normal' })
    );
    this._deleteButton.addEventListener(
      'click',
      () => void this.deleteSelection()
    );
    this.addWidget(top);
    this._top = top.node;
    top.node.append(this.rootSwitcher.node, this._deleteButton, refresh);
    this._notice = Private.div('jp-LeapBuckets-notice');
    this._errorBox = Private.div('jp-LeapBuckets-error');
    this.breadcrumbs = new Breadcrumbs(model);
    this.listing = new Listing(model, (paths, x, y) => {
      this.addClass('jp-mod-dragging');
      startRowDrag(model, paths, x, y, () =>
        this.removeClass('jp-mod-dragging')
      );
    });
    this.transfers = new TransfersView(jobs);
    this._dropRoots = Private.div('jp-LeapBuckets-dropRoots');
    this._dropRoots.hidden = false;
    const notice = new Widget({ node: this._notice });
    const error = new Widget({ node: this._errorBox });
    this._filter = Private.filter(days => (model.expiringWithin = days));
    this.addWidget(notice);
    this.addWidget(new Widget({ node: this._dropRoots }));
    this.addWidget(this.breadcrumbs);
    this.addWidget(new Widget({ node: this._filter }));
    this.addWidget(error);
    this.addWidget(this.listing);
    this.addWidget(this.transfers);
    this.drops = new DropHandler(this.node, model, jobs);
    model.changed.connect(this._onChanged, this);
    this.listing.selectionChanged.connect(this._updateDeleteButton, this);
    this.listing.deleteRequested.connect(() => void this.deleteSelection());
    this._onChanged();
  }

  readonly rootSwitcher: RootSwitcher;
  readonly breadcrumbs: Breadcrumbs;
  readonly listing: Listing;
  readonly transfers: TransfersView;
  readonly drops: DropHandler;

  /**
   * A toolbar button that runs a command, before the delete and refresh buttons; it is
   * disabled, with the command's caption saying why, when the command cannot act.
   */
  addCommandButton(
    commands: CommandRegistry,
    id: string,
    className: string
  ): HTMLButtonElement {
    const button = Private.iconButton(className, commands.label(id));
    const icon = commands.icon(id);
    if (icon instanceof LabIcon) {
      button.appendChild(icon.element({ tag: 'span', elementSize: 'normal' }));
    }
    button.addEventListener('click', () => void commands.execute(id));
    const update = () => {
      button.disabled = !commands.isEnabled(id);
      const caption = commands.caption(id);
      button.title =
        button.disabled && caption
          ? caption
          : commands.label(id).replace(/…$/, '');
    };
    commands.commandChanged.connect(update);
    update();
    this._top.insertBefore(button, this._deleteButton);
    return button;
  }

  /** Why the selection cannot be deleted; '' when it can. */
  get whyNotDelete(): string {
    return whyNotDelete(this.model.root, this.listing.selection);
  }

  /**
   * Delete the selected item: ask the server for a plan (what lies under it), show it,
   * and on confirmation start the delete job, whose progress the jobs view shows.
   */
  async deleteSelection(): Promise<void> {
    const root = this.model.root;
    const why = this.whyNotDelete;
    if (!root || why) {
      Notification.warning(why, { autoClose: 5000 });
      return;
    }
    const path = this.listing.selection[0];
    // The plan's first answer usually comes within a fraction of a second, and the dialog
    // then shows the counting; only a slower one gets a notification meanwhile.
    const notice = new SlowNotice(PLAN_NOTICE_AFTER, () =>
      Notification.emit(
        `Counting what deleting ${confirmName(path)} would remove…`,
        'in-progress',
        {
          autoClose: false
        }
      )
    );
    let plan;
    try {
      plan = await this.jobs.api.planDelete(root.id, path);
    } catch (error) {
      const message = (error as Error).message;
      const shown = notice.stop();
      if (shown) {
        Notification.update({
          id: shown,
          message,
          type: 'error',
          autoClose: false
        });
      } else {
        Notification.error(message, { autoClose: false });
      }
      return;
    }
    const shown = notice.stop();
    if (shown) {
      Notification.dismiss(shown);
    }
    const api = this.jobs.api;
    if (!(await confirmDelete(plan, token => api.getPlan(token)))) {
      void api.dropPlan(plan.plan).catch(() => undefined); // stop its listing
      return;
    }
    try {
      await this.jobs.startDelete(plan.plan, confirmName(plan.path));
      this.transfers.toggle(true);
    } catch (error) {
      Notification.error((error as Error).message, { autoClose: false });
    }
  }

  /** Where "move to persistent" moves things: the root named persistent, else another
   * writable root of the same service whose objects do not expire. */
  get persistentRoot(): IRoot | null {
    const roots = this.model.roots;
    const current = this.model.root;
    return (
      roots.find(r => r.id === 'persistent' && r.writable !== null) ??
      roots.find(
        r =>
          r !== current &&
          r.writable !== null &&
          r.expiryDays === null &&
          r.provider === current?.provider
      ) ??
      null
    );
  }

  /** Why the selection cannot be moved to persistent; '' when it can. */
  get whyNotMove(): string {
    const root = this.model.root;
    const paths = this.listing.selection;
    if (!root || root.expiryDays === null) {
      return 'Only what expires (in scratch) moves to persistent.';
    }
    if (!paths.length) {
      return 'Select what to move.';
    }
    if (!this.persistentRoot) {
      return 'No persistent root is configured.';
    }
    if (!paths.every(path => canDelete(root, path))) {
      return `You can move only what lies inside ${root.url}${root.deletable ?? ''}.`;
    }
    return '';
  }

  /**
   * Move items of a root to the same relative place under the persistent root's home, as
   * transfer jobs (service-side copies, verified, then the sources deleted).
   */
  async moveToPersistent(
    rootId = this.model.root?.id ?? '',
    paths = this.listing.selection
  ): Promise<void> {
    const root = this.model.roots.find(r => r.id === rootId);
    const target = this.persistentRoot;
    if (!root || !target || target.writable === null) {
      Notification.warning('No persistent root is configured to move to.', {
        autoClose: 5000
      });
      return;
    }
    for (const path of paths) {
      const relative = path.startsWith(root.home)
        ? path.slice(root.home.length)
        : path;
      const parent = relative
        .replace(/\/$/, '')
        .split('/')
        .slice(0, -1)
        .join('/');
      const folder = `${target.home}${parent ? `${parent}/` : ''}`;
      await this.drops.transfer(
        [{ root: root.id, path }],
        { root: target.id, path: folder },
        false,
        'move'
      );
    }
    this.transfers.toggle(true);
  }

  private _updateDeleteButton(): void {
    const why = this.whyNotDelete;
    this._deleteButton.disabled = why !== '';
    const path = this.listing.selection[0];
    this._deleteButton.title = why || `Delete ${confirmName(path)}…`;
  }

  private _onChanged(): void {
    this._updateDeleteButton();
    const model = this.model;
    this._filter.hidden = model.expiry === null;
    this._filter.querySelector('select')!.value =
      model.expiringWithin === null ? '' : String(model.expiringWithin);
    this.rootSwitcher.render();
    this.breadcrumbs.render();
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
    const key = `${current}|${targets.map(r => r.id).join(',')}`;
    if (key === this._dropRootsKey) {
      return;
    }
    this._dropRootsKey = key;
    this._dropRoots.textContent = 'Drop on a root to copy there:';
    for (const root of targets) {
      const chip = document.createElement('span');
      chip.className = 'jp-LeapBuckets-dropRoot';
      chip.dataset.root = root.id;
      chip.textContent = root.label;
      chip.title = `${root.url}${root.writable ?? ''}`;
      this._dropRoots.appendChild(chip);
    }
  }

  private _deleteButton: HTMLButtonElement;
  private _top: HTMLElement;
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

  export function iconButton(
    className: string,
    title: string
  ): HTMLButtonElement {
    // A plain button: a ToolbarButton is a React widget, which renders only when attached
    // as a Lumino child, and this bar is plain DOM.
    const button = document.createElement('button');
    button.className = `jp-Button jp-mod-minimal jp-LeapBuckets-iconButton ${className}`;
    button.title = title;
    button.setAttribute('aria-label', title);
    return button;
  }

  export function div(className: string): HTMLElement {
    const el = document.createElement('div');
    el.className = className;
    el.hidden = true;
    return el;
  }
}
