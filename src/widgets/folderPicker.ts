/**
 * A small dialog that picks a bucket folder: the writable roots, the panel's breadcrumbs
 * and the folders of the open folder, listed by a BucketBrowserModel of its own (the
 * panel's listing code, so paging and errors behave as in the panel). Which folders show
 * and whether one may be written in are workflows/toBucket.ts's.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { folderIcon } from '@jupyterlab/ui-components';
import { Panel, Widget } from '@lumino/widgets';

import { IBucketsApi } from '../api';
import { BucketBrowserModel } from '../model';
import { IRoot, TransferMode } from '../tokens';
import {
  pickableFolders,
  whyNotToBucket,
  writableRoots
} from '../workflows/toBucket';
import { Breadcrumbs } from './breadcrumbs';

/** The picker's own listing asks for fewer entries at a time than the panel. */
const PICKER_PAGE_SIZE = 200;

/** A folder picked: root id and folder path (ending in "/", or ""). */
export interface IPickedFolder {
  root: string;
  path: string;
}

/**
 * Another use of the picker than Copy to Bucket's: which roots it offers, why a folder
 * cannot be picked, its title and button (the transfer hand-off's).
 */
export interface IPickerRules {
  roots: (roots: IRoot[]) => IRoot[];
  why: (root: IRoot | undefined, folder: string) => string;
  title: string;
  accept: string;
}

/**
 * Ask for a folder of a writable root, starting at `start`; resolves with it, or null
 * when the user cancelled.
 */
export async function pickBucketFolder(options: {
  api: IBucketsApi;
  start: IPickedFolder;
  paths: string[];
  mode: TransferMode;
  rules?: IPickerRules;
}): Promise<IPickedFolder | null> {
  const { rules } = options;
  const picker = new FolderPicker(
    options.api,
    options.paths,
    options.mode,
    rules
  );
  const verb = options.mode === 'move' ? 'Move' : 'Copy';
  const shown = showDialog({
    title: rules?.title ?? `${verb} to a Bucket Folder`,
    body: picker,
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: rules?.accept ?? `${verb} Here` })
    ]
  });
  await picker.start(options.start);
  const result = await shown;
  // Enter accepts even while the button is disabled: the caller checks the folder again.
  const picked = result.button.accept ? picker.picked : null;
  picker.dispose();
  return picked;
}

/** The picker's body: a root select, breadcrumbs, the folders, and why not here. */
export class FolderPicker extends Panel {
  constructor(
    api: IBucketsApi,
    private readonly paths: string[],
    private readonly mode: TransferMode,
    private readonly rules?: IPickerRules
  ) {
    super();
    this.addClass('jp-LeapBuckets-folderPicker');
    this.model = new BucketBrowserModel(api, { pageSize: PICKER_PAGE_SIZE });
    this._select = document.createElement('select');
    this._select.className = 'jp-LeapBuckets-rootSelect';
    this._select.setAttribute('aria-label', 'Bucket root');
    this._select.addEventListener('change', () => {
      void this.model.setRoot(this._select.value);
    });
    this._folders = document.createElement('ul');
    this._folders.className = 'jp-LeapBuckets-pickerFolders';
    this._folders.setAttribute('role', 'listbox');
    this._folders.addEventListener('click', this);
    this._why = document.createElement('div');
    this._why.className = 'jp-LeapBuckets-pickerWhy';
    this.addWidget(new Widget({ node: this._select }));
    this.addWidget(new Breadcrumbs(this.model));
    this.addWidget(new Widget({ node: this._folders }));
    this.addWidget(new Widget({ node: this._why }));
    this.model.changed.connect(this._render, this);
  }

  readonly model: BucketBrowserModel;

  /** The folder the picker shows, which the accept button picks. */
  get picked(): IPickedFolder | null {
    const root = this.model.root;
    return root ? { root: root.id, path: this.model.path } : null;
  }

  /** Why the shown folder cannot be picked; '' when it can. */
  get why(): string {
    const root = this.model.root ?? undefined;
    if (this.rules) {
      return this.rules.why(root, this.model.path);
    }
    return whyNotToBucket(root, this.model.path, this.paths, this.mode);
  }

  /** Load the roots and open `start`. */
  async start(start: IPickedFolder): Promise<void> {
    await this.model.initialize(start.root);
    if (this.model.root?.id === start.root && this.model.path !== start.path) {
      await this.model.open(start.root, start.path);
    }
  }

  protected onAfterAttach(): void {
    this._render();
  }

  handleEvent(event: Event): void {
    const target = event.target as HTMLElement;
    const more = target.closest<HTMLElement>('[data-more]');
    const folder = target.closest<HTMLElement>('[data-path]');
    if (more) {
      void this.model.loadMore();
    } else if (folder) {
      void this.model.cd(folder.dataset.path ?? '');
    }
  }

  private _render(): void {
    const roots: IRoot[] = (this.rules?.roots ?? writableRoots)(
      this.model.roots
    );
    const key = roots.map(r => r.id).join('|');
    if (key !== this._rootsKey) {
      this._rootsKey = key;
      this._select.textContent = '';
      for (const root of roots) {
        this._select.appendChild(new Option(root.label, root.id));
      }
    }
    this._select.value = this.model.root?.id ?? '';
    this._folders.textContent = '';
    const folders = pickableFolders(this.model.entries);
    for (const entry of folders) {
      const item = document.createElement('li');
      item.className = 'jp-LeapBuckets-pickerFolder';
      item.dataset.path = entry.path;
      item.setAttribute('role', 'option');
      folderIcon.element({ container: item, tag: 'span' });
      item.append(entry.name);
      this._folders.appendChild(item);
    }
    const status = this.model.loading
      ? 'Loading…'
      : (this.model.error?.message ??
        (folders.length ? '' : 'No folders here.'));
    if (status || this.model.hasMore) {
      const item = document.createElement('li');
      item.className = 'jp-LeapBuckets-pickerStatus';
      if (this.model.hasMore && !this.model.loading) {
        item.dataset.more = '';
        item.textContent = 'More folders…';
      } else {
        item.textContent = status;
      }
      this._folders.appendChild(item);
    }
    const why = this.model.loading ? '' : this.why;
    this._why.textContent = why;
    const accept = this.node
      .closest('.jp-Dialog-content')
      ?.querySelector<HTMLButtonElement>('.jp-mod-accept');
    if (accept) {
      accept.disabled = this.model.loading || why !== '';
      accept.title = why;
    }
  }

  private _select: HTMLSelectElement;
  private _folders: HTMLUListElement;
  private _why: HTMLElement;
  private _rootsKey = '';
}
