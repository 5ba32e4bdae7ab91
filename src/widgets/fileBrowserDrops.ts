/**
 * Drags between the panel and JupyterLab's file browser, which share the left sidebar:
 *
 * - Spring-loaded sidebar tabs: holding a drag over a sidebar tab for SPRING_DELAY ms
 *   opens that tab, as Finder opens folders, so a row dragged out of the panel can reach
 *   the file browser and a file browser item can reach the panel.
 * - Rows of the panel dropped on the file browser are copied (or, with the modifier,
 *   moved) by the server into the folder under the pointer, or into the folder the file
 *   browser shows. The listener runs in the capture phase on the file browser's node, so
 *   the file browser's own drop handling (which knows only its own items) never sees it.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { FileBrowser } from '@jupyterlab/filebrowser';
import { Drag } from '@lumino/dragdrop';

import { dropPlan } from '../dropRules';
import { IRoot, Place, PLACES_MIME } from '../tokens';
import { TransferFlow } from '../workflows/transfer';
import {
  CONTENTS_MIME,
  dropAction,
  holdsModifier,
  localPath,
  MAC,
  showDropLabel
} from './dnd';

/** How long a drag rests on a sidebar tab before the tab opens. */
export const SPRING_DELAY = 600;

const DROP_CLASS = 'jp-LeapBuckets-fileBrowserDrop';

/** Open sidebar tabs that a drag of ours (or the file browser's) rests on. */
export function springLoadSidebarTabs(app: JupyterFrontEnd): void {
  let timer = 0;
  let tabId = '';
  const onDrag = (event: Event) => {
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
    if (event.target === document.body && event.type === 'lm-dragenter') {
      return; // Lumino's echo of an enter that the element under the pointer ignored
    }
    const tab = (event.target as HTMLElement | null)?.closest<HTMLElement>(
      '.jp-SideBar .lm-TabBar-tab'
    );
    const id = event.type === 'lm-drop' ? '' : (tab?.dataset.id ?? '');
    if (id === tabId) {
      return;
    }
    window.clearTimeout(timer);
    tabId = id;
    if (id && !tab!.classList.contains('lm-mod-current')) {
      timer = window.setTimeout(() => app.shell.activateById(id), SPRING_DELAY);
    }
  };
  // Lumino sends `lm-dragenter` to each element the pointer enters, then again to
  // document.body when that element does not accept it; `lm-dragover` goes to whoever
  // accepted the enter (document.body for a tab), so it says nothing here.
  for (const type of ['lm-dragenter', 'lm-drop']) {
    document.addEventListener(type, onDrag, true);
  }
}

/** Accept panel rows dropped on the file browser. */
export class FileBrowserDrops {
  constructor(
    private readonly browser: FileBrowser,
    private readonly transfers: TransferFlow,
    private readonly roots: () => IRoot[]
  ) {
    for (const type of [
      'lm-dragenter',
      'lm-dragleave',
      'lm-dragover',
      'lm-drop'
    ]) {
      browser.node.addEventListener(type, this, true);
    }
  }

  handleEvent(event: Event): void {
    const drag = event as Drag.Event;
    if (!drag.mimeData?.hasData(PLACES_MIME)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (event.type === 'lm-dragleave') {
      if (!this.browser.node.contains(drag.relatedTarget as Node)) {
        this._highlight(null);
        showDropLabel(null);
      }
      return;
    }
    const folder = this._folderAt(drag);
    const sources = drag.mimeData.getData(PLACES_MIME) as Place[];
    // The label says what the drop does ("Copy to the workspace folder data/"), and the
    // transfer runs with the mode it names.
    const plan = folder
      ? dropPlan(
          this.roots(),
          sources,
          { local: folder.path },
          holdsModifier(drag),
          MAC,
          drag.shiftKey
        )
      : null;
    switch (event.type) {
      case 'lm-dragenter':
      case 'lm-dragover':
        this._highlight(plan?.mode ? folder!.node : null);
        showDropLabel(plan);
        drag.dropAction = dropAction(drag, plan?.mode ?? null);
        break;
      case 'lm-drop': {
        this._highlight(null);
        showDropLabel(null);
        if (!folder || !plan?.mode) {
          drag.dropAction = 'none';
          return;
        }
        drag.dropAction = dropAction(drag, plan.mode);
        void this.transfers.transfer(
          sources,
          { local: folder.path },
          holdsModifier(drag),
          plan.mode,
          plan.update
        );
        break;
      }
    }
  }

  /** The folder a drop would land in: the folder item under the pointer, else the
   * folder the file browser shows. Local paths end in "/" ("" is the server's root). */
  private _folderAt(
    event: Drag.Event
  ): { path: string; node: HTMLElement } | null {
    // FileBrowser.listing is protected: find the listing and the item by their DOM.
    const target = event.target as HTMLElement;
    const listing = target.closest<HTMLElement>('.jp-DirListing');
    if (!listing || !this.browser.node.contains(listing)) {
      return null;
    }
    const asFolder = (path: string) =>
      path ? `${path.replace(/\/$/, '')}/` : '';
    const itemNode = target.closest<HTMLElement>('.jp-DirListing-item');
    if (itemNode?.dataset.isdir === 'true') {
      const name =
        itemNode.querySelector('.jp-DirListing-itemText')?.textContent ?? '';
      for (const item of this.browser.model.items()) {
        if (item.name === name && item.type === 'directory') {
          return { path: asFolder(localPath(item.path)), node: itemNode };
        }
      }
    }
    return {
      path: asFolder(localPath(this.browser.model.path)),
      node: listing
    };
  }

  private _highlight(el: HTMLElement | null): void {
    if (el === this._current) {
      return;
    }
    this._current?.classList.remove(DROP_CLASS);
    this._current = el;
    el?.classList.add(DROP_CLASS);
  }

  private _current: HTMLElement | null = null;
}
