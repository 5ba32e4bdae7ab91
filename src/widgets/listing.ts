import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { parentPath } from '../format';
import { listingStatus, visibleRows } from '../listingRules';
import { BucketBrowserModel } from '../model';
import { keyTarget, RowSelection } from '../selection';
import { IEntry, SortKey } from '../tokens';
import { fillRows, markSort } from './rows';

/** Row height in pixels: fixed, so only the visible rows need to exist in the DOM. */
export const ROW_HEIGHT = 26;
/** Fetch the next page when the user scrolls within this many rows of the end. */
const PREFETCH_ROWS = 200;

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'size', label: 'Size' },
  { key: 'modified', label: 'Modified' },
  { key: 'expires', label: 'Expires' }
];

/**
 * The folder's entries as rows. Windowed: a spacer gives the scroll height of every
 * loaded row and only the rows in view are in the DOM, so a folder of 100,000 objects
 * scrolls as smoothly as one of ten. DOM events are handled in one `handleEvent`.
 */
export class Listing extends Widget {
  constructor(
    private readonly model: BucketBrowserModel,
    private readonly onDragStart?: (
      paths: string[],
      x: number,
      y: number
    ) => void
  ) {
    super();
    this.addClass('jp-LeapBuckets-listing');
    this.node.tabIndex = 0;
    this._header = document.createElement('div');
    this._header.className = 'jp-LeapBuckets-header';
    for (const column of COLUMNS) {
      const cell = document.createElement('div');
      cell.className = `jp-LeapBuckets-headerCell jp-LeapBuckets-col-${column.key}`;
      cell.dataset.sort = column.key;
      cell.textContent = column.label;
      this._header.appendChild(cell);
    }
    this._content = document.createElement('div');
    this._content.className = 'jp-LeapBuckets-content';
    this._spacer = document.createElement('div');
    this._spacer.className = 'jp-LeapBuckets-spacer';
    this._rows = document.createElement('div');
    this._rows.className = 'jp-LeapBuckets-rows';
    this._rows.setAttribute('role', 'listbox');
    this._status = document.createElement('div');
    this._status.className = 'jp-LeapBuckets-status';
    this._spacer.appendChild(this._rows);
    this._content.append(this._spacer, this._status);
    // How big the folder is, always in sight (the status line scrolls with the rows).
    this._count = document.createElement('div');
    this._count.className = 'jp-LeapBuckets-count';
    this._count.setAttribute('aria-live', 'polite');
    this.node.append(this._header, this._content, this._count);
    model.changed.connect(this._onModelChanged, this);
  }

  /** The selected entries' paths. */
  get selection(): string[] {
    return [...this._sel.paths];
  }

  /** The selection changed. */
  get selectionChanged(): ISignal<this, void> {
    return this._selectionChanged;
  }

  /** The user pressed Delete with something selected. */
  get deleteRequested(): ISignal<this, void> {
    return this._deleteRequested;
  }

  /** The user pressed F2 with one item selected. */
  get renameRequested(): ISignal<this, void> {
    return this._renameRequested;
  }

  /** The user opened an entry (double-click or Enter). */
  get opened(): ISignal<this, IEntry> {
    return this._opened;
  }

  /** Select these paths (those loaded), the first one scrolled into view. */
  select(paths: string[]): void {
    const first = this._sel.select(this.model.entries, paths);
    if (first >= 0) {
      this._scrollIntoView(first);
    }
    this._render();
  }

  protected onAfterAttach(): void {
    this._header.addEventListener('click', this);
    this._content.addEventListener('scroll', this, { passive: true });
    this._rows.addEventListener('click', this);
    this._content.addEventListener('contextmenu', this);
    this._rows.addEventListener('dblclick', this);
    this._rows.addEventListener('mousedown', this);
    this.node.addEventListener('keydown', this);
    this._render();
  }

  protected onBeforeDetach(): void {
    this._header.removeEventListener('click', this);
    this._content.removeEventListener('scroll', this);
    this._rows.removeEventListener('click', this);
    this._content.removeEventListener('contextmenu', this);
    this._rows.removeEventListener('dblclick', this);
    this._rows.removeEventListener('mousedown', this);
    this.node.removeEventListener('keydown', this);
  }

