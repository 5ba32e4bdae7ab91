/**
 * The store previews in the main area: one per store (opening it again shows the open
 * one), each with buttons that copy its Python or put it in a new notebook. Zarr stores
 * get the Zarr preview; Icechunk repositories and virtual Zarr stores the store preview.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Widget } from '@lumino/widgets';
import { Clipboard, MainAreaWidget, Notification } from '@jupyterlab/apputils';

import { IBucketsApi } from './api';
import { isStoreType, previewLabel } from './entryKinds';
import { bucketIcon, storeIcon } from './icons';
import { pythonSnippet } from './snippets';
import { EntryType, IEntry, IRoot } from './tokens';
import { StorePreview } from './widgets/storePreview';
import { ZarrPreview } from './widgets/zarrPreview';

export class ZarrPreviews {
  constructor(
    private readonly app: JupyterFrontEnd,
    private readonly api: IBucketsApi,
    /** The folder new notebooks go in (the file browser's). */
    private readonly notebookFolder: () => string
  ) {}

  /** Whether entries of this type have a preview. */
  has(type: EntryType): boolean {
    return isStoreType(type);
  }

  /**
   * Whether double-click goes into `entry` instead of previewing it: a store that is a
   * folder, where the setting says so (a JSON reference file is never gone into).
   */
  opensAsFolder(entry: IEntry, setting: string): boolean {
    return (
      isStoreType(entry.type) &&
      setting === 'folder' &&
      entry.path.endsWith('/')
    );
  }

  /** Open the preview of the store `entry` of `root`, or show it if it is open. */
  open(root: IRoot, entry: IEntry): void {
    if (!isStoreType(entry.type)) {
      return;
    }
    const id = `leap-buckets-zarr-${root.id}-${entry.path}`.replace(
      /[^A-Za-z0-9_-]/g,
      '_'
    );
    const open = this._open.get(id);
    if (open) {
      this.app.shell.activateById(open.id);
      return;
    }
    const options = {
      api: this.api,
      root,
      path: entry.path,
      snippet: pythonSnippet(root, entry),
      openInNotebook: (code: string) => void this.openInNotebook(code),
      copy: (code: string) => {
        Clipboard.copyToSystem(code);
        Notification.info('Copied the Python that opens this store', {
          autoClose: 3000
        });
      }
    };
    const type = entry.type;
    const content: Widget =
      type === 'zarr'
        ? new ZarrPreview(options)
        : new StorePreview({ ...options, kind: type });
    const widget = new MainAreaWidget({ content });
    widget.id = id;
    widget.title.icon = type === 'zarr' ? bucketIcon : storeIcon(type);
    widget.title.label = `${entry.name} (${previewLabel(type)})`;
    widget.title.caption = `${root.url}${entry.path}`;
    this._open.set(id, widget);
    widget.disposed.connect(() => this._open.delete(id));
    this.app.shell.add(widget, 'main');
    this.app.shell.activateById(widget.id);
  }

  /** A new notebook whose first cell holds `code`. */
  async openInNotebook(code: string): Promise<void> {
    try {
      const panel: any = await this.app.commands.execute(
        'notebook:create-new',
        { cwd: this.notebookFolder() }
      );
      await panel.context.ready;
      const shared = panel.content.model.sharedModel;
      shared.transact(() => {
        shared.getCell(0).setSource(code);
      });
    } catch (error) {
      Notification.error(
        `No notebook could be made: ${(error as Error).message}`,
        { autoClose: false }
      );
    }
  }

  private _open = new Map<string, MainAreaWidget<Widget>>();
}
