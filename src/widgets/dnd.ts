/**
 * Drag and drop for the panel: rows dragged out of the listing carry their places; the
 * panel accepts them, and files dragged from JupyterLab's file browser, on folders,
 * stores, breadcrumbs, root chips and the listing itself.
 */
import { MimeData } from '@lumino/coreutils';
import { Drag } from '@lumino/dragdrop';

import { BucketBrowserModel } from '../model';
import { Place, PLACES_MIME } from '../tokens';
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
  image.textContent =
    paths.length === 1
      ? paths[0].replace(/\/$/, '').split('/').pop()!
      : `${paths.length} items`;
  const drag = new Drag({
    mimeData,
    dragImage: image,
    proposedAction: 'copy',
    supportedActions: 'copy-move'
  });
  void drag.start(clientX, clientY).then(onEnd);
}

/**
 * Handles Lumino drag events on the panel's node and hands what a drop asks for to the
 * transfer workflow, and desktop files to the upload queue.
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
    const target = this._targetElement(drag);
    switch (event.type) {
      case 'lm-dragenter':
      case 'lm-dragover':
        this._highlight(target);
        drag.dropAction =
          drag.proposedAction === 'none' ? 'copy' : drag.proposedAction;
        break;
      case 'lm-dragleave':
        if (!this.node.contains(drag.relatedTarget as Node)) {
          this._highlight(null);
        }
        break;
      case 'lm-drop': {
        this._highlight(null);
        const place = target ? this._placeOf(target) : null;
        if (!place) {
          drag.dropAction = 'none';
          return;
        }
        drag.dropAction = 'copy';
        const modifier = drag.ctrlKey || drag.altKey;
        const sources: Place[] = drag.mimeData.hasData(PLACES_MIME)
          ? (drag.mimeData.getData(PLACES_MIME) as Place[])
          : (drag.mimeData.getData(CONTENTS_MIME) as string[]).map(path => ({
              local: localPath(path)
            }));
        void this.transfers.transfer(sources, place, modifier);
        break;
      }
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
    switch (event.type) {
      case 'dragenter':
      case 'dragover':
        this._highlight(target);
        event.dataTransfer.dropEffect = 'copy';
        break;
      case 'dragleave':
        if (!this.node.contains(event.relatedTarget as Node)) {
          this._highlight(null);
        }
        break;
      case 'drop': {
        this._highlight(null);
        const place = target ? this._placeOf(target) : null;
        if (place) {
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

  private _highlight(el: HTMLElement | null): void {
    if (el === this._current) {
      return;
    }
    this._current?.classList.remove('jp-mod-dropTarget');
    this._current = el;
    el?.classList.add('jp-mod-dropTarget');
  }

  private _current: HTMLElement | null = null;
}

namespace Private {
  export const TARGETS =
    '.jp-LeapBuckets-row[data-type="directory"], .jp-LeapBuckets-row[data-type="zarr"], .jp-LeapBuckets-crumb, .jp-LeapBuckets-dropRoot, .jp-LeapBuckets-content';
}