  protected onResize(): void {
    this._render();
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case 'scroll':
        if (!this._frame) {
          this._frame = requestAnimationFrame(() => {
            this._frame = 0;
            this._render();
          });
        }
        break;
      case 'contextmenu': {
        // Right-click acts on the row under the pointer (selected unless it already is);
        // on the background, on the folder itself (nothing selected).
        const index = this._rowIndex(event as MouseEvent);
        const entry = this.model.entries[index];
        if (!entry) {
          this._sel.clear();
          this._render();
        } else if (!this._sel.paths.has(entry.path)) {
          this._sel.click(this.model.entries, index, false, false);
          this._render();
        }
        break;
      }
      case 'click':
        this._onClick(event as MouseEvent);
        break;
      case 'dblclick':
        this._onDblClick(event as MouseEvent);
        break;
      case 'keydown':
        this._onKeyDown(event as KeyboardEvent);
        break;
      case 'mousedown':
        this._onMouseDown(event as MouseEvent);
        break;
      case 'mousemove':
        this._onMouseMove(event as MouseEvent);
        break;
      case 'mouseup':
        this._endPress();
        break;
    }
  }

  private _onMouseDown(event: MouseEvent): void {
    const index = this._rowIndex(event);
    if (event.button !== 0 || index < 0 || !this.onDragStart) {
      return;
    }
    this._press = { x: event.clientX, y: event.clientY, index };
    document.addEventListener('mousemove', this, true);
    document.addEventListener('mouseup', this, true);
  }

  private _onMouseMove(event: MouseEvent): void {
    const press = this._press;
    if (
      !press ||
      Math.abs(event.clientX - press.x) + Math.abs(event.clientY - press.y) < 5
    ) {
      return;
    }
    this._endPress();
    const path = this.model.entries[press.index]?.path;
    if (!path) {
      return;
    }
    // Drag the selection if the row is part of it, else just the row.
    const paths = this._sel.paths.has(path) ? [...this._sel.paths] : [path];
    this.onDragStart?.(paths, event.clientX, event.clientY);
  }

  private _endPress(): void {
    this._press = null;
    document.removeEventListener('mousemove', this, true);
    document.removeEventListener('mouseup', this, true);
  }

  private _onModelChanged(): void {
    const where = `${this.model.root?.id}|${this.model.path}`;
    if (where !== this._where) {
      this._where = where;
      this._sel.clear();
      this._content.scrollTop = 0;
    }
    this._render();
  }

  private _onClick(event: MouseEvent): void {
    const sort = (event.target as HTMLElement).closest<HTMLElement>(
      '[data-sort]'
    );
    if (sort) {
      this.model.setSort(sort.dataset.sort as SortKey);
      return;
    }
    const index = this._rowIndex(event);
    if (index < 0) {
      return;
    }
    this._sel.click(
      this.model.entries,
      index,
      event.shiftKey,
      event.metaKey || event.ctrlKey
    );
    this._render();
  }

  private _onDblClick(event: MouseEvent): void {
    const index = this._rowIndex(event);
    if (index >= 0) {
      this._open(this.model.entries[index]);
    }
  }

  private _onKeyDown(event: KeyboardEvent): void {
    const entries = this.model.entries;
    const sel = this._sel;
    const key = event.key;
    const accel = event.ctrlKey || event.metaKey;
    const target = keyTarget(key, sel.focus, entries.length);
    if (key === 'End' && this.model.hasMore && !event.shiftKey) {
      // The last loaded row is not the folder's last: page through to the real one.
      void this._goToEnd();
    } else if (key === 'Escape' && this.model.loadingAll) {
      this.model.stopLoadingAll();
    } else if (target >= 0) {
      sel.moveTo(entries, target, event.shiftKey);
      this._scrollIntoView(target);
    } else if (key === 'Enter' && entries[sel.focus]) {
      this._open(entries[sel.focus]);
    } else if (key === 'Delete' && sel.paths.size) {
      this._deleteRequested.emit();
    } else if (key === 'F2' && sel.paths.size === 1) {
      this._renameRequested.emit();
    } else if (key === 'Backspace' && this.model.path) {
      void this.model.cd(parentPath(this.model.path));
    } else if (accel && key.toLowerCase() === 'a') {
      sel.selectAll(entries);
    } else if (key === 'Escape' && sel.paths.size) {
      sel.clear();
    } else if (key.length === 1 && !accel && !event.altKey) {
      const index = sel.typeAhead(entries, key, Date.now());
      if (index >= 0) {
        this._scrollIntoView(index);
      }
    } else {
      return; // not ours: let JupyterLab have it
    }
    event.preventDefault();
    this._render();
  }

  /** End in a folder with pages still to load: load them all, then select the last row. */
  private async _goToEnd(): Promise<void> {
    const where = this._where;
    const complete = await this.model.loadAll();
    const entries = this.model.entries;
    if (!complete || where !== this._where || !entries.length) {
      return; // stopped, failed (the panel shows the error) or the user went elsewhere
    }
    this._sel.moveTo(entries, entries.length - 1, false);
    this._scrollIntoView(entries.length - 1);
    this._render();
  }

  private _open(entry: IEntry): void {
    this._opened.emit(entry);
  }

  private _rowIndex(event: MouseEvent): number {
    const row = (event.target as HTMLElement).closest<HTMLElement>(
      '[data-index]'
    );
    return row ? Number(row.dataset.index) : -1;
  }

  private _scrollIntoView(index: number): void {
    const top = index * ROW_HEIGHT;
    const view = this._content;
    if (top < view.scrollTop) {
      view.scrollTop = top;
    } else if (top + ROW_HEIGHT > view.scrollTop + view.clientHeight) {
      view.scrollTop = top + ROW_HEIGHT - view.clientHeight;
    }
  }

  private _render(): void {
    const selectionKey = [...this._sel.paths].join('\n');
    if (selectionKey !== this._selectionKey) {
      this._selectionKey = selectionKey;
      this._selectionChanged.emit();
    }
    const model = this.model;
    const entries = model.entries;
    this.toggleClass('jp-mod-expiring', model.expiry !== null);
    markSort(this._header, model.sort);
    this._spacer.style.height = `${entries.length * ROW_HEIGHT}px`;
    const { first, last } = visibleRows(
      this._content.scrollTop,
      this._content.clientHeight || 600,
      ROW_HEIGHT,
      entries.length
    );
    if (
      entries !== this._shownEntries ||
      first !== this._shownFirst ||
      last !== this._shownLast
    ) {
      // Rebuild rows only when the window or the entries change: a click that only
      // selects keeps its row element, so a double-click lands on the same one.
      this._shownEntries = entries;
      this._shownFirst = first;
      this._shownLast = last;
      this._rows.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
      model.requestFolderExpiry(fillRows(this._rows, model, first, last));
    }
    for (const el of Array.from(this._rows.children) as HTMLElement[]) {
      const selected = this._sel.paths.has(el.dataset.path ?? '');
      el.classList.toggle('jp-mod-selected', selected);
      el.setAttribute('aria-selected', String(selected));
    }
    this._renderStatus();
    if (
      model.hasMore &&
      !model.loading &&
      last + PREFETCH_ROWS >= entries.length
    ) {
      void model.loadMore();
    }
  }

  private _renderStatus(): void {
    const model = this.model;
    const { status, count, countTitle } = listingStatus({
      loading: model.loading,
      loadingAll: model.loadingAll,
      hasMore: model.hasMore,
      hasError: model.error !== null,
      hasRoot: !!model.root,
      shown: model.entries.length,
      loaded: model.unfilteredCount,
      filtered: model.expiringWithin !== null && model.expiry !== null
    });
    this._status.textContent = status;
    this._status.classList.toggle('jp-mod-loading', model.loading);
    this._status.hidden = status === '';
    this._count.textContent = count;
    this._count.title = countTitle;
    this._count.classList.toggle('jp-mod-loading', model.loadingAll);
    this._count.hidden = count === '';
  }

  private _header: HTMLElement;
  private _content: HTMLElement;
  private _spacer: HTMLElement;
  private _rows: HTMLElement;
  private _status: HTMLElement;
  private _count: HTMLElement;
  private _sel = new RowSelection();
  private _selectionKey = '';
  private _selectionChanged = new Signal<this, void>(this);
  private _deleteRequested = new Signal<this, void>(this);
  private _renameRequested = new Signal<this, void>(this);
  private _opened = new Signal<this, IEntry>(this);
  private _where = '';
  private _frame = 0;
  private _press: { x: number; y: number; index: number } | null = null;
  private _shownEntries: IEntry[] | null = null;
  private _shownFirst = -1;
  private _shownLast = -1;
}
