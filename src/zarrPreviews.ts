/**
 * The Zarr previews in the main area: one per store (opening it again shows the open
 * one), each with buttons that copy its Python or put it in a new notebook.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Clipboard, MainAreaWidget, Notification } from '@jupyterlab/apputils';

import { IBucketsApi } from './api';
import { bucketIcon } from './icons';
import { pythonSnippet } from './snippets';
import { IEntry, IRoot } from './tokens';
import { ZarrPreview } from './widgets/zarrPreview';

export class ZarrPreviews {
  constructor(
    private readonly app: JupyterFrontEnd,
    private readonly api: IBucketsApi,
    /** The folder new notebooks go in (the file browser's). */
    private readonly notebookFolder: () => string
  ) {}

  /** Open the preview of the store `entry` of `root`, or show it if it is open. */
  open(root: IRoot, entry: IEntry): void {
    const id = `leap-buckets-zarr-${root.id}-${entry.path}`.replace(
      /[^A-Za-z0-9_-]/g,
      '_'
    );
    const open = this._open.get(id);
    if (open) {
      this.app.shell.activateById(open.id);
      return;
    }
    const content = new ZarrPreview({
      api: this.api,
      root,
      path: entry.path,
      snippet: pythonSnippet(root, entry),
      openInNotebook: code => void this.openInNotebook(code),
      copy: code => {
        Clipboard.copyToSystem(code);
        Notification.info('Copied the Python that opens this store', {
          autoClose: 3000
        });
      }
    });
    const widget = new MainAreaWidget({ content });
    widget.id = id;
    widget.title.icon = bucketIcon;
    widget.title.label = `${entry.name} (Zarr)`;
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

  private _open = new Map<string, MainAreaWidget<ZarrPreview>>();
}
