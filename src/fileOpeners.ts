/**
 * Opening a bucket file from the listing: notebooks and text become a JupyterLab
 * document (an untitled copy in the file browser's folder, read through the `object`
 * route, as the Zarr preview's "open in notebook" makes its notebook there), images
 * and CSV a preview in the main area; openRules.ts decides which.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, Notification } from '@jupyterlab/apputils';
import { imageIcon, spreadsheetIcon } from '@jupyterlab/ui-components';

import { IBucketsApi } from './api';
import { extensionOf, OpenWith } from './openRules';
import { IEntry, IRoot } from './tokens';
import { FilePreview } from './widgets/filePreview';

export class FileOpeners {
  constructor(
    private readonly app: JupyterFrontEnd,
    private readonly api: IBucketsApi,
    /** The workspace folder copies go in (the file browser's). */
    private readonly folder: () => string
  ) {}

  /** Open `entry` as `kind` says; errors are notified (with what to do). */
  async open(
    root: IRoot,
    entry: IEntry,
    kind: Exclude<OpenWith, 'details'>
  ): Promise<void> {
    const url = `${root.url}${entry.path}`;
    try {
      const bytes = await this.api.readObject(root.id, entry.path);
      if (!bytes) {
        Notification.error(`${url} is no longer there; refresh the listing.`, {
          autoClose: false
        });
        return;
      }
      if (kind === 'image' || kind === 'csv') {
        this._preview(entry, url, kind, bytes);
      } else {
        await this._openCopy(entry, url, kind, bytes);
      }
    } catch (error) {
      Notification.error(
        `${url} could not be opened: ${(error as Error).message}`,
        { autoClose: false }
      );
    }
  }

  private _preview(
    entry: IEntry,
    url: string,
    kind: 'image' | 'csv',
    bytes: Uint8Array
  ): void {
    const widget = new MainAreaWidget({
      content: new FilePreview({ name: entry.name, url, kind, bytes })
    });
    widget.id = `leap-buckets-preview-${Date.now()}`;
    widget.title.label = entry.name;
    widget.title.caption = url;
    widget.title.icon = kind === 'image' ? imageIcon : spreadsheetIcon;
    widget.title.closable = true;
    this.app.shell.add(widget, 'main');
    this.app.shell.activateById(widget.id);
  }

  /** An untitled copy in the workspace, opened in JupyterLab's editor or notebook. */
  private async _openCopy(
    entry: IEntry,
    url: string,
    kind: 'notebook' | 'text',
    bytes: Uint8Array
  ): Promise<void> {
    const text = new TextDecoder().decode(bytes);
    let notebook: unknown = null;
    if (kind === 'notebook') {
      try {
        notebook = JSON.parse(text);
      } catch {
        throw new Error(
          'it is not a notebook (not JSON); use Show Details or Download to the Workspace.'
        );
      }
    }
    const contents = this.app.serviceManager.contents;
    const copy = await contents.newUntitled({
      path: this.folder(),
      type: kind === 'notebook' ? 'notebook' : 'file',
      ext: `.${extensionOf(entry.name)}`
    });
    await contents.save(
      copy.path,
      kind === 'notebook'
        ? { type: 'notebook', format: 'json', content: notebook }
        : { type: 'file', format: 'text', content: text }
    );
    await this.app.commands.execute('docmanager:open', { path: copy.path });
    Notification.info(
      `Opened a copy of ${url} as ${copy.path} in the workspace; saving it changes the copy, not the bucket.`,
      { autoClose: 10000 }
    );
  }
}
