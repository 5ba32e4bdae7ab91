/**
 * What the commands do: go to a URL, new folder, upload, rename, delete, copy URL or
 * Python, download to the workspace, details and the Zarr preview (zarrPreviews.ts);
 * moving to persistent is persistentMoves.ts's.
 * Commands (commands.ts) only register these with their enablement rules
 * (commandRules.ts). The workflows (workflows/) hold the logic; this module gives them
 * their dialogs and notifications.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Clipboard, InputDialog, Notification } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';

import { IBucketsApi } from './api';
import {
  CommandRule,
  ICommandContext,
  rules,
  whyNotName
} from './commandRules';
import { FileOpeners } from './fileOpeners';
import { parentPath } from './format';
import { JobsModel } from './jobs';
import { openWith } from './openRules';
import { pythonSnippet } from './snippets';
import { IEntry } from './tokens';
import { parseBucketUrl, rootForUrl, s3Hosts, whyNotOpen } from './urls';
import { showDetailsDialog } from './widgets/detailsDialog';
import { BucketPanel } from './widgets/panel';
import { ZarrPreviews } from './zarrPreviews';
import { DetailsModel } from './workflows/details';
import { TransferFlow } from './workflows/transfer';
import { UploadQueue } from './workflows/uploadQueue';
import { deleteItem } from './workflows/deleteItem';

export type ZarrOpenWith = 'preview' | 'folder';

export interface IActionsOptions {
  api: IBucketsApi;
  jobs: JobsModel;
  transfers: TransferFlow;
  uploads: UploadQueue;
  fileBrowser: IDefaultFileBrowser | null;
}

export class BucketActions {
  constructor(
    private readonly app: JupyterFrontEnd,
    readonly panel: BucketPanel,
    private readonly options: IActionsOptions
  ) {
    this._previews = new ZarrPreviews(app, options.api, () =>
      options.fileBrowser ? options.fileBrowser.model.path : ''
    );
    this._files = new FileOpeners(app, options.api, () =>
      options.fileBrowser ? options.fileBrowser.model.path : ''
    );
    panel.listing.opened.connect((_, entry) => void this.open(entry));
    panel.listing.renameRequested.connect(() => void this.rename());
  }

  private get fileBrowser(): IDefaultFileBrowser | null {
    return this.options.fileBrowser;
  }

  /** What double-click and Enter do on a Zarr store (a setting). */
  zarrOpenWith: ZarrOpenWith = 'preview';

  /** The root, folder and selected entries the commands act on. */
  get context(): ICommandContext {
    const model = this.panel.model;
    const selected = new Set(this.panel.listing.selection);
    return {
      root: model.root,
      folder: model.path,
      selection: model.entries.filter(e => selected.has(e.path))
    };
  }

  /** Why a command cannot act now; '' when it can. */
  why(rule: CommandRule): string {
    return rules[rule](this.context);
  }

  private _refuse(rule: CommandRule): boolean {
    const why = this.why(rule);
    if (why) {
      Notification.warning(why, { autoClose: 5000 });
    }
    return why !== '';
  }

  /**
   * Open an entry: a folder opens in the panel, a store per the setting; a notebook or
   * text file in JupyterLab, an image or CSV in a preview, other files their details.
   */
  async open(entry: IEntry): Promise<void> {
    if (
      entry.type === 'directory' ||
      this._previews.opensAsFolder(entry, this.zarrOpenWith)
    ) {
      await this.panel.model.cd(entry.path);
    } else if (this._previews.has(entry.type)) {
      this.preview(entry);
    } else {
      const kind = openWith(entry);
      const root = this.panel.model.root;
      if (kind === 'details' || !root) {
        await this.showDetails(entry);
      } else {
        await this._files.open(root, entry, kind);
      }
    }
  }

  /** Open a pasted gs:// or s3:// (or https) address in the root that shows it. */
  async goToUrl(text?: string): Promise<void> {
    const model = this.panel.model;
    if (text === undefined) {
      const answer = await InputDialog.getText({
        title: 'Go to a Bucket URL',
        label: 'A gs:// or s3:// address, or its https:// form',
        placeholder: 'gs://leap-scratch/<you>/data.zarr'
      });
      if (!answer.button.accept || !answer.value) {
        return;
      }
      text = answer.value;
    }
    const why = whyNotOpen(model.roots, text);
    if (why) {
      Notification.warning(why, { autoClose: 8000 });
      return;
    }
    const url = parseBucketUrl(text, s3Hosts(model.roots))!;
    const root = rootForUrl(model.roots, url)!;
    this.app.shell.activateById(this.panel.id);
    if (url.path === '' || url.path.endsWith('/')) {
      await model.open(root.id, url.path);
      return;
    }
    // A key without a trailing '/' names a file, a folder or a store: open its parent
    // and select it, or go into it if it is a folder.
    await model.open(root.id, parentPath(url.path));
    const entry = await model.findEntry(url.path);
    if (entry?.type === 'directory') {
      await model.cd(entry.path);
    } else if (entry) {
      this.panel.listing.select([entry.path]);
    } else if (!model.error && model.hasMore) {
      Notification.info(
        `${text} is not among the first ${model.entries.length} entries of its folder, which is open; scroll on to find it.`,
        { autoClose: 8000 }
      );
    } else if (!model.error) {
      await model.cd(`${url.path}/`);
    }
  }

  async newFolder(name?: string): Promise<void> {
    if (this._refuse('newFolder')) {
      return;
    }
    const { root, folder } = this.context;
    if (name === undefined) {
      const answer = await InputDialog.getText({
        title: 'New Folder',
        label: `In ${root!.url}${folder}`,
        placeholder: 'name'
      });
      if (!answer.button.accept) {
        return;
      }
      name = answer.value ?? '';
    }
    const why = whyNotName(name, '');
    if (why) {
      Notification.warning(why, { autoClose: 5000 });
      return;
    }
    try {
      const entry = await this.panel.model.createFolder(name);
      this.panel.listing.select([entry.path]);
    } catch (error) {
      Notification.error((error as Error).message, { autoClose: false });
    }
  }

  /** Pick files on this computer and upload them into the open folder. */
  upload(): void {
    if (this._refuse('upload')) {
      return;
    }
    const { root, folder } = this.context;
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.addEventListener('change', () => {
      const files = Array.from(input.files ?? []).map(file => ({
        file,
        folder: ''
      }));
      if (files.length) {
        this.panel.transfers.toggle(true);
        void this.options.uploads.add(files, { root: root!.id, path: folder });
      }
    });
    input.click();
  }

  async rename(newName?: string): Promise<void> {
    if (this._refuse('rename')) {
      return;
    }
    const { root, selection } = this.context;
    const entry = selection[0];
    if (newName === undefined) {
      const dot = entry.type === 'file' ? entry.name.lastIndexOf('.') : -1;
      const answer = await InputDialog.getText({
        title: `Rename ${entry.name}`,
        label: 'New name',
        text: entry.name,
        selectionRange: dot > 0 ? dot : entry.name.length
      });
      if (!answer.button.accept) {
        return;
      }
      newName = answer.value ?? '';
    }
    const why = whyNotName(newName, entry.name);
    if (why) {
      Notification.warning(why, { autoClose: 5000 });
      return;
    }
    const parent = parentPath(entry.path);
    const [outcome] = await this.options.transfers.transfer(
      [{ root: root!.id, path: entry.path }],
      { root: root!.id, path: parent + newName },
      false,
      'move'
    );
    if (outcome?.job) {
      const job = await this.options.jobs.whenEnded(outcome.job.id);
      if (job.state === 'done') {
        await this._selectIn(root!.id, parent, parent + newName);
      }
    }
  }

  /**
   * Select `path` once the listing of `folder` shows it (after a rename: the item the
   * user just named stays the selected one), unless the user has gone elsewhere.
   */
  private async _selectIn(
    rootId: string,
    folder: string,
    path: string
  ): Promise<void> {
    const model = this.panel.model;
    if (model.root?.id !== rootId || model.path !== folder) {
      return;
    }
    await model.refresh();
    const found = await model.findEntry(path);
    if (found && model.root?.id === rootId && model.path === folder) {
      this.panel.listing.select([found.path]);
    }
  }

  async copyUrl(): Promise<void> {
    if (this._refuse('copyUrl')) {
      return;
    }
    const { root, folder, selection } = this.context;
    const urls = selection.length
      ? selection.map(e => `${root!.url}${e.path}`)
      : [`${root!.url}${folder}`];
    Clipboard.copyToSystem(urls.join('\n'));
    Notification.info(
      `Copied ${urls.length === 1 ? urls[0] : `${urls.length} URLs`}`,
      { autoClose: 3000 }
    );
  }

  async copySnippet(): Promise<void> {
    if (this._refuse('copySnippet')) {
      return;
    }
    const { root, selection } = this.context;
    Clipboard.copyToSystem(pythonSnippet(root!, selection[0]));
    Notification.info(`Copied Python that opens ${selection[0].name}`, {
      autoClose: 3000
    });
  }

  /** Copy the selection into the folder open in JupyterLab's file browser. */
  async download(): Promise<void> {
    if (this._refuse('download')) {
      return;
    }
    const { root, selection } = this.context;
    const folder = this.fileBrowser?.model.path ?? '';
    const target = { local: folder ? `${folder.replace(/\/$/, '')}/` : '' };
    await this.options.transfers.transfer(
      selection.map(e => ({ root: root!.id, path: e.path })),
      target,
      false,
      'copy'
    );
    this.panel.transfers.toggle(true);
  }

  async showDetails(entry?: IEntry): Promise<void> {
    if (!entry && this._refuse('details')) {
      return;
    }
    const root = this.context.root!;
    entry = entry ?? this.context.selection[0];
    const folderExpiry =
      entry.type === 'file'
        ? null
        : (this.panel.model.folderExpiry(entry.path)?.expires ?? null);
    await showDetailsDialog(
      new DetailsModel(this.options.api, root, entry, folderExpiry)
    );
  }

  /** Delete the selected item, through the server's plan (workflows/deleteItem.ts). */
  async deleteItem(): Promise<void> {
    if (this._refuse('delete')) {
      return;
    }
    const { root, selection } = this.context;
    await deleteItem(
      {
        api: this.options.api,
        jobs: this.options.jobs,
        handoffAt: this.panel.model.handoffAt,
        started: () => this.panel.transfers.toggle(true),
        handedOff: () => void this.panel.model.refresh() // the manifest is new
      },
      root!,
      selection[0].path
    );
  }

  /** Open the Zarr preview of a store in the main area (once per store). */
  preview(entry?: IEntry): void {
    if (!entry && this._refuse('preview')) {
      return;
    }
    this._previews.open(this.context.root!, entry ?? this.context.selection[0]);
  }

  private _previews: ZarrPreviews;
  private _files: FileOpeners;
}
