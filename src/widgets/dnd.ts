/**
 * Drag and drop for the panel: rows dragged out of the listing carry their places; the
 * panel accepts them, and files dragged from JupyterLab's file browser, on folders,
 * stores, breadcrumbs, root chips and the listing itself. The drag image says what a drop
 * would do (dropRules.ts decides).
 */
import { MimeData } from '@lumino/coreutils';
import { Drag } from '@lumino/dragdrop';

import { canWrite } from '../commandRules';
import { dropPlan, IDropPlan, isMacPlatform } from '../dropRules';
import { BucketBrowserModel } from '../model';
import { Place, PLACES_MIME, TransferMode } from '../tokens';
import { droppedFiles } from '../uploads';
import { TransferFlow } from '../workflows/transfer';
import { UploadQueue } from '../workflows/uploadQueue';

/** What JupyterLab's file browser puts on its drags: server-relative paths. */
export const CONTENTS_MIME = 'application/x-jupyter-icontents';

/** A contents path without its drive ("Drive:path" -> "path"). */
export function localPath(path: string): string {
  const colon = path.indexOf(':');
  const slash = path.indexOf('/');
  return colon > 0 && (slash === -1 || colon < slash)
    ? path.slice(colon + 1)
    : path;
}

/** Whether this browser runs on a Mac, where Option (Alt) is the usual copy key. */
export const MAC = isMacPlatform(
  typeof navigator === 'undefined' ? '' : navigator.platform
);

/** Whether a drag event holds the key that switches copy and move (Ctrl or Alt). */
export function holdsModifier(event: {
  ctrlKey: boolean;
  altKey: boolean;
}): boolean {
  return event.ctrlKey || event.altKey;
}

/**
 * Say on the drag image what dropping here does ("Move to demo/results/", "Hold Ctrl to
 * copy"), or remove the words (null). Lumino marks the image it moves with the pointer
 * `lm-mod-drag-image`, ours and the file browser's alike, so both drags get the label.
 */
export function showDropLabel(plan: IDropPlan | null): void {
  const image = document.querySelector<HTMLElement>(
    'body > .lm-mod-drag-image'
  );
  let label = image?.querySelector<HTMLElement>(`.${LABEL_CLASS}`) ?? null;
  if (!image || !plan) {
    label?.remove();
    return;
  }
  const key = `${plan.mode}|${plan.text}|${plan.hint}`;
  if (label?.dataset.key === key) {
    return;
  }
  if (!label) {
    label = document.createElement('div');
    label.className = LABEL_CLASS;
    image.appendChild(label);
  }
  label.dataset.key = key;
  label.dataset.mode = plan.mode ?? 'none';
  const text = document.createElement('div');
  text.className = 'jp-LeapBuckets-dropText';
  text.textContent = plan.text;
  label.replaceChildren(text);
  if (plan.hint) {
    const hint = document.createElement('div');
    hint.className = 'jp-LeapBuckets-dropHint';
    hint.textContent = plan.hint;
    label.appendChild(hint);
  }
}

/** The Lumino drop action for `mode`, among those the drag supports (the file browser's
 * drags support only "move"; the cursor is all that differs). */
export function dropAction(
  drag: Drag.Event,
  mode: TransferMode | null
): Drag.DropAction {
  if (!mode) {
    return 'none';
  }
  const supported = drag.supportedActions;
  if (supported === 'all' || supported.includes(mode)) {
    return mode;
  }
  return drag.proposedAction === 'none' ? 'copy' : drag.proposedAction;
}

