/**
 * What the commands do: go to a URL, new folder, upload, rename, copy URL or Python,
 * download to the workspace, details and the Zarr preview. Commands (commands.ts) only
 * register these with their enablement rules (commandRules.ts).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Clipboard,
  Dialog,
  InputDialog,
  MainAreaWidget,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { Widget } from '@lumino/widgets';

import {
  CommandRule,
  ICommandContext,
  rules,
  whyNotName
} from './commandRules';
import { formatDate, formatSize, parentPath } from './format';
import { bucketIcon } from './icons';
import { pythonSnippet } from './snippets';
import { IEntry } from './tokens';
import { parseBucketUrl, rootForUrl, s3Hosts, whyNotOpen } from './urls';
import { BucketPanel } from './widgets/panel';
import { ZarrPreview } from './widgets/zarrPreview';

export type ZarrOpenWith = 'preview' | 'folder';

export class BucketActions {
  constructor(
    private readonly app: JupyterFrontEnd,
    readonly panel: BucketPanel,
    private readonly fileBrowser: IDefaultFileBrowser | null
  ) {
    panel.listing.opened.connect((_, entry) => void this.open(entry));
    panel.listing.renameRequested.connect(() => void this.rename());
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

  /** Open an entry: a folder opens in the panel, a store per the setting, a file's details. */
  async open(entry: IEntry): Promise<void> {
    if (
      entry.type === 'directory' ||
      (entry.type === 'zarr' && this.zarrOpenWith === 'folder')
    ) {
      await this.panel.model.cd(entry.path);
    } else if (entry.type === 'zarr') {
      this.preview(entry);
    } else {
      await this.showDetails(entry);
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
      const entry = await this.panel.model.api.createFolder(
        root!.id,
        `${folder}${name}/`
      );
      await this.panel.model.refresh();
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
        void this.panel.drops.upload(files, { root: root!.id, path: folder });
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
    await this.panel.drops.transfer(
      [{ root: root!.id, path: entry.path }],
      { root: root!.id, path: parent + newName },
      false,
      'move'
    );
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
    await this.panel.drops.transfer(
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
    const body = new Widget();
    body.addClass('jp-LeapBuckets-details');
    const rows: [string, string][] = [
      ['URL', `${root.url}${entry.path}`],
      [
        'Type',
        entry.type === 'zarr'
          ? 'Zarr store'
          : entry.type === 'directory'
            ? 'Folder'
            : 'File'
      ]
    ];
    const render = (extra: [string, string][], status = '') => {
      body.node.textContent = '';
      const table = document.createElement('table');
      for (const [key, value] of [...rows, ...extra]) {
        const tr = document.createElement('tr');
        const th = document.createElement('th');
        th.textContent = key;
        const td = document.createElement('td');
        td.textContent = value;
        tr.append(th, td);
        table.append(tr);
      }
      body.node.append(table);
      if (status) {
        const p = document.createElement('p');
        p.className = 'jp-LeapBuckets-detailsStatus';
        p.textContent = status;
        body.node.append(p);
      }
    };
    render(
      [],
      entry.type === 'file'
        ? 'Reading its metadata…'
        : 'Counting what lies under it…'
    );
    void this.panel.model.api
      .details(root.id, entry.path)
      .then(d => {
        const extra: [string, string][] = [];
        if (d.objects !== undefined) {
          extra.push([
            'Objects',
            `${d.approximate ? 'at least ' : ''}${d.objects.toLocaleString()}`
          ]);
          extra.push([
            'Total size',
            `${d.approximate ? 'at least ' : ''}${formatSize(d.bytes ?? 0)}`
          ]);
          extra.push([
            'Last modified',
            d.modified ? formatDate(d.modified) : '—'
          ]);
        } else {
          const size = d.size ?? 0;
          extra.push([
            'Size',
            size < 1000
              ? `${size} bytes`
              : `${formatSize(size)} (${size.toLocaleString()} bytes)`
          ]);
          extra.push(['Modified', formatDate(d.modified)]);
          extra.push(['Created', formatDate(d.created ?? null)]);
          if (d.md5) {
            extra.push(['MD5', d.md5]);
          }
          if (d.crc32c) {
            extra.push(['CRC32C', d.crc32c]);
          }
          if (d.generation) {
            extra.push(['Generation', d.generation]);
          }
        }
        const expires =
          d.expires ??
          (entry!.type !== 'file'
            ? this.panel.model.folderExpiry(entry!.path)?.expires
            : null);
        if (root.expiryDays !== null) {
          extra.push([
            'Expires',
            expires
              ? `${formatDate(expires)}${d.expiresRule ? ` (${d.expiresRule})` : ''}`
              : '—'
          ]);
        }
        render(extra);
      })
      .catch(error => render([], (error as Error).message));
    await showDialog({
      title: entry.name || root.label,
      body,
      buttons: [Dialog.okButton({ label: 'Close' })]
    });
  }

  /** Open the Zarr preview of a store in the main area (once per store). */
  preview(entry?: IEntry): void {
    if (!entry && this._refuse('preview')) {
      return;
    }
    const root = this.context.root!;
    entry = entry ?? this.context.selection[0];
    const id = `leap-buckets-zarr-${root.id}-${entry.path}`.replace(
      /[^A-Za-z0-9_-]/g,
      '_'
    );
    const open = this._previews.get(id);
    if (open) {
      this.app.shell.activateById(open.id);
      return;
    }
    const content = new ZarrPreview({
      api: this.panel.model.api,
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
    this._previews.set(id, widget);
    widget.disposed.connect(() => this._previews.delete(id));
    this.app.shell.add(widget, 'main');
    this.app.shell.activateById(widget.id);
  }

  /** A new notebook whose first cell holds `code`. */
  async openInNotebook(code: string): Promise<void> {
    try {
      const panel: any = await this.app.commands.execute(
        'notebook:create-new',
        {
          cwd: this.fileBrowser?.model.path ?? ''
        }
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

  private _previews = new Map<string, MainAreaWidget<ZarrPreview>>();
}