/** Start dragging `paths` of the model's current root from a row. */
export function startRowDrag(
  model: BucketBrowserModel,
  paths: string[],
  clientX: number,
  clientY: number,
  onEnd: () => void
): void {
  const root = model.root;
  if (!root || paths.length === 0) {
    return;
  }
  const mimeData = new MimeData();
  mimeData.setData(
    PLACES_MIME,
    paths.map(path => ({ root: root.id, path }))
  );
  const image = document.createElement('div');
  image.className = 'jp-LeapBuckets-dragImage';
  const name = document.createElement('div');
  name.className = 'jp-LeapBuckets-dragName';
  name.textContent =
    paths.length === 1
      ? paths[0].replace(/\/$/, '').split('/').pop()!
      : `${paths.length} items`;
  image.appendChild(name);
  const drag = new Drag({
    mimeData,
    dragImage: image,
    proposedAction: 'copy',
    supportedActions: 'copy-move'
  });
  void drag.start(clientX, clientY).then(onEnd);
}

/**
 * Handles Lumino drag events on the panel's node: what a drop would do is said on the
 * drag image (dropRules.ts), only places the user may write in light up (elsewhere the
 * cursor says no-drop), and a drop goes to the transfer workflow with the mode the label
 * named. Desktop files go to the upload queue.
 */
export class DropHandler {
  constructor(
    private readonly node: HTMLElement,
    private readonly model: BucketBrowserModel,
    private readonly transfers: TransferFlow,
    private readonly uploads: UploadQueue
  ) {
    for (const type of [
      'lm-dragenter',
      'lm-dragleave',
      'lm-dragover',
      'lm-drop'
    ]) {
      node.addEventListener(type, this);
    }
    for (const type of ['dragenter', 'dragleave', 'dragover', 'drop']) {
      node.addEventListener(type, event =>
        this._onNativeDrag(event as DragEvent)
      );
    }
    // The listing rebuilds its rows when answers come in (folder expiries) even mid-drag:
    // the row under the pointer stays lit.
    model.changed.connect(this._relight, this);
    // Pressing or releasing the modifier without moving the pointer sends no drag event;
    // the label follows the key all the same. (Lumino stops key events at the document
    // during a drag; the window sees them first.)
    for (const type of ['keydown', 'keyup']) {
      window.addEventListener(
        type,
        event => this._onKey(event as KeyboardEvent),
        true
      );
    }
    // A drag that ends without a drop here (Escape, or let go where nothing takes it)
    // sends no leave event: the highlight goes once the button is up.
    window.addEventListener(
      'pointerup',
      () => {
        if (this._last) {
          window.setTimeout(() => this._clear());
        }
      },
      true
    );
  }

  handleEvent(event: Event): void {
    const drag = event as Drag.Event;
    if (
      !drag.mimeData ||
      !(
        drag.mimeData.hasData(PLACES_MIME) ||
        drag.mimeData.hasData(CONTENTS_MIME)
      )
    ) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (event.type === 'lm-dragleave') {
      if (!this.node.contains(drag.relatedTarget as Node)) {
        this._clear();
      }
      return;
    }
    const target = this._targetElement(drag);
    const place = target ? this._placeOf(target) : null;
    const sources = Private.sources(drag.mimeData);
    const plan = place
      ? this._plan(sources, place, holdsModifier(drag), drag.shiftKey)
      : null;
    switch (event.type) {
      case 'lm-dragenter':
      case 'lm-dragover':
        this._highlight(plan?.mode ? target : null);
        this._last = place ? { sources, place } : null;
        showDropLabel(plan);
        drag.dropAction = dropAction(drag, plan?.mode ?? null);
        break;
      case 'lm-drop': {
        this._clear();
        if (!place || !plan?.mode) {
          drag.dropAction = 'none';
          return;
        }
        drag.dropAction = dropAction(drag, plan.mode);
        void this.transfers.transfer(
          sources,
          place,
          holdsModifier(drag),
          plan.mode,
          plan.update
        );
        break;
      }
    }
  }

  private _plan(
    sources: Place[],
    place: Place,
    modifier: boolean,
    update: boolean
  ): IDropPlan {
    return dropPlan(this.model.roots, sources, place, modifier, MAC, update);
  }

  private _onKey(event: KeyboardEvent): void {
    if (this._last && event.key === 'Escape') {
      this._clear(); // Lumino cancels the drag
    } else if (this._last && ['Control', 'Alt', 'Shift'].includes(event.key)) {
      const { sources, place } = this._last;
      showDropLabel(
        this._plan(sources, place, holdsModifier(event), event.shiftKey)
      );
    }
  }

  private _onNativeDrag(event: DragEvent): void {
    if (
      !event.dataTransfer ||
      !Array.from(event.dataTransfer.types).includes('Files')
    ) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const target =
      (event.target as HTMLElement | null)?.closest<HTMLElement>(
        Private.TARGETS
      ) ?? null;
    const place = target ? this._placeOf(target) : null;
    // Uploads write: only where the user may write does a place light up and accept.
    const writable =
      !!place &&
      canWrite(
        this.model.roots.find(r => r.id === place.root) ?? null,
        place.path
      );
    switch (event.type) {
      case 'dragenter':
      case 'dragover':
        this._highlight(writable ? target : null);
        event.dataTransfer.dropEffect = writable ? 'copy' : 'none';
        break;
      case 'dragleave':
        if (!this.node.contains(event.relatedTarget as Node)) {
          this._highlight(null);
        }
        break;
      case 'drop': {
        this._highlight(null);
        if (place && writable) {
          // Read the entries now: the DataTransfer is emptied once the event returns.
          void droppedFiles(event.dataTransfer).then(files =>
            this.uploads.add(files, place)
          );
        }
        break;
      }
    }
  }

  private _targetElement(event: Drag.Event): HTMLElement | null {
    // Lumino dispatches to the element under the pointer (behind its cursor backdrop).
    const el = event.target as HTMLElement | null;
    return el?.closest<HTMLElement>(Private.TARGETS) ?? null;
  }

  private _placeOf(el: HTMLElement): { root: string; path: string } | null {
    const root = this.model.root;
    if (el.dataset.root) {
      const other = this.model.roots.find(r => r.id === el.dataset.root);
      return other
        ? { root: other.id, path: other.writable ?? other.home }
        : null;
    }
    if (!root) {
      return null;
    }
    if (el.dataset.crumb !== undefined) {
      return { root: root.id, path: el.dataset.crumb };
    }
    if (el.dataset.path) {
      return { root: root.id, path: el.dataset.path };
    }
    return { root: root.id, path: this.model.path };
  }

  /** Forget the drag: no highlight, no label (a drag can end without a leave event). */
  reset(): void {
    this._clear();
  }

  private _clear(): void {
    this._highlight(null);
    this._last = null;
    showDropLabel(null);
  }

  private _relight(): void {
    const lit = this._current;
    if (!lit || lit.isConnected || !lit.dataset.path) {
      return;
    }
    const again = this.node.querySelector<HTMLElement>(
      `.jp-LeapBuckets-row[data-path="${CSS.escape(lit.dataset.path)}"]`
    );
    this._current = null;
    this._highlight(again);
  }

  private _highlight(el: HTMLElement | null): void {
    if (el === this._current) {
      return;
    }
    this._current?.classList.remove('jp-mod-dropTarget');
    this._current = el;
    el?.classList.add('jp-mod-dropTarget');
  }

  private _current: HTMLElement | null = null;
  /** Where the pointer is, while a drag is over the panel: for the modifier's label. */
  private _last: { sources: Place[]; place: Place } | null = null;
}

const LABEL_CLASS = 'jp-LeapBuckets-dropLabel';

namespace Private {
  export const TARGETS =
    '.jp-LeapBuckets-row[data-type="directory"], .jp-LeapBuckets-row[data-type="zarr"], .jp-LeapBuckets-crumb, .jp-LeapBuckets-dropRoot, .jp-LeapBuckets-content';

  /** What a drag carries: rows of the panel, or the file browser's paths. */
  export function sources(mimeData: MimeData): Place[] {
    return mimeData.hasData(PLACES_MIME)
      ? (mimeData.getData(PLACES_MIME) as Place[])
      : ((mimeData.getData(CONTENTS_MIME) as string[]) ?? []).map(path => ({
          local: localPath(path)
        }));
  }
}
